"""The article lifecycle. The only module that assigns `Article.status`.

Every transition: locks the row, checks the state (TRANSITIONS) and the actor's right, saves with update_fields,
writes an ArticleEvent in the same transaction, and schedules side effects after commit.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from slugify import slugify

from newsroom.accounts import trust
from newsroom.api.errors import ApplicationError
from submissions.errors import (
    ClaimedByOther,
    ConflictOfInterest,
    EmailNotVerified,
    IncompleteArticle,
    InvalidTransition,
    NotAllowed,
    NotFound,
    PreconditionFailed,
    RightsNotConfirmed,
    SourcesRequired,
    SubmissionRateLimited,
    SubmissionsSuspended,
    TooManyLinks,
)
from submissions.models import Article, ArticleEvent, Revision
from submissions.revisions import snapshot
from submissions.signals import article_decided, article_published, article_submitted
from submissions.states import EDITABLE_STATES, TRANSITIONS, Action, RejectReason, RevisionKind, Status

__all__ = ["EDITABLE_STATES", "TRANSITIONS", "Action", "Status"]

MODERATE = "submissions.moderate_article"
RETRACT = "submissions.retract_article"


# --- helpers ------------------------------------------------------------------------------------------------------


def _locked(article_id: int) -> Article:
    article = Article.objects.select_for_update().filter(pk=article_id).first()
    if article is None:
        raise NotFound()
    return article


def _move(
    article: Article,
    action: str,
    *,
    actor: Any,
    fields: dict[str, Any] | None = None,
    message: str = "",
    data: dict[str, Any] | None = None,
) -> ArticleEvent:
    """Checks the move against TRANSITIONS, applies it with `fields`, and records it."""
    sources, target = TRANSITIONS[action]
    if article.status not in sources:
        raise InvalidTransition(
            _("Cannot %(action)s: the article is %(status)s.")
            % {"action": action, "status": Status(article.status).label},
            status=article.status,
            action=str(action),
        )
    previous = article.status
    article.status = target
    changed = ["status", "updated_at"]
    for name, value in (fields or {}).items():
        setattr(article, name, value)
        changed.append(name)
    article.save(update_fields=changed)
    return ArticleEvent.objects.create(
        article=article,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_status=previous,
        to_status=target,
        message=message,
        data=data or {},
    )


def _require_editor(actor: Any, article: Article) -> None:
    if not actor.has_perm(MODERATE):
        raise NotAllowed()
    if article.author_id == actor.pk:
        raise ConflictOfInterest()
    if article.claim_is_live() and article.claimed_by_id != actor.pk:
        raise ClaimedByOther(claimed_by=article.claimed_by_id)


def _field_error(name: str, error: type[ApplicationError]) -> dict[str, Any]:
    return {name: [{"code": error.code, "message": str(error.default_message)}]}


def _require_author(actor: Any, article: Article) -> None:
    if article.author_id != actor.pk:
        raise NotFound()  # another person's article does not exist for them


_NO_CLAIM = {"claimed_by": None, "claim_expires_at": None}


def unique_slug(title: str, article_id: int) -> str:
    base = slugify(title, max_length=100, word_boundary=True) or f"article-{article_id}"
    taken = set(
        Article.objects.filter(slug__startswith=base).exclude(pk=article_id).values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


_LINK = re.compile(r"(?i)(?:\bhttps?://|(?<![/\w.])www\.)")


def count_links(*texts: str) -> int:
    return sum(len(_LINK.findall(text)) for text in texts)


def _check_trust_limits(actor: Any, article: Article) -> None:
    """What the author's trust level allows: submissions per 24 h and links per article."""
    if actor.trust_computed_at is None:  # never computed (an account older than trust levels): do it now
        from submissions.trust import trust_recompute

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
def article_submit(*, actor: Any, article_id: int) -> Article:
    article = _locked(article_id)
    _require_author(actor, article)
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
    now = timezone.now()
    # the state check runs first inside _move, before a revision is created: create it after the move
    event = _move(article, Action.SUBMIT, actor=actor, fields={"submitted_at": now, "risk_score": None})
    revision = snapshot(article, kind=RevisionKind.SUBMIT, actor=actor)
    article.current_revision = revision
    article.save(update_fields=["current_revision"])
    event.data = {"revision": revision.number}
    event.save(update_fields=["data"])
    # robust: if the broker is down the submission still stands; the beat sweeper dispatches its checks later
    transaction.on_commit(
        lambda: article_submitted.send(sender=Article, article_id=article.pk, revision_id=revision.pk),
        robust=True,
    )
    return article


@transaction.atomic
def article_withdraw(*, actor: Any, article_id: int) -> Article:
    article = _locked(article_id)
    _require_author(actor, article)
    _move(article, Action.WITHDRAW, actor=actor)
    return article


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
    article = _locked(revision.article_id)
    if article.current_revision_id != revision_id or article.status != Status.SUBMITTED:
        return None
    _move(article, Action.CHECKS_COMPLETE, actor=None, fields={"risk_score": risk_score}, data=summary)
    return article


# --- editors ------------------------------------------------------------------------------------------------------


def _decided(article: Article, actor: Any, action: str, reason_code: str = "") -> None:
    """After commit, tells listeners (trust levels, editor-track scoring) that a review ended in a decision."""
    payload = {
        "article_id": article.pk,
        "revision_id": article.current_revision_id,
        "author_id": article.author_id,
        "actor_id": actor.pk,
        "action": str(action),
        "reason_code": reason_code,
    }
    # robust: the decision stands even if a listener fails (logged); the nightly recompute repairs trust levels
    transaction.on_commit(lambda: article_decided.send(sender=Article, **payload), robust=True)


@transaction.atomic
def article_edit(*, actor: Any, article_id: int, expected_version: int | None, **fields: Any) -> Article:
    """An editor's edit of an article in review: a new revision (the author sees it as a diff) that becomes the
    one under review and, once approved, the published text. Same If-Match rule as the author's edits."""
    from submissions.services import apply_fields

    article = _locked(article_id)
    _require_editor(actor, article)
    if expected_version is not None and expected_version != article.version:
        raise PreconditionFailed(version=article.version)
    if article.status != Status.IN_REVIEW:
        raise InvalidTransition(
            _("Cannot %(action)s: the article is %(status)s.")
            % {"action": Action.EDIT, "status": Status(article.status).label},
            status=article.status,
            action=str(Action.EDIT),
        )
    changed = apply_fields(article, fields)
    if changed:
        revision = snapshot(article, kind=RevisionKind.EDIT, actor=actor, changed=changed)
        article.current_revision = revision
        article.save(update_fields=["current_revision"])
        record_event(article=article, actor=actor, action=Action.EDIT, data={"revision": revision.number})
    return article


@transaction.atomic
def article_request_changes(*, actor: Any, article_id: int, message: str) -> Article:
    article = _locked(article_id)
    _require_editor(actor, article)
    _move(article, Action.REQUEST_CHANGES, actor=actor, fields=_NO_CLAIM, message=message)
    _decided(article, actor, Action.REQUEST_CHANGES)
    return article


@transaction.atomic
def article_reject(*, actor: Any, article_id: int, reason_code: str, message: str) -> Article:
    article = _locked(article_id)
    _require_editor(actor, article)
    reason = RejectReason(reason_code)  # the API validated it; a bad code here is a programming error
    _move(
        article,
        Action.REJECT,
        actor=actor,
        fields={**_NO_CLAIM, "reject_reason": reason.value},
        message=message,
        data={"reason_code": reason.value},
    )
    _decided(article, actor, Action.REJECT, reason.value)
    return article


@transaction.atomic
def article_approve(
    *, actor: Any, article_id: int, publish_at: datetime | None = None, note: str = ""
) -> Article:
    """Approves for publication at `publish_at`, or now (published in the same transaction)."""
    article = _locked(article_id)
    _require_editor(actor, article)
    now = timezone.now()
    when = publish_at if publish_at and publish_at > now else now
    _move(
        article,
        Action.APPROVE,
        actor=actor,
        fields={**_NO_CLAIM, "publish_at": when},
        message=note,
        data={"publish_at": when.isoformat()},
    )
    _decided(article, actor, Action.APPROVE)
    if when <= now:
        _publish(article, actor=actor)
    return article


@transaction.atomic
def article_publish(*, actor: Any, article_id: int, now: datetime | None = None) -> Article | None:
    """Publishes a scheduled article whose time has come (beat, actor None). Idempotent: None if not due."""
    now = now or timezone.now()
    article = _locked(article_id)
    if article.status != Status.SCHEDULED or (article.publish_at and article.publish_at > now):
        return None
    _publish(article, actor=actor)
    return article


def _publish(article: Article, *, actor: Any) -> None:
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
    transaction.on_commit(lambda: article_published.send(sender=Article, article_id=article.pk), robust=True)


@transaction.atomic
def article_retract(*, actor: Any, article_id: int, message: str) -> Article:
    article = _locked(article_id)
    if not actor.has_perm(RETRACT):
        raise NotAllowed()
    _move(article, Action.RETRACT, actor=actor, fields={"retracted_at": timezone.now()}, message=message)
    return article


# --- events that change no state (claims, editorial edits), in the same audit trail -------------------------------


def record_event(*, article: Article, actor: Any, action: str, data: dict[str, Any] | None = None) -> None:
    ArticleEvent.objects.create(
        article=article,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_status=article.status,
        to_status=article.status,
        data=data or {},
    )
