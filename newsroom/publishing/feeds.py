"""Feeds for readers and their apps: RSS 2.0 and Atom (everything, per category, per author), JSON Feed 1.1 and
the corrections feed (Atom: corrections and retractions as they happen).

Every link points to the HTML article page, SITE_URL/news/<slug>/. An article's GUID / Atom id / JSON Feed id is
SITE_URL/news/<id> (not a permalink: the number never changes, whatever happens to the slug or the text). The
views are wrapped in `caching.public` in web_urls.py; absolute URLs come from SITE_URL, never from the request.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.html import escape
from django.utils.translation import gettext as _

from newsroom.api.errors import error_response
from newsroom.api.links import absolute
from newsroom.api.pagination import BadCursor
from newsroom.api.text import visible
from newsroom.publishing.caching import public
from newsroom.publishing.selectors import FeedFilters, corrections_and_retractions, feed
from newsroom.publishing.views import KEYSET, media_src, summary_of
from submissions.errors import NotFound
from submissions.links import article_id_url, article_url
from submissions.models import Article, Category
from submissions.selectors import public_author

SITE_NAME = "Newsroom"
FEED_SIZE = 50


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def article_categories(article: Article) -> list[str]:
    """The category's name in the reader's language, then the free tags."""
    names = [article.category.name_for(_language())] if article.category else []
    return [visible(name) for name in names + [tag.name for tag in article.tags.all()]]


def author_url(author_id: int) -> str:
    return absolute(reverse("web-author", kwargs={"author_id": author_id}))


class _Feed(Feed):
    """Common to the feeds here: absolute SITE_URL links, the clock's Last-Modified (set by `public`)."""

    url_name = ""

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        # the newest item's date is not the feed's: a correction or retraction changes it too. `public` sets
        # Last-Modified from the publication clock instead, the same on a fresh and on a cached answer.
        if "Last-Modified" in response.headers:
            del response.headers["Last-Modified"]
        return response

    def feed_url(self, obj: Any) -> str:
        return absolute(reverse(self.url_name, kwargs=self.url_kwargs(obj)))

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {}


class _ArticleFeed(_Feed):
    feed_type: type[SyndicationFeed] = Rss201rev2Feed
    item_guid_is_permalink = False

    def title(self, obj: Any) -> str:
        return SITE_NAME

    def link(self, obj: Any) -> str:
        return absolute(reverse("web-home"))

    def description(self, obj: Any) -> str:
        return _("News written by readers and reviewed by the editors.")

    def subtitle(self, obj: Any) -> str:  # Atom
        return self.description(obj)

    def filters(self, obj: Any) -> FeedFilters:
        return FeedFilters()

    def items(self, obj: Any) -> Any:
        return feed(self.filters(obj))[:FEED_SIZE]

    def item_title(self, item: Article) -> str:
        return visible(item.title)

    def item_description(self, item: Article) -> str:
        # RSS description and Atom summary are HTML to a feed reader: the plain-text summary is escaped
        return escape(visible(summary_of(item, words=80)))

    def item_link(self, item: Article) -> str:
        return article_url(item)

    def item_guid(self, item: Article) -> str:
        return article_id_url(item)

    def item_pubdate(self, item: Article) -> Any:
        return item.published_at

    def item_author_name(self, item: Article) -> str:
        return visible(item.author.byline)

    def item_author_link(self, item: Article) -> str:
        return author_url(item.author_id)

    def item_categories(self, item: Article) -> list[str]:
        return article_categories(item)


class LatestRss(_ArticleFeed):
    url_name = "feed-rss"


class LatestAtom(LatestRss):
    feed_type = Atom1Feed
    url_name = "feed-atom"


class CategoryRss(_ArticleFeed):
    url_name = "feed-rss-category"

    def get_object(self, request: HttpRequest, category: str) -> Category:
        return Category.objects.get(slug=category)  # DoesNotExist: 404

    def url_kwargs(self, obj: Category) -> dict[str, Any]:
        return {"category": obj.slug}

    def title(self, obj: Category) -> str:
        return f"{SITE_NAME}: {visible(obj.name_for(_language()))}"

    def link(self, obj: Category) -> str:
        return absolute(reverse("web-category", kwargs={"category": obj.slug}))

    def filters(self, obj: Category) -> FeedFilters:
        return FeedFilters(category=obj.slug)


class CategoryAtom(CategoryRss):
    feed_type = Atom1Feed
    url_name = "feed-atom-category"


class AuthorRss(_ArticleFeed):
    """Only for authors with published work (as their page): anyone else is a 404."""

    url_name = "feed-rss-author"

    def get_object(self, request: HttpRequest, author_id: int) -> Any:
        try:
            return public_author(author_id=author_id)
        except NotFound:
            raise get_user_model().DoesNotExist() from None  # the syndication view answers 404

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"author_id": obj.pk}

    def title(self, obj: Any) -> str:
        return f"{SITE_NAME}: {visible(obj.byline)}"

    def link(self, obj: Any) -> str:
        return author_url(obj.pk)

    def filters(self, obj: Any) -> FeedFilters:
        return FeedFilters(author=obj.pk)


class AuthorAtom(AuthorRss):
    feed_type = Atom1Feed
    url_name = "feed-atom-author"


class CorrectionsAtom(_Feed):
    """Corrections and retractions, newest first, each linking to the article page (where it is shown)."""

    feed_type: type[SyndicationFeed] = Atom1Feed
    url_name = "feed-corrections"
    author_name = SITE_NAME

    def title(self, obj: Any) -> str:
        return f"{SITE_NAME}: {_('Corrections and retractions')}"

    def link(self, obj: Any) -> str:
        return absolute(reverse("web-home"))

    def subtitle(self, obj: Any) -> str:
        return _("Corrections and retractions of published news, as they happen.")

    def author_link(self, obj: Any) -> str:
        return absolute(reverse("web-home"))

    def items(self, obj: Any) -> list[dict]:
        return corrections_and_retractions(FEED_SIZE)

    def item_title(self, item: dict) -> str:
        if item["kind"] == "retraction":
            return _("Retraction: %(title)s") % {"title": visible(item["article"].title)}
        return _("Correction: %(title)s") % {"title": visible(item["article"].title)}

    def item_description(self, item: dict) -> str:
        return escape(item["text"])  # plain text from the editor, HTML to the reader

    def item_link(self, item: dict) -> str:
        return f"{article_url(item['article'])}#{item['id']}"

    def item_guid(self, item: dict) -> str:
        return f"{article_id_url(item['article'])}/{item['id']}"

    def item_pubdate(self, item: dict) -> Any:
        return item["at"]

    def item_updateddate(self, item: dict) -> Any:
        return item["at"]

    def item_categories(self, item: dict) -> list[str]:
        return [item["kind"]]


# --- JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) ---------------------------------------------------


def json_item(article: Article) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": article_id_url(article),
        "url": article_url(article),
        "title": visible(article.title),
        "content_html": article.body_html,
        "summary": visible(summary_of(article, words=80)),
        "date_published": article.published_at.isoformat() if article.published_at else None,
        "authors": [{"name": visible(article.author.byline), "url": author_url(article.author_id)}],
        "tags": article_categories(article),
        "language": article.language,
    }
    if article.cover:
        item["image"] = media_src(article.cover)
    return {k: v for k, v in item.items() if v not in (None, "", [])}


@public
def json_feed(request: HttpRequest) -> HttpResponse:
    """Newest first, FEED_SIZE a page; `next_url` continues with a keyset cursor (`?before=`)."""
    try:
        articles, next_cursor = KEYSET.page(feed(), request.GET.get("before"), FEED_SIZE)
    except BadCursor as exc:  # a 400 in the API's error envelope: this feed is JSON too
        return error_response(exc.code, exc.message, exc.status)
    feed_url = absolute(reverse("feed-json"))
    data: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": SITE_NAME,
        "home_page_url": absolute(reverse("web-home")),
        "feed_url": feed_url,
        "description": _("News written by readers and reviewed by the editors."),
        "language": _language(),
        "authors": [{"name": SITE_NAME, "url": absolute(reverse("web-home"))}],
        "items": [json_item(a) for a in articles],
    }
    if next_cursor:
        from urllib.parse import urlencode

        data["next_url"] = f"{feed_url}?{urlencode({'before': next_cursor})}"
    return JsonResponse(
        data,
        content_type="application/feed+json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
