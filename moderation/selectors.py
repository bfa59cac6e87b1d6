from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from moderation import track
from moderation.models import CheckResult, EditorApplication, EditorProfile, ShadowReview, Verdict
from newsroom.accounts.models import User
from submissions import policy
from submissions.errors import NotFound
from submissions.models import Article, StageSignoff


def with_review_details(qs: QuerySet[Article]) -> QuerySet[Article]:
    return qs.select_related(
        "author", "category", "claimed_by", "current_revision", "pending_revision", "first_approved_by"
    ).prefetch_related(
        Prefetch("current_revision__check_results", queryset=CheckResult.objects.order_by("check_name")),
        Prefetch("pending_revision__check_results", queryset=CheckResult.objects.order_by("check_name")),
        Prefetch("stage_signoffs", queryset=StageSignoff.objects.select_related("stage")),
        "category__review_stages",
    )


def not_involved(actor: User, qs: QuerySet[Article]) -> QuerySet[Article]:
    """What the actor may review (the conflict-of-interest rule, as a filter: submissions.policy)."""
    return policy.uninvolved(actor, qs)


def _profile_scope(actor: User) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """An editor's working languages and sections (EditorProfile), as id tuples; empty means everything."""
    profile = EditorProfile.objects.filter(user_id=actor.pk).first()
    if profile is None:
        return (), ()
    return tuple(profile.languages or ()), tuple(profile.categories.values_list("pk", flat=True))


def _within(
    qs: QuerySet[Article], languages: tuple[str, ...], category_ids: tuple[int, ...]
) -> QuerySet[Article]:
    if languages:
        qs = qs.filter(language__in=languages)
    if category_ids:
        qs = qs.filter(category_id__in=category_ids)
    return qs


def working_scope(actor: User, qs: QuerySet[Article]) -> QuerySet[Article]:
    """An editor's working languages and sections (EditorProfile); none set means everything."""
    return _within(qs, *_profile_scope(actor))


@dataclass(frozen=True)
class QueueScope:
    """Everything that decides which waiting articles an editor may be handed, read once: equal scopes give
    the same queue query (claim-next keeps its compiled statement per scope)."""

    actor_id: int
    declared: policy.Declared
    may_approve_final: bool
    languages: tuple[str, ...] = ()
    category_ids: tuple[int, ...] = ()


def queue_scope(actor: User, *, scope: str = "mine") -> QueueScope:
    languages, category_ids = _profile_scope(actor) if scope == "mine" else ((), ())
    return QueueScope(
        actor_id=actor.pk,
        declared=policy.declared_conflicts(actor),
        may_approve_final=actor.has_perm(policy.APPROVE_FINAL),
        languages=languages,
        category_ids=category_ids,
    )


def queue_for(actor: User, *, scope: str = "mine", of: QueueScope | None = None) -> QuerySet[Article]:
    """The waiting articles the actor may be handed, unordered and without joins (claim-next locks from it)."""
    of = of or queue_scope(actor, scope=scope)
    qs = policy.uninvolved(
        actor,
        Article.objects.filter(queue_key__isnull=False),
        declared=of.declared,
        may_approve_final=of.may_approve_final,
    )
    return _within(qs, of.languages, of.category_ids)


@dataclass
class QueueFilters:
    scope: str = "mine"
    state: str | None = None  # in_review / update / submitted / scheduled / changes_requested / ...
    language: str | None = None
    detected_language: str | None = None
    category: str | None = None
    region: str | None = None
    claimed: bool | None = None
    overdue: bool | None = None
    appeal: bool | None = None


def review_queue(actor: User, filters: QueueFilters, *, now: datetime | None = None) -> QuerySet[Article]:
    """The queue as editors list it, in priority order (submissions/queueing.py), filtered."""
    now = now or timezone.now()
    if filters.state in (None, ""):
        qs = Article.objects.filter(queue_key__isnull=False)
    elif filters.state == "update":
        qs = Article.objects.filter(policy.PENDING_UPDATE)
    else:
        qs = Article.objects.filter(policy.SEEN_BY_EDITORS, status=filters.state)
    qs = not_involved(actor, qs)
    if filters.scope == "mine":
        qs = working_scope(actor, qs)
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.detected_language:
        detected = CheckResult.objects.filter(
            revision_id=OuterRef("current_revision_id"),
            check_name="language",
            evidence__detected=filters.detected_language,
        )
        qs = qs.filter(Exists(detected))
    if filters.category:
        qs = qs.filter(category__slug=filters.category)
    if filters.region:
        qs = qs.filter(region__iexact=filters.region)
    live_claim = Q(claimed_by__isnull=False, claim_expires_at__gt=now)
    if filters.claimed is True:
        qs = qs.filter(live_claim)
    elif filters.claimed is False:
        qs = qs.exclude(live_claim)
    if filters.overdue is True:
        qs = qs.filter(due_at__lt=now)
    elif filters.overdue is False:
        qs = qs.filter(Q(due_at__gte=now) | Q(due_at__isnull=True))
    if filters.appeal is not None:
        qs = qs.filter(is_appeal=filters.appeal)
    return with_review_details(qs).order_by("queue_key", "submitted_at", "id")


def article_get_for_editor(*, article_id: int) -> Article:
    """Editors see every article that has been submitted at least once; drafts stay private to their author."""
    article = (
        with_review_details(Article.objects.filter(policy.SEEN_BY_EDITORS)).filter(pk=article_id).first()
    )
    if article is None:
        raise NotFound()
    return article


def check_results_for(*, revision_id: int | None) -> QuerySet[CheckResult]:
    if revision_id is None:
        return CheckResult.objects.none()
    return CheckResult.objects.filter(revision_id=revision_id).order_by("check_name")


def review_revision(article: Any) -> Any:
    """The revision under review: the pending update of a published article, else the current revision."""
    return article.pending_revision if article.pending_revision_id else article.current_revision


def results_summary(article: Any) -> list[CheckResult]:
    revision = review_revision(article)
    return list(revision.check_results.all()) if revision else []


def pending_stages(article: Article) -> list[str]:
    """Stage codes still to complete in the review in progress (from prefetched rows: no queries)."""
    return [stage.code for stage in policy.pending_stages(article)]


# --- the editor track, as its applicant sees it (the studio's pages) ------------------------------------------------


def track_application(user: User) -> EditorApplication | None:
    """The user's latest application (as `track.current_application`), its shadow reviews and their revisions
    prefetched: `track.stats_for`, `verdict_tallies` and the list of verdicts then cost no query."""
    return track.with_reviews(
        EditorApplication.objects.filter(user=user).order_by("-created_at", "-id")
    ).first()


@dataclass(frozen=True)
class VerdictTally:
    """The applicant's verdicts of one kind (approve, request changes, reject) against the editors' decisions."""

    decision: str
    given: int
    scored: int  # the editors have decided on the revision
    agreed: int  # ... the same way
    same_reason: (
        int | None
    )  # of the agreeing rejections, those with the editors' reason too; None for the others
    editors: dict[str, int]  # what the editors decided on the scored ones, per decision (mildest first)


# the verdicts from the mildest to the hardest, as a person reads them
VERDICTS_MILDEST_FIRST = (Verdict.APPROVE, Verdict.REQUEST_CHANGES, Verdict.REJECT)


def verdict_tallies(application: EditorApplication) -> list[VerdictTally]:
    """One tally per verdict, mildest first, from `application.reviews.all()` (prefetch-friendly, like
    `track.stats_for`): how many the applicant gave, how many were scored and agreed, and what the editors did."""
    reviews = list(application.reviews.all())
    tallies = []
    for decision in VERDICTS_MILDEST_FIRST:
        mine = [r for r in reviews if r.decision == decision]
        scored = [r for r in mine if r.scored_at is not None]
        agreed = [r for r in scored if r.decision_agrees]
        tallies.append(
            VerdictTally(
                decision=decision,
                given=len(mine),
                scored=len(scored),
                agreed=len(agreed),
                same_reason=sum(1 for r in agreed if r.reason_agrees) if decision == Verdict.REJECT else None,
                editors={d: sum(1 for r in scored if r.editor_decision == d) for d in VERDICTS_MILDEST_FIRST},
            )
        )
    return tallies


def shadow_review_for(*, actor: User, review_id: int) -> ShadowReview:
    """One of the actor's own shadow verdicts (any application of theirs); anyone else's is NotFound."""
    review = (
        ShadowReview.objects.select_related("revision__category")
        .filter(pk=review_id, reviewer_id=actor.pk)
        .first()
    )
    if review is None:
        raise NotFound()
    return review
