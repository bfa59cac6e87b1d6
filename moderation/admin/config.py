"""Configuration: categories, the rejection taxonomy, review stages, declared conflicts, and the check results."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from moderation.admin.common import YesNoFilter
from moderation.check_names import CHECK_NAMES, check_label
from moderation.models import CheckResult
from newsroom.adminkit import DeskPhrases, ReadOnly
from submissions.models import Category, ConflictDeclaration, RejectionReason, ReviewStage


@admin.register(Category)
class CategoryAdmin(DeskPhrases, admin.ModelAdmin):
    accusative = pgettext_lazy("accusative", "category")
    counted = ngettext_lazy("%(count)s category", "%(count)s categories", "count")
    list_display = ["slug", "name_ru", "name_en", "sla_hours", "position", "is_active"]
    list_editable = ["sla_hours", "position", "is_active"]


class _CodedConfigAdmin(DeskPhrases, admin.ModelAdmin):
    """Codes are recorded in audit events and referenced by code: fixed once created; deactivate, never delete."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RejectionReason)
class RejectionReasonAdmin(_CodedConfigAdmin):
    accusative = pgettext_lazy("accusative", "rejection reason")
    counted = ngettext_lazy("%(count)s rejection reason", "%(count)s rejection reasons", "count")
    list_display = ["code", "label_ru", "label_en", "needs_legal_ground", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active", "needs_legal_ground"]
    search_fields = ["code", "label_ru", "label_en"]
    fields = [
        "code",
        "label_ru",
        "label_en",
        "template_ru",
        "template_en",
        "needs_legal_ground",
        "position",
        "is_active",
    ]


@admin.register(ReviewStage)
class ReviewStageAdmin(_CodedConfigAdmin):
    accusative = pgettext_lazy("accusative", "review stage")
    counted = ngettext_lazy("%(count)s review stage", "%(count)s review stages", "count")
    list_display = ["code", "name_ru", "name_en", "separate_person", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    filter_horizontal = ["categories"]
    fields = ["code", "name_ru", "name_en", "categories", "separate_person", "position", "is_active"]


class WithdrawnFilter(YesNoFilter):
    title = _("withdrawn")
    parameter_name = "withdrawn"

    def condition(self) -> Q:
        return Q(withdrawn_at__isnull=False)


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(DeskPhrases, ReadOnly, admin.ModelAdmin):
    """Editors declare and withdraw their conflicts through the API; here chief editors only look."""

    accusative = pgettext_lazy("accusative", "declared conflict of interest")
    counted = ngettext_lazy(
        "%(count)s declared conflict of interest", "%(count)s declared conflicts of interest", "count"
    )

    list_display = ["editor", "author", "category", "tag", "reason", "created_at", "withdrawn_at"]
    list_filter = [WithdrawnFilter]
    list_select_related = ["editor", "author", "category", "tag"]
    search_fields = ["editor__display_name", "editor__email", "reason"]


class CheckNameFilter(admin.SimpleListFilter):
    """The checks by their names in the editor's language, not by their registry codes."""

    title = _("check")
    parameter_name = "check_name"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return sorted(((code, check_label(code)) for code in CHECK_NAMES), key=lambda pair: pair[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(check_name=self.value()) if self.value() else queryset


@admin.register(CheckResult)
class CheckResultAdmin(DeskPhrases, admin.ModelAdmin):
    accusative = pgettext_lazy("accusative", "check result")
    counted = ngettext_lazy("%(count)s check result", "%(count)s check results", "count")
    list_display = ["revision", "check_title", "outcome", "score", "finished_at"]
    list_filter = [CheckNameFilter, "outcome"]
    list_select_related = ["revision"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("check"), ordering="check_name")
    def check_title(self, obj: CheckResult) -> str:
        return check_label(obj.check_name)
