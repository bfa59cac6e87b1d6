"""[7/8] the feed list is built from .values() rows (serializers.feed_items) instead of FeedItemOutput over model
instances: the JSON must be the same, item for item, for every kind of item, in both languages, with and without
search, on every page."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from newsroom.publishing import selectors
from newsroom.publishing.serializers import FeedItemOutput
from submissions.models import Media
from tests.factories import UserFactory
from tests.publishing.test_feed_api import publish  # noqa: F401  (fixture)

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
