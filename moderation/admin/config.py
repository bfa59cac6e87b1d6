"""Configuration: categories, the rejection taxonomy, review stages, declared conflicts, and the check results."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from moderation.admin.common import YesNoFilter
from moderation.models import CheckResult
from newsroom.adminkit import ReadOnly
from submissions.models import Category, ConflictDeclaration, RejectionReason, ReviewStage


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_ru", "name_en", "sla_hours", "position", "is_active"]
    list_editable = ["sla_hours", "position", "is_active"]


class _CodedConfigAdmin(admin.ModelAdmin):
    """Codes are recorded in audit events and referenced by code: fixed once created; deactivate, never delete."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RejectionReason)
class RejectionReasonAdmin(_CodedConfigAdmin):
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
class ConflictDeclarationAdmin(ReadOnly, admin.ModelAdmin):
    """Editors declare and withdraw their conflicts through the API; here chief editors only look."""

    list_display = ["editor", "author", "category", "tag", "reason", "created_at", "withdrawn_at"]
    list_filter = [WithdrawnFilter]
    list_select_related = ["editor", "author", "category", "tag"]
    search_fields = ["editor__display_name", "editor__email", "reason"]


@admin.register(CheckResult)
class CheckResultAdmin(admin.ModelAdmin):
    list_display = ["revision", "check_name", "outcome", "score", "finished_at"]
    list_filter = ["check_name", "outcome"]
    list_select_related = ["revision"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
