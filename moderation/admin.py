"""Django admin for editors. Decisions go through submissions.workflow, the same functions as the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from moderation import lexicon_admin, track  # noqa: F401  (lexicon_admin registers its admin)
from moderation.models import CheckResult, EditorApplication, ShadowReview
from newsroom.api.errors import ApplicationError
from submissions import workflow
from submissions.models import Article, ArticleEvent, Category
from submissions.states import RejectReason


class EventInline(admin.TabularInline):
    model = ArticleEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "action", "actor", "from_status", "to_status", "message")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RejectForm(forms.Form):
    reason_code = forms.ChoiceField(label=_("Reason"), choices=RejectReason.choices)
    message = forms.CharField(label=_("Message to the author"), widget=forms.Textarea)


class MessageForm(forms.Form):
    message = forms.CharField(label=_("Message to the author"), widget=forms.Textarea)


def _apply(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, move: Callable[[int], Any]
) -> None:
    done = 0
    for article_id in queryset.values_list("pk", flat=True):
        try:
            move(article_id)
            done += 1
        except ApplicationError as exc:
            modeladmin.message_user(request, f"#{article_id}: {exc.message}", messages.ERROR)
    if done:
        modeladmin.message_user(request, _("%(n)d article(s) updated.") % {"n": done}, messages.SUCCESS)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "status", "language", "category", "author", "risk_score", "submitted_at"]
    list_filter = ["status", "language", "category"]
    search_fields = ["title", "lead"]
    list_select_related = ["category", "author"]
    ordering = ["-submitted_at", "-id"]
    readonly_fields = (
        "author",
        "status",
        "slug",
        "risk_score",
        "current_revision",
        "claimed_by",
        "claim_expires_at",
        "submitted_at",
        "publish_at",
        "published_at",
        "retracted_at",
        "reject_reason",
        "created_at",
        "updated_at",
    )
    fields = ("title", "lead", "body", "language", "category", *readonly_fields)
    inlines = [EventInline]
    actions = ["approve", "reject", "request_changes"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # articles are written by contributors through the API

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # the text is edited here only while it is not yet public
        if obj is not None and obj.status in {"published", "retracted"}:
            return False
        return super().has_change_permission(request, obj)

    @admin.action(description=_("Approve and publish now"), permissions=["moderate"])
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        _apply(
            self, request, queryset, lambda pk: workflow.article_approve(actor=request.user, article_id=pk)
        )

    @admin.action(description=_("Reject…"), permissions=["moderate"])
    def reject(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._decide_with_form(
            request,
            queryset,
            RejectForm,
            _("Reject articles"),
            "reject",
            lambda data: lambda pk: workflow.article_reject(actor=request.user, article_id=pk, **data),
        )

    @admin.action(description=_("Request changes…"), permissions=["moderate"])
    def request_changes(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._decide_with_form(
            request,
            queryset,
            MessageForm,
            _("Request changes"),
            "request_changes",
            lambda data: (
                lambda pk: workflow.article_request_changes(actor=request.user, article_id=pk, **data)
            ),
        )

    def _decide_with_form(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        form_class: type[forms.Form],
        title: Any,
        action: str,
        move_for: Callable[[dict[str, Any]], Callable[[int], Any]],
    ) -> HttpResponse | None:
        """Asks for the reason/message on an intermediate page, then applies the move to every article."""
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            _apply(self, request, queryset, move_for(form.cleaned_data))
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "articles": queryset,
            "action": action,
            "opts": self.model._meta,
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
        }
        return TemplateResponse(request, "admin/moderation/decision_form.html", context)

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(workflow.MODERATE)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_ru", "name_en", "position", "is_active"]
    list_editable = ["position", "is_active"]


@admin.register(CheckResult)
class CheckResultAdmin(admin.ModelAdmin):
    list_display = ["revision", "check_name", "outcome", "score", "finished_at"]
    list_filter = ["check_name", "outcome"]
    list_select_related = ["revision"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _decide_applications(move: Callable[..., Any], label: Any) -> Callable[..., None]:
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        _apply(modeladmin, request, queryset, lambda pk: move(actor=request.user, application_id=pk))

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
class EditorApplicationAdmin(admin.ModelAdmin):
    """Chief editors judge editor-track applications by accuracy, volume and recent disagreements."""

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
