"""The guests' front cache: a public answer replayed whole — status, headers, body — before the rest of the stack.

`caching.public` decides what is public and shareable: a guest's GET of a public view (the feed API, the feeds,
the reader's pages). This middleware, right after the security and CSP middleware (which still see every request
and set their headers on every answer), keeps such an answer exactly as it left the stack — the language and
caching headers included — under the request's variant (path, query, reader's
language: `caching.variant`) with the publication stamp it was made for. A later guest asking for the same
variant gets it back after one primary-key read of the publication clock and one cache read, without sessions,
locale negotiation, URL resolution, the view or its queries; a stale stamp (something was published or
corrected since) is a miss. A conditional GET is answered 304 from the same entry, by Django's own rules
(`get_conditional_response`: If-None-Match, If-Modified-Since).

What is never replayed: anything but GET; a request carrying a session cookie (a member, or someone signing
in: their pages name them); an answer that sets a cookie, is streamed, is not a 200, or was not made by a
public view for a guest. The database or the cache being unavailable here is a miss: the request goes on
through the stack, which answers it or says 503.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response

from newsroom.publishing import caching


class FrontCache:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return self.get_response(request)
        request.get_host()  # a Host not in ALLOWED_HOSTS is refused (400) here as it would be further in
        key = f"front:{caching.variant(request)}"
        entry = cache.get(key)
        if entry is not None:
            try:
                stamp = caching.stamp(request)
            except DatabaseError:
                stamp = None
            if entry["stamp"] == stamp:
                return self._replay(request, entry)
        request.front_cache = True  # type: ignore[attr-defined]  # caching.public leaves its own cache to us
        response = self.get_response(request)
        if (
            getattr(request, caching.FRONT_MARK, False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
        ):
            headers = [(name, value) for name, value in response.items() if name.lower() != "set-cookie"]
            cache.set(
                key,
                {"stamp": caching.stamp(request), "headers": headers, "content": response.content},
                settings.PUBLIC_CACHE_SECONDS,
            )
        return response

    @staticmethod
    def _replay(request: HttpRequest, entry: dict[str, Any]) -> HttpResponse:
        response = HttpResponse(entry["content"])
        for name, value in entry["headers"]:
            response[name] = value
        conditional = get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=caching.last_modified_of(request),
            response=response,
        )
        return conditional or response
