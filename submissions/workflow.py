"""The article lifecycle. The only module that assigns `Article.status`.

Every transition: locks the row, checks the state (TRANSITIONS) and the actor's right, saves with update_fields,
writes an ArticleEvent in the same transaction, and schedules side effects after commit.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom.accounts import trust
from newsroom.accounts.models import User
from newsroom.api.errors import ApplicationError
from submissions import queueing
from submissions.content import count_links
from submissions.errors import (
    AppealUsed,
    ArticleNotEditable,
    AwaitingSecondApproval,
    ClaimedByOther,
    EmailNotVerified,
    IncompleteArticle,
    InvalidTransition,
    LegalGroundRequired,
    LockedAfterPublication,
    NotAllowed,
    PreconditionFailed,
    RightsNotConfirmed,
    SourcesRequired,
    StageNotRequired,
    StageSignerCannotApprove,
    StagesPending,
    SubmissionRateLimited,
    SubmissionsSuspended,
    TooManyLinks,
    UnknownReason,
)
from submissions.models import (
    Article,
    ArticleEvent,
    Correction,
    RejectionReason,
    ReviewStage,
    Revision,
    StageSignoff,
)
from submissions.policy import (
    APPROVE_FINAL,
    CORRECT,
    RETRACT,
    UNSCHEDULE,
    UPDATE_FIELDS,
    has_pending_update,
    may_appeal,
    may_propose_update,
    pending_stages,
    require_uninvolved,
    review_round,
)
from submissions.revisions import snapshot
from submissions.selectors import article_get_for_actor
from submissions.services import apply_fields
from submissions.signals import article_decided, article_public_change, article_published, article_submitted
from submissions.slugs import unique_slug
from submissions.states import ERASE, TRANSITIONS, Action, RevisionKind, Status
from submissions.trust import trust_recompute

log = logging.getLogger(__name__)


# --- helpers ------------------------------------------------------------------------------------------------------


def _after_commit(signal: Any, **kwargs: Any) -> None:
    """Sends `signal` once the transaction commits, to every receiver even if one fails (each failure is
    logged): the move stands whatever a listener does, and one listener's error never silences the others."""

    def send() -> None:
        for receiver, result in signal.send_robust(sender=Article, **kwargs):
            if isinstance(result, Exception):
                log.error("receiver %r of %s failed", receiver, kwargs, exc_info=result)

    transaction.on_commit(send)


def _move(
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
    _require_state(article, action)
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
        for name, value in _OUT_OF_QUEUE.items():
            setattr(article, name, value)
        changed += list(_OUT_OF_QUEUE)
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


def _require_editor(actor: User, article: Article) -> None:
    require_uninvolved(actor, article)
    if article.claim_is_live() and article.claimed_by_id != actor.pk:
        raise ClaimedByOther(claimed_by=article.claimed_by_id)


def _require_state(article: Article, action: str, allowed: frozenset[str] | None = None) -> None:
    if article.status not in (allowed if allowed is not None else TRANSITIONS[action][0]):
        raise InvalidTransition(
            _("Cannot %(action)s: the article is %(status)s.")
            % {"action": action, "status": Status(article.status).label},
            status=article.status,
            action=str(action),
        )


def _field_error(name: str, error: type[ApplicationError]) -> dict[str, Any]:
    return {name: [{"code": error.code, "message": str(error.default_message)}]}


_NO_CLAIM = {"claimed_by": None, "claim_expires_at": None}
_OUT_OF_QUEUE = {
    **_NO_CLAIM,
    "due_at": None,
    "queue_key": None,
    "first_approved_by": None,
    "is_appeal": False,
    "pending_revision": None,
}


def _check_trust_limits(actor: User, article: Article) -> None:
    """What the author's trust level allows: submissions per 24 h and links per article."""
    if actor.trust_computed_at is None:  # never computed (an account older than trust levels): do it now
        actor.refresh_from_db()
        trust_recompute(actor.pk)
        actor.refresh_from_db()
    # one author's submissions are counted one at a time: two concurrent submits cannot both slip under the limit
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
    level = actor.trust_level
    per_day = trust.submissions_per_day(level)
    if per_day == 0:
        raise SubmissionsSuspended(level=level)
    since = timezone.now() - timedelta(days=1)
    recent = list(
        ArticleEvent.objects.filter(actor_id=actor.pk, action=Action.SUBMIT, created_at__gte=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:per_day]
    )
    if len(recent) >= per_day:
        retry = int((recent[-1] + timedelta(days=1) - timezone.now()).total_seconds()) + 1
        raise SubmissionRateLimited(level=level, limit=per_day, retry_after=max(retry, 1))
    links, allowed = count_links(article.title, article.lead, article.body), trust.links_per_article(level)
    if links > allowed:
        raise TooManyLinks(
            _("The article has %(links)d links; your trust level allows %(allowed)d.")
            % {"links": links, "allowed": allowed},
            fields={"body": [{"code": "too_many_links", "message": str(TooManyLinks.default_message)}]},
            level=level,
            limit=allowed,
        )


# --- author -------------------------------------------------------------------------------------------------------


@transaction.atomic
def article_submit(*, actor: User, article_id: int) -> Article:
    article = article_get_for_actor(actor=actor, article_id=article_id, lock=True)
    if not actor.is_email_verified:
        raise EmailNotVerified()
    missing = {
        name: [{"code": "required", "message": str(_("This field is required."))}]
        for name in ("title", "body", "category")
        if not getattr(article, name if name != "category" else "category_id")
    }
    if article.status in TRANSITIONS[Action.SUBMIT][0]:
        if missing:
            raise IncompleteArticle(fields=missing)
        if not article.rights_confirmed:
            raise RightsNotConfirmed(fields=_field_error("rights_confirmed", RightsNotConfirmed))
        if article.has_third_party_material and not article.sources.exists():
            raise SourcesRequired(fields=_field_error("sources", SourcesRequired))
        _check_trust_limits(actor, article)
    _require_state(article, Action.SUBMIT)  # before the revision is made
    revision = snapshot(article, kind=RevisionKind.SUBMIT, actor=actor)
    _move(
        article,
        Action.SUBMIT,
        actor=actor,
        fields={"submitted_at": timezone.now(), "risk_score": None, "current_revision": revision},
        data={"revision": revision.number},
    )
    # robust: if the broker is down the submission still stands; the beat sweeper dispatches its checks later
    _after_commit(article_submitted, article_id=article.pk, revision_id=revision.pk)
    return article


@transaction.atomic
def article_withdraw(*, actor: User, article_id: int) -> Article:
    article = article_get_for_actor(actor=actor, article_id=article_id, lock=True)
    _move(article, Action.WITHDRAW, actor=actor)
    return article


@transaction.atomic
def article_erase(*, article_id: int) -> None:
    """The author deleted their account: an article that never went public loses its content (text, revisions,
    media, sources, place) and leaves the queue; the row and its audit trail stay (the trail is append-only)."""
    article = article_get_for_actor(actor=None, article_id=article_id, lock=True)
    if article.status not in TRANSITIONS[ERASE][0] or article.erased_at is not None:
        return
    article.revisions.all().delete()  # with their check results (media files go with their rows)
    article.media.all().delete()
    article.sources.all().delete()
    article.tags.clear()
    blank = {name: "" for name in ("title", "lead", "body", "body_html", "place_name", "region")}
    _move(
        article,
        ERASE,
        actor=None,
        fields={
            **blank,
            "retraction_reason": "",
            "latitude": None,
            "longitude": None,
            "current_revision": None,
            "cover": None,
            "erased_at": timezone.now(),
        },
        data={"erased": True},
        record_as=Action.WITHDRAW,
    )


# --- automated checks (the system) ---------------------------------------------------------------------------------


@transaction.atomic
def article_checks_completed(
    *, revision_id: int, risk_score: float, summary: dict[str, Any]
) -> Article | None:
    """submitted -> in_review once every check of the current revision has a result. Idempotent: a repeat,
    or a result for a superseded revision, changes nothing and returns None."""
    revision = Revision.objects.filter(pk=revision_id).only("article_id").first()
    if revision is None:
        return None
    article = article_get_for_actor(actor=None, article_id=revision.article_id, lock=True)
    if article.current_revision_id != revision_id or article.status != Status.SUBMITTED:
        return None
    _move(article, Action.CHECKS_COMPLETE, actor=None, fields={"risk_score": risk_score}, data=summary)
    return article


# --- editors ------------------------------------------------------------------------------------------------------


def _decided(article: Article, actor: User, action: str, event: ArticleEvent, reason_code: str = "") -> None:
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
    _after_commit(article_decided, **payload)


def _public_change(article: Article, kind: str) -> None:
    article_id = article.pk
    _after_commit(article_public_change, article_id=article_id, kind=kind)


@transaction.atomic
def article_edit(*, actor: User, article_id: int, expected_version: int | None, **fields: Any) -> Article:
    """An editor's edit of an article in review: a new revision (the author sees it as a diff) that becomes the
    one under review and, once approved, the published text. Same If-Match rule as the author's edits."""
    article = article_get_for_actor(actor=actor, article_id=article_id, lock=True, as_editor=True)
    _require_editor(actor, article)
    if expected_version is not None and expected_version != article.version:
        raise PreconditionFailed(version=article.version)
    _require_state(article, Action.EDIT, frozenset({Status.IN_REVIEW}))
    changed = apply_fields(article, fields)
    if changed:
        revision = snapshot(article, kind=RevisionKind.EDIT, actor=actor, changed=changed)
        article.current_revision = revision
        article.save(update_fields=["current_revision"])
        record_event(article=article, actor=actor, action=Action.EDIT, data={"revision": revision.number})
        # the edited text is checked too, so that the findings shown are those of the text under review
        _after_commit(article_submitted, article_id=article.pk, revision_id=revision.pk)
    return article


@transaction.atomic
def article_request_changes(*, actor: User, article_id: int, message: str) -> Article:
    article = article_get_for_actor(actor=actor, article_id=article_id, lock=True, as_editor=True)
    _require_editor(actor, article)
    event = _move(article, Action.REQUEST_CHANGES, actor=actor, message=message)
    _decided(article, actor, Action.REQUEST_CHANGES, event)
    return article


def rejection_reason(code: str) -> RejectionReason:
    reason = RejectionReason.objects.filter(code=code, is_active=True).first()
    if reason is None:
        raise UnknownReason(
            fields={
                "reason_code": [{"code": UnknownReason.code, "message": str(UnknownReason.default_message)}]
            }
        )
    return reason


def rejection_message(reason: RejectionReason, article: Article, *, legal_ground: str = "") -> str:
    """The reason's template in the author's language, filled in: what the editor starts from."""
    template = reason.template_for(article.author.language)
    return template.replace("{title}", article.title).replace("{legal_ground}", legal_ground)


@transaction.atomic
def article_reject(
    *, actor: User, article_id: int, reason_code: str, message: str = "", legal_ground: str = ""
) -> Article:
    """Rejects a review (or a pending update of a published article) with a reason of the managed taxonomy and
    a message to the author: the editor's, or the reason's template in the author's language."""
    article = article_get_for_actor(actor=actor, article_id=article_id, lock=True, as_editor=True)
    _require_editor(actor, article)
    reason = rejection_reason(reason_code)
    if reason.needs_legal_ground and not legal_ground.strip():
        raise LegalGroundRequired(
            fields={
                "legal_ground": [
                    {"code": LegalGroundRequired.code, "message": str(LegalGroundRequired.default_message)}
                ]
            }
        )
    message = message.strip() or rejection_message(reason, article, legal_ground=legal_ground.strip())
    data = {
        "reason_code": reason.code,
        **({"legal_ground": legal_ground.strip()} if legal_ground.strip() else {}),
    }
    if has_pending_update(article):
        event = _close_update(article, actor, Action.UPDATE_REJECT, message=message, data=data)
        _decided(article, actor, Action.UPDATE_REJECT, event, reason.code)
        return article
    event = _move(
        article,
        Action.REJECT,
        actor=actor,
        fields={"reject_reason": reason.code, "rejected_by": actor},
        message=message,
        data=data,
    )
    _decided(article, actor, Action.REJECT, event, reason.code)
    return article


def _require_final_approval_allowed(actor: User, article: Article) -> None:
    """Multi-stage review: every stage of the category completed, and by someone else where it says so."""
    if article.status != Status.IN_REVIEW:
        return
    pending = pending_stages(article)
    if pending:
        raise StagesPending(stages=[stage.code for stage in pending])
    if StageSignoff.objects.filter(
        article=article,
        round_started=review_round(article),
        signed_by_id=actor.pk,
        stage__separate_person=True,
    ).exists():
        raise StageSignerCannotApprove()


@transaction.atomic
def article_approve(
    *, actor: User, article_id: int, publish_at: datetime | None = None, note: str = ""
) -> Article:
    """Approves for publication at `publish_at`, or now (published in the same transaction). A junior editor's
    approval is a first approval: the article stays in review, released, until an editor gives the second.
    On a published article with a pending update, approves the update (the live text changes)."""
    article = article_get_for_actor(actor=actor, article_id=article_id, lock=True, as_editor=True)
    _require_editor(actor, article)
    if not has_pending_update(article):
        _require_state(article, Action.APPROVE)
    if not actor.has_perm(APPROVE_FINAL):
        if article.first_approved_by_id is not None:
            raise AwaitingSecondApproval(first_approved_by=article.first_approved_by_id)
        article.first_approved_by = actor
        for name, value in _NO_CLAIM.items():
            setattr(article, name, value)
        article.save(update_fields=["first_approved_by", *_NO_CLAIM])
        proposed = {"publish_at": publish_at.isoformat()} if publish_at else {}
        record_event(article=article, actor=actor, action=Action.PRE_APPROVE, message=note, data=proposed)
        return article
    if has_pending_update(article):
        event = _approve_update(article, actor, note=note)
        _decided(article, actor, Action.UPDATE_APPROVE, event)
        return article
    _require_final_approval_allowed(actor, article)
    now = timezone.now()
    when = publish_at if publish_at and publish_at > now else now
    data: dict[str, Any] = {"publish_at": when.isoformat()}
    if article.first_approved_by_id:
        data["first_approved_by"] = article.first_approved_by_id
    event = _move(article, Action.APPROVE, actor=actor, fields={"publish_at": when}, message=note, data=data)
    _decided(article, actor, Action.APPROVE, event)
    if when <= now:
        _publish(article, actor=actor)
    return article


@transaction.atomic
def article_complete_stage(*, actor: User, article_id: int, stage_code: str, note: str = "") -> StageSignoff:
    """Signs off one review stage (e.g. the fact-check) of the review in progress. Idempotent per review."""
    article = article_get_for_actor(actor=actor, article_id=article_id, lock=True, as_editor=True)
    _require_editor(actor, article)
    _require_state(article, Action.STAGE, frozenset({Status.IN_REVIEW}))
    stage = ReviewStage.objects.filter(
        code=stage_code, is_active=True, categories=article.category_id
    ).first()
    if stage is None:
        raise StageNotRequired()
    signoff, created = StageSignoff.objects.get_or_create(
        article=article,
        stage=stage,
        round_started=review_round(article),
        defaults={"signed_by": actor, "note": note},
    )
    if created:
        record_event(
            article=article, actor=actor, action=Action.STAGE, message=note, data={"stage": stage.code}
        )
    return signoff


@transaction.atomic
def article_publish(*, actor: User | None, article_id: int, now: datetime | None = None) -> Article | None:
    """Publishes a scheduled article whose time has come (beat, actor None). Idempotent: None if not due — two
    beats racing take the row lock in turn and the second finds it published."""
    now = now or timezone.now()
    article = article_get_for_actor(actor=None, article_id=article_id, lock=True)
    if article.status != Status.SCHEDULED or (article.publish_at and article.publish_at > now):
        return None
    _publish(article, actor=actor)
    return article


def _publish(article: Article, *, actor: User | None) -> None:
    now = timezone.now()
    for attempt in range(5):
        slug = unique_slug(article.title, article.pk)
        try:
            with transaction.atomic():  # a concurrent publish may take the same slug: retry with the next one
                _move(article, Action.PUBLISH, actor=actor, fields={"slug": slug, "published_at": now})
            break
        except IntegrityError:
            article.status = Status.SCHEDULED
            if attempt == 4:
                raise
    _after_commit(article_published, article_id=article.pk)


@transaction.atomic
def article_unschedule(*, actor: User, article_id: int, message: str = "") -> Article:
    """Chief editors: an approved, not yet published article goes back to the queue."""
    if not actor.has_perm(UNSCHEDULE):
        raise NotAllowed()
    article = article_get_for_actor(actor=actor, article_id=article_id, lock=True, as_editor=True)
    _move(article, Action.UNSCHEDULE, actor=actor, fields={"publish_at": None}, message=message)
    return article


@transaction.atomic
def article_retract(*, actor: User, article_id: int, reason: str) -> Article:
    """The article keeps its URL and shows the retraction notice instead of being removed."""
    if not actor.has_perm(RETRACT):
        raise NotAllowed()
    article = article_get_for_actor(actor=actor, article_id=article_id, lock=True, as_editor=True)
    _move(
        article,
        Action.RETRACT,
        actor=actor,
        fields={"retracted_at": timezone.now(), "retraction_reason": reason},
        message=reason,
    )
    _public_change(article, "retraction")
    return article


@transaction.atomic
def article_correct(*, actor: User, article_id: int, text: str) -> Correction:
    """Appends a dated public correction to a published article."""
    if not actor.has_perm(CORRECT):
        raise NotAllowed()
    article = article_get_for_actor(actor=actor, article_id=article_id, lock=True, as_editor=True)
    _require_state(article, Action.CORRECT, frozenset({Status.PUBLISHED}))
    correction = Correction.objects.create(article=article, text=text, created_by=actor)
    record_event(
        article=article, actor=actor, action=Action.CORRECT, message=text, data={"correction": correction.pk}
    )
    _public_change(article, "correction")
    return correction


# --- appeals and updates of published articles (the author) -------------------------------------------------------


@transaction.atomic
def article_appeal(*, actor: User, article_id: int, message: str) -> Article:
    """Once per article: a rejection goes back to the queue, ahead of others, for an editor other than the one
    who rejected it."""
    article = article_get_for_actor(actor=actor, article_id=article_id, lock=True)
    _require_state(article, Action.APPEAL)
    if not may_appeal(article):
        raise AppealUsed()
    _move(article, Action.APPEAL, actor=actor, fields={"appealed_at": timezone.now()}, message=message)
    return article


@transaction.atomic
def article_propose_update(
    *, actor: User, article_id: int, expected_version: int | None = None, **fields: Any
) -> Article:
    """The author's edit of a published article: a pending revision reviewed like a submission while the
    published text stays live (a second edit before the decision replaces the proposal)."""
    article = article_get_for_actor(actor=actor, article_id=article_id, lock=True)
    if expected_version is not None and expected_version != article.version:
        raise PreconditionFailed(version=article.version)
    if not may_propose_update(article):
        raise ArticleNotEditable(status=article.status)
    locked = sorted(set(fields) - set(UPDATE_FIELDS))
    if locked:
        error = {"code": LockedAfterPublication.code, "message": str(LockedAfterPublication.default_message)}
        raise LockedAfterPublication(fields={name: [error] for name in locked})
    base: Any = article.pending_revision if article.pending_revision_id else article
    proposal = {name: fields.get(name, getattr(base, name)) for name in UPDATE_FIELDS}
    changed = [name for name in UPDATE_FIELDS if proposal[name] != getattr(article, name)]
    if not changed:
        return article
    revision = snapshot(article, kind=RevisionKind.UPDATE, actor=actor, changed=changed, text=proposal)
    queued = article.queue_key is not None  # a replaced proposal keeps its place
    article.pending_revision = revision
    article.version += 1
    update = ["pending_revision", "version", "updated_at"]
    if not queued:
        update += queueing.enqueue(article, entered=timezone.now())
    article.save(update_fields=update)
    record_event(
        article=article, actor=actor, action=Action.UPDATE_PROPOSE, data={"revision": revision.number}
    )
    _after_commit(article_submitted, article_id=article.pk, revision_id=revision.pk)
    return article


def _approve_update(article: Article, actor: User, *, note: str) -> ArticleEvent:
    revision = article.pending_revision
    assert revision is not None
    apply_fields(article, {name: getattr(revision, name) for name in UPDATE_FIELDS})
    article.current_revision = revision
    article.save(update_fields=["current_revision"])
    event = _close_update(
        article, actor, Action.UPDATE_APPROVE, message=note, data={"revision": revision.number}
    )
    _public_change(article, "update")
    return event


def _close_update(
    article: Article, actor: User, action: str, *, message: str, data: dict[str, Any]
) -> ArticleEvent:
    for name, value in _OUT_OF_QUEUE.items():
        setattr(article, name, value)
    article.save(update_fields=list(_OUT_OF_QUEUE))
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


@transaction.atomic
def article_note(*, actor: User, article_id: int, text: str) -> ArticleEvent:
    """An internal editorial note: in the audit trail, never shown to the author."""
    article = article_get_for_actor(actor=actor, article_id=article_id, lock=True, as_editor=True)
    require_uninvolved(actor, article)
    return record_event(article=article, actor=actor, action=Action.NOTE, message=text)
