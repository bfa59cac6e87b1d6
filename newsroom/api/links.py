"""Absolute URLs, built one way: on SITE_URL, never on the Host a request named.

Every absolute URL the site hands out — API answers (pagination links included), the readers' pages, the feeds,
the channels and e-mail — puts SITE_URL in front of a path. The Host header (and X-Forwarded-*) is chosen by
whoever sends the request, and public answers are cached and sent to every reader: a URL built from it would
let one request point everybody's links at another host or port. A URL that is already absolute (a storage on
another host) is returned as it is.
"""

from __future__ import annotations

from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings


class HasPath(Protocol):
    """A Django HttpRequest or a DRF Request."""

    def get_full_path(self, force_append_slash: bool = False) -> str: ...


def origin() -> str:
    """`scheme://host[:port]` of every absolute URL: SITE_URL."""
    return settings.SITE_URL


def absolute(url: str) -> str:
    """`url` (a path such as "/news/x/", or an absolute URL) as an absolute URL on SITE_URL."""
    if url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL}{url}"


def absolute_request_uri(request: HasPath) -> str:
    """The URL a request asked for (path and query), on SITE_URL: what `request.build_absolute_uri()` gives,
    without the request's Host. For links built from the current URL, such as a list's next page."""
    return absolute(request.get_full_path())


def on_site(url: str | None) -> str | None:
    """An absolute URL built on the request's host (DRF's paginations call `request.build_absolute_uri()`),
    moved to SITE_URL: the same path and query. None stays None (no such page)."""
    if url is None:
        return None
    parts = urlsplit(url)
    return absolute(urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment)))
