"""[7/8] the feed list is built from .values() rows (serializers.feed_items) instead of FeedItemOutput over model
instances: the JSON must be the same, item for item, for every kind of item, in both languages, with and without
search, on every page."""

from __future__ import annotations

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from newsroom.publishing import listing, selectors
from newsroom.publishing.search import index_article_id
from newsroom.publishing.serializers import FeedItemOutput
from submissions.models import Article, Media
from tests.factories import UserFactory
from tests.publishing.test_feed_api import publish  # noqa: F401  (fixture)
from tests.services import require_postgres

pytestmark = pytest.mark.django_db


def _cover(article, *, sizes):
    media = Media.objects.create(
        article=article,
        file=f"media/{article.pk}/0a1b2c3d4e5f.jpg",
        format="jpeg",
        width=1600,
        height=900,
        bytes=123_456,
        caption="Подпись «в кавычках» & <теги>",
        credit="Фото: автор",
        sizes=sizes,
    )
    article.cover = media
    article.save(update_fields=["cover"])


@pytest.fixture
def varied(publish):  # noqa: F811
    plain = publish(title="Жители района просят отремонтировать мост", tags=["мост", "жкх", "город"])
    publish(author=UserFactory(pen_name="Наблюдатель"), title="Мост закрыт на ремонт", tags=[])
    gone = UserFactory()
    publish(author=gone, title="Ремонт моста начнётся весной", language="ru")
    gone.deleted_at = timezone.now()
    gone.save(update_fields=["deleted_at"])
    english = publish(title="Bridge repairs start in spring", language="en", tags=["transport"])
    _cover(
        plain,
        sizes={
            "1200": {
                "name": f"media/{plain.pk}/0a1b2c3d4e5f-1200.webp",
                "width": 1200,
                "height": 675,
                "bytes": 9,
            },
            "480": {
                "name": f"media/{plain.pk}/0a1b2c3d4e5f-480.webp",
                "width": 480,
                "height": 270,
                "bytes": 3,
            },
        },
    )
    _cover(english, sizes={})


def _expected(path, lang, filters):
    request = Request(APIRequestFactory().get(path, HTTP_ACCEPT_LANGUAGE=lang))
    with translation.override(lang):
        data = FeedItemOutput(
            list(selectors.feed(filters)[:20]), many=True, context={"request": request}
        ).data
        return json.loads(JSONRenderer().render(data))


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("q", [None, "мост"])
def test_the_fast_feed_list_is_the_serializers_output(api, varied, lang, q):
    path = "/api/v1/feed/" + (f"?q={q}" if q else "")
    got = api(lang=lang).get(path)
    assert got.status_code == 200, got.content
    results = got.json()["results"]
    assert len(results) == (3 if q else 4)
    assert results == _expected(path, lang, selectors.FeedFilters(q=q))
    kinds = {(bool(item["cover"]), bool(item["tags"])) for item in results}
    assert (True, True) in kinds and (False, False) in kinds  # the cases the comparison must cover


def test_pages_follow_the_same_order(api, publish):  # noqa: F811
    for n in range(5):
        publish(title=f"Новость номер {n}")
    client = api()
    seen, url = [], "/api/v1/feed/?page_size=2"
    while url:
        body = client.get(url).json()
        seen += [item["slug"] for item in body["results"]]
        url = body["next"]
    assert seen == [a.slug for a in selectors.feed()]
    assert len(seen) == 5


# --- newsroom.publishing.listing: the list answered without DRF, byte for byte DRF's answer ----------------------


def _both(client, path, **headers):
    """The answer of the fast list (listing.page) and FeedApi's own (DRF) to the same request."""
    fast = client.get(path, **headers)
    with mock.patch.object(listing, "page", lambda request: None):
        drf = client.get(path, **headers)
    return fast, drf


def _same(fast, drf):
    assert fast.status_code == drf.status_code
    assert fast.content == drf.content
    for header in ("Content-Type", "Allow", "Vary", "Content-Language", "Cache-Control"):
        assert fast.get(header) == drf.get(header), header


@pytest.fixture
def ties(publish):  # noqa: F811
    """Articles sharing a publication time, where DRF's cursor counts an offset past the position."""
    at = timezone.now().replace(microsecond=0)
    articles = [
        publish(title=f"Новость {n}", tags=["город", "мост"][: n % 3], region="Казань" if n % 2 else "moscow")
        for n in range(9)
    ]
    for n, article in enumerate(articles):
        Article.objects.filter(pk=article.pk).update(published_at=at - timedelta(minutes=n // 3))
        index_article_id(article.pk)
    return articles


def _walk(client, path, link):
    """Every page from `path` following `link` (next or previous), each compared with DRF's answer."""
    pages, url = [], path
    while url:
        fast, drf = _both(client, url)
        _same(fast, drf)
        assert fast.status_code == 200, fast.content
        body = fast.json()
        pages.append([item["slug"] for item in body["results"]])
        url = body[link].split("testserver", 1)[-1] if body[link] else None
        url = url and url[url.index("/api/") :]
        assert len(pages) < 20
    return pages


@pytest.mark.parametrize(
    "query",
    [
        "page_size=2",
        "page_size=4&region=MOSCOW",
        "page_size=2&tag=%20Мост%20",
        "page_size=3&language=ru",
        "page_size=1&category={category}",
    ],
)
def test_cursor_pages_both_ways_are_drfs(api, ties, query):
    client = api()
    query = query.format(category=ties[0].category.slug)
    forward = _walk(client, f"/api/v1/feed/?{query}", "next")
    assert sum(len(page) for page in forward) >= 1
    # from the last page back to the first: DRF's reversed cursors, offsets at equal times included
    last_url = f"/api/v1/feed/?{query}"
    for _ in range(len(forward) - 1):
        last_url = client.get(last_url).json()["next"]
        last_url = last_url[last_url.index("/api/") :]
    # page for page DRF's, even where its offsets at equal times make the way back differ from the way there
    assert _walk(client, last_url, "previous")


def test_author_and_search_pages_are_drfs(api, ties):
    client = api()
    _walk(client, f"/api/v1/feed/?author={ties[0].author_id}", "next")
    _walk(client, "/api/v1/feed/?q=новость&page_size=4", "next")
    _walk(client, "/api/v1/feed/?q=новость&page_size=2&region=казань&tag=город", "next")
    for query in ("q=", "q=%22", "q=и", "page_size=100"):
        _same(*_both(client, f"/api/v1/feed/?{query}"))


@pytest.mark.parametrize(
    "query, status",
    [
        ("page_size=abc", 400),
        ("page_size=0", 400),
        ("author=x", 400),
        ("cursor=zzz", 400),
        ("cursor=bz1zb21lJnA9eA", 400),  # "o=some&p=x": a cursor DRF would read, not one of ours
        ("format=xml", 404),
    ],
)
def test_refusals_are_drfs(api, ties, query, status):
    fast, drf = _both(api(), f"/api/v1/feed/?{query}")
    assert fast.status_code == status
    _same(fast, drf)


def test_other_accept_headers_are_weighed_by_drf(api, ties):
    client = api()
    for accept in ("text/html,application/xhtml+xml,*/*;q=0.8", "application/json; q=0.9", "text/html"):
        fast, drf = _both(client, "/api/v1/feed/?page_size=2", HTTP_ACCEPT=accept)
        _same(fast, drf)


def test_a_page_is_one_statement_compiled_once(api, ties):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    listing._page_statement.cache_clear()
    client = api()
    client.get("/api/v1/feed/?page_size=3&_=1")
    compiled = listing._page_statement.cache_info()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/feed/?page_size=3&_=2").status_code == 200
    assert (
        listing._page_statement.cache_info().hits == compiled.hits + 1
    )  # the same shape: not compiled again
    assert listing._page_statement.cache_info().misses == compiled.misses
    # SQLite: the page's one statement goes through Django's cursor (PostgreSQL's through psycopg's own)
    feed = [q["sql"] for q in queries.captured_queries if "submissions_article" in q["sql"]]
    assert len(feed) == (0 if connection.vendor == "postgresql" else 1), feed


def test_postgresql_prepares_the_page_statement(api, ties):
    from django.db import connection

    require_postgres()
    client = api()
    for n in range(8):
        assert client.get(f"/api/v1/feed/?page_size=3&_={n}").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", ["%tag_names%"]
        )
        prepared = [row[0] for row in cursor.fetchall()]
    assert prepared, "the page statement was never prepared on the server"


def test_the_schema_still_describes_the_feed_list(api):
    """FeedApi.as_view puts the fast list in front of DRF's view: the operation keeps its id and parameters."""
    schema = api().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    operation = schema.json()["paths"]["/api/v1/feed/"]["get"]
    assert operation["operationId"] == "v1_feed_list"
    assert {"category", "tag", "region", "author", "language", "q", "page_size"} <= {
        parameter["name"] for parameter in operation["parameters"]
    }
