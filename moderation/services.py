"""Editors' writes that are not lifecycle moves: claims (leases) on in_review articles."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from submissions import workflow
from submissions.errors import ClaimedByOther, ConflictOfInterest, InvalidTransition, NotAllowed, NotFound
from submissions.models import Article
from submissions.states import Action, Status


def _lease_end() -> Any:
    return timezone.now() + timedelta(minutes=settings.NEWSROOM["CLAIM_MINUTES"])


def _unclaimed(now: Any) -> Q:
    return Q(claimed_by__isnull=True) | Q(claim_expires_at__lte=now)


@transaction.atomic
def claim_next(*, actor: Any) -> Article | None:
    """Takes the top unclaimed in_review article. SKIP LOCKED: two editors never get the same one, and neither
    waits for the other. Returns None when nothing is waiting."""
    if not actor.has_perm(workflow.MODERATE):
        raise NotAllowed()
    now = timezone.now()
    article = (
        Article.objects.select_for_update(skip_locked=True)
        .filter(_unclaimed(now), status=Status.IN_REVIEW)
        .exclude(author_id=actor.pk)
        .order_by(F("risk_score").desc(nulls_last=True), "submitted_at", "id")
        .first()
    )
    if article is None:
        return None
    _take(article, actor)
    return article


@transaction.atomic
def claim(*, actor: Any, article_id: int) -> Article:
    """Claims one article, or renews the actor's own lease."""
    article = _lock_for_editor(actor, article_id)
    if article.status != Status.IN_REVIEW:
        raise InvalidTransition(status=article.status, action=str(Action.CLAIM))
    if article.author_id == actor.pk:
        raise ConflictOfInterest()
    if article.claim_is_live() and article.claimed_by_id != actor.pk:
        raise ClaimedByOther(claimed_by=article.claimed_by_id)
    _take(article, actor)
    return article


def _lock_for_editor(actor: Any, article_id: int) -> Article:
    """Locks the row of an article an editor may handle (drafts are invisible to editors)."""
    if not actor.has_perm(workflow.MODERATE):
        raise NotAllowed()
    article = Article.objects.select_for_update().filter(pk=article_id).first()
    if article is None or article.status == Status.DRAFT:
        raise NotFound()
    return article


def _take(article: Article, actor: Any) -> None:
    renewing = article.claimed_by_id == actor.pk and article.claim_is_live()
    article.claimed_by = actor
    article.claim_expires_at = _lease_end()
    article.save(update_fields=["claimed_by", "claim_expires_at"])
    workflow.record_event(
        article=article,
        actor=actor,
        action=Action.CLAIM,
        data={"until": article.claim_expires_at.isoformat(), "renewal": renewing},
    )


@transaction.atomic
def release(*, actor: Any, article_id: int) -> Article:
    article = _lock_for_editor(actor, article_id)
    if article.claim_is_live() and article.claimed_by_id != actor.pk:
        raise ClaimedByOther(claimed_by=article.claimed_by_id)
    if article.claimed_by_id:
        article.claimed_by = None
        article.claim_expires_at = None
        article.save(update_fields=["claimed_by", "claim_expires_at"])
        workflow.record_event(article=article, actor=actor, action=Action.RELEASE)
    return article


@transaction.atomic
def claims_release_expired() -> int:
    now = timezone.now()
    expired = list(
        Article.objects.select_for_update(skip_locked=True).filter(
            claimed_by__isnull=False, claim_expires_at__lte=now
        )[:1000]
    )
    for article in expired:
        previous = article.claimed_by_id
        article.claimed_by = None
        article.claim_expires_at = None
        article.save(update_fields=["claimed_by", "claim_expires_at"])
        workflow.record_event(
            article=article, actor=None, action=Action.RELEASE, data={"expired": True, "editor": previous}
        )
    return len(expired)
