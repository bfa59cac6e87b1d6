"""The decisions on selected articles, shared by the article list and the queue, and the forms of their
intermediate pages (admin/moderation/decision_form.html)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from moderation import services
from moderation.admin.common import DESK_CSS, apply, request_lang
from newsroom.accounts.actors import signed_in
from newsroom.accounts.trust import SANCTION_REASONS
from newsroom.adminkit import DeskPhrases
from submissions import policy, workflow
from submissions.errors import LegalGroundRequired
from submissions.models import RejectionReason, ReviewStage

# --- forms of the intermediate pages ----------------------------------------------------------------------------


class ApproveForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Empty or in the past: published at once."),
    )
    note = forms.CharField(label=_("Internal note"), required=False, max_length=5000, widget=forms.Textarea)


class RejectForm(forms.Form):
    reason_code = forms.ChoiceField(label=_("Reason"))
    message = forms.CharField(
        label=_("Message to the author"),
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        help_text=_("Empty: the reason's message template, in the author's language."),
    )
    legal_ground = forms.CharField(
        label=_("Legal ground"),
        required=False,
        max_length=300,
        help_text=_("The law and article the rejection rests on; required by reasons marked *."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reasons = {reason.code: reason for reason in RejectionReason.objects.filter(is_active=True)}
        lang = request_lang()
        # no reason is chosen for the editor: a form sent as it came changes nothing (a required field)
        self.fields["reason_code"].choices = [  # type: ignore[attr-defined]
            ("", _("— choose a reason —")),
            *((code, self._label(reason, lang)) for code, reason in self.reasons.items()),
        ]

    @staticmethod
    def _label(reason: RejectionReason, lang: str) -> str:
        """The reason's name; * if it needs a legal ground; and a warning if it sanctions the author."""
        label = reason.label_for(lang) + (" *" if reason.needs_legal_ground else "")
        if reason.code in SANCTION_REASONS:
            label += " — " + str(_("lowers the author's trust level"))
        return label

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reason = self.reasons.get(data.get("reason_code") or "")
        if reason is not None and reason.needs_legal_ground and not data.get("legal_ground", "").strip():
            self.add_error("legal_ground", str(LegalGroundRequired.default_message))
        return data


class MessageForm(forms.Form):
    message = forms.CharField(label=_("Message to the author"), max_length=5000, widget=forms.Textarea)


class RetractForm(forms.Form):
    reason = forms.CharField(
        label=_("Retraction notice"),
        max_length=5000,
        widget=forms.Textarea,
        help_text=_("Shown to readers in place of the article."),
    )


class TextForm(forms.Form):
    text = forms.CharField(label=_("Text"), max_length=5000, widget=forms.Textarea)


class StageForm(forms.Form):
    stage_code = forms.ChoiceField(label=_("Review stage"))
    note = forms.CharField(label=_("Internal note"), required=False, max_length=5000, widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = request_lang()
        self.fields["stage_code"].choices = [  # type: ignore[attr-defined]
            (stage.code, stage.name_en if lang == "en" else stage.name_ru)
            for stage in ReviewStage.objects.filter(is_active=True)
        ]


# --- the actions ----------------------------------------------------------------------------------------------------


class ModerationAdmin(DeskPhrases, admin.ModelAdmin):
    """Decisions on selected articles. `allowed_permissions` mirror the workflow's own checks, so an action is
    offered only to those who may take it; the workflow still decides per article (state, claim, conflicts)."""

    actions = [
        "claim",
        "take_over",
        "release",
        "approve",
        "approve_at",
        "reject",
        "reject_as_spam",
        "request_changes",
        "complete_stage",
        "add_note",
        "unschedule",
        "retract",
        "correct",
    ]

    class Media:
        css = {"all": [DESK_CSS]}

    @admin.action(description=_("Claim (or renew my claim)"), permissions=["moderate"])
    def claim(self, request: HttpRequest, queryset: QuerySet) -> None:
        apply(self, request, queryset, lambda pk: services.claim(actor=signed_in(request), article_id=pk))

    @admin.action(description=_("Take over another editor's claim"), permissions=["take_over"])
    def take_over(self, request: HttpRequest, queryset: QuerySet) -> None:
        apply(
            self,
            request,
            queryset,
            lambda pk: services.claim(actor=signed_in(request), article_id=pk, take_over=True),
        )

    @admin.action(description=_("Release my claim"), permissions=["moderate"])
    def release(self, request: HttpRequest, queryset: QuerySet) -> None:
        apply(self, request, queryset, lambda pk: services.release(actor=signed_in(request), article_id=pk))

    @admin.action(description=_("Approve and publish now"), permissions=["moderate"])
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        apply(
            self,
            request,
            queryset,
            lambda pk: workflow.article_approve(actor=signed_in(request), article_id=pk),
        )

    @admin.action(description=_("Approve with a publication time or a note…"), permissions=["moderate"])
    def approve_at(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._decide_with_form(
            request,
            queryset,
            ApproveForm,
            _("Approve articles"),
            "approve_at",
            lambda data: lambda pk: workflow.article_approve(actor=signed_in(request), article_id=pk, **data),
        )

    @admin.action(description=_("Reject…"), permissions=["moderate"])
    def reject(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._decide_with_form(
            request,
            queryset,
            RejectForm,
            _("Reject articles"),
            "reject",
            lambda data: lambda pk: workflow.article_reject(actor=signed_in(request), article_id=pk, **data),
        )

    @admin.action(description=_("Reject as spam"), permissions=["moderate"])
    def reject_as_spam(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Many at once, no form: reason "spam" with its template message in each author's language."""
        apply(
            self,
            request,
            queryset,
            lambda pk: workflow.article_reject(actor=signed_in(request), article_id=pk, reason_code="spam"),
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
                lambda pk: workflow.article_request_changes(actor=signed_in(request), article_id=pk, **data)
            ),
        )

    @admin.action(description=_("Complete a review stage…"), permissions=["moderate"])
    def complete_stage(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._decide_with_form(
            request,
            queryset,
            StageForm,
            _("Complete a review stage"),
            "complete_stage",
            lambda data: (
                lambda pk: workflow.article_complete_stage(actor=signed_in(request), article_id=pk, **data)
            ),
        )

    @admin.action(description=_("Add an internal note…"), permissions=["moderate"])
    def add_note(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._decide_with_form(
            request,
            queryset,
            TextForm,
            _("Add an internal note"),
            "add_note",
            lambda data: lambda pk: workflow.article_note(actor=signed_in(request), article_id=pk, **data),
        )

    @admin.action(description=_("Unschedule (back to the queue)"), permissions=["unschedule"])
    def unschedule(self, request: HttpRequest, queryset: QuerySet) -> None:
        apply(
            self,
            request,
            queryset,
            lambda pk: workflow.article_unschedule(actor=signed_in(request), article_id=pk),
        )

    @admin.action(description=_("Retract…"), permissions=["retract"])
    def retract(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._decide_with_form(
            request,
            queryset,
            RetractForm,
            _("Retract articles"),
            "retract",
            lambda data: lambda pk: workflow.article_retract(actor=signed_in(request), article_id=pk, **data),
        )

    @admin.action(description=_("Publish a correction…"), permissions=["correct"])
    def correct(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._decide_with_form(
            request,
            queryset,
            TextForm,
            _("Publish a correction"),
            "correct",
            lambda data: lambda pk: workflow.article_correct(actor=signed_in(request), article_id=pk, **data),
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
            apply(self, request, queryset, move_for(form.cleaned_data))
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "articles": queryset.select_related(None).prefetch_related(None).only("pk", "title"),
            "action": action,
            "opts": self.model._meta,
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/moderation/decision_form.html", context)

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(policy.MODERATE)

    def has_take_over_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(policy.TAKE_OVER)

    def has_unschedule_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(policy.UNSCHEDULE)

    def has_retract_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(policy.RETRACT)

    def has_correct_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(policy.CORRECT)
