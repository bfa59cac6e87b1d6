from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request


def validated(serializer_class: Any, request: Request, **kwargs: Any) -> dict[str, Any]:
    """The request body checked by an input serializer; a 400 in the one error shape if it does not pass."""
    data = serializer_class(data=request.data, **kwargs)
    data.is_valid(raise_exception=True)
    return data.validated_data


# the largest id PostgreSQL's bigint (and SQLite's INTEGER) holds: larger numbers name nothing
MAX_ID = 2**63 - 1


def query_int(request: Request, name: str, *, default: int | None = None) -> int | None:
    """A whole-number query parameter (ASCII digits, at most MAX_ID), or `default` when absent or empty; a 400
    naming the parameter otherwise — never an overflow in the database."""
    value = request.query_params.get(name)
    if value in (None, ""):
        return default
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_ID:
        raise ValidationError({name: [_("A whole number is required.")]}, code="invalid")
    return int(value)


def query_flag(request: Request, name: str) -> bool | None:
    """A yes/no query parameter (1/true/yes, 0/false/no, any case), or None when absent or empty; a 400 naming the
    parameter otherwise."""
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    if value.lower() in ("1", "true", "yes"):
        return True
    if value.lower() in ("0", "false", "no"):
        return False
    raise ValidationError({name: [_("Use true or false.")]}, code="invalid")


class IdConverter:
    """`<id:name>` in URL patterns: an object id, 1 to 18 ASCII digits. Longer numbers do not match (404), so no
    lookup ever overflows the database's integer."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
