"""The language switch in every page's footer: a plain link (`/language/en/?next=/news/...`), so that it works
without JavaScript and public pages, cached for every guest alike, carry no per-visitor form token. It remembers
the choice in Django's language cookie (and, for a member, in their profile: letters follow it) and goes back to
the page, on this site only."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from newsroom.accounts.models import User

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


@require_GET
def switch_language(request: HttpRequest, code: str) -> HttpResponse:
    if code not in LANGUAGE_CODES:
        raise Http404
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "language", code) != code:
        User.objects.filter(pk=user.pk).update(language=code)
    return response
