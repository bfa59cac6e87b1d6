"""The machinery every lifecycle move shares: check a move against the table, apply it with update_fields, record
it in the audit trail, and send its side effects after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom.accounts.models import User
from newsroom.api.errors import ApplicationError
from submissions import queueing
from submissions.errors import (
    ClaimedByOther,
    InvalidTransition,
)
from submissions.models import (
    Article,
    ArticleEvent,
)
from submissions.policy import (
    require_uninvolved,
)
from submissions.signals import article_decided, article_public_change
from submissions.states import TRANSITIONS, Action, Status

# --- helpers ------------------------------------------------------------------------------------------------------


def after_commit(signal: Any, **kwargs: Any) -> None:
    """Sends `signal` once the transaction commits, to every receiver even if one fails (Django's dispatcher
    logs each failure): the move stands whatever a listener does, and one listener's error never silences the
    others."""
    transaction.on_commit(lambda: signal.send_robust(sender=Article, **kwargs))


def move(
    article: Article,
    action: str,
    *,
    actor: User | None,
    fields: dict[str, Any] | None = None,
    message: str = "",
    data: dict[str, Any] | None = None,
    record_as: str | None = None,
) -> ArticleEvent:
    """Checks the move against TRANSITIONS, applies it with `fields`, and records it (as `record_as` where the
    move is recorded under another action's name)."""
    require_state(article, action)
    target = TRANSITIONS[action][1]
    previous = article.status
    article.status = target
    changed = ["status", "updated_at"]
    for name, value in (fields or {}).items():
        setattr(article, name, value)
        changed.append(name)
    if target == Status.IN_REVIEW:  # enters the queue
        article.is_appeal = action == Action.APPEAL
        changed += ["is_appeal", *queueing.enqueue(article, entered=timezone.now(), appeal=article.is_appeal)]
    else:  # leaves it: no place, no claim, no half-done approval, no pending update
        for name, value in OUT_OF_QUEUE.items():
            setattr(article, name, value)
        changed += list(OUT_OF_QUEUE)
    article.save(update_fields=changed)
    return ArticleEvent.objects.create(
        article=article,
        actor=actor if getattr(actor, "pk", None) else None,
        action=record_as or action,
        from_status=previous,
        to_status=target,
        message=message,
        data=data or {},
    )


def require_editor(actor: User, article: Article) -> None:
    require_uninvolved(actor, article)
    if article.claim_is_live() and article.claimed_by_id != actor.pk:
        raise ClaimedByOther(claimed_by=article.claimed_by_id)


def require_state(article: Article, action: str, allowed: frozenset[str] | None = None) -> None:
    if article.status not in (allowed if allowed is not None else TRANSITIONS[action][0]):
        raise InvalidTransition(
            _("Cannot %(action)s: the article is %(status)s.")
            % {"action": action, "status": Status(article.status).label},
            status=article.status,
            action=str(action),
        )


def field_error(name: str, error: type[ApplicationError]) -> dict[str, Any]:
    return {name: [{"code": error.code, "message": str(error.default_message)}]}


NO_CLAIM = {"claimed_by": None, "claim_expires_at": None}
OUT_OF_QUEUE = {
    **NO_CLAIM,
    "due_at": None,
    "queue_key": None,
    "first_approved_by": None,
    "is_appeal": False,
    "pending_revision": None,
}


# --- editors ------------------------------------------------------------------------------------------------------


def decided(article: Article, actor: User, action: str, event: ArticleEvent, reason_code: str = "") -> None:
    """After commit, tells listeners (trust levels, editor-track scoring, notifications) that a review ended in a
    decision."""
    payload = {
        "article_id": article.pk,
        "revision_id": article.current_revision_id,
        "author_id": article.author_id,
        "actor_id": actor.pk,
        "action": str(action),
        "reason_code": reason_code,
        "event_id": event.pk,
    }
    # robust: the decision stands even if a listener fails (logged); the nightly recompute repairs trust levels
    after_commit(article_decided, **payload)


def public_change(article: Article, kind: str) -> None:
    article_id = article.pk
    after_commit(article_public_change, article_id=article_id, kind=kind)


def close_update(
    article: Article, actor: User, action: str, *, message: str, data: dict[str, Any]
) -> ArticleEvent:
    for name, value in OUT_OF_QUEUE.items():
        setattr(article, name, value)
    article.save(update_fields=list(OUT_OF_QUEUE))
    return record_event(article=article, actor=actor, action=action, message=message, data=data)


# --- events that change no state (claims, editorial edits), in the same audit trail -------------------------------


def record_event(
    *,
    article: Article,
    actor: User | None,
    action: str,
    message: str = "",
    data: dict[str, Any] | None = None,
) -> ArticleEvent:
    return ArticleEvent.objects.create(
        article=article,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_status=article.status,
        to_status=article.status,
        message=message,
        data=data or {},
    )
