"""The feeds: RSS 2.0 and Atom (everything, per category, per author), JSON Feed 1.1, corrections; each parsed
back; conditional GET and invalidation."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, cast

import feedparser
import pytest

from newsroom.accounts.models import User
from newsroom.accounts.roles import CHIEF_EDITOR
from newsroom.publishing import feeds
from submissions import workflow
from submissions.models import Article, Category, Media, Tag
from submissions.states import Status
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import submit_and_approve

pytestmark = pytest.mark.django_db

SITE = "http://news.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings: Any) -> None:
    settings.SITE_URL = SITE


@pytest.fixture
def publish(editor: Any) -> Any:
    """publish(author=..., tags=[...], **fields) -> a published article, through the workflow."""

    def make(author: Any = None, tags: list[str] | None = None, **kw: Any) -> Article:
        author = author or UserFactory(trust_level=3)
        kw.setdefault("body_html", "<p>Текст новости.</p>")
        article = cast(Article, ArticleFactory(author=author, **kw))
        if tags:
            article.tags.set([Tag.objects.get_or_create(name=t)[0] for t in tags])
        article = submit_and_approve(article, editor)
        assert article.status == Status.PUBLISHED
        return article

    return make


def parse(response: Any) -> Any:
    assert response.status_code == 200, response.content[:300]
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def page_url(article: Article) -> str:
    return f"{SITE}/news/{article.slug}/"


@pytest.mark.parametrize(
    ("url", "version", "content_type"),
    [
        ("/feed/rss/", "rss20", "application/rss+xml"),
        ("/feed/atom/", "atom10", "application/atom+xml"),
    ],
)
def test_site_feeds_parse_back_with_links_to_the_article_pages(
    client, publish, draft, url, version, content_type
):
    older = publish(title="Новый мост откроют в декабре", tags=["мосты"])
    newer = publish(title="В библиотеке открыли читальный зал", category=Category.objects.get(slug="culture"))
    response = client.get(url)
    assert response["Content-Type"].startswith(content_type)
    parsed = parse(response)
    assert parsed.version == version
    assert parsed.feed.title == "Newsroom"
    assert parsed.feed.link == f"{SITE}/"
    assert [e.title for e in parsed.entries] == [newer.title, older.title]  # drafts never
    assert [e.link for e in parsed.entries] == [page_url(newer), page_url(older)]
    assert [e.id for e in parsed.entries] == [f"{SITE}/news/{newer.pk}", f"{SITE}/news/{older.pk}"]
    assert [t.term for t in parsed.entries[1].tags] == ["Город", "мосты"]
    assert [t.term for t in parsed.entries[0].tags] == ["Культура"]
    assert parsed.entries[1].author == older.author.byline
    assert parsed.entries[1].summary == older.lead
    assert parsed.entries[1].published_parsed is not None


def test_the_guid_stays_when_the_article_is_corrected(client, publish, editor, commit):
    article = publish(title="Новый мост откроют в декабре")
    before = parse(client.get("/feed/rss/")).entries[0].id
    with commit():
        workflow.article_correct(actor=editor, article_id=article.pk, text="Мост откроют в январе.")
    assert parse(client.get("/feed/rss/")).entries[0].id == before
    assert parse(client.get("/feed/rss/")).entries[0].guidislink is False


def test_feeds_speak_the_readers_language(client, publish):
    publish(title="Новый мост откроют в декабре")
    parsed = parse(client.get("/feed/rss/", HTTP_ACCEPT_LANGUAGE="en"))
    assert parsed.feed.language == "en" and parsed.entries[0].tags[0].term == "City"
    assert parse(client.get("/feed/rss/")).feed.language == "ru"


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_category_feeds(client, publish, kind):
    city = publish(title="Новый мост откроют в декабре")
    sport = publish(title="Футбольный клуб сменил тренера", category=Category.objects.get(slug="sport"))
    parsed = parse(client.get(f"/feed/{kind}/category/sport/"))
    assert parsed.feed.title == "Newsroom: Спорт"
    assert parsed.feed.link == f"{SITE}/category/sport/"
    assert [e.title for e in parsed.entries] == [sport.title]
    assert [e.link for e in parsed.entries] == [page_url(sport)]
    assert city.title not in client.get(f"/feed/{kind}/category/sport/").content.decode()
    assert client.get(f"/feed/{kind}/category/no-such-section/").status_code == 404


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_author_feeds(client, publish, kind):
    mine = publish(title="Новый мост откроют в декабре")
    other = publish(title="Футбольный клуб сменил тренера")
    author = mine.author
    parsed = parse(client.get(f"/feed/{kind}/author/{author.pk}/"))
    assert parsed.feed.title == f"Newsroom: {author.byline}"
    assert parsed.feed.link == f"{SITE}/authors/{author.pk}/"
    assert [e.title for e in parsed.entries] == [mine.title]
    assert other.title not in client.get(f"/feed/{kind}/author/{author.pk}/").content.decode()
    nobody = cast(User, UserFactory())
    assert client.get(f"/feed/{kind}/author/{nobody.pk}/").status_code == 404


def test_atom_self_link_is_on_the_site_url(client, publish):
    publish()
    parsed = parse(client.get("/feed/atom/category/city/"))
    assert {"rel": "self", "href": f"{SITE}/feed/atom/category/city/"}.items() <= next(
        link for link in parsed.feed.links if link.rel == "self"
    ).items()


# --- JSON Feed 1.1 ---------------------------------------------------------------------------------------------


def _rfc3339(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed


def test_json_feed_has_the_required_fields_of_version_1_1(client, publish):
    older = publish(title="Новый мост откроют в декабре", tags=["мосты"])
    newer = publish(title="В библиотеке открыли читальный зал", body_html="<p>Читальный <em>зал</em>.</p>")
    cover = Media.objects.create(
        article=newer, file=f"media/{newer.pk}/c.jpg", format="jpeg", width=800, height=600
    )
    Article.objects.filter(pk=newer.pk).update(cover=cover)
    response = client.get("/feed/json/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/feed+json")
    data = json.loads(response.content)
    # top level: version and title and items are required; home_page_url and feed_url are strongly recommended
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["title"] == "Newsroom"
    assert data["home_page_url"] == f"{SITE}/" and data["feed_url"] == f"{SITE}/feed/json/"
    assert isinstance(data["items"], list) and "next_url" not in data
    assert all(isinstance(a["name"], str) for a in data["authors"])
    # items: a string id and content_html or content_text are required
    for item in data["items"]:
        assert isinstance(item["id"], str)
        assert isinstance(item.get("content_html") or item.get("content_text"), str)
        _rfc3339(item["date_published"])
    first, second = data["items"]
    assert first["id"] == f"{SITE}/news/{newer.pk}" and first["url"] == page_url(newer)
    assert first["title"] == newer.title
    assert first["content_html"] == "<p>Читальный <em>зал</em>.</p>"
    assert first["image"] == f"{SITE}/media/media/{newer.pk}/c.jpg"
    assert first["authors"] == [{"name": newer.author.byline, "url": f"{SITE}/authors/{newer.author_id}/"}]
    assert first["language"] == "ru"
    assert second["tags"] == ["Город", "мосты"] and "image" not in second
    assert _rfc3339(second["date_published"]) == older.published_at
    assert "Новый мост" in response.content.decode()  # readable UTF-8, not \u escapes


def test_json_feed_next_url_walks_every_item_once(client, publish, monkeypatch):
    monkeypatch.setattr(feeds, "FEED_SIZE", 2)
    published = [publish() for _ in range(5)]
    seen, url = [], "/feed/json/"
    while url:
        data = json.loads(client.get(url).content)
        seen += [item["url"] for item in data["items"]]
        url = data.get("next_url", "").removeprefix(SITE)
    assert seen == [page_url(a) for a in reversed(published)]


# --- the corrections feed ------------------------------------------------------------------------------------


def test_corrections_feed_announces_corrections_and_retractions(client, publish, editor, commit):
    chief = UserFactory(role=CHIEF_EDITOR)
    corrected = publish(title="Новый мост откроют в декабре")
    retracted = publish(title="Футбольный клуб сменил тренера")
    assert parse(client.get("/feed/corrections/")).entries == []
    with commit():
        correction = workflow.article_correct(
            actor=editor, article_id=corrected.pk, text="Мост откроют в январе."
        )
    with commit():
        workflow.article_retract(actor=chief, article_id=retracted.pk, reason="Новость не подтвердилась.")
    response = client.get("/feed/corrections/")
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = parse(response)
    assert parsed.version == "atom10"
    retraction, fix = parsed.entries
    assert retraction.title.endswith(retracted.title) and retraction.summary == "Новость не подтвердилась."
    assert retraction.link == f"{page_url(retracted)}#retraction-{retracted.pk}"
    assert [t.term for t in retraction.tags] == ["retraction"]
    assert fix.title.endswith(corrected.title) and fix.summary == "Мост откроют в январе."
    assert fix.link == f"{page_url(corrected)}#correction-{correction.pk}"
    assert fix.id == f"{SITE}/news/{corrected.pk}/correction-{correction.pk}"
    # the links lead to pages that show them
    page = client.get(fix.link.removeprefix(SITE).split("#")[0]).content.decode()
    assert f'id="correction-{correction.pk}"' in page
    page = client.get(retraction.link.removeprefix(SITE).split("#")[0]).content.decode()
    assert f'id="retraction-{retracted.pk}"' in page


# --- conditional GET and the cache ---------------------------------------------------------------------------


def test_rss_304_from_one_query_and_public_cache_control(client, publish, django_assert_max_num_queries):
    publish()
    first = client.get("/feed/rss/")
    assert "public" in first["Cache-Control"] and first["ETag"] and first["Last-Modified"]
    with django_assert_max_num_queries(1):
        again = client.get("/feed/rss/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    with django_assert_max_num_queries(1):
        cached = client.get("/feed/rss/")
    assert cached.content == first.content and cached["Last-Modified"] == first["Last-Modified"]


def test_a_publication_changes_the_rss_etag_and_content(client, publish):
    publish(title="Новый мост откроют в декабре")
    first = client.get("/feed/rss/")
    client.get("/feed/rss/")  # cached now
    newer = publish(title="Футбольный клуб сменил тренера")
    fresh = client.get("/feed/rss/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200 and fresh["ETag"] != first["ETag"]
    assert parse(fresh).entries[0].title == newer.title


def test_a_retraction_removes_the_item_from_the_cached_rss(client, publish, commit):
    chief = UserFactory(role=CHIEF_EDITOR)
    article = publish(title="Новый мост откроют в декабре")
    first = client.get("/feed/rss/")
    with commit():
        workflow.article_retract(actor=chief, article_id=article.pk, reason="Ошибка.")
    fresh = client.get("/feed/rss/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200 and fresh["ETag"] != first["ETag"]
    assert parse(fresh).entries == []


def test_every_feed_is_cacheable(client, publish):
    article = publish()
    for url in (
        "/feed/rss/",
        "/feed/atom/",
        "/feed/rss/category/city/",
        "/feed/atom/category/city/",
        f"/feed/rss/author/{article.author_id}/",
        f"/feed/atom/author/{article.author_id}/",
        "/feed/json/",
        "/feed/corrections/",
    ):
        response = client.get(url)
        assert response.status_code == 200 and "public" in response["Cache-Control"] and response["ETag"], url
        assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304, url
