"""Pieces the admin pages of every app share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import Any

from django.core.exceptions import BadRequest, FieldDoesNotExist, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext


class ReadOnly:
    """For a ModelAdmin or an inline that shows records and never changes them (audit trails, logs,
    declarations made elsewhere): nothing can be added, changed or deleted through it."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeskPhrases:
    """For a ModelAdmin: titles and counts in grammatical Russian. Django builds them by gluing the model's name in
    the nominative to a verb or a number ("Add %s" -> «Добавить статья», "8 статьи"); Russian needs the noun's
    accusative after the verb and the plural form the number asks for. Each ModelAdmin names them:

        accusative = pgettext_lazy("accusative", "article")  # «статью»
        counted = ngettext_lazy("%(count)s article", "%(count)s articles", "count")  # 1 статья, 5 статей

    The list's title is the plural name («Статьи»); the add, change and view pages are titled «Добавить статью»,
    «Изменить статью» (the object under it, as Django does), «Просмотреть статью». The changelist carries the
    phrases the project's admin templates print (newsroom/templates/admin/): `counted_text` (the paginator's
    count), `select_all_text` (the actions bar) and `add_text` (the add button)."""

    accusative: Any = None
    counted: Any = None

    def _thing(self) -> str:
        return str(self.accusative if self.accusative is not None else self.model._meta.verbose_name)  # type: ignore[attr-defined]

    def count_text(self, count: int) -> str:
        if self.counted is None:
            return gettext("Total: %(count)s") % {"count": count}
        return str(self.counted % {"count": count})

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        cl = super().get_changelist_instance(request)  # type: ignore[misc]
        cl.counted_text = self.count_text(cl.result_count)
        cl.select_all_text = gettext("Select all: %(things)s") % {"things": cl.counted_text}
        cl.add_text = gettext("Add %(thing)s") % {"thing": self._thing()}
        return cl

    def _titled(self, response: Any, title: str) -> Any:
        if (
            isinstance(response, TemplateResponse)
            and response.context_data is not None
            and not response.is_rendered
        ):
            response.context_data["title"] = title
        return response

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        return self._titled(response, capfirst(self.model._meta.verbose_name_plural))  # type: ignore[attr-defined]

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if add:
            verb = gettext("Add %(thing)s")
        elif self.has_change_permission(request, obj):  # type: ignore[attr-defined]
            verb = gettext("Change %(thing)s")
        else:
            verb = gettext("View %(thing)s")
        context["title"] = verb % {"thing": self._thing()}
        return super().render_change_form(request, context, add, change, form_url, obj)  # type: ignore[misc]

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        response = super().delete_view(request, object_id, extra_context)  # type: ignore[misc]
        context = getattr(response, "context_data", None) or {}
        if context.get("perms_lacking") or context.get("protected"):
            return self._titled(response, gettext("Cannot delete %(thing)s") % {"thing": self._thing()})
        return response


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
