from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed

from submissions.models import Article
from submissions.selectors import published_articles


class LatestRss(Feed):
    feed_type = Rss201rev2Feed
    title = "Newsroom"
    link = "/"
    description = "Новости, написанные читателями / News written by readers"
    language = "ru"

    def items(self) -> Any:
        return published_articles()[:50]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.lead or item.body[:300]

    def item_link(self, item: Article) -> str:
        return f"{settings.SITE_URL}/api/v1/feed/{item.slug}/"

    def item_guid(self, item: Article) -> str:
        return f"{settings.SITE_URL}/news/{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Article) -> Any:
        return item.published_at

    def item_author_name(self, item: Article) -> str:
        return item.author.byline

    def item_categories(self, item: Article) -> list[str]:
        return [item.category.name_ru] if item.category else []
