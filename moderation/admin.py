"""Django admin for editors. Decisions go through submissions.workflow, the same functions as the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from moderation.models import CheckResult
from newsroom.api.errors import ApplicationError
from submissions import workflow
from submissions.models import Article, ArticleEvent, Category
from submissions.states import RejectReason


class EventInline(admin.TabularInline):
    model = ArticleEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "actor", "from_status", "to_status", "message"]
    readonly_fields = fields

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


def _with_form(
    form_class: type[forms.Form], title: Any, action: str
) -> Callable[[admin.ModelAdmin, HttpRequest, QuerySet], HttpResponse | None]:
    """An admin action that first asks for a reason/message on an intermediate page."""

    def decorator(
        apply: Callable[[Any, dict[str, Any]], Callable[[int], Any]],
    ) -> Callable[[admin.ModelAdmin, HttpRequest, QuerySet], HttpResponse | None]:
        def view(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
            form = form_class(request.POST if "apply" in request.POST else None)
            if form.is_valid():
                _apply(modeladmin, request, queryset, apply(request.user, form.cleaned_data))
                return None
            context = {
                **modeladmin.admin_site.each_context(request),
                "title": title,
                "form": form,
                "articles": queryset,
                "action": action,
                "opts": modeladmin.model._meta,
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            }
            return TemplateResponse(request, "admin/moderation/decision_form.html", context)

        return view

    return decorator


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "status", "language", "category", "author", "risk_score", "submitted_at"]
    list_filter = ["status", "language", "category"]
    search_fields = ["title", "lead"]
    list_select_related = ["category", "author"]
    ordering = ["-submitted_at", "-id"]
    readonly_fields = [
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
    ]
    fields = ["title", "lead", "body", "language", "category", *readonly_fields]
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
        _apply(self, request, queryset, lambda pk: workflow.article_approve(actor=request.user, article_id=pk))

    @admin.action(description=_("Reject…"), permissions=["moderate"])
    @_with_form(RejectForm, _("Reject articles"), "reject")
    def reject(user: Any, data: dict[str, Any]) -> Callable[[int], Any]:  # noqa: N805
        return lambda pk: workflow.article_reject(actor=user, article_id=pk, **data)

    @admin.action(description=_("Request changes…"), permissions=["moderate"])
    @_with_form(MessageForm, _("Request changes"), "request_changes")
    def request_changes(user: Any, data: dict[str, Any]) -> Callable[[int], Any]:  # noqa: N805
        return lambda pk: workflow.article_request_changes(actor=user, article_id=pk, **data)

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
