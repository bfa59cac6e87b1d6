"""What every page of "My articles" and the editor shares: who may open them, the author's own article, and the
API's throttles applied to the pages' writes."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import resolve_url

from newsroom.accounts.actors import signed_in
from newsroom.accounts.models import User
from newsroom.api.throttles import ScopedThrottle
from submissions.errors import NotFound
from submissions.models import Article
from submissions.selectors import article_get_for_actor

CONTRIBUTE = "submissions.add_article"  # the API's IsContributor


def contributor_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in (else the sign-in page, with `next` back to the page) and a contributor, as the API's
    IsContributor (else 403). An htmx request of a page whose session ended is sent there with HX-Redirect, so
    that the sign-in page replaces the page rather than landing inside one of its parts."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            htmx = getattr(request, "htmx", None)
            page = (htmx.current_url_abs_path if htmx else None) or request.get_full_path()
            response = redirect_to_login(page, resolve_url(settings.LOGIN_URL))
            if htmx:
                return HttpResponse(status=204, headers={"HX-Redirect": response["Location"]})
            return response
        if not user.has_perm(CONTRIBUTE):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def author(request: HttpRequest) -> User:
    return signed_in(request)


def own_article(request: HttpRequest, article_id: int, *, lock: bool = False) -> Article:
    """The signed-in author's article, through the one selector every reader uses: anyone else's is a 404 (a
    draft's existence is private), as in the API."""
    try:
        return article_get_for_actor(actor=author(request), article_id=article_id, lock=lock)
    except NotFound as exc:
        raise Http404 from exc


class _Scope:
    def __init__(self, scope: str) -> None:
        self.throttle_scope = scope


def throttle_wait(request: HttpRequest, *scopes: str) -> int | None:
    """Counts one write against each of the API's throttle `scopes` (the same rates and the same counters as the
    API: `article_write`, `upload`, `media_upload`, `verify`); the seconds to wait if one of them is spent."""
    for scope in scopes:
        throttle = ScopedThrottle()
        if not throttle.allow_request(request, _Scope(scope)):  # type: ignore[arg-type]
            return max(1, math.ceil(throttle.wait() or 1))
    return None
