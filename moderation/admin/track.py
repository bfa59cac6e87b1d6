"""The editor track: applications for the junior editor role, judged by their shadow reviews."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from moderation import track
from moderation.admin.common import apply
from moderation.models import EditorApplication, ShadowReview
from newsroom.accounts.actors import signed_in
from newsroom.adminkit import DeskPhrases


def _decide_applications(move: Callable[..., Any], label: Any) -> Callable[..., None]:
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        actor = signed_in(request)
        apply(
            modeladmin,
            request,
            queryset,
            lambda pk: move(actor=actor, application_id=pk),
            label="user__email",
        )

    action.__name__ = move.__name__
    action.short_description = label  # type: ignore[attr-defined]
    action.allowed_permissions = ("decide",)  # type: ignore[attr-defined]
    return action


class ShadowReviewInline(admin.TabularInline):
    """The applicant's verdicts next to the editors' decisions; disagreements first."""

    model = ShadowReview
    extra = 0
    can_delete = False
    ordering = ["score", "-created_at"]
    fields = readonly_fields = (
        "created_at",
        "article",
        "decision",
        "reason_code",
        "editor_decision",
        "editor_reason_code",
        "score",
        "note",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EditorApplication)
class EditorApplicationAdmin(DeskPhrases, admin.ModelAdmin):
    """Chief editors judge editor-track applications by accuracy, volume and recent disagreements."""

    accusative = pgettext_lazy("accusative", "editor-track application")
    counted = ngettext_lazy(
        "%(count)s editor-track application", "%(count)s editor-track applications", "count"
    )

    list_display = ["id", "user", "state", "created_at", "scored", "accuracy", "decision_agreement"]
    list_filter = ["state"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "state",
        "motivation",
        "created_at",
        "decided_by",
        "decided_at",
        "decision_note",
    ]
    inlines = [ShadowReviewInline]
    actions = [
        _decide_applications(track.grant, _("Grant the junior editor role")),
        _decide_applications(track.decline, _("Decline")),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return track.with_reviews(super().get_queryset(request))

    @admin.display(description=_("scored reviews"))
    def scored(self, obj: EditorApplication) -> int:
        return track.stats_for(obj).scored

    @admin.display(description=_("accuracy"))
    def accuracy(self, obj: EditorApplication) -> float | None:
        return track.stats_for(obj).accuracy

    @admin.display(description=_("decision agreement"))
    def decision_agreement(self, obj: EditorApplication) -> float | None:
        return track.stats_for(obj).decision_agreement

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(track.DECIDE)  # type: ignore[union-attr]
