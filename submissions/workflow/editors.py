"""Editors' moves (edit, request changes, reject, approve in one or two steps, review stages, unschedule,
retract, correct, notes) and the system's (checks completed, publication when due)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from newsroom.accounts.models import User
from submissions.errors import (
    LegalGroundRequired,
    NotAllowed,
    PreconditionFailed,
    StageNotRequired,
    StageSignerCannotApprove,
    StagesPending,
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
    pending_stages,
    require_uninvolved,
    review_round,
)
from submissions.revisions import snapshot
from submissions.selectors import article_get_for_actor
from submissions.services import apply_fields, render_body
from submissions.signals import article_published, article_submitted
from submissions.slugs import unique_slug
from submissions.states import Action, RevisionKind, Status
from submissions.workflow.moves import (
    NO_CLAIM,
    after_commit,
    close_update,
    decided,
    move,
    public_change,
    record_event,
    require_editor,
    require_state,
)

# --- automated checks (the system) ---------------------------------------------------------------------------------


def _locked(actor: User, article_id: int, *, perm: str | None = None) -> Article:
    """The article's row, locked, for an editor (holding `perm` too, where one is named)."""
    if perm is not None and not actor.has_perm(perm):
        raise NotAllowed()
    return article_get_for_actor(actor=actor, article_id=article_id, lock=True, as_editor=True)


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
    move(article, Action.CHECKS_COMPLETE, actor=None, fields={"risk_score": risk_score}, data=summary)
    return article


def article_edit(*, actor: User, article_id: int, expected_version: int | None, **fields: Any) -> Article:
    """An editor's edit of an article in review: a new revision (the author sees it as a diff) that becomes the
    one under review and, once approved, the published text. Same If-Match rule as the author's edits."""
    body_html = render_body(fields)  # before the transaction: no lock is held while a long body renders
    with transaction.atomic():
        article = _locked(actor, article_id)
        require_editor(actor, article)
        if expected_version is not None and expected_version != article.version:
            raise PreconditionFailed(version=article.version)
        require_state(article, Action.EDIT, frozenset({Status.IN_REVIEW}))
        changed = apply_fields(article, fields, body_html=body_html)
        if changed:
            revision = snapshot(article, kind=RevisionKind.EDIT, actor=actor, changed=changed)
            article.current_revision = revision
            article.save(update_fields=["current_revision"])
            record_event(article=article, actor=actor, action=Action.EDIT, data={"revision": revision.number})
            # the edited text is checked too, so that the findings shown are those of the text under review
            after_commit(article_submitted, article_id=article.pk, revision_id=revision.pk)
    return article


@transaction.atomic
def article_request_changes(*, actor: User, article_id: int, message: str) -> Article:
    article = _locked(actor, article_id)
    require_editor(actor, article)
    event = move(article, Action.REQUEST_CHANGES, actor=actor, message=message)
    decided(article, actor, Action.REQUEST_CHANGES, event)
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
    article = _locked(actor, article_id)
    require_editor(actor, article)
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
        event = close_update(article, actor, Action.UPDATE_REJECT, message=message, data=data)
        decided(article, actor, Action.UPDATE_REJECT, event, reason.code)
        return article
    event = move(
        article,
        Action.REJECT,
        actor=actor,
        fields={"reject_reason": reason.code, "rejected_by": actor},
        message=message,
        data=data,
    )
    decided(article, actor, Action.REJECT, event, reason.code)
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


def _pending_body_html(article_id: int) -> tuple[int, str | None] | None:
    """The pending update's body rendered before any lock is taken (see render_body): (revision id, its HTML, or
    None when the body is the live one), or None when no update is pending. Read without a lock: used only if
    the same revision is still pending once the row is locked (a revision never changes)."""
    row = (
        Article.objects.filter(pk=article_id, pending_revision__isnull=False)
        .values_list("pending_revision_id", "pending_revision__body", "body")
        .first()
    )
    if row is None:
        return None
    revision_id, body, live = row
    return revision_id, render_body({"body": body}, current_body=live)


def article_approve(
    *, actor: User, article_id: int, publish_at: datetime | None = None, note: str = ""
) -> Article:
    """Approves for publication at `publish_at`, or now (published in the same transaction). A junior editor's
    approval is a first approval: the article stays in review, released, until an editor gives the second.
    On a published article with a pending update, approves the update (the live text changes): its body is
    rendered before the transaction, so that no lock is held while it renders."""
    pending = _pending_body_html(article_id)
    with transaction.atomic():
        return _approve(actor, article_id, publish_at=publish_at, note=note, pending=pending)


def _approve(
    actor: User,
    article_id: int,
    *,
    publish_at: datetime | None,
    note: str,
    pending: tuple[int, str | None] | None,
) -> Article:
    article = _locked(actor, article_id)
    require_editor(actor, article)
    if not has_pending_update(article):
        require_state(article, Action.APPROVE)
    if not actor.has_perm(APPROVE_FINAL):  # a first approval (require_editor let no second one through)
        article.first_approved_by = actor
        for name, value in NO_CLAIM.items():
            setattr(article, name, value)
        article.save(update_fields=["first_approved_by", *NO_CLAIM])
        proposed = {"publish_at": publish_at.isoformat()} if publish_at else {}
        record_event(article=article, actor=actor, action=Action.PRE_APPROVE, message=note, data=proposed)
        return article
    if has_pending_update(article):
        body_html = pending[1] if pending and pending[0] == article.pending_revision_id else None
        event = _approve_update(article, actor, note=note, body_html=body_html)
        decided(article, actor, Action.UPDATE_APPROVE, event)
        return article
    _require_final_approval_allowed(actor, article)
    now = timezone.now()
    when = publish_at if publish_at and publish_at > now else now
    data: dict[str, Any] = {"publish_at": when.isoformat()}
    if article.first_approved_by_id:
        data["first_approved_by"] = article.first_approved_by_id
    event = move(article, Action.APPROVE, actor=actor, fields={"publish_at": when}, message=note, data=data)
    decided(article, actor, Action.APPROVE, event)
    if when <= now:
        _publish(article, actor=actor)
    return article


@transaction.atomic
def article_complete_stage(*, actor: User, article_id: int, stage_code: str, note: str = "") -> StageSignoff:
    """Signs off one review stage (e.g. the fact-check) of the review in progress. Idempotent per review."""
    article = _locked(actor, article_id)
    require_editor(actor, article)
    require_state(article, Action.STAGE, frozenset({Status.IN_REVIEW}))
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
                move(article, Action.PUBLISH, actor=actor, fields={"slug": slug, "published_at": now})
            break
        except IntegrityError:
            article.status = Status.SCHEDULED
            if attempt == 4:
                raise
    after_commit(article_published, article_id=article.pk)


@transaction.atomic
def article_unschedule(*, actor: User, article_id: int, message: str = "") -> Article:
    """Chief editors: an approved, not yet published article goes back to the queue."""
    article = _locked(actor, article_id, perm=UNSCHEDULE)
    require_uninvolved(actor, article)  # not one's own article, whoever one is
    move(article, Action.UNSCHEDULE, actor=actor, fields={"publish_at": None}, message=message)
    return article


@transaction.atomic
def article_retract(*, actor: User, article_id: int, reason: str) -> Article:
    """The article keeps its URL and shows the retraction notice instead of being removed."""
    article = _locked(actor, article_id, perm=RETRACT)
    require_uninvolved(actor, article)  # not one's own article, whoever one is
    move(
        article,
        Action.RETRACT,
        actor=actor,
        fields={"retracted_at": timezone.now(), "retraction_reason": reason},
        message=reason,
    )
    public_change(article, "retraction")
    return article


@transaction.atomic
def article_correct(*, actor: User, article_id: int, text: str) -> Correction:
    """Appends a dated public correction to a published article."""
    article = _locked(actor, article_id, perm=CORRECT)
    require_uninvolved(actor, article)  # not one's own article, whoever one is
    require_state(article, Action.CORRECT, frozenset({Status.PUBLISHED}))
    correction = Correction.objects.create(article=article, text=text, created_by=actor)
    record_event(
        article=article, actor=actor, action=Action.CORRECT, message=text, data={"correction": correction.pk}
    )
    public_change(article, "correction")
    return correction


def _approve_update(
    article: Article, actor: User, *, note: str, body_html: str | None = None
) -> ArticleEvent:
    revision = article.pending_revision
    assert revision is not None
    apply_fields(article, {name: getattr(revision, name) for name in UPDATE_FIELDS}, body_html=body_html)
    article.current_revision = revision
    article.save(update_fields=["current_revision"])
    event = close_update(
        article, actor, Action.UPDATE_APPROVE, message=note, data={"revision": revision.number}
    )
    public_change(article, "update")
    return event


@transaction.atomic
def article_note(*, actor: User, article_id: int, text: str) -> ArticleEvent:
    """An internal editorial note: in the audit trail, never shown to the author."""
    article = _locked(actor, article_id)
    require_uninvolved(actor, article)
    return record_event(article=article, actor=actor, action=Action.NOTE, message=text)
