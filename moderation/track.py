"""The editor track: apply, shadow-review articles in review, get scored against the editors' real decisions.

Scoring a verdict against the editor's decision on the same revision:
- decision differs: 0;
- same decision, and (not a rejection, or the same reason code): 1;
- both rejected, for different reasons: 0.5.
Accuracy is the mean score of the scored verdicts; decision agreement and reason agreement are reported apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models import EditorApplication, ShadowReview, Verdict
from newsroom.accounts import services as account_services
from newsroom.accounts.models import User
from newsroom.accounts.roles import JUNIOR_EDITOR, STAFF_ROLES
from newsroom.api.errors import ApplicationError, Conflict, NotAllowed, NotFound
from submissions.models import Article
from submissions.states import RejectReason, Status

DECIDE = "moderation.decide_editorapplication"


class TrustTooLow(ApplicationError):
    code = "trust_level_too_low"
    status = 403
    default_message = _("The editor track opens at trust level 2.")


class AlreadyApplied(Conflict):
    code = "already_applied"
    default_message = _("You already have an open application.")


class AlreadyEditor(Conflict):
    code = "already_editor"
    default_message = _("You already hold an editor role.")


class NotAnApplicant(ApplicationError):
    code = "not_an_applicant"
    status = 403
    default_message = _("Apply to the editor track first.")


class AlreadyReviewed(Conflict):
    code = "already_reviewed"
    default_message = _("You already gave a verdict on this version of the article.")


class NotEnoughReviews(Conflict):
    code = "not_enough_reviews"
    default_message = _("The applicant does not have enough scored shadow reviews yet.")


class ApplicationClosed(Conflict):
    code = "application_closed"
    default_message = _("This application has already been decided.")


# --- scoring -------------------------------------------------------------------------------------------------------


def score(
    decision: str, reason: str, editor_decision: str, editor_reason: str
) -> tuple[bool, bool | None, float]:
    """-> (decision agrees, reason agrees or None when not both rejected, score)."""
    decision_agrees = decision == editor_decision
    reason_agrees = reason == editor_reason if decision == editor_decision == Verdict.REJECT else None
    if not decision_agrees:
        return False, reason_agrees, 0.0
    return True, reason_agrees, 0.5 if reason_agrees is False else 1.0


def score_revision(*, revision_id: int, action: str, reason_code: str) -> int:
    """Scores every unscored shadow verdict on the revision an editor just decided. Idempotent."""
    now = timezone.now()
    scored = 0
    with transaction.atomic():
        for review in ShadowReview.objects.select_for_update().filter(
            revision_id=revision_id, scored_at=None
        ):
            review.decision_agrees, review.reason_agrees, review.score = score(
                review.decision, review.reason_code, action, reason_code
            )
            review.editor_decision = action
            review.editor_reason_code = reason_code
            review.scored_at = now
            review.save(
                update_fields=[
                    "decision_agrees",
                    "reason_agrees",
                    "score",
                    "editor_decision",
                    "editor_reason_code",
                    "scored_at",
                ]
            )
            scored += 1
    return scored


@dataclass(frozen=True)
class TrackStats:
    reviews: int
    scored: int
    pending: int
    accuracy: float | None
    decision_agreement: float | None
    reason_agreement: float | None

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def stats_for(application: EditorApplication) -> TrackStats:
    """From `application.reviews.all()`: one query, or none when the caller prefetched the reviews."""
    rows = [(r.score, r.decision_agrees, r.reason_agrees) for r in application.reviews.all()]
    scored = [r for r in rows if r[0] is not None]
    return TrackStats(
        reviews=len(rows),
        scored=len(scored),
        pending=len(rows) - len(scored),
        accuracy=_mean([r[0] for r in scored if r[0] is not None]),
        decision_agreement=_mean([1.0 if r[1] else 0.0 for r in scored]),
        reason_agreement=_mean([1.0 if r[2] else 0.0 for r in scored if r[2] is not None]),
    )


def disagreements(application: EditorApplication, limit: int = 5) -> list[ShadowReview]:
    """The latest scored verdicts that differed from the editor's (prefetch-friendly, like stats_for)."""
    scored = [r for r in application.reviews.all() if r.score is not None and r.score < 1.0]
    scored.sort(key=lambda r: (r.scored_at, r.pk), reverse=True)
    return scored[:limit]


def with_reviews(applications: QuerySet[EditorApplication]) -> QuerySet[EditorApplication]:
    return applications.select_related("user").prefetch_related(
        Prefetch("reviews", queryset=ShadowReview.objects.select_related("revision"))
    )


# --- applicant -----------------------------------------------------------------------------------------------------


def current_application(user: User) -> EditorApplication | None:
    return EditorApplication.objects.filter(user=user).order_by("-created_at", "-id").first()


def open_application(user: User) -> EditorApplication:
    application = EditorApplication.objects.filter(user=user, state=EditorApplication.State.OPEN).first()
    if application is None:
        raise NotAnApplicant()
    return application


@transaction.atomic
def apply(*, actor: User, motivation: str = "") -> EditorApplication:
    if actor.groups.filter(name__in=STAFF_ROLES).exists():
        raise AlreadyEditor()
    minimum = settings.NEWSROOM["EDITOR_TRACK_MIN_TRUST"]
    if actor.trust_level < minimum:
        raise TrustTooLow(level=actor.trust_level, required=minimum)
    try:
        with transaction.atomic():
            return EditorApplication.objects.create(user=actor, motivation=motivation)
    except IntegrityError:
        raise AlreadyApplied() from None


def shadow_candidates(user: User) -> QuerySet[Article]:
    """Articles in review the applicant did not write and has not judged in their current version."""
    judged = ShadowReview.objects.filter(reviewer=user).values("revision_id")
    return (
        Article.objects.filter(status=Status.IN_REVIEW, current_revision__isnull=False)
        .exclude(author=user)
        .exclude(current_revision_id__in=judged)
        .select_related("category", "current_revision")
        .order_by("submitted_at", "id")
    )


def shadow_next(*, actor: User) -> Article | None:
    open_application(actor)
    return shadow_candidates(actor).first()


def shadow_article(*, actor: User, article_id: int) -> Article:
    open_application(actor)
    article = (
        Article.objects.filter(pk=article_id, status=Status.IN_REVIEW)
        .exclude(author=actor)
        .select_related("category", "current_revision")
        .first()
    )
    if article is None:
        raise NotFound()
    return article


@transaction.atomic
def shadow_verdict(
    *, actor: User, article_id: int, decision: str, reason_code: str = "", note: str = ""
) -> ShadowReview:
    application = open_application(actor)
    article = shadow_article(actor=actor, article_id=article_id)
    assert article.current_revision is not None  # in review means submitted: it has a revision
    if decision == Verdict.REJECT:
        RejectReason(reason_code)  # the serializer requires it for a rejection
    else:
        reason_code = ""
    try:
        with transaction.atomic():
            return ShadowReview.objects.create(
                application=application,
                reviewer=actor,
                article=article,
                revision=article.current_revision,
                decision=decision,
                reason_code=reason_code,
                note=note,
            )
    except IntegrityError:
        raise AlreadyReviewed() from None


# --- chief editors -------------------------------------------------------------------------------------------------


def _decidable(actor: User, application_id: int) -> EditorApplication:
    if not actor.has_perm(DECIDE):
        raise NotAllowed()
    application = EditorApplication.objects.select_for_update().filter(pk=application_id).first()
    if application is None:
        raise NotFound()
    if application.state != EditorApplication.State.OPEN:
        raise ApplicationClosed()
    return application


@transaction.atomic
def grant(*, actor: User, application_id: int, note: str = "") -> EditorApplication:
    application = _decidable(actor, application_id)
    stats = stats_for(application)
    minimum = settings.NEWSROOM["EDITOR_TRACK_MIN_SCORED"]
    if stats.scored < minimum:
        raise NotEnoughReviews(scored=stats.scored, required=minimum)
    account_services.roles_change(
        actor=actor,
        user_id=application.user_id,
        grant=[JUNIOR_EDITOR],
        revoke=[],
        note=note or "editor track",
    )
    application.state = EditorApplication.State.GRANTED
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.decision_note = note
    application.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    return application


@transaction.atomic
def decline(*, actor: User, application_id: int, note: str = "") -> EditorApplication:
    application = _decidable(actor, application_id)
    application.state = EditorApplication.State.DECLINED
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.decision_note = note
    application.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    return application


# --- personal data -------------------------------------------------------------------------------------------------


def export(user: User) -> dict[str, Any]:
    return {
        "applications": [
            {
                "state": a.state,
                "motivation": a.motivation,
                "created_at": a.created_at.isoformat(),
                "decided_at": a.decided_at.isoformat() if a.decided_at else None,
                "stats": stats_for(a).as_dict(),
            }
            for a in EditorApplication.objects.filter(user=user)
        ],
        "shadow_reviews": [
            {
                "article": r.article_id,
                "decision": r.decision,
                "reason_code": r.reason_code,
                "note": r.note,
                "score": r.score,
                "at": r.created_at.isoformat(),
            }
            for r in ShadowReview.objects.filter(reviewer=user)
        ],
    }


def erase(user: User) -> None:
    EditorApplication.objects.filter(user=user).delete()  # cascades to the shadow reviews
