"""Django's own error answers (no URL matched, a request Django refused before any view) in the API's error
envelope under /api/, and as plain pages elsewhere.

DRF's exception handler covers errors raised inside API views; these cover the rest: a path that matches no
route (`/api/v1/articles/abc/`), a body over DATA_UPLOAD_MAX_MEMORY_SIZE or with too many fields (413, naming
the limit), a disallowed Host (400), and an unhandled error (500, still JSON for API clients). They answer as DRF
does (`error_response`): one envelope, one JSON encoding, one Content-Type for every error.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

from newsroom.api.errors import error_response
from newsroom.api.inputs import paging_errors


def _api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception | None = None, **kwargs: Any) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        # in the reader's language even when a middleware before LocaleMiddleware read the query and failed
        with translation.override(translation.get_language_from_request(request)):
            return _too_large(request, exception)
    if _api(request):
        return error_response("bad_request", _("The request cannot be read."), 400)
    return defaults.bad_request(request, exception)  # type: ignore[arg-type]


def _too_large(request: HttpRequest, exception: Exception) -> HttpResponse:
    """413, saying which limit the request went over: the body's size, or the number of form fields."""
    if isinstance(exception, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        message = _("The request has too many fields: at most %(limit)d are accepted.") % {"limit": limit}
    else:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        message = _("The request body is too large: at most %(size)s is accepted.") % {
            "size": filesizeformat(limit)
        }
    if _api(request):
        return error_response("request_too_large", message, 413, limit=limit)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


def not_found(request: HttpRequest, exception: Exception | None = None, **kwargs: Any) -> HttpResponse:
    if _api(request):
        return error_response("not_found", _("Not found."), 404)
    return defaults.page_not_found(request, exception)  # type: ignore[arg-type]


def permission_denied(
    request: HttpRequest, exception: Exception | None = None, **kwargs: Any
) -> HttpResponse:
    if _api(request):
        return error_response(
            "permission_denied", _("You do not have permission to perform this action."), 403
        )
    return defaults.permission_denied(request, exception)  # type: ignore[arg-type]


def server_error(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if _api(request):
        return error_response("server_error", _("Something went wrong on our side."), 500)
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
                return error_response("malformed_request", message, 400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _handles(view: Any, method: str) -> bool:
    """Whether the view answers `method` with a handler of its own (not DRF's 405)."""
    name = method.lower()
    actions = getattr(view, "actions", None)  # a viewset's route: the methods it was bound to
    if actions is not None:
        return name in actions
    cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
    if cls is None:
        return True  # a function view: assume it does, and refuse the write before it runs
    return name in getattr(cls, "http_method_names", ()) and hasattr(cls, name)


class RefuseUnreadablePaging:
    """On every API route, `page_size`, `limit` and `offset` are read one way (newsroom.api.inputs.paging_errors):
    `-5`, `0`, `abc`, `1e3` or `٣` is a 400 `invalid` naming the parameter, on every list alike — not a default
    page on one list and a 400 on another, so that a new list cannot forget it (the paginators check the same).

    The refusal keeps the order of every other answer: who may ask, and how, comes before what was asked. The view
    runs first, and its own refusal stands (401 without credentials, 403, 404, 405 for a method it has no handler
    for, 429); only an answer that would have succeeded becomes the 400. Reads change nothing, so running them
    costs only the work. A write the view does handle is refused before it runs: it must not take effect under a
    parameter the server cannot read. After LocaleMiddleware: the messages are in the reader's language."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    @staticmethod
    def _errors(request: HttpRequest) -> dict[str, list[Any]]:
        return paging_errors(request.GET) if _api(request) else {}

    @staticmethod
    def _refusal(errors: dict[str, list[Any]]) -> HttpResponse:
        fields = {
            name: [{"code": "invalid", "message": str(message)} for message in messages]
            for name, messages in errors.items()
        }
        return error_response("invalid", _("Some fields are invalid."), 400, fields)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        errors = self._errors(request) if response.status_code < 400 else {}
        return self._refusal(errors) if errors else response

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if request.method in WRITES and _handles(view, request.method):
            errors = self._errors(request)
            if errors:
                return self._refusal(errors)
        return None
