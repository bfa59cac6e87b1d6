"""An article's addresses, built here and nowhere else.

- its page, SITE_URL/news/<slug>/ (the readers' site routes it: "web-article" in newsroom/publishing/web_urls.py);
- its permanent id, SITE_URL/news/<id>: the feeds' GUID, the same whatever happens to the slug or the text;
- its API resource, SITE_URL/api/v1/feed/<slug>/.

All on SITE_URL (newsroom.api.links), never on the Host a request named.
"""

from __future__ import annotations

from newsroom.api.links import absolute
from submissions.models import Article


def article_url(article: Article) -> str:
    """The absolute URL of the article's page (channels, feeds, pages, webhooks)."""
    return absolute(f"/news/{article.slug}/")


def article_id_url(article: Article) -> str:
    """The article's permanent id as a URL (not a permalink: nothing answers there)."""
    return absolute(f"/news/{article.pk}")


def article_api_path(slug: str) -> str:
    return f"/api/v1/feed/{slug}/"


def article_api_url(slug: str) -> str:
    """The article's resource in the public feed API, on SITE_URL."""
    return absolute(article_api_path(slug))
