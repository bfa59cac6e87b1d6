import feedparser
import pytest

from tests.factories import ArticleFactory
from tests.helpers import submit_and_approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish(contributor, editor):
    contributor.trust_level = (
        3  # a trusted author: the daily submission allowance is not what these tests are about
    )
    contributor.save(update_fields=["trust_level"])

    def make(**kw):
        return submit_and_approve(ArticleFactory(author=contributor, **kw), editor)

    return make


def test_feed_shows_only_published_newest_first(api, publish, draft):
    older, newer = publish(title="Первая новость дня"), publish(title="Breaking: second story", language="en")
    items = api().get("/api/v1/feed/").json()["results"]
    assert [i["slug"] for i in items] == [newer.slug, older.slug]
    assert items[1]["category"] == {"slug": "city", "name": "Город"}
    assert api(lang="en").get("/api/v1/feed/").json()["results"][1]["category"]["name"] == "City"


def test_feed_cursor_pagination_walks_every_item_once(api, publish):
    published = [publish() for _ in range(5)]
    seen, url = [], "/api/v1/feed/?page_size=2"
    while url:
        page = api().get(url).json()
        seen += [i["slug"] for i in page["results"]]
        url = page["next"]
    assert seen == [a.slug for a in reversed(published)]


def test_feed_query_count_does_not_grow_with_page_size(api, publish, django_assert_max_num_queries):
    for _ in range(3):
        publish()
    with django_assert_max_num_queries(5) as small:
        api().get("/api/v1/feed/?page_size=1")
    for _ in range(10):
        publish()
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(api().get("/api/v1/feed/?page_size=13").json()["results"]) == 13


def test_article_by_slug_and_unpublished_is_404(api, publish, draft):
    article = publish(title="Фестиваль уличной еды прошёл в парке")
    response = api().get(f"/api/v1/feed/{article.slug}/")
    assert response.status_code == 200
    assert response.json()["body"] == article.body and article.slug == "festival-ulichnoi-edy-proshel-v-parke"
    missing = api().get("/api/v1/feed/nope/")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_rss_parses_back_with_the_published_items(client, publish, draft):
    article = publish(title="Новый мост откроют в декабре")
    response = client.get("/feed/rss/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20"
    assert [e.title for e in feed.entries] == [article.title]
    assert feed.entries[0].link.endswith(f"/news/{article.slug}/")
