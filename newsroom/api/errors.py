"""One error shape for every 4xx: {"error": {"code", "message", "fields"}}.

Domain code raises `ApplicationError` (or a subclass naming its code and status); DRF's own exceptions are mapped
to the same shape here. Messages are lazy translations, rendered in the language LocaleMiddleware chose from
Accept-Language (Russian by default).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


class ApplicationError(Exception):
    """A refusal the client can act on. Subclasses fix `code`, `status` and the default message."""

    code: str = "error"
    status: int = status.HTTP_400_BAD_REQUEST
    default_message: Any = _("The request cannot be carried out.")

    def __init__(self, message: Any = None, *, fields: dict[str, Any] | None = None, **extra: Any) -> None:
        self.message = message if message is not None else self.default_message
        self.fields = fields or {}
        self.extra = extra
        super().__init__(str(self.message))


class InvalidTransition(ApplicationError):
    code = "invalid_transition"
    status = status.HTTP_409_CONFLICT
    default_message = _("This action is not possible in the article's current state.")


class NotAllowed(ApplicationError):
    code = "permission_denied"
    status = status.HTTP_403_FORBIDDEN
    default_message = _("You do not have permission to perform this action.")


class NotFound(ApplicationError):
    code = "not_found"
    status = status.HTTP_404_NOT_FOUND
    default_message = _("Not found.")


class PreconditionRequired(ApplicationError):
    code = "precondition_required"
    status = status.HTTP_428_PRECONDITION_REQUIRED
    default_message = _("Send the ETag you loaded in If-Match, so that nobody's changes are overwritten.")


class PreconditionFailed(ApplicationError):
    code = "precondition_failed"
    status = status.HTTP_412_PRECONDITION_FAILED
    default_message = _("It changed since you loaded it. Merge your changes into the current version.")


class Conflict(ApplicationError):
    code = "conflict"
    status = status.HTTP_409_CONFLICT


# DRF exception class -> our code. Anything unlisted keeps DRF's own default_code.
_DRF_CODES: dict[type[exceptions.APIException], str] = {
    exceptions.ValidationError: "invalid",
    exceptions.ParseError: "malformed_request",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def error_body(code: str, message: Any, fields: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}, **extra}}


def error_response(
    code: str, message: Any, status: int, fields: dict[str, Any] | None = None, **extra: Any
) -> HttpResponse:
    """An error answered outside DRF's views (a middleware, a handler, django-axes) exactly as DRF answers one: the
    same envelope, the same JSON (UTF-8, not \\u-escaped) and the same Content-Type."""
    renderer = JSONRenderer()
    return HttpResponse(
        renderer.render(error_body(code, message, fields, **extra)),
        status=status,
        content_type=renderer.media_type,
    )


def _field_details(detail: Any) -> dict[str, Any]:
    """DRF's nested error details -> {field: [{"code", "message"}, ...]} (nested serializers stay nested)."""
    if isinstance(detail, dict):
        return {str(k): _field_details(v) for k, v in detail.items()}
    if isinstance(detail, list):
        if all(isinstance(item, exceptions.ErrorDetail) for item in detail):
            return [{"code": item.code, "message": str(item)} for item in detail]  # type: ignore[return-value]
        return [_field_details(item) for item in detail]  # type: ignore[return-value]
    if isinstance(detail, exceptions.ErrorDetail):
        return [{"code": detail.code, "message": str(detail)}]  # type: ignore[return-value]
    return detail


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.fields, **exc.extra), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response  # a real server error: let it surface as a 500 and be logged

    code = _DRF_CODES.get(type(exc), exc.default_code)
    detail: Any = exc.detail
    if isinstance(exc, exceptions.ValidationError):
        if isinstance(detail, dict):
            non_field = detail.get("non_field_errors") or []
            fields = _field_details({k: v for k, v in detail.items() if k != "non_field_errors"})
            message: Any = non_field[0] if non_field else _("Some fields are invalid.")
            first_code = getattr(non_field[0], "code", None) if non_field else None
            # DRF's own generic codes ("null": a JSON null body) stay `invalid`; domain codes pass through
            if first_code and first_code not in ("invalid", "null"):
                code = str(first_code)
        else:
            fields = {}
            items = detail if isinstance(detail, list) else [detail]
            message = items[0] if items else _("Invalid input.")
        body = error_body(code, message, fields)
    else:
        message = detail if not isinstance(detail, (list, dict)) else exc.default_detail
        body = error_body(code, message)
        wait = getattr(exc, "wait", None)
        if wait is not None:
            body["error"]["retry_after"] = int(wait)
    response.data = body
    return response
