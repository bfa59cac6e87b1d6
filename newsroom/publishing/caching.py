"""Conditional GET and the rendered-response cache of everything public (feed API, feeds, HTML pages).

- `public_state()` is one primary-key read of PublicationClock, done before the view: `conditional` answers 304
  from it without running the view. ETags are weak and name the clock's generation plus the request's path,
  query and language; Last-Modified is the clock's `changed_at`.
- `cached_public` keeps the rendered response in the cache (Redis on the real stack) under the same key, so a
  new generation — bumped by `bump()` on publish, approved update, correction and retraction — invalidates
  every cached page at once without deleting anything.
- What a cached answer is sent for must be all that made it: the key is the path, the query and the language,
  and nothing else of the request goes into the answer. Absolute URLs come from SITE_URL (newsroom.api.links),
  never from Host or X-Forwarded-*. The language is the one chosen with the site's switch (Django's language
  cookie) or else Accept-Language: the answer names both in Vary, so shared caches key on them too.
- Only guests share answers. A signed-in member's page names them in its header (newsroom.accounts.context), so
  it is rendered for them alone: no shared cache, no 304 from the public clock, `Cache-Control: private`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import condition

from newsroom.publishing.models import PublicationClock

_NOTHING_YET = 0, datetime(2000, 1, 1, tzinfo=UTC)
_CLOCK_SQL = f"SELECT generation, changed_at FROM {PublicationClock._meta.db_table} WHERE id = 1"  # noqa: S608


def public_state() -> tuple[int, datetime]:
    # one primary-key read per public request: written out, not compiled by the ORM each time
    with connection.cursor() as cursor:
        cursor.execute(_CLOCK_SQL)
        row = cursor.fetchone()
    if row is None:  # nothing published yet
        return _NOTHING_YET
    generation, changed = row
    if isinstance(changed, str):  # SQLite hands back text, in UTC
        changed = parse_datetime(changed) or _NOTHING_YET[1]
    if timezone.is_naive(changed):
        changed = changed.replace(tzinfo=UTC)
    return generation, changed


def bump() -> None:
    """Something public changed: new ETags, new cache keys. Called in the transaction of the change."""
    now = timezone.now()
    updated = PublicationClock.objects.filter(pk=1).update(generation=F("generation") + 1, changed_at=now)
    if not updated:
        PublicationClock.objects.get_or_create(pk=1, defaults={"generation": 1, "changed_at": now})


def reader_language(request: HttpRequest) -> str:
    """The language of a public answer: the one chosen with the site's switch (the language cookie, if it names
    one of ours), else Accept-Language (Django's negotiation). Nothing else of the request. Negotiated once per
    request (the front cache's key, then the view's language)."""
    known: str | None = getattr(request, "_reader_language", None)
    if known is not None:
        return known
    headers_only = HttpRequest()
    headers_only.META = {"HTTP_ACCEPT_LANGUAGE": request.META.get("HTTP_ACCEPT_LANGUAGE", "")}
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in {code for code, _name in settings.LANGUAGES}:
        headers_only.COOKIES = {settings.LANGUAGE_COOKIE_NAME: chosen}
    language = translation.get_language_from_request(headers_only)
    request._reader_language = language  # type: ignore[attr-defined]
    return language


def _member(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def variant(request: HttpRequest) -> str:
    """What a public answer is made of: the path, the query and the reader's language. Computed once per request
    (the front cache's key, then this cache's key and the ETag)."""
    if not hasattr(request, "_public_variant"):
        raw = f"{request.path}?{request.META.get('QUERY_STRING', '')}|{reader_language(request)}"
        request._public_variant = hashlib.blake2b(raw.encode(), digest_size=8).hexdigest()  # type: ignore[attr-defined]
    return request._public_variant  # type: ignore[attr-defined]


def _state(request: HttpRequest) -> tuple[int, datetime]:
    # computed once per request, shared by the ETag, Last-Modified and cache-key functions
    if not hasattr(request, "_public_state"):
        request._public_state = public_state()  # type: ignore[attr-defined]
    return request._public_state  # type: ignore[attr-defined]


def stamp(request: HttpRequest) -> str:
    """The generation and the time it began: unique even if the clock's row is ever restored to an older one."""
    generation, changed = _state(request)
    return f"{generation}.{int(changed.timestamp() * 1000)}"


def _etag(request: HttpRequest, *args: Any, **kwargs: Any) -> str:
    return f"{stamp(request)}-{variant(request)}"


def _last_modified(request: HttpRequest, *args: Any, **kwargs: Any) -> datetime:
    return _state(request)[1]


def last_modified_of(request: HttpRequest) -> int:
    """Last-Modified as get_conditional_response takes it (seconds)."""
    return int(_state(request)[1].timestamp())


FRONT_MARK = "_public_front"


def public(view: Callable[..., Any]) -> Callable[..., Any]:
    """For public GET views: 304 from one cheap query, the rendered response cached per generation, and
    `Cache-Control: public, max-age=...`. Works on plain Django views and on DRF APIView methods' dispatch."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if _member(request):  # their own header: rendered for them alone
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ["Cookie"])
            return response
        setattr(request, FRONT_MARK, True)  # a guest's answer: newsroom.publishing.front may replay it
        # behind the front cache, that cache keeps the whole answer; without it (a HEAD), this one the body
        front = getattr(request, "front_cache", False)
        key = f"public:{stamp(request)}:{variant(request)}"
        cached = None if front else cache.get(key)
        if cached is not None:
            response = HttpResponse(cached["content"], status=cached["status"], content_type=cached["type"])
        else:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if not front and response.status_code == 200 and not getattr(response, "streaming", False):
                cache.set(
                    key,
                    {"content": response.content, "status": 200, "type": response["Content-Type"]},
                    settings.PUBLIC_CACHE_SECONDS,
                )
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_MAX_AGE)
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        return response

    shared = condition(etag_func=_etag, last_modified_func=_last_modified)(wrapped)

    def conditional(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return wrapped(request, *args, **kwargs) if _member(request) else shared(request, *args, **kwargs)

    @wraps(view)
    def in_reader_language(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.method in ("GET", "HEAD"):
            language = reader_language(request)
            translation.activate(language)  # LocaleMiddleware's Content-Language follows
            request.LANGUAGE_CODE = language
        return conditional(request, *args, **kwargs)

    return in_reader_language


def bump_after_commit() -> None:
    """For signal receivers running after commit: bump in its own transaction."""
    with transaction.atomic():
        bump()
