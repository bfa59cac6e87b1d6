from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
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


# --- times ------------------------------------------------------------------------------------------------------


def utc_datetime(text: str, *, naive: tzinfo | None = UTC) -> datetime:
    """An ISO 8601 date and time as an aware datetime in UTC. A naive time is read in `naive` (UTC unless told;
    None: a naive time is refused). ValueError for anything else: not a date and time, a day or hour that does
    not exist, or a time that leaves datetime's range once in UTC (`9999-12-31T23:59:59-23:59`, `0001-01-01T00:00
    +05:00`). In UTC because PostgreSQL refuses the offsets beyond ±15:59 that ISO 8601 text may still carry, and
    SQLite converts every time it is given (an OverflowError, a 500, at the range's edges)."""
    try:
        parsed = parse_datetime(text)
        if parsed is None:
            raise ValueError(text)
        if parsed.tzinfo is None:
            if naive is None:
                raise ValueError(text)
            parsed = parsed.replace(tzinfo=naive)
        return parsed.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError(text) from exc


def query_datetime(request: Request, name: str) -> datetime | None:
    """A date-and-time query parameter (ISO 8601; naive: UTC) in UTC, or None when absent or empty; a 400 naming
    the parameter otherwise — never an overflow in the database."""
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        return utc_datetime(value)
    except ValueError:
        raise ValidationError({name: [_("Use an ISO 8601 date and time.")]}, code="invalid") from None


class InRangeDateTimeField(serializers.DateTimeField):
    """DRF's DateTimeField for request bodies, plus: a time that leaves datetime's range in the current time zone
    or in UTC (`0001-01-01T00:00:00` read in Europe/Moscow, `9999-12-31T23:59:59-23:59`) is a 400 `overflow` naming
    the field, not an OverflowError (a 500) in DRF's own checks or in the database."""

    def to_internal_value(self, value: Any) -> datetime:
        try:
            parsed: datetime = super().to_internal_value(value)
            parsed.astimezone(UTC)  # what the database will be given
        except OverflowError:
            self.fail("overflow")
        return parsed


# --- paging ----------------------------------------------------------------------------------------------------

# the paging parameters of every list, and the least value each takes
PAGING_PARAMETERS = {"page_size": 1, "limit": 1, "offset": 0}


def paging_errors(params: Mapping[str, str]) -> dict[str, list[Any]]:
    """What is wrong with the paging parameters in `params` (a query string), by name; empty when nothing is.
    `page_size` and `limit` are whole numbers of 1 or more, `offset` of 0 or more, in ASCII digits and at most
    MAX_ID: `-5`, `0`, `abc`, `1e3`, `٣` are refused, not replaced by a default."""
    errors: dict[str, list[Any]] = {}
    for name, least in PAGING_PARAMETERS.items():
        value = params.get(name)
        if value in (None, ""):  # absent or empty: the list's default
            continue
        if not (value.isascii() and value.isdigit()) or int(value) > MAX_ID or int(value) < least:
            errors[name] = [
                _("A whole number of 1 or more is required.")
                if least
                else _("A whole number of zero or more is required.")
            ]
    return errors


def check_paging(request: Request) -> None:
    """A 400 naming every unreadable paging parameter of the request (see `paging_errors`)."""
    errors = paging_errors(request.query_params)
    if errors:
        raise ValidationError(errors, code="invalid")


class IdConverter:
    """`<id:name>` in URL patterns: an object id, 1 to 18 ASCII digits. Longer numbers do not match (404), so no
    lookup ever overflows the database's integer."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
