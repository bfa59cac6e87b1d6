"""Pieces the admin pages of every app share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import Any

from django.core.exceptions import BadRequest, FieldDoesNotExist, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class ReadOnly:
    """For a ModelAdmin or an inline that shows records and never changes them (audit trails, logs,
    declarations made elsewhere): nothing can be added, changed or deleted through it."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


_TIME_LOOKUPS = ("", "exact", "gt", "gte", "lt", "lte", "in", "range")


def refuse_times_out_of_range(request: HttpRequest, model: type[models.Model]) -> None:
    """Django's admin takes a filter on any field of the model from the changelist's query (`?due_at__gte=...`):
    a time that leaves datetime's range once in UTC (`9999-12-31T23:59:59-23:59`, a naive `0001-01-01` read in
    Europe/Moscow) would reach the database as an OverflowError, a 500. It is a 400 page instead; a value that is
    no time at all stays Django's to answer (the changelist's "?e=1")."""
    for key, values in request.GET.lists():
        name, _sep, lookup = key.partition("__")
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not isinstance(field, models.DateTimeField) or lookup not in _TIME_LOOKUPS:
            continue
        for value in values:
            for part in value.split(",") if lookup in ("in", "range") else [value]:
                try:
                    parsed = field.to_python(part)
                except ValidationError:
                    continue
                if parsed is None:
                    continue
                try:
                    (parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)).astimezone(UTC)
                except OverflowError:
                    raise BadRequest(f"{key}: the time is out of range") from None


class AdminTimeFilters:
    """Middleware: every admin changelist (any ModelAdmin, of any app) refuses a filter time out of range with a
    400 page (`refuse_times_out_of_range`); the admin's views carry their ModelAdmin as `model_admin`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> None:
        model_admin = getattr(view_func, "model_admin", None)
        if model_admin is not None and request.GET:
            refuse_times_out_of_range(request, model_admin.model)
