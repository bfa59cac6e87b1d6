"""503 Service Unavailable, never a 500, when the database (or Redis, the cache) cannot be reached.

A database that is down, restarting or refusing connections surfaces as `django.db.OperationalError` or
`InterfaceError` (a connection refused, a server that closed the connection, "the database system is shutting
down"); a Redis that is down as redis-py's `ConnectionError` / `TimeoutError` (the cache itself fails soft, see
newsroom/cache.py, so this is the guard for any other direct use). That is not a bug in the request and retrying it later works, so the client gets 503
with `Retry-After`: the JSON error shape (`service_unavailable`) under /api/, a short plain-text answer elsewhere.
A broken database connection is closed by Django at the end of the request (`close_old_connections`), so the
next request connects afresh.

Two ways in, so that the error is caught wherever it is raised:
- `process_exception`: the view (and DRF, which re-raises what its exception handler does not answer);
- the `got_request_exception` signal: a middleware inside this one (a session saved on the way out, a lazy user
  loaded by another middleware), whose exception Django has already turned into a 500 by the time it gets here;
  the signal marks the request and `__call__` replaces that 500.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from newsroom.api.errors import error_body

logger = logging.getLogger(__name__)

CODE = "service_unavailable"
RETRY_AFTER_SECONDS = 5  # a PostgreSQL restart or fail-over takes a few seconds
MESSAGE = _("The service is temporarily unavailable. Try again in a few seconds.")


def _unavailable_errors() -> tuple[type[Exception], ...]:
    errors: list[type[Exception]] = [OperationalError, InterfaceError]
    try:
        import redis
    except ImportError:  # pragma: no cover - redis-py comes with the project's dependencies
        return tuple(errors)
    return (*errors, redis.ConnectionError, redis.TimeoutError)


UNAVAILABLE_ERRORS = _unavailable_errors()
_MARK = "_newsroom_unavailable"


def is_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, UNAVAILABLE_ERRORS)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer, in the language the request asks for (LocaleMiddleware may not have run)."""
    with translation.override(translation.get_language_from_request(request)):
        message = str(MESSAGE)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            error_body(CODE, message), status=503, json_dumps_params={"ensure_ascii": False}
        )
    else:
        response = HttpResponse(f"{message}\n", status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)  # neither a browser nor a proxy may keep the outage
    return response


def _log(request: HttpRequest, exc: BaseException) -> None:
    logger.warning(
        "Service unavailable (database or cache unreachable), answered 503: %s %s: %s: %s",
        request.method,
        request.path,
        type(exc).__name__,
        str(exc).strip().splitlines()[0] if str(exc).strip() else "",
    )


class ServiceUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        exc = getattr(request, _MARK, None)
        if exc is not None and response.status_code == 500:
            _log(request, exc)
            return unavailable_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_unavailable(exception):
            return None
        _log(request, exception)
        return unavailable_response(request)


@receiver(got_request_exception, dispatch_uid="newsroom.api.unavailable.mark")
def _mark_unavailable(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Sent while Django handles an exception no view-level handler answered (sys.exc_info() is that one)."""
    exc = sys.exc_info()[1]
    if request is not None and is_unavailable(exc):
        setattr(request, _MARK, exc)
