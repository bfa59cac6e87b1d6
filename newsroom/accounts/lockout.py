"""The answer to a locked-out sign-in (django-axes calls it, for the API and the admin login alike), 429 with
Retry-After: in the one error envelope for the API, rendered as DRF renders every other error
(newsroom.api.errors.error_response); for the admin's sign-in, a page in the admin's style saying when to try
again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.helpers import get_cool_off
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from newsroom.api.errors import error_response


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    message = _("Too many failed sign-in attempts. Try again in %(minutes)d minutes.") % {
        "minutes": max(1, seconds // 60)
    }
    if request.path.startswith("/admin/"):
        retry_at = formats.date_format(timezone.localtime() + (cool_off or timedelta()), "DATETIME_FORMAT")
        context = {
            **admin.site.each_context(request),
            "title": _("Sign-in locked"),
            "message": message,
            "retry_at": retry_at,
        }
        page = TemplateResponse(request, "admin/locked_out.html", context, status=429)
        page["Retry-After"] = str(seconds)
        return page.render()
    response = error_response("locked_out", message, 429, retry_after=seconds)
    response["Retry-After"] = str(seconds)
    return response
