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
from django.utils.translation import gettext, ngettext, ngettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from moderation import selectors
from moderation.admin.actions import ModerationAdmin
from moderation.admin.common import YesNoFilter, can_moderate
from moderation.check_names import check_label
from moderation.models import Outcome, QueueItem
from newsroom.accounts.actors import signed_in
from newsroom.adminkit import ReadOnly
from submissions import policy
from submissions.models import Article

# policy.review_kind's labels, as shown
KIND_LABELS = {"update": _("update"), "review": _("review")}
QUEUE_CSS = "moderation/queue.css"


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

    # the editor's questions, in order: what, who, how risky, what the checks found, how long left, who has it;
    # narrow wrapping cells that fit 1280 px (queue.css)
    list_display = ["what", "who", "risk", "checks", "time_left", "claimed"]
    # newsroom.adminkit.DeskPhrases's names (titles and counts in grammatical Russian)
    accusative = pgettext_lazy("accusative", "moderation queue item")
    counted = ngettext_lazy("%(count)s article in the queue", "%(count)s articles in the queue", "count")
    # `what` links the title itself: the meta line under it is not part of the link
    list_display_links = None
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

    class Media:
        css = {"all": [QUEUE_CSS]}  # extends ModerationAdmin's desk.css

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
        return HttpResponseRedirect(reverse("admin:submissions_article_review", args=[object_id]))

    @admin.display(description=pgettext_lazy("queue column", "what"), ordering="title")
    def what(self, obj: Article) -> SafeString:
        """The title, linking where the queue always did (the item, which opens the article's review page), and
        under it what kind of review it is, its language and section, an appeal, a pending second approval."""
        meta = [str(KIND_LABELS[policy.review_kind(obj)]), obj.language]
        if obj.category:
            meta.append(obj.category.name_for(translation.get_language()))
        if obj.is_appeal:
            meta.append(gettext("appeal"))
        first = obj.first_approved_by
        if first is not None:
            meta.append(
                gettext("awaiting second approval (first: %(editor)s)") % {"editor": first.display_name}
            )
        return format_html(
            '<a href="{}">{}</a><span class="queue-meta">{}</span>',
            reverse("admin:moderation_queueitem_change", args=[obj.pk]),
            obj.title or gettext("(untitled)"),
            " · ".join(meta),
        )

    @admin.display(description=pgettext_lazy("queue column", "who"), ordering="author__trust_level")
    def who(self, obj: Article) -> SafeString:
        author = obj.author
        return format_html(
            '{}<span class="queue-meta">{}</span>', author.byline, author.get_trust_level_display()
        )

    @admin.display(description=_("risk"), ordering="risk_score")
    def risk(self, obj: Article) -> str | None:
        return f"{obj.risk_score:.2f}" if obj.risk_score is not None else None

    @admin.display(description=_("checks"))
    def checks(self, obj: Article) -> SafeString | str | None:
        """How many checks failed (or crashed) and warned, naming them, or that all passed (from the prefetched
        results: no queries)."""
        results = selectors.results_summary(obj)
        if not results:
            return None
        parts = []
        for outcome, label in (
            (Outcome.ERROR, lambda n: ngettext("%(n)d error", "%(n)d errors", n)),
            (Outcome.FAIL, lambda n: ngettext("%(n)d failure", "%(n)d failures", n)),
            (Outcome.WARN, lambda n: ngettext("%(n)d warning", "%(n)d warnings", n)),
        ):
            names = [check_label(r.check_name) for r in results if r.outcome == outcome]
            if names:
                parts.append(
                    (f"queue-{outcome.value}", label(len(names)) % {"n": len(names)}, ", ".join(names))
                )
        if not parts:
            return gettext("all %(n)d passed") % {"n": len(results)}
        return format_html_join(
            "", '<span class="queue-check {}">{} <span class="queue-meta">{}</span></span>', parts
        )

    @admin.display(description=pgettext_lazy("queue column", "time left"), ordering="due_at")
    def time_left(self, obj: Article) -> SafeString | str | None:
        if obj.due_at is None:
            return None
        now = timezone.now()
        if obj.due_at <= now:
            return format_html(
                '<strong class="queue-overdue">{}</strong>',  # queue.css
                gettext("overdue by %(time)s") % {"time": timesince(obj.due_at, now, depth=1)},
            )
        return timeuntil(obj.due_at, now, depth=2)

    @admin.display(description=_("claimed by"), ordering="claimed_by")
    def claimed(self, obj: Article) -> str | None:
        if not obj.claim_is_live() or obj.claimed_by is None or obj.claim_expires_at is None:
            return None
        until = date_format(timezone.localtime(obj.claim_expires_at), "TIME_FORMAT")
        return gettext("%(editor)s (until %(time)s)") % {"editor": obj.claimed_by.display_name, "time": until}
