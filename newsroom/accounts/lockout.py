"""The answer to a locked-out sign-in (django-axes calls it, for the API and the admin login alike): 429
`locked_out` in the one error envelope, rendered as DRF renders every other error (newsroom.api.errors.
error_response), with Retry-After."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse
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
    response = error_response("locked_out", message, 429, retry_after=seconds)
    response["Retry-After"] = str(seconds)
    return response
