"""What the account pages share: a page with the throttle's 429 (the form shown again, with when to try), the API's
throttle counted for a page, and the session's "last seen" kept fresh for the profile's list of sign-ins."""

from __future__ import annotations

import math
import time
from types import SimpleNamespace
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from newsroom.accounts import signin
from newsroom.api.throttles import ScopedThrottle

# when this session's "last seen" was last written (epoch seconds), and how often it is written at most
SEEN_KEY = "accounts.seen"
SEEN_EVERY = 300


def throttle_wait(request: HttpRequest, scope: str) -> int | None:
    """The API's throttle for `scope` (same rate, same counter): None when the request may go on (it is counted),
    otherwise the seconds to wait."""
    throttle = ScopedThrottle()
    if throttle.allow_request(request, SimpleNamespace(throttle_scope=scope)):  # type: ignore[arg-type]
        return None
    return max(1, math.ceil(throttle.wait() or 1))


def page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    wait: int | None = None,
) -> HttpResponse:
    """A page; with `wait`, the 429 of a throttled request (the form shown again, with when to try)."""
    if wait is not None:
        context["throttled"] = ngettext(
            "Too many attempts from your connection. Try again in %(seconds)d second.",
            "Too many attempts from your connection. Try again in %(seconds)d seconds.",
            wait,
        ) % {"seconds": wait}
        status = 429
    response = render(request, template, context, status=status)
    if wait is not None:
        response["Retry-After"] = str(wait)
    return response


def mark_seen(request: HttpRequest) -> None:
    key = request.session.session_key
    if not key or not request.user.is_authenticated:
        return
    now = int(time.time())
    if now - int(request.session.get(SEEN_KEY, 0)) >= SEEN_EVERY:
        signin.web_session_seen(user=request.user, session_key=key)  # type: ignore[arg-type]
        request.session[SEEN_KEY] = now
