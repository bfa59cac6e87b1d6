"""The review page of an article: the editable text of an article in review, the automated checks and the diff of
the revision under review (rendered from templates/admin/moderation/), the audit trail and the corrections."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from moderation import selectors
from moderation.admin.actions import ModerationAdmin
from moderation.admin.common import can_moderate, request_lang
from moderation.admin.trail import Trail
from moderation.check_names import check_label
from moderation.models import CheckResult
from newsroom.accounts.actors import signed_in
from newsroom.adminkit import ReadOnly
from newsroom.api.errors import ApplicationError
from submissions import policy, workflow
from submissions.models import Article, ArticleEvent, Correction, Revision
from submissions.revisions import TEXT_FIELDS, revision_diff
from submissions.states import RevisionKind, Status

# what an editor may change in the text of an article in review (workflow.article_edit: a new revision)
EDIT_FIELDS = ("title", "lead", "body", "language", "category", "region")
# revisions that were put before editors: the diff under review is against the latest earlier one
REVIEWED_KINDS = (RevisionKind.SUBMIT, RevisionKind.EDIT)
_REFUSED = "_moderation_refused"  # set on the request when the workflow refused an edit from the change form


class _ReadOnlyInline(ReadOnly, admin.TabularInline):
    """Shown to whoever may moderate; never added to, changed or deleted here (the audit trail is append-only)."""

    extra = 0
    can_delete = False
    template = "admin/moderation/readonly_tabular.html"

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_moderate(request)


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
        "details",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("actor")

    _trail: Trail | None = None  # an inline is instantiated per request: one Trail for the article's rows

    @admin.display(description=_("details"))
    def details(self, obj: ArticleEvent) -> str:
        """The event's recorded data in words (moderation.admin.trail), not as raw JSON. The names it cites
        (editors, reasons, stages) are looked up once for the whole trail, not once per row."""
        if self._trail is None:
            self._trail = Trail(ArticleEvent.objects.filter(article_id=obj.article_id))
        return self._trail.describe(obj) or "—"


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


# --- what the review page shows -------------------------------------------------------------------------------------


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


def diff_base(article: Article, revision: Revision) -> Revision | None:
    """What the revision under review is compared with: for a pending update of a published article the
    published revision; otherwise the latest earlier revision put before editors (submitted or edited)."""
    if policy.has_pending_update(article):
        return article.current_revision
    return (
        article.revisions.select_related("category")
        .filter(number__lt=revision.number, kind__in=REVIEWED_KINDS)
        .order_by("-number")
        .first()
    )


def render_checks(revision: Revision, results: list[CheckResult]) -> SafeString:
    """The checks of a revision as a table: outcome, score, findings in the request's language, duration."""
    lang = request_lang()
    rows = [
        {
            "name": check_label(r.check_name),
            "outcome": r.get_outcome_display(),
            "score": f"{r.score:.2f}",
            "findings": [(f.get("code", ""), f.get(lang) or f.get("en") or "") for f in r.findings],
            "duration": _duration(r.duration_ms),
            # what the check saw (matches, counts, detected language), as stored: for the editor to judge
            "evidence": json.dumps(r.evidence, ensure_ascii=False, indent=1, sort_keys=True)
            if r.evidence
            else "",
        }
        for r in results
    ]
    return render_to_string(
        "admin/moderation/review_checks.html", {"revision_label": _revision_label(revision), "rows": rows}
    )


def render_diff(base: Revision, revision: Revision) -> SafeString:
    """The word diff of two revisions: the text escaped, deletions struck out, insertions underlined."""
    diff = revision_diff(base, revision)
    context = {
        "revision_label": _revision_label(revision),
        "base_label": _revision_label(base),
        "changed": [
            {"label": _field_label(name), "ops": diff["fields"][name]}
            for name in TEXT_FIELDS
            if name in diff["changed_text"]
        ],
        "other": [(name, change["from"], change["to"]) for name, change in diff["other"].items()],
    }
    return render_to_string("admin/moderation/review_diff.html", context)


# --- the admin --------------------------------------------------------------------------------------------------


@admin.register(Article)
class ArticleAdmin(ModerationAdmin):
    form = ArticleEditForm
    accusative = pgettext_lazy("accusative", "article")  # «Изменить статью»
    counted = ngettext_lazy("%(count)s article", "%(count)s articles", "count")  # 1 статья, 5 статей
    # the title opens the review page (decisions); the id, the change form (the editable text)
    list_display = [
        "id",
        "review_link",
        "status",
        "language",
        "category",
        "author",
        "risk_score",
        "submitted_at",
    ]
    list_display_links = ["id"]
    list_filter = ["status", "language", "category"]
    search_fields = ["title", "lead"]
    list_select_related = ["category", "author"]
    ordering = ["-submitted_at", "-id"]
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
    # everything the fieldsets show beyond the editable text is read-only
    readonly_fields = tuple(
        str(name)
        for _title, options in fieldsets
        for name in options["fields"]
        if name not in ("version", *EDIT_FIELDS)
    )
    inlines = [CorrectionInline, EventInline]

    def get_urls(self) -> list[URLPattern]:
        from moderation.admin.lease import lease
        from moderation.admin.review import ReviewView  # it renders with this module's helpers

        review = path(
            "<path:object_id>/review/",
            self.admin_site.admin_view(ReviewView(self)),
            name="submissions_article_review",
        )
        renew = path(
            "<path:object_id>/review/claim/",
            self.admin_site.admin_view(lease),
            name="submissions_article_lease",
        )
        return [renew, review, *super().get_urls()]

    @admin.display(description=_("title"), ordering="title")
    def review_link(self, obj: Article) -> SafeString:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:submissions_article_review", args=[obj.pk]),
            obj.title or "—",
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        # drafts stay private to their author, as in the API
        return qs if request.user.is_superuser else qs.filter(policy.SEEN_BY_EDITORS)

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
                actor=signed_in(request),
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
        """The checks of the revision under review."""
        revision = selectors.review_revision(obj)
        if revision is None:
            return gettext("No revision under review.")
        results = list(CheckResult.objects.filter(revision=revision).order_by("check_name"))
        if not results:
            return gettext("No check results for %(revision)s yet.") % {"revision": _revision_label(revision)}
        return render_checks(revision, results)

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
        return render_diff(base, revision)
