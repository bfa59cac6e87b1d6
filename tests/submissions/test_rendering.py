"""Article text: Markdown to safe HTML (an XSS corpus, idempotence properties), plain text and free tags.

The expected policy is written out here rather than imported from submissions.content, so loosening the
policy there fails these tests instead of quietly moving them along.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from submissions.content import normalize_tag, normalize_tags, plain_text, render_markdown, sanitize_html

# html5lib is not installed in this project: the standard library's parser reads the output. The sanitiser's
# output is plain serialised HTML (quoted attributes, escaped text), which both parsers read the same way.

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "del",
    "s",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "rel"}, "ol": {"start"}}
SAFE_SCHEMES = ("http:", "https:", "mailto:")
REQUIRED_REL = {"nofollow", "ugc", "noopener"}
URL_JUNK = re.compile(r"[\x00-\x20\x7f-\x9f]+")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.other: list[str] = []  # comments, declarations, processing instructions

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_comment(self, data: str) -> None:
        self.other.append(f"comment {data!r}")

    def handle_decl(self, decl: str) -> None:
        self.other.append(f"declaration {decl!r}")

    def handle_pi(self, data: str) -> None:
        self.other.append(f"processing instruction {data!r}")

    def unknown_decl(self, data: str) -> None:
        self.other.append(f"declaration {data!r}")


def assert_not_executable(output: str) -> None:
    """The output, read by an HTML parser, has nothing that runs or navigates anywhere but http(s)/mailto."""
    assert "<script" not in output.lower(), output
    parser = _Collector()
    parser.feed(output)
    parser.close()
    assert parser.other == [], output
    for tag, attrs in parser.elements:
        assert tag in ALLOWED_TAGS, f"<{tag}> in {output!r}"
        names = [name for name, _value in attrs]
        for name in names:
            assert not name.startswith("on"), f"{name} on <{tag}> in {output!r}"
            assert name != "style", output
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()), f"{name} on <{tag}> in {output!r}"
        values = {name: value or "" for name, value in attrs}
        if "href" in values:
            # the parser has already decoded entities; browsers also skip whitespace and controls in a scheme
            href = URL_JUNK.sub("", values["href"]).lower()
            assert href.startswith(SAFE_SCHEMES), f"href {values['href']!r} in {output!r}"
        if tag == "a":
            assert set(values.get("rel", "").split()) >= REQUIRED_REL, output
            assert "target" not in values, output
        if tag == "ol" and "start" in values:
            assert values["start"].isdigit(), output


# --- the XSS corpus --------------------------------------------------------------------------------------------------

XSS_CORPUS = [
    # script in every spelling
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<ScRiPt>alert(String.fromCharCode(88,83,83))</sCrIpT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script/xss src=https://xss.example/x.js></script>",
    "<<script>alert(1);//<</script>",
    "<script>alert(1)",
    '<script type="text/javascript">javascript:alert(1);</script>',
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "\x00<script>alert(1)</script>",
    "<scri\x00pt>alert(1)</scri\x00pt>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<img src=x onerror=alert`1`>",
    "<IMG SRC=# onmouseover=\"alert('xss')\">",
    "<img/src=x/onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    '<p onmouseover="alert(1)">hover</p>',
    "<details open ontoggle=alert(1)>",
    '<input autofocus onfocus="alert(1)">',
    "<video><source onerror=alert(1)></video>",
    '<marquee onstart="alert(1)">x</marquee>',
    '<a href="https://ok.example" ONCLICK=alert(1)>x</a>',
    '<div onclick\x00="alert(1)">x</div>',
    # javascript:, vbscript:, data: URLs, plain and obfuscated
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="javascript&#58;alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href=" &#14;  javascript:alert(1)">x</a>',
    '<a href="java\x00script:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="livescript:alert(1)">x</a>',
    "<a href=javascript:alert(1)>x</a>",
    "<a href=`javascript:alert(1)`>x</a>",
    '<a href="x" target="_blank">x</a>',
    '<a href="//xss.example/">x</a>',
    # Markdown links, images and autolinks
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](javascript:alert(1) 'title')",
    '[x](https://ok.example "a" onclick="alert(1)")',
    '[x](https://ok.example "\\" onmouseover=alert(1) x=\\"")',
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "![x](javascript:alert(1))",
    '![x](https://ok.example/x.png" onerror="alert(1))',
    '![x" onerror="alert(1)](https://ok.example/x.png)',
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "[<img src=x onerror=alert(1)>](https://ok.example)",
    "**<script>alert(1)</script>**",
    "`<script>` and <script>alert(1)</script>",
    # embedded content, forms, styles, meta
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '<math href="javascript:alert(1)">x</math>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<p style="width: expression(alert(1))">x</p>',
    '<div style="background-image: url(javascript:alert(1))">x</div>',
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    '<svg><script xlink:href="data:,alert(1)"></script></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><use href="data:image/svg+xml,<svg id=x onload=alert(1)>#x"/></svg>',
    # attribute breaking, comments, nesting and parser confusion
    '<a href="https://ok.example/" title="x" onmouseover="alert(1)">x</a>',
    '<a title="\'><script>alert(1)</script>">x</a>',
    '<a href="https://ok.example/"\'><img src=x onerror=alert(1)>">x</a>',
    '<img """><script>alert(1)</script>">',
    "<!--<img src=x onerror=alert(1)>-->",
    "<!-- --!><img src=x onerror=alert(1)> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<?xml version=1?><script>alert(1)</script>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<textarea><img src=x onerror=alert(1)></textarea>",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<template><script>alert(1)</script></template>",
    "<select><style></select><img src=x onerror=alert(1)>",
    "<table><caption><a href=javascript:alert(1)>x</a></caption></table>",
    "<a href=https://ok.example><a href=javascript:alert(1)>x</a></a>",
    "<p><a href=https://ok.example><p>unclosed",
    "<h1 onclick=alert(1)>big</h1><h6>small</h6>",
    '<ol start="1 onclick=alert(1)"><li>x</li></ol>',
    '<ol start="javascript:alert(1)"><li>x</li></ol>',
    "<pre>\n\n<code>x</code></pre>",
    '<IMG SRC="jav&#x0D;ascript:alert(1);">',
    '<BGSOUND SRC="javascript:alert(1);">',
    '<TABLE BACKGROUND="javascript:alert(1)">',
    "<DIV STYLE=\"background-image:\\0075\\0072\\006C\\0028'\\006a\\0061\\0076\\0061\\0073\\0063\\0072\\0069\\0070\\0074\\003a\\0061\\006c\\0065\\0072\\0074\\0028.1027\\0058.1053\\0053\\0027\\0029'\\0029\">",
]


def test_the_corpus_is_large_and_distinct() -> None:
    assert len(XSS_CORPUS) >= 60
    assert len(set(XSS_CORPUS)) == len(XSS_CORPUS)


@pytest.mark.parametrize("vector", XSS_CORPUS, ids=[f"xss{i:03d}" for i in range(len(XSS_CORPUS))])
def test_rendered_markdown_is_not_executable(vector: str) -> None:
    output = render_markdown(vector)
    assert_not_executable(output)
    assert sanitize_html(output) == output  # a fixed point: another parse builds the same safe tree


@pytest.mark.parametrize("vector", XSS_CORPUS, ids=[f"xss{i:03d}" for i in range(len(XSS_CORPUS))])
def test_sanitized_html_is_not_executable(vector: str) -> None:
    output = sanitize_html(vector)
    assert_not_executable(output)
    assert sanitize_html(output) == output


@pytest.mark.parametrize(
    "vector",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="jav\tascript:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        '<a href="/relative">x</a>',
        '<a href="//xss.example/">x</a>',
    ],
)
def test_a_bad_or_relative_href_is_dropped_and_the_text_kept(vector: str) -> None:
    assert sanitize_html(vector) == '<a rel="nofollow ugc noopener">x</a>'


def test_a_markdown_javascript_link_stays_text() -> None:
    output = render_markdown("[x](javascript:alert(1))")
    assert "href" not in output
    assert "[x](javascript:alert(1))" in output


def test_allowed_links_get_rel_and_lose_target() -> None:
    assert sanitize_html('<a href="HTTPS://ok.example/?a=1&b=2" target="_blank" title="t">x</a>') == (
        '<a href="HTTPS://ok.example/?a=1&amp;b=2" title="t" rel="nofollow ugc noopener">x</a>'
    )
    assert sanitize_html('<a href="mailto:desk@example.org">x</a>') == (
        '<a href="mailto:desk@example.org" rel="nofollow ugc noopener">x</a>'
    )


def test_script_and_style_go_with_their_content() -> None:
    assert sanitize_html("a<script>alert(1)</script>b<style>p{}</style>c") == "abc"


# --- idempotence -----------------------------------------------------------------------------------------------------

HTML_FRAGMENTS = [
    "<",
    ">",
    "</",
    "/>",
    "=",
    '"',
    "'",
    "`",
    "&",
    "&amp;",
    "&lt;",
    "&#",
    "&#x6A;",
    "&nbsp;",
    "\n",
    "\t",
    "\x00",
    " ",
    "<p>",
    "</p>",
    "<br>",
    "<strong>",
    "<em>",
    "<del>",
    "<pre>",
    "</pre>",
    "<code>",
    "<blockquote>",
    "<h1>",
    "<h2>",
    "<h5>",
    "<ul>",
    "<ol start=3>",
    "<li>",
    "</li>",
    "<table>",
    "</table>",
    "<caption>",
    "<thead>",
    "<tbody>",
    "<tfoot>",
    "<tr>",
    "<td>",
    "<th>",
    "<colgroup>",
    "<a href=",
    '<a href="https://ok.example/">',
    "<a>",
    "</a>",
    "javascript:",
    "https://ok.example/",
    "mailto:a@example.org",
    " title=",
    " target=_blank",
    " onclick=alert(1)",
    " style=color:red",
    "<div>",
    "<span>",
    "<img src=x onerror=alert(1)>",
    "<script>",
    "</script>",
    "<style>",
    "<textarea>",
    "<title>",
    "<noscript>",
    "<template>",
    "<select>",
    "<option>",
    "<form>",
    "<svg>",
    "<math>",
    "<iframe>",
    "<plaintext>",
    "<!--",
    "-->",
    "<!DOCTYPE html>",
    "<![CDATA[",
    "]]>",
    "<?",
    "Привет, мир",
    "ёлки",
]
MARKDOWN_FRAGMENTS = [
    "**",
    "*",
    "_",
    "~~",
    "`",
    "```\n",
    "    ",
    "# ",
    "###### ",
    "> ",
    "- ",
    "1. ",
    "3. ",
    "---\n",
    "\n\n",
    "|",
    "| a | b |\n|---|:-:|\n",
    "[",
    "]",
    "](",
    ")",
    "![",
    "[x](https://ok.example/)",
    "[x](javascript:alert(1))",
    "<https://ok.example/>",
    "<javascript:alert(1)>",
    "[ref]: https://ok.example/\n",
    "\\",
    "  \n",
]

html_like = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(HTML_FRAGMENTS)), max_size=40).map(
    "".join
)
markdown_like = st.lists(
    st.one_of(st.text(max_size=12), st.sampled_from(HTML_FRAGMENTS), st.sampled_from(MARKDOWN_FRAGMENTS)),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(st.text(), html_like))
def test_sanitize_html_is_idempotent(text: str) -> None:
    once = sanitize_html(text)
    assert sanitize_html(once) == once
    assert_not_executable(once)


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(st.text(), markdown_like))
def test_rendered_markdown_is_a_fixed_point_of_the_sanitiser(text: str) -> None:
    rendered = render_markdown(text)
    assert sanitize_html(rendered) == rendered
    assert_not_executable(rendered)


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(st.text(), markdown_like))
def test_plain_text_has_no_tags_and_one_line(text: str) -> None:
    output = plain_text(text)
    assert "\n" not in output
    assert output == output.strip()
    assert "  " not in output


# --- functional ------------------------------------------------------------------------------------------------------


def test_russian_markdown_renders() -> None:
    text = (
        "Сегодня в **Москве** прошёл *митинг*.\n\n"
        "- первый пункт\n"
        "- второй пункт\n\n"
        "1. раз\n"
        "2. два\n\n"
        'Подробнее: [репортаж](http://example.ru/report?id=1&x=2 "Репортаж").\n\n'
        "> цитата\n\n"
        "~~ошибка~~ и `код`"
    )
    assert render_markdown(text) == (
        "<p>Сегодня в <strong>Москве</strong> прошёл <em>митинг</em>.</p>\n"
        "<ul>\n<li>первый пункт</li>\n<li>второй пункт</li>\n</ul>\n"
        "<ol>\n<li>раз</li>\n<li>два</li>\n</ol>\n"
        '<p>Подробнее: <a href="http://example.ru/report?id=1&amp;x=2" title="Репортаж" rel="nofollow ugc noopener">'
        "репортаж</a>.</p>\n"
        "<blockquote>\n<p>цитата</p>\n</blockquote>\n"
        "<p><s>ошибка</s> и <code>код</code></p>\n"
    )


def test_autolinks_and_mailto_render_with_rel() -> None:
    output = render_markdown("<https://example.org/a> и <desk@example.org>")
    assert '<a href="https://example.org/a" rel="nofollow ugc noopener">https://example.org/a</a>' in output
    assert '<a href="mailto:desk@example.org" rel="nofollow ugc noopener">desk@example.org</a>' in output


def test_headings_never_produce_h1() -> None:
    output = render_markdown("# Заголовок\n\nтекст\n\n## Раздел\n\n###### Мелко\n\nЕщё\n===")
    assert "<h1" not in output
    assert "<h2>Заголовок</h2>" in output
    assert "<h2>Раздел</h2>" in output
    assert "<h4>Мелко</h4>" in output
    assert "<h2>Ещё</h2>" in output
    # in HTML the tag is stripped and its text kept
    assert sanitize_html("<h1>Заголовок</h1>") == "Заголовок"


def test_raw_html_in_markdown_is_escaped_not_interpreted() -> None:
    assert render_markdown("<b>x</b>") == "<p>&lt;b&gt;x&lt;/b&gt;</p>\n"
    assert render_markdown("<div onclick=alert(1)>\nблок\n</div>") == (
        "<p>&lt;div onclick=alert(1)&gt;\nблок\n&lt;/div&gt;</p>\n"
    )


def test_tables_render_without_alignment_styles() -> None:
    output = render_markdown("| Город | Люди |\n|:------|-----:|\n| Москва | 13 |\n")
    assert output == (
        "<table>\n<thead>\n<tr>\n<th>Город</th>\n<th>Люди</th>\n</tr>\n</thead>\n"
        "<tbody>\n<tr>\n<td>Москва</td>\n<td>13</td>\n</tr>\n</tbody>\n</table>\n"
    )


def test_images_show_their_alt_text_only() -> None:
    assert render_markdown("Фото: ![пожар на *складе*](https://example.org/p.jpg)") == (
        "<p>Фото: пожар на складе</p>\n"
    )


def test_code_blocks_keep_their_text() -> None:
    output = render_markdown("```python\nif a < b:\n    print('<ok>')\n```")
    assert output == "<pre><code>if a &lt; b:\n    print('&lt;ok&gt;')\n</code></pre>\n"


def test_ordered_list_keeps_its_start() -> None:
    assert render_markdown("3. три\n4. четыре") == '<ol start="3">\n<li>три</li>\n<li>четыре</li>\n</ol>\n'


def test_a_pre_with_leading_newlines_round_trips() -> None:
    once = sanitize_html("<pre>\n\n\nx</pre>")
    assert sanitize_html(once) == once
    assert once == "<pre>\n\n\nx</pre>"


@pytest.mark.parametrize("empty", ["", "   ", "\n\n"])
def test_empty_input_gives_empty_output(empty: str) -> None:
    assert render_markdown(empty) == ""
    assert sanitize_html(empty) == ""
    assert plain_text(empty) == ""


def test_plain_text_strips_formatting() -> None:
    text = (
        "# Заголовок\n\n"
        "**Жирный** и _курсив_, [ссылка](https://example.ru) &amp; `<код>`.\n\n"
        "- пункт один\n- пункт два\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert plain_text(text) == "Заголовок Жирный и курсив, ссылка & <код>. пункт один пункт два a b 1 2"


# --- tags ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  #Москва ", "москва"),
        ("МОСКВА", "москва"),
        ("Ёлки-Палки!!", "елки-палки"),
        ("new   york", "new york"),
        ("a" * 60, "a" * 40),
        ("!!!", ""),
        ("", ""),
        ("   ", ""),
        ("#", ""),
        ("- -", ""),
        ("##Выборы2024", "выборы2024"),
        ("ＣＯＶＩＤ－１９", "covid-19"),  # fullwidth: NFKC
        ("Ростов‑на‑Дону", "ростов-на-дону"),  # non-breaking hyphens
        ("Е\u0308ж", "еж"),  # decomposed Ё
        ("Straße", "strasse"),
        ("Café\tdu  Monde", "café du monde"),
        ("рок--н--ролл", "рок-н-ролл"),
        ("мир 🌍", "мир"),
        ("a" * 39 + " b", "a" * 39),
    ],
)
def test_normalize_tag(raw: str, expected: str) -> None:
    assert normalize_tag(raw) == expected


def test_normalize_tag_is_idempotent_on_examples() -> None:
    for raw in ["  #Москва ", "Ёлки-Палки!!", "new   york", "ＣＯＶＩＤ－１９", "a" * 60]:
        assert normalize_tag(normalize_tag(raw)) == normalize_tag(raw)


@settings(max_examples=300, deadline=None, database=None)
@given(st.text())
def test_normalize_tag_is_idempotent_and_bounded(raw: str) -> None:
    tag = normalize_tag(raw)
    assert len(tag) <= 40
    assert normalize_tag(tag) == tag
    assert tag == tag.strip()
    assert "  " not in tag
    assert "ё" not in tag


def test_normalize_tags_dedupes_keeping_first_order() -> None:
    assert normalize_tags(["Москва", "москва", "#МОСКВА", "", "!!!", "Выборы", " москва "]) == [
        "москва",
        "выборы",
    ]


def test_normalize_tags_allows_ten() -> None:
    assert len(normalize_tags([f"тег {i}" for i in range(10)] + ["ТЕГ 0"])) == 10


def test_normalize_tags_refuses_eleven() -> None:
    with pytest.raises(ValidationError) as excinfo:
        normalize_tags([f"тег {i}" for i in range(11)])
    assert excinfo.value.code == "too_many_tags"
    assert excinfo.value.params == {"max": 10}
    with translation.override("en"):
        assert excinfo.value.messages == ["At most 10 tags."]
