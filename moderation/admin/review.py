"""The editor's review page of one article (/admin/submissions/article/<id>/review/): the article as readers will
see it, the diff under review, the automated checks, the author's record, the internal notes and the audit trail,
the claim, and the decisions as POST forms.

Every decision calls submissions.workflow / moderation.services, as the API does: this page only picks the
function and shows its refusal (an ApplicationError) as an admin message, with the refused form kept as typed.
Opening an article that waits in the queue and that nobody holds claims it for the editor; while another editor
holds it, the page says who and offers no decision (a chief editor may take it over).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.timesince import timeuntil
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moderation import selectors, services
from moderation.admin.actions import (
    ApproveForm,
    MessageForm,
    RejectForm,
    RetractForm,
    StageForm,
    TextForm,
)
from moderation.admin.articles import _revision_label, diff_base, render_checks, render_diff
from moderation.admin.common import DESK_CSS, can_moderate, request_lang
from moderation.admin.trail import Trail
from moderation.models import CheckResult
from newsroom.accounts.actors import signed_in
from newsroom.accounts.models import User
from newsroom.accounts.trust import reason_text
from newsroom.api.errors import ApplicationError, NotFound
from newsroom.api.text import visible
from submissions import policy, workflow
from submissions.errors import ClaimedByOther
from submissions.media import media_url
from submissions.models import Article
from submissions.states import Action, Status
from submissions.trust import record_of

DESK_JS = "moderation/desk.js"

# where the page goes after a move: the next article of the queue, this page again, or the queue
NEXT, STAY, QUEUE = "next", "stay", "queue"


@dataclass(frozen=True)
class Decision:
    """One form of the page: its form class, the workflow call it makes with the cleaned data, where the page
    goes afterwards, and the permission it needs beyond moderating (None: none)."""

    form: type[forms.Form] | None
    call: Callable[[User, int, dict[str, Any]], Any]
    then: str
    done: Any  # the success message
    perm: str | None = None


DECISIONS: dict[str, Decision] = {
    "approve": Decision(
        ApproveForm,
        lambda actor, pk, data: workflow.article_approve(actor=actor, article_id=pk, **data),
        NEXT,
        _("Approved."),
    ),
    "request_changes": Decision(
        MessageForm,
        lambda actor, pk, data: workflow.article_request_changes(actor=actor, article_id=pk, **data),
        NEXT,
        _("Changes requested from the author."),
    ),
    "reject": Decision(
        RejectForm,
        lambda actor, pk, data: workflow.article_reject(actor=actor, article_id=pk, **data),
        NEXT,
        _("Rejected."),
    ),
    "note": Decision(
        TextForm,
        lambda actor, pk, data: workflow.article_note(actor=actor, article_id=pk, **data),
        STAY,
        _("Note added."),
    ),
    "stage": Decision(
        StageForm,
        lambda actor, pk, data: workflow.article_complete_stage(actor=actor, article_id=pk, **data),
        STAY,
        _("Review stage completed."),
    ),
    "release": Decision(
        None,
        lambda actor, pk, data: services.release(actor=actor, article_id=pk),
        QUEUE,
        _("Claim released."),
    ),
    "take_over": Decision(
        None,
        lambda actor, pk, data: services.claim(actor=actor, article_id=pk, take_over=True),
        STAY,
        _("You took over the claim."),
        policy.TAKE_OVER,
    ),
    "correct": Decision(
        TextForm,
        lambda actor, pk, data: workflow.article_correct(actor=actor, article_id=pk, **data),
        STAY,
        _("Correction published."),
        policy.CORRECT,
    ),
    "retract": Decision(
        RetractForm,
        lambda actor, pk, data: workflow.article_retract(actor=actor, article_id=pk, **data),
        STAY,
        _("Article retracted."),
        policy.RETRACT,
    ),
}

# the decisions that need the article free of anyone else's claim (the workflow's require_editor)
CLAIM_BOUND = frozenset({"approve", "request_changes", "reject", "stage"})


def review_url(article_id: int) -> str:
    return reverse("admin:submissions_article_review", args=[article_id])


def queue_url() -> str:
    return reverse("admin:moderation_queueitem_changelist")


def next_in_queue(actor: User, *, after: int) -> int | None:
    """The first article of the queue (all of it, in priority order, as the queue lists it) the actor may take:
    free, or theirs."""
    now = timezone.now()
    free = Q(claimed_by__isnull=True) | Q(claim_expires_at__lte=now) | Q(claimed_by_id=actor.pk)
    pk: int | None = (
        selectors.queue_for(actor, scope="all")
        .exclude(pk=after)
        .filter(free)
        .order_by("queue_key", "submitted_at", "id")
        .values_list("pk", flat=True)
        .first()
    )
    return pk


def _form(name: str, data: Any = None) -> forms.Form:
    decision = DECISIONS[name]
    assert decision.form is not None
    # unique ids on a page of several forms; the names stay the API's field names
    return decision.form(data, auto_id=f"id_{name}_%s")


def changes_template(article: Article) -> str:
    """What a request for changes may start from, in the author's language (the editor fills in the list)."""
    with translation.override(article.author.language or "ru"):
        return gettext(
            "Hello! Before “%(title)s” can be published, please:\n1. …\n\n"
            "Once you have made the changes, submit the article again."
        ) % {"title": article.title}


def reject_previews(article: Article, form: forms.Form | None) -> list[tuple[str, str, str]]:
    """For each rejection reason: (code, name, the message the author gets when the editor writes none), the
    reason's template filled in exactly as article_reject() fills it, in the author's language."""
    if form is None:
        return []
    lang = request_lang()
    reasons = getattr(form, "reasons", {})
    return [
        (code, reason.label_for(lang), workflow.rejection_message(reason, article))
        for code, reason in reasons.items()
    ]


class ReviewView:
    """The page and its POST handling, for ArticleAdmin.get_urls()."""

    def __init__(self, model_admin: admin.ModelAdmin) -> None:
        self.model_admin = model_admin

    def __call__(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not can_moderate(request):
            raise PermissionDenied
        # a plain id of at most 18 digits (as the API's routes): anything else names no article
        if not (object_id.isascii() and object_id.isdigit() and len(object_id) <= 18):
            raise Http404()
        article_id = int(object_id)
        actor = signed_in(request)
        bound: tuple[str, forms.Form] | None = None
        if request.method == "POST":
            answer = self.post(request, actor, article_id)
            if isinstance(answer, HttpResponse):
                return answer
            bound = answer
        elif request.method not in ("GET", "HEAD"):
            return HttpResponse(status=405)
        article = self.article(article_id)
        if request.method == "GET" and not self.claim_if_free(request, actor, article):
            article = self.article(article_id)  # someone else was quicker: show the article as it is now
        return self.render(request, actor, article, bound)

    # --- POST: one decision --------------------------------------------------------------------------------------

    def post(
        self, request: HttpRequest, actor: User, article_id: int
    ) -> HttpResponse | tuple[str, forms.Form] | None:
        """Runs the decision named by `decision`; a redirect when it went through, else the refused form to show
        again (or None: the refusal is in the messages)."""
        name = request.POST.get("decision", "")
        decision = DECISIONS.get(name)
        if decision is None:
            messages.error(request, gettext("Unknown decision."))
            return None
        if decision.perm is not None and not actor.has_perm(decision.perm):
            messages.error(request, gettext("You do not have permission to perform this action."))
            return None
        data: dict[str, Any] = {}
        form = None
        if decision.form is not None:
            form = _form(name, request.POST)
            if not form.is_valid():
                messages.error(request, gettext("Please correct the errors below."))
                return name, form
            data = form.cleaned_data
        try:
            decision.call(actor, article_id, data)
        except ApplicationError as exc:
            if isinstance(exc, NotFound):  # not an article this editor may see
                raise Http404() from None
            messages.error(request, str(exc.message))
            return (name, form) if form is not None else None
        messages.success(request, str(decision.done))
        if decision.then == NEXT:
            following = next_in_queue(actor, after=article_id)
            return HttpResponseRedirect(review_url(following) if following else queue_url())
        if decision.then == QUEUE:
            return HttpResponseRedirect(queue_url())
        return HttpResponseRedirect(review_url(article_id))

    # --- GET: the claim on opening ------------------------------------------------------------------------------

    @staticmethod
    def article(article_id: int) -> Article:
        try:
            return selectors.article_get_for_editor(article_id=article_id)
        except ApplicationError:
            raise Http404() from None

    @staticmethod
    def claim_if_free(request: HttpRequest, actor: User, article: Article) -> bool:
        """Opening an article that waits in the queue and that nobody holds claims it, and opening one's own
        renews the lease (so that the release sent by the page left behind names an older lease: see
        moderation.admin.lease). A refusal — one's own article, a declared conflict — is a message. False when
        `article` no longer says who holds it."""
        mine = article.claim_is_live() and article.claimed_by_id == actor.pk
        if article.queue_key is None or (article.claim_is_live() and not mine):
            return True
        try:
            claimed = services.claim(actor=actor, article_id=article.pk)
        except ClaimedByOther as exc:
            messages.warning(request, str(exc.message))
            return False
        except ApplicationError as exc:
            messages.warning(request, str(exc.message))
            return True
        article.claimed_by = actor
        article.claim_expires_at = claimed.claim_expires_at
        if not mine:
            messages.info(request, gettext("You claimed this article."))
        return True

    # --- the page -----------------------------------------------------------------------------------------------

    def render(
        self, request: HttpRequest, actor: User, article: Article, bound: tuple[str, forms.Form] | None
    ) -> HttpResponse:
        now = timezone.now()
        lang = request_lang()
        in_review = article.status == Status.IN_REVIEW
        pending_update = policy.has_pending_update(article)
        held_by_other = article.claim_is_live(now) and article.claimed_by_id != actor.pk
        refusal = None
        try:
            policy.require_uninvolved(actor, article)
        except ApplicationError as exc:
            refusal = str(exc.message)
        may_decide = (in_review or pending_update) and not held_by_other and refusal is None
        stages = policy.pending_stages(article) if in_review else []

        offered: list[str] = []
        if may_decide:
            offered += ["approve", "reject"]
            if in_review:
                offered.insert(1, "request_changes")
            if stages:
                offered.append("stage")
        if refusal is None:
            offered.append("note")
        if article.status == Status.PUBLISHED and refusal is None:
            offered += [n for n in ("correct", "retract") if actor.has_perm(str(DECISIONS[n].perm))]
        decision_forms = {
            name: (bound[1] if bound and bound[0] == name else _form(name))
            for name in offered
            if DECISIONS[name].form is not None
        }
        stage_form = decision_forms.get("stage")
        if stage_form is not None and not stage_form.is_bound:  # only the stages this review still needs
            stage_form.fields["stage_code"].choices = [  # type: ignore[attr-defined]
                (s.code, s.name_en if lang == "en" else s.name_ru) for s in stages
            ]
        may_release = article.claim_is_live(now) and article.claimed_by_id == actor.pk
        may_take_over = held_by_other and actor.has_perm(policy.TAKE_OVER) and refusal is None

        events = list(article.events.select_related("actor").order_by("created_at", "id"))
        following = next_in_queue(actor, after=article.pk) if article.queue_key is not None else None
        context = {
            **self.model_admin.admin_site.each_context(request),
            "title": gettext("Review: %(title)s") % {"title": visible(article.title)},
            "opts": Article._meta,
            # deferred: the script looks up the page's forms and the claim, so it runs once they are parsed (the
            # admin puts media in <head>); Media takes Script objects, which the type stubs do not know yet
            "media": forms.Media(
                css={"all": [DESK_CSS]},
                js=[forms.Script(DESK_JS, defer=True)],  # type: ignore[list-item]
            ),
            "article": article,
            "reader": {
                "title": visible(article.title),
                "lead": visible(article.lead),
                "category": article.category.name_for(lang) if article.category else "",
                "tags": [visible(t.name) for t in article.tags.all()],
                "place": visible(article.place_name),
            },
            "photos": self.photos(article, actor),
            "sources": list(article.sources.all()),
            "corrections": list(article.corrections.select_related("created_by").order_by("created_at")),
            "checks": self.checks(article),
            "diff": self.diff(article),
            "author": article.author,
            "author_name": visible(article.author.display_name),
            "record": record_of(article.author, now=now),
            "trust_reason": reason_text(article.author.trust_reason),
            "notes": [e for e in events if e.action == Action.NOTE],
            "events": Trail(events).rows(),
            "held_by_other": held_by_other,
            "holder": visible(article.claimed_by.display_name)
            if held_by_other and article.claimed_by
            else "",
            "claim_mine": may_release,
            "claim_until": article.claim_expires_at.isoformat()
            if may_release and article.claim_expires_at
            else "",
            "lease_url": reverse("admin:submissions_article_lease", args=[article.pk]),
            # the page renews the lease at half its length (desk.js), so that an open page never loses it
            "renew_seconds": max(5, int(settings.NEWSROOM["CLAIM_MINUTES"] * 30)),
            "claim_left": (
                timeuntil(article.claim_expires_at, now)
                if article.claim_expires_at is not None and article.claim_is_live(now)
                else ""
            ),
            "refusal": refusal,
            "may_decide": may_decide,
            "forms": decision_forms,
            "may_release": may_release,
            "may_take_over": may_take_over,
            "pending_stages": [s.name_en if lang == "en" else s.name_ru for s in stages],
            "first_approved_by": article.first_approved_by,
            "author_language": article.author.get_language_display(),
            "changes_template": changes_template(article) if "request_changes" in decision_forms else "",
            "reject_previews": reject_previews(article, decision_forms.get("reject")),
            "next_url": review_url(following) if following else queue_url(),
            "queue_url": queue_url(),
            "change_url": reverse("admin:submissions_article_change", args=[article.pk]),
            "review_url": review_url(article.pk),
        }
        return TemplateResponse(request, "admin/moderation/review.html", context)

    @staticmethod
    def photos(article: Article, actor: User) -> list[dict[str, Any]]:
        """The article's images through URLs the editor's browser may open (signed or presigned while the article
        is not public)."""
        return [
            {
                "src": media_url(m, m.file.name or "", actor=actor),
                "width": m.width,
                "height": m.height,
                "caption": visible(m.caption),
                "credit": visible(m.credit),
                "cover": m.pk == article.cover_id,
            }
            for m in article.media.order_by("position", "id")
        ]

    @staticmethod
    def checks(article: Article) -> Any:
        revision = selectors.review_revision(article)
        if revision is None:
            return gettext("No revision under review.")
        results = list(CheckResult.objects.filter(revision=revision).order_by("check_name"))
        if not results:
            return gettext("No check results for %(revision)s yet.") % {"revision": _revision_label(revision)}
        return render_checks(revision, results)

    @staticmethod
    def diff(article: Article) -> Any:
        revision = selectors.review_revision(article)
        if revision is None:
            return gettext("No revision under review.")
        base = diff_base(article, revision)
        if base is None:
            return gettext("%(revision)s is the first one put before editors: nothing to compare with.") % {
                "revision": _revision_label(revision)
            }
        return render_diff(base, revision)
