"""Django admin for editors: the moderation queue, the review page of an article (automated checks, the diff under
review, the audit trail) and the decisions.

Every decision and every edit goes through submissions.workflow / moderation.services, the same functions as the
API: the admin never assigns `Article.status` nor writes an audit event itself. A refusal of the workflow is shown
as an error message for that article; the others of a bulk action go ahead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moderation import lexicon_admin, selectors, services, track  # noqa: F401  (lexicon_admin registers its admin)
from moderation.models import CheckResult, EditorApplication, Outcome, QueueItem, ShadowReview
from newsroom.api.errors import ApplicationError
from submissions import workflow
from submissions.errors import LegalGroundRequired
from submissions.models import (
    Article,
    ArticleEvent,
    Category,
    ConflictDeclaration,
    Correction,
    RejectionReason,
    ReviewStage,
    Revision,
)
from submissions.revisions import TEXT_FIELDS, revision_diff
from submissions.states import RevisionKind, Status

# what an editor may change in the text of an article in review (workflow.article_edit: a new revision)
EDIT_FIELDS = ("title", "lead", "body", "language", "category", "region")
# revisions that were put before editors: the diff under review is against the latest earlier one
REVIEWED_KINDS = (RevisionKind.SUBMIT, RevisionKind.EDIT)
_REFUSED = "_moderation_refused"  # set on the request when the workflow refused an edit from the change form


def _can_moderate(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and user.has_perm(workflow.MODERATE))


def _lang() -> str:
    """The request's language for texts stored in both (ru unless the admin is used in English)."""
    return "en" if (translation.get_language() or "ru").startswith("en") else "ru"


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
        lang = _lang()
        self.fields["reason_code"].choices = [  # type: ignore[attr-defined]
            (code, reason.label_for(lang) + (" *" if reason.needs_legal_ground else ""))
            for code, reason in self.reasons.items()
        ]

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
        lang = _lang()
        self.fields["stage_code"].choices = [  # type: ignore[attr-defined]
            (stage.code, stage.name_en if lang == "en" else stage.name_ru)
            for stage in ReviewStage.objects.filter(is_active=True)
        ]


# --- the actions, shared by the article list and the queue ------------------------------------------------------


def _apply(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, move: Callable[[int], Any]
) -> None:
    """Runs `move` (one workflow call) for each selected article; a refusal becomes an error message for that
    article and leaves it unchanged (each call is its own transaction)."""
    done = 0
    for article_id, title in queryset.prefetch_related(None).values_list("pk", "title"):
        try:
            move(article_id)
        except ApplicationError as exc:
            modeladmin.message_user(request, f"#{article_id} «{title}»: {exc.message}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, _("%(n)d article(s) updated.") % {"n": done}, messages.SUCCESS)


class ModerationAdmin(admin.ModelAdmin):
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

    @admin.action(description=_("Claim (or renew my claim)"), permissions=["moderate"])
    def claim(self, request: HttpRequest, queryset: QuerySet) -> None:
        _apply(self, request, queryset, lambda pk: services.claim(actor=request.user, article_id=pk))

    @admin.action(description=_("Take over another editor's claim"), permissions=["take_over"])
    def take_over(self, request: HttpRequest, queryset: QuerySet) -> None:
        _apply(
            self,
            request,
            queryset,
            lambda pk: services.claim(actor=request.user, article_id=pk, take_over=True),
        )

    @admin.action(description=_("Release my claim"), permissions=["moderate"])
    def release(self, request: HttpRequest, queryset: QuerySet) -> None:
        _apply(self, request, queryset, lambda pk: services.release(actor=request.user, article_id=pk))

    @admin.action(description=_("Approve and publish now"), permissions=["moderate"])
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        _apply(
            self, request, queryset, lambda pk: workflow.article_approve(actor=request.user, article_id=pk)
        )

    @admin.action(description=_("Approve with a publication time or a note…"), permissions=["moderate"])
    def approve_at(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._decide_with_form(
            request,
            queryset,
            ApproveForm,
            _("Approve articles"),
            "approve_at",
            lambda data: lambda pk: workflow.article_approve(actor=request.user, article_id=pk, **data),
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

    @admin.action(description=_("Reject as spam"), permissions=["moderate"])
    def reject_as_spam(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Many at once, no form: reason "spam" with its template message in each author's language."""
        _apply(
            self,
            request,
            queryset,
            lambda pk: workflow.article_reject(actor=request.user, article_id=pk, reason_code="spam"),
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

    @admin.action(description=_("Complete a review stage…"), permissions=["moderate"])
    def complete_stage(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._decide_with_form(
            request,
            queryset,
            StageForm,
            _("Complete a review stage"),
            "complete_stage",
            lambda data: (
                lambda pk: workflow.article_complete_stage(actor=request.user, article_id=pk, **data)
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
            lambda data: lambda pk: workflow.article_note(actor=request.user, article_id=pk, **data),
        )

    @admin.action(description=_("Unschedule (back to the queue)"), permissions=["unschedule"])
    def unschedule(self, request: HttpRequest, queryset: QuerySet) -> None:
        _apply(
            self,
            request,
            queryset,
            lambda pk: workflow.article_unschedule(actor=request.user, article_id=pk),
        )

    @admin.action(description=_("Retract…"), permissions=["retract"])
    def retract(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._decide_with_form(
            request,
            queryset,
            RetractForm,
            _("Retract articles"),
            "retract",
            lambda data: lambda pk: workflow.article_retract(actor=request.user, article_id=pk, **data),
        )

    @admin.action(description=_("Publish a correction…"), permissions=["correct"])
    def correct(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._decide_with_form(
            request,
            queryset,
            TextForm,
            _("Publish a correction"),
            "correct",
            lambda data: lambda pk: workflow.article_correct(actor=request.user, article_id=pk, **data),
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
            "articles": queryset.select_related(None).prefetch_related(None).only("pk", "title"),
            "action": action,
            "opts": self.model._meta,
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/moderation/decision_form.html", context)

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(workflow.MODERATE)

    def has_take_over_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(workflow.TAKE_OVER)

    def has_unschedule_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(workflow.UNSCHEDULE)

    def has_retract_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(workflow.RETRACT)

    def has_correct_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(workflow.CORRECT)


# --- the review page of an article ------------------------------------------------------------------------------


class _ReadOnlyInline(admin.TabularInline):
    """Shown to whoever may moderate; never added to, changed or deleted here (the audit trail is append-only)."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can_moderate(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(_ReadOnlyInline):
    model = ArticleEvent
    verbose_name = _("audit event")
    verbose_name_plural = _("audit trail")
    fields = readonly_fields = (
        "created_at",
        "action",
        "actor",
        "from_status",
        "to_status",
        "message",
        "data",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("actor")


class CorrectionInline(_ReadOnlyInline):
    model = Correction
    fields = readonly_fields = ("created_at", "text", "created_by")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("created_by")


class ArticleEditForm(forms.ModelForm):
    """The editable text of an article in review; `version` travels hidden, so that a concurrent change is
    refused (PreconditionFailed) instead of overwritten."""

    class Meta:
        model = Article
        fields = ["version", *EDIT_FIELDS]
        widgets = {"version": forms.HiddenInput}


def _revision_label(revision: Revision) -> str:
    return gettext("revision %(number)d (%(kind)s)") % {
        "number": revision.number,
        "kind": revision.get_kind_display(),
    }


def _duration(ms: int | None) -> str:
    if ms is None:
        return "—"
    return f"{ms} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def _field_label(name: str) -> str:
    return str(getattr(Article._meta.get_field(name), "verbose_name", name))


def _findings(findings: list[dict[str, Any]], lang: str) -> SafeString:
    if not findings:
        return format_html("{}", "—")
    items = format_html_join(
        "",
        "<li><code>{}</code> {}</li>",
        ((f.get("code", ""), f.get(lang) or f.get("en") or "") for f in findings),
    )
    return format_html('<ul style="margin:0;padding-left:1.2em">{}</ul>', items)


_OP_FORMATS = {
    "equal": "{}",
    "delete": '<del style="background:#ffe0e0;color:#900">{}</del>',
    "insert": '<ins style="background:#dfd;color:#060">{}</ins>',
}


def _render_ops(ops: list[dict[str, str]]) -> SafeString:
    """A word diff as HTML: the text escaped, deletions struck out, insertions underlined."""
    return format_html_join("", "{}", ((format_html(_OP_FORMATS[op["op"]], op["text"]),) for op in ops))


def diff_base(article: Article, revision: Revision) -> Revision | None:
    """What the revision under review is compared with: for a pending update of a published article the
    published revision; otherwise the latest earlier revision put before editors (submitted or edited)."""
    if article.status == Status.PUBLISHED and article.pending_revision_id:
        return article.current_revision
    return (
        article.revisions.select_related("category")
        .filter(number__lt=revision.number, kind__in=REVIEWED_KINDS)
        .order_by("-number")
        .first()
    )


@admin.register(Article)
class ArticleAdmin(ModerationAdmin):
    form = ArticleEditForm
    list_display = ["id", "title", "status", "language", "category", "author", "risk_score", "submitted_at"]
    list_filter = ["status", "language", "category"]
    search_fields = ["title", "lead"]
    list_select_related = ["category", "author"]
    ordering = ["-submitted_at", "-id"]
    readonly_fields = (
        "review_checks",
        "review_diff",
        "author",
        "status",
        "slug",
        "risk_score",
        "current_revision",
        "pending_revision",
        "claimed_by",
        "claim_expires_at",
        "due_at",
        "is_appeal",
        "first_approved_by",
        "submitted_at",
        "publish_at",
        "published_at",
        "retracted_at",
        "reject_reason",
        "retraction_reason",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("version", *EDIT_FIELDS)}),
        (_("Under review"), {"fields": ("review_checks", "review_diff")}),
        (
            _("Moderation"),
            {
                "fields": (
                    "author",
                    "status",
                    "risk_score",
                    "current_revision",
                    "pending_revision",
                    "claimed_by",
                    "claim_expires_at",
                    "due_at",
                    "is_appeal",
                    "first_approved_by",
                    "reject_reason",
                    "retraction_reason",
                )
            },
        ),
        (
            _("Dates"),
            {
                "fields": (
                    "slug",
                    "created_at",
                    "updated_at",
                    "submitted_at",
                    "publish_at",
                    "published_at",
                    "retracted_at",
                )
            },
        ),
    )
    inlines = [CorrectionInline, EventInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        # drafts stay private to their author, as in the API
        return qs if request.user.is_superuser else qs.exclude(status=Status.DRAFT)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        # a read-only page: the hidden version is of no use
        main, *rest = fieldsets
        return [(main[0], {**main[1], "fields": EDIT_FIELDS}), *rest]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # articles are written by contributors through the API

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # the text is edited here only while in review (workflow.article_edit makes it a new revision)
        if obj is not None and obj.status != Status.IN_REVIEW:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """An editorial edit through the workflow (a revision, the rendered body, the audit event), never a
        plain save of the row."""
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name in EDIT_FIELDS}
        if not change or not fields:
            return
        try:
            workflow.article_edit(
                actor=request.user,
                article_id=obj.pk,
                expected_version=form.cleaned_data.get("version"),
                **fields,
            )
        except ApplicationError as exc:
            setattr(request, _REFUSED, True)
            self.message_user(request, exc.message, messages.ERROR)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if getattr(request, _REFUSED, False):
            return None
        return super().log_change(request, obj, message)

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        if getattr(request, _REFUSED, False):
            return HttpResponseRedirect(request.path)  # back to the form, without "changed successfully"
        return super().response_change(request, obj)

    @admin.display(description=_("automated checks"))
    def review_checks(self, obj: Article) -> SafeString | str:
        """The checks of the revision under review: outcome, score, findings in the request's language and
        how long each took."""
        revision = selectors.review_revision(obj)
        if revision is None:
            return gettext("No revision under review.")
        results = list(CheckResult.objects.filter(revision=revision).order_by("check_name"))
        if not results:
            return gettext("No check results for %(revision)s yet.") % {"revision": _revision_label(revision)}
        lang = _lang()
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    r.check_name,
                    r.get_outcome_display(),
                    f"{r.score:.2f}",
                    _findings(r.findings, lang),
                    _duration(r.duration_ms),
                )
                for r in results
            ),
        )
        return format_html(
            "<p>{}</p><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _revision_label(revision),
            gettext("check"),
            gettext("outcome"),
            gettext("risk score"),
            gettext("findings"),
            gettext("duration"),
            rows,
        )

    @admin.display(description=_("changes under review"))
    def review_diff(self, obj: Article) -> SafeString | str:
        """The word diff of the revision under review against what it replaces (see diff_base)."""
        revision = selectors.review_revision(obj)
        if revision is None:
            return gettext("No revision under review.")
        base = diff_base(obj, revision)
        if base is None:
            return gettext("%(revision)s is the first one put before editors: nothing to compare with.") % {
                "revision": _revision_label(revision)
            }
        diff = revision_diff(base, revision)
        heading = format_html(
            "<p>{}</p>",
            gettext("%(new)s compared with %(old)s")
            % {"new": _revision_label(revision), "old": _revision_label(base)},
        )
        changed = [name for name in TEXT_FIELDS if name in diff["changed_text"]]
        if changed:
            texts = format_html_join(
                "",
                '<h4>{}</h4><div style="white-space:pre-wrap;max-height:30em;overflow:auto">{}</div>',
                ((_field_label(name), _render_ops(diff["fields"][name])) for name in changed),
            )
        else:
            texts = format_html("<p>{}</p>", gettext("The text did not change."))
        other = format_html_join(
            "",
            "<li>{}: {} → {}</li>",
            ((name, change["from"], change["to"]) for name, change in diff["other"].items()),
        )
        if diff["other"]:
            other = format_html("<h4>{}</h4><ul>{}</ul>", gettext("Other changes"), other)
        return format_html("{}{}{}", heading, texts, other)


# --- the moderation queue ---------------------------------------------------------------------------------------


class _YesNoFilter(admin.SimpleListFilter):
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


class ClaimedFilter(_YesNoFilter):
    title = _("claimed")
    parameter_name = "claimed"

    def condition(self) -> Q:
        return Q(claimed_by__isnull=False, claim_expires_at__gt=timezone.now())


class OverdueFilter(_YesNoFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def condition(self) -> Q:
        return Q(due_at__lt=timezone.now())


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("review", _("review")), ("update", _("update of a published article"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        update = Q(status=Status.PUBLISHED, pending_revision__isnull=False)
        if self.value() == "update":
            return queryset.filter(update)
        if self.value() == "review":
            return queryset.exclude(update)
        return queryset


class ScopeFilter(admin.SimpleListFilter):
    title = _("working scope")
    parameter_name = "scope"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("mine", _("my languages and sections"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return selectors.working_scope(request.user, queryset) if self.value() == "mine" else queryset


@admin.register(QueueItem)
class QueueItemAdmin(ModerationAdmin):
    """What waits for an editor, in the queue's priority order (queue_key, id), without what the editor may not
    review (own articles, declared conflicts, ...), as the API's queue. Opening an item opens the article's
    review page. The list costs the same number of queries whatever its length."""

    list_display = [
        "title",
        "kind",
        "language",
        "category_name",
        "author_trust",
        "risk",
        "checks",
        "time_left",
        "is_appeal",
        "awaiting_second_approval",
        "claimed",
    ]
    list_filter = [
        ScopeFilter,
        KindFilter,
        "language",
        "category",
        ClaimedFilter,
        OverdueFilter,
        "is_appeal",
    ]
    # the same joins as selectors.with_review_details (the changelist applies these itself)
    list_select_related = [
        "author",
        "category",
        "claimed_by",
        "current_revision",
        "pending_revision",
        "first_approved_by",
    ]
    search_fields = ["title"]
    ordering = ["queue_key", "id"]
    list_per_page = 50
    actions = [name for name in ModerationAdmin.actions if name != "unschedule"]  # scheduled ones never wait

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        waiting = QueueItem.objects.filter(queue_key__isnull=False)
        return selectors.with_review_details(selectors.not_involved(request.user, waiting)).order_by(
            "queue_key", "id"
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can_moderate(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _can_moderate(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:submissions_article_change", args=[object_id]))

    @admin.display(description=_("kind"))
    def kind(self, obj: Article) -> Any:
        return _("update") if obj.status == Status.PUBLISHED and obj.pending_revision_id else _("review")

    @admin.display(description=_("category"), ordering="category__position")
    def category_name(self, obj: Article) -> str | None:
        return obj.category.name_for(translation.get_language()) if obj.category else None

    @admin.display(description=_("author (trust level)"), ordering="author__trust_level")
    def author_trust(self, obj: Article) -> str:
        author = obj.author
        return f"{author.display_name} ({author.get_trust_level_display()})"

    @admin.display(description=_("risk"), ordering="risk_score")
    def risk(self, obj: Article) -> str | None:
        return f"{obj.risk_score:.2f}" if obj.risk_score is not None else None

    @admin.display(description=_("checks"))
    def checks(self, obj: Article) -> SafeString | None:
        """Failed and warning checks by name, then how many passed (from the prefetched results)."""
        results = selectors.results_summary(obj)
        if not results:
            return None
        parts = []
        for outcome in (Outcome.ERROR, Outcome.FAIL, Outcome.WARN):
            names = [r.check_name for r in results if r.outcome == outcome]
            if names:
                parts.append(f"{outcome.label}: {', '.join(names)}")
        passed = sum(r.outcome == Outcome.PASS for r in results)
        if passed:
            parts.append(f"{Outcome.PASS.label}: {passed}")
        return format_html_join("; ", "{}", ((part,) for part in parts))

    @admin.display(description=_("time left"), ordering="due_at")
    def time_left(self, obj: Article) -> SafeString | str | None:
        if obj.due_at is None:
            return None
        now = timezone.now()
        if obj.due_at <= now:
            return format_html(
                '<strong style="color:#ba2121">{}</strong>',
                gettext("overdue by %(time)s") % {"time": timesince(obj.due_at, now, depth=1)},
            )
        return timeuntil(obj.due_at, now, depth=2)

    @admin.display(description=_("awaiting second approval (first approved by)"))
    def awaiting_second_approval(self, obj: Article) -> str | None:
        first = obj.first_approved_by
        return first.display_name if first is not None else None

    @admin.display(description=_("claimed by"), ordering="claimed_by")
    def claimed(self, obj: Article) -> str | None:
        if not obj.claim_is_live() or obj.claimed_by is None or obj.claim_expires_at is None:
            return None
        until = date_format(timezone.localtime(obj.claim_expires_at), "TIME_FORMAT")
        return gettext("%(editor)s (until %(time)s)") % {"editor": obj.claimed_by.display_name, "time": until}


# --- configuration: categories, the rejection taxonomy, review stages, declared conflicts -----------------------


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


class WithdrawnFilter(_YesNoFilter):
    title = _("withdrawn")
    parameter_name = "withdrawn"

    def condition(self) -> Q:
        return Q(withdrawn_at__isnull=False)


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(admin.ModelAdmin):
    """Editors declare and withdraw their conflicts through the API; here chief editors only look."""

    list_display = ["editor", "author", "category", "tag", "reason", "created_at", "withdrawn_at"]
    list_filter = [WithdrawnFilter]
    list_select_related = ["editor", "author", "category", "tag"]
    search_fields = ["editor__display_name", "editor__email", "reason"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CheckResult)
class CheckResultAdmin(admin.ModelAdmin):
    list_display = ["revision", "check_name", "outcome", "score", "finished_at"]
    list_filter = ["check_name", "outcome"]
    list_select_related = ["revision"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- the editor track -------------------------------------------------------------------------------------------


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
