"""The moderation queue: what waits for an editor, in priority order, with its filters."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moderation import selectors
from moderation.admin.actions import ModerationAdmin
from moderation.admin.common import YesNoFilter, can_moderate
from moderation.models import Outcome, QueueItem
from newsroom.accounts.actors import signed_in
from newsroom.adminkit import ReadOnly
from submissions import policy
from submissions.models import Article

# policy.review_kind's labels, as shown
KIND_LABELS = {"update": _("update"), "review": _("review")}


class ClaimedFilter(YesNoFilter):
    title = _("claimed")
    parameter_name = "claimed"

    def condition(self) -> Q:
        return Q(claimed_by__isnull=False, claim_expires_at__gt=timezone.now())


class OverdueFilter(YesNoFilter):
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
        # policy.has_pending_update, as a filter
        update = policy.PENDING_UPDATE
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
        return selectors.working_scope(signed_in(request), queryset) if self.value() == "mine" else queryset


# the lookups of a time field whose values the changelist hands the database as times
@admin.register(QueueItem)
class QueueItemAdmin(ReadOnly, ModerationAdmin):
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
        return selectors.with_review_details(selectors.not_involved(signed_in(request), waiting)).order_by(
            "queue_key", "id"
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_moderate(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_moderate(request)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:submissions_article_change", args=[object_id]))

    @admin.display(description=_("kind"))
    def kind(self, obj: Article) -> Any:
        return KIND_LABELS[policy.review_kind(obj)]

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
                '<strong class="desk-overdue">{}</strong>',  # desk.css (ModerationAdmin.Media)
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
