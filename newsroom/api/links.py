"""Absolute URLs, built one way.

The readers' pages, the feeds, the channels and e-mail put SITE_URL in front of a path, never the Host a request
named (their answers are cached and sent for every host). An API answer describes the host it was asked on: given
the request, the URL is made absolute on the request's scheme and host, as DRF does. A URL that is already
absolute (a storage on another host) is returned as it is.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings


class HasHost(Protocol):
    """A Django HttpRequest or a DRF Request."""

    def build_absolute_uri(self, location: str | None = None) -> str: ...


def origin(request: HasHost | None = None) -> str:
    """`scheme://host[:port]` of absolute URLs: the request's when given, SITE_URL otherwise."""
    return request.build_absolute_uri("/")[:-1] if request is not None else settings.SITE_URL


def absolute(url: str, request: HasHost | None = None) -> str:
    """`url` (a path such as "/news/x/", or an absolute URL) as an absolute URL: on SITE_URL, or on the host of
    `request` when one is given."""
    if url.startswith(("http://", "https://")):
        return url
    if request is not None:
        return request.build_absolute_uri(url)
    return f"{settings.SITE_URL}{url}"
