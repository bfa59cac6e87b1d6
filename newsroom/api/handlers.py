"""Django's own error answers (no URL matched, a request Django refused before any view) in the API's error
envelope under /api/, and as plain pages elsewhere.

DRF's exception handler covers errors raised inside API views; these cover the rest: a path that matches no
route (`/api/v1/articles/abc/`), a body over DATA_UPLOAD_MAX_MEMORY_SIZE or with too many fields (413), a
disallowed Host (400), and an unhandled error (500, still JSON for API clients).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from newsroom.api.errors import error_body


def _api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception | None = None, **kwargs: Any) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        body = error_body("request_too_large", _("The request body is too large."))
        if _api(request):
            return JsonResponse(body, status=413)
        return HttpResponse(body["error"]["message"], status=413, content_type="text/plain; charset=utf-8")
    if _api(request):
        return JsonResponse(error_body("bad_request", _("The request cannot be read.")), status=400)
    return defaults.bad_request(request, exception)  # type: ignore[arg-type]


def not_found(request: HttpRequest, exception: Exception | None = None, **kwargs: Any) -> HttpResponse:
    if _api(request):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return defaults.page_not_found(request, exception)  # type: ignore[arg-type]


def server_error(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if _api(request):
        return JsonResponse(error_body("server_error", _("Something went wrong on our side.")), status=500)
    return defaults.server_error(request)


class RefuseNulCharacters:
    """A query string with a NUL character (`?q=%00`) is refused with 400 before any view runs: PostgreSQL text
    cannot hold NUL, so a filter or search carrying one would otherwise end in a DataError (500). Bodies are
    checked by the serializers (DRF refuses NUL in every CharField)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            message = _("The request contains a NUL character.")
            if _api(request):
                return JsonResponse(error_body("malformed_request", message), status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
