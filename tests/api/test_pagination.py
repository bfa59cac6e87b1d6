"""The shared pagers and URL builders of newsroom.api: keyset cursors keep the formats clients already hold,
count-free offset pages, absolute URLs on SITE_URL (never on the request's host), and the article's addresses."""

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.test import RequestFactory
from django.urls import reverse

from newsroom.api.links import absolute, absolute_request_uri, on_site, origin
from newsroom.api.pagination import BadCursor, Keyset, Position, count_free_page
from submissions.links import article_api_url, article_id_url, article_url
from submissions.models import Article

PLAIN = Keyset("published_at")
MERGED = Keyset("created_at", kinds=("article", "role"), opaque=True)
AT = datetime(2025, 1, 1, tzinfo=UTC)


def old_audit_cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def test_plain_cursors_read_and_write_the_readers_format():
    moscow = timezone(timedelta(hours=3))
    assert PLAIN.encode(Position(datetime(2025, 1, 1, 3, tzinfo=moscow), 7)) == "2025-01-01T00:00:00+00:00|7"
    assert PLAIN.decode("2025-01-01T03:00:00+03:00|7") == Position(AT, 7)


def test_opaque_cursors_read_and_write_the_audit_format():
    issued = old_audit_cursor("2025-01-01T00:00:00+00:00|role|12")
    assert MERGED.decode(issued) == Position(AT, 12, "role")
    assert MERGED.encode(Position(AT, 12, "role")) == issued


@pytest.mark.parametrize(
    "keyset, cursor",
    [
        (PLAIN, "nonsense"),
        (PLAIN, "|"),
        (PLAIN, "2025-01-01T00:00:00|3"),  # no time zone
        (PLAIN, "2025-01-01T00:00:00+00:00|0"),
        (PLAIN, "2025-01-01T00:00:00+00:00|x"),
        (PLAIN, "2025-01-01T00:00:00+00:00|article|3"),
        (PLAIN, "0001-01-01T00:00:00+05:00|3"),  # before year 1 in UTC
        (MERGED, "garbage"),
        (MERGED, "ы"),
        (MERGED, old_audit_cursor("2025-01-01T00:00:00+00:00|other|3")),
        (MERGED, old_audit_cursor("2025-01-01T00:00:00+00:00|3")),
        (MERGED, base64.urlsafe_b64encode(b"\xff\xfe|").decode()),
    ],
)
def test_unreadable_cursors_are_bad_cursors(keyset, cursor):
    with pytest.raises(BadCursor):
        keyset.decode(cursor)


def test_rows_of_the_same_instant_follow_the_order_of_the_kinds():
    """After an article row, the role rows of the same instant are still to come; after a role row, no article
    row of that instant is."""
    after_article = MERGED.after(Position(AT, 5, "article"), "role")
    after_role = MERGED.after(Position(AT, 5, "role"), "article")
    assert after_article.children == [("created_at__lte", AT)]
    assert after_role.children == [("created_at__lt", AT)]


def test_count_free_pages_ask_for_one_row_more():
    assert count_free_page(list(range(45)), offset=20, limit=20) == (list(range(20, 40)), True)
    assert count_free_page(list(range(40)), offset=20, limit=20) == (list(range(20, 40)), False)


def test_absolute_urls_are_on_site_url_never_on_the_requests_host(settings):
    settings.SITE_URL = "https://news.example.org"
    settings.ALLOWED_HOSTS = ["api.example.org"]
    request = RequestFactory().get("/api/v1/feed/?page_size=2", HTTP_HOST="api.example.org:6666")
    assert absolute("/media/a.jpg") == "https://news.example.org/media/a.jpg"
    assert absolute("https://cdn.example.net/a.jpg") == "https://cdn.example.net/a.jpg"  # another storage's
    assert origin() == "https://news.example.org"
    assert absolute_request_uri(request) == "https://news.example.org/api/v1/feed/?page_size=2"
    # what DRF's paginations build on the request's host, moved to SITE_URL
    assert on_site(request.build_absolute_uri()) == "https://news.example.org/api/v1/feed/?page_size=2"
    assert on_site(None) is None


def test_the_article_addresses(settings):
    settings.SITE_URL = "https://news.example.org"
    article = Article(pk=42, slug="novosti-dnia")
    assert article_url(article) == settings.SITE_URL + reverse("web-article", kwargs={"slug": article.slug})
    assert article_id_url(article) == "https://news.example.org/news/42"
    assert article_api_url("novosti-dnia") == "https://news.example.org/api/v1/feed/novosti-dnia/"
