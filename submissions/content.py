"""Article text: Markdown rendered to safe HTML, plain text for search and feeds, and normalised free tags.

The HTML policy is one allow-list (ALLOWED_TAGS, ALLOWED_ATTRIBUTES, ALLOWED_URL_SCHEMES) applied by nh3
(Ammonia) to everything that leaves this module as HTML. Markdown is parsed with raw HTML switched off, so
`<b>` in a body is shown as text; the sanitiser is the second, independent wall behind that.

`sanitize_html` is idempotent and its output is a fixed point: sanitising it again changes nothing. That matters
because an HTML parser does not always rebuild the same tree from a serialised tree (a `<pre>`'s leading newline,
text left inside a `<table>` after a disallowed child was stripped): the cleaner runs until the result is stable.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from html import unescape
from types import ModuleType

import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt
from markdown_it import helpers as markdown_helpers
from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import table as table_rule
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "ALLOWED_URL_SCHEMES",
    "LINK_REL",
    "MAX_TAGS",
    "MAX_TAG_LENGTH",
    "count_links",
    "normalize_tag",
    "normalize_tags",
    "plain_text",
    "render_markdown",
    "sanitize_html",
]

# --- the policy ------------------------------------------------------------------------------------------------------

# Article text only. No <img> (pictures come through the media API), no <h1> (the page title is the h1),
# no <div>/<span>, no class/id/style anywhere.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
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
)
# `ol[start]` keeps "3. item" numbered from 3; only digits survive (see _filter_attribute).
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "ol": frozenset({"start"}),
}
ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
# every <a>, with or without href: user-generated, not endorsed, no window.opener
LINK_REL = "nofollow ugc noopener"

# Removed together with their content (the default strips the tag and keeps the text): their content is
# script, style, raw text or a fallback for embedded objects, never article text.
_CLEAN_CONTENT_TAGS: frozenset[str] = frozenset(
    {
        "script",
        "style",
        "template",
        "textarea",
        "title",
        "xmp",
        "noembed",
        "noframes",
        "noscript",
        "iframe",
        "object",
        "embed",
        "applet",
    }
)

MAX_TAG_LENGTH = 40
MAX_TAGS = 10

# --- sanitising ------------------------------------------------------------------------------------------------------

# C0/C1 controls and whitespace, which browsers skip inside a scheme ("java\tscript:")
_URL_JUNK_RE = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Second check behind nh3's own: hrefs must be absolute http(s)/mailto, `start` must be a small number."""
    if attribute == "href":
        match = _SCHEME_RE.match(_URL_JUNK_RE.sub("", unescape(value)))
        if match is None or match.group(1).lower() not in ALLOWED_URL_SCHEMES:
            return None
        return value
    if tag == "ol" and attribute == "start":
        return value if value.isascii() and value.isdigit() and len(value) <= 6 else None
    return value


_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(_CLEAN_CONTENT_TAGS),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_filter_attribute,
    strip_comments=True,
    link_rel=LINK_REL,
    url_schemes=set(ALLOWED_URL_SCHEMES),
    # relative and scheme-relative links ("/x", "//evil.example", "#top") resolve against whatever page or feed
    # reader shows the text: only absolute URLs are kept
    url_relative="deny",
)
_text_cleaner = nh3.Cleaner(tags=set(), clean_content_tags=set(_CLEAN_CONTENT_TAGS), link_rel=None)

# The cleaner's output is serialised by html5ever: text never holds a raw "<" and attribute values are always
# double-quoted without a raw '"', so this splits it into whole tags and text runs.
_TAG_OR_TEXT_RE = re.compile(r'<(?:[^>"]|"[^"]*")*>|[^<]+')
_MAX_PASSES = 6


def _keep_pre_newline(fragment: str) -> str:
    """Serialise a <pre> whose text starts with a newline with one extra newline, as the HTML spec says to.

    A parser drops a newline right after <pre>; without the extra one each round trip would eat one more.
    """
    if "<pre>\n" not in fragment:
        return fragment
    parts = _TAG_OR_TEXT_RE.findall(fragment)
    if "".join(parts) != fragment:  # not the serialiser's shape: leave it to the fixed-point loop
        return fragment
    out: list[str] = []
    previous = ""
    for part in parts:
        if previous == "<pre>" and part.startswith("\n"):
            out.append("\n")
        out.append(part)
        previous = part
    return "".join(out)


def _clean_once(fragment: str) -> str:
    return _keep_pre_newline(_cleaner.clean(fragment))


def sanitize_html(html: str) -> str:
    """Clean an HTML fragment to the article policy. Idempotent: sanitize_html(sanitize_html(x)) == sanitize_html(x)."""
    if not html or html.isspace():
        return ""
    current = _clean_once(html)
    for _attempt in range(_MAX_PASSES):
        again = _clean_once(current)
        if again == current:
            break
        current = again
    else:
        # Never seen in practice: a structure that keeps changing. Keep the text only (text round-trips).
        current = _text_cleaner.clean(current)
    return "" if current.isspace() else current  # whitespace alone is empty, as on the way in


# --- Markdown --------------------------------------------------------------------------------------------------------
#
# Linear work for any input. markdown-it keeps every scan bounded by a constant, but some constants are large enough
# that a 100 KB body of one repeated pattern took seconds, and a 2 KB table header over empty rows filled 65,536 cells
# (a second of work and 600 KB of HTML per 2 KB, again and again through the body). So, without changing the output
# of ordinary articles:
# - inline nesting (a link label inside a link label...) is cut at _INLINE_NESTING levels: each level multiplies the
#   work on runs of `[` / `![`; real text nests two or three (a picture in a link, brackets in a label). Block
#   nesting (quotes, lists) keeps CommonMark's 20: it only ever costs what the text itself spells out;
# - a `[` with no `]` anywhere after it cannot open a label: answered at once instead of scanning the rest;
# - a link destination may nest parentheses _DESTINATION_PARENS deep (CommonMark asks for at least 3; markdown-it
#   allows 32, and `![](` repeated made each destination scan 32 units ahead);
# - a table's cells, header and rows, are bounded by the length of the text (_table_cell_budget): rows past the
#   budget are left as paragraph text instead of being padded out with empty cells.

_BLOCK_NESTING = 20  # the commonmark preset's own limit
_INLINE_NESTING = 4
_DESTINATION_PARENS = 8
_TABLE_CELLS_KEY = "newsroom_table_cells_left"
_LAST_CLOSE_KEY = -1  # StateInline.cache holds positions (>= 0) only: a negative key cannot collide


def _table_cell_budget(text: str) -> int:
    """How many table cells a text may produce: half a cell per character, plus room for a small table."""
    return len(text) // 2 + 256


def _bounded_table(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it's GFM table rule, given only as many body rows as the text's cell budget still allows."""
    if silent or start_line + 2 > end_line:
        return table_rule(state, start_line, end_line, silent)
    left: int = state.env.get(_TABLE_CELLS_KEY, _table_cell_budget(state.src))
    delimiter = state.src[
        state.bMarks[start_line + 1] + state.tShift[start_line + 1] : state.eMarks[start_line + 1]
    ]
    columns = delimiter.count("|") + 1  # at least the table's real column count
    if left < columns:
        return False  # not even the header fits: a paragraph
    rows = (left - columns) // columns
    if not table_rule(state, start_line, min(end_line, start_line + 2 + rows), silent):
        return False
    state.env[_TABLE_CELLS_KEY] = left - columns * (1 + max(state.line - start_line - 2, 0))
    return True


def _parse_link_label(state: StateInline, start: int, disable_nested: bool = False) -> int:
    """markdown-it's parseLinkLabel, answering -1 at once when no `]` follows `start` at all."""
    last_close = state.cache.get(_LAST_CLOSE_KEY)
    if last_close is None:
        last_close = state.cache[_LAST_CLOSE_KEY] = state.src.rfind("]")
    if last_close <= start:
        return -1
    return markdown_helpers.parseLinkLabel(state, start, disable_nested)


class _Destination:
    __slots__ = ("ok", "pos", "str")

    def __init__(self) -> None:
        self.ok = False
        self.pos = 0
        self.str = ""


def _parse_link_destination(string: str, pos: int, maximum: int) -> _Destination:
    """markdown-it's parseLinkDestination with parentheses nested at most _DESTINATION_PARENS deep."""
    result = _Destination()
    if pos < maximum and string[pos] == "<":
        return markdown_helpers.parseLinkDestination(string, pos, maximum)  # type: ignore[return-value]
    start = pos
    level = 0
    while pos < maximum:
        char = string[pos]
        if char <= " " or char == "\x7f":  # space or ASCII control
            break
        if char == "\\" and pos + 1 < maximum:
            if string[pos + 1] == " ":
                break
            pos += 2
            continue
        if char == "(":
            level += 1
            if level > _DESTINATION_PARENS:
                return result
        elif char == ")":
            if level == 0:
                break
            level -= 1
        pos += 1
    if start == pos or level != 0:
        return result
    result.str = unescapeAll(string[start:pos])
    result.pos = pos
    result.ok = True
    return result


def _bounded_helpers() -> ModuleType:
    helpers = ModuleType("submissions.content.markdown_helpers")
    helpers.parseLinkLabel = _parse_link_label  # type: ignore[attr-defined]
    helpers.parseLinkDestination = _parse_link_destination  # type: ignore[attr-defined]
    helpers.parseLinkTitle = markdown_helpers.parseLinkTitle  # type: ignore[attr-defined]
    return helpers


def _clamp_headings(state: StateCore) -> None:
    """`# x` becomes <h2> (the page title is the only h1); h5/h6 become h4."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = int(token.tag[1:])
            token.tag = f"h{min(max(level, 2), 4)}"


def _image_as_alt_text(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """![alt](url) shows its alt text: pictures in an article come through the media API, never by URL."""
    return escapeHtml(self.renderInlineAsText(tokens[idx].children or [], options, env))


def _build_markdown(nesting: int = _BLOCK_NESTING) -> MarkdownIt:
    # CommonMark with raw HTML off: "<b>" in the source is escaped, not passed through
    md = MarkdownIt(
        "commonmark", {"html": False, "linkify": False, "typographer": False, "maxNesting": nesting}
    )
    md.enable(["table", "strikethrough"])
    md.helpers = _bounded_helpers()
    md.block.ruler.at("table", _bounded_table, {"alt": ["paragraph", "reference"]})
    md.core.ruler.at("inline", _shallow_inline)
    md.core.ruler.push("clamp_headings", _clamp_headings)
    md.add_render_rule("image", _image_as_alt_text)
    return md


def _shallow_inline(state: StateCore) -> None:
    """The core `inline` step, parsing every inline run with _inline_markdown (the same rules, shallower nesting)."""
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            _inline_markdown.inline.parse(token.content, _inline_markdown, state.env, token.children)


_markdown = _build_markdown()
_inline_markdown = _build_markdown(_INLINE_NESTING)


def render_markdown(text: str) -> str:
    """Markdown (CommonMark + tables + ~~strikethrough~~) to sanitised HTML; "" for empty input."""
    if not text or text.isspace():
        return ""
    return sanitize_html(_markdown.render(text, {}))


def plain_text(text: str) -> str:
    """Markdown to one line of plain text for search and feeds. Not HTML: escape it wherever HTML is written."""
    rendered = render_markdown(text)
    if not rendered:
        return ""
    return " ".join(unescape(_text_cleaner.clean(rendered)).split())


# --- tags ------------------------------------------------------------------------------------------------------------

_HYPHENS_RE = re.compile(r"-{2,}")


def _tag_char(ch: str) -> str:
    """What one (already NFKC-normalised, casefolded) character becomes in a tag: itself, " ", "-" or ""."""
    if ch.isspace():
        return " "
    if ch == "-" or unicodedata.category(ch) == "Pd":  # any dash or hyphen
        return "-"
    if "0" <= ch <= "9":
        return ch
    if ch.isalpha() and unicodedata.name(ch, "").startswith(("LATIN ", "CYRILLIC ")):
        return ch
    return ""  # punctuation, symbols, emoji, combining marks, letters of other scripts


def normalize_tag(raw: str) -> str:
    """One free tag in its stored spelling: "  #Ёлки-Палки!! " -> "елки-палки"; "" when nothing is left.

    NFKC, casefold, ё -> е; Latin and Cyrillic letters, digits, single spaces and hyphens are kept, everything
    else (a leading "#" included) is dropped; at most MAX_TAG_LENGTH characters.
    """
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", raw).casefold()).replace("ё", "е")
    text = "".join(_tag_char(ch) for ch in text.lstrip().lstrip("#"))
    text = _HYPHENS_RE.sub("-", " ".join(text.split())).strip(" -")
    if not any(ch.isalnum() for ch in text):
        return ""
    return text[:MAX_TAG_LENGTH].rstrip(" -")


def normalize_tags(raws: Iterable[str]) -> list[str]:
    """Normalised tags, duplicates and empty ones dropped, first spelling's order kept; at most MAX_TAGS."""
    tags = list(dict.fromkeys(tag for tag in map(normalize_tag, raws) if tag))
    if len(tags) > MAX_TAGS:
        raise ValidationError(
            _("At most %(max)d tags."),
            code="too_many_tags",
            params={"max": MAX_TAGS},
        )
    return tags


# a link starts with "http(s)://" after a non-word character, or with a "www." that stands alone
_LINK = re.compile(r"(?i)(?:\bhttps?://|(?<![/\w.])www\.)")


def count_links(*texts: str) -> int:
    """Links in the texts, as the trust levels count them (the links check finds the same starts)."""
    return sum(len(_LINK.findall(text)) for text in texts)
