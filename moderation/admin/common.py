"""What the admin's rooms share: who may moderate, the request's language, a bulk move through the workflow and a
yes/no list filter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from newsroom.api.errors import ApplicationError
from submissions import policy

# the admin's own stylesheet (no inline styles: the site runs under a strict CSP)
DESK_CSS = "moderation/desk.css"


def can_moderate(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and user.has_perm(policy.MODERATE))


def request_lang() -> str:
    """The request's language for texts stored in both (ru unless the admin is used in English)."""
    return "en" if (translation.get_language() or "ru").startswith("en") else "ru"


def apply(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    move: Callable[[int], Any],
    *,
    label: str = "title",
) -> None:
    """Runs `move` (one workflow call) for each selected row; a refusal becomes an error message for that row,
    named by its `label` field, and leaves it unchanged (each call is its own transaction)."""
    done = 0
    for pk, title in queryset.prefetch_related(None).values_list("pk", label):
        try:
            move(pk)
        except ApplicationError as exc:
            modeladmin.message_user(request, f"#{pk} «{title}»: {exc.message}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, _("%(n)d article(s) updated.") % {"n": done}, messages.SUCCESS)


class YesNoFilter(admin.SimpleListFilter):
    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def condition(self) -> Q:
        raise NotImplementedError

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(self.condition())
        if self.value() == "no":
            return queryset.exclude(self.condition())
        return queryset
