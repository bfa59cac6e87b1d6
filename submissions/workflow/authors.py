"""The author's moves: submit, withdraw, appeal a rejection, propose an update of a published article — and the
erasure of what never went public when the author leaves."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom.accounts import trust
from newsroom.accounts.models import User
from submissions import queueing
from submissions.content import count_links
from submissions.errors import (
    AppealUsed,
    ArticleNotEditable,
    EmailNotVerified,
    IncompleteArticle,
    LockedAfterPublication,
    PreconditionFailed,
    RightsNotConfirmed,
    SourcesRequired,
    SubmissionRateLimited,
    SubmissionsSuspended,
    TooManyLinks,
)
from submissions.models import (
    Article,
    ArticleEvent,
)
from submissions.policy import (
    UPDATE_FIELDS,
    may_appeal,
    may_propose_update,
)
from submissions.revisions import snapshot
from submissions.selectors import article_get_for_actor
from submissions.signals import article_submitted
from submissions.states import ERASE, TRANSITIONS, Action, RevisionKind
from submissions.trust import trust_recompute
from submissions.workflow.moves import (
    after_commit,
    field_error,
    move,
    record_event,
    require_state,
)


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
            raise RightsNotConfirmed(fields=field_error("rights_confirmed", RightsNotConfirmed))
        if article.has_third_party_material and not article.sources.exists():
            raise SourcesRequired(fields=field_error("sources", SourcesRequired))
        _check_trust_limits(actor, article)
    require_state(article, Action.SUBMIT)  # before the revision is made
    revision = snapshot(article, kind=RevisionKind.SUBMIT, actor=actor)
    move(
        article,
        Action.SUBMIT,
        actor=actor,
        fields={"submitted_at": timezone.now(), "risk_score": None, "current_revision": revision},
        data={"revision": revision.number},
    )
    # robust: if the broker is down the submission still stands; the beat sweeper dispatches its checks later
    after_commit(article_submitted, article_id=article.pk, revision_id=revision.pk)
    return article


@transaction.atomic
def article_withdraw(*, actor: User, article_id: int) -> Article:
    article = article_get_for_actor(actor=actor, article_id=article_id, lock=True)
    move(article, Action.WITHDRAW, actor=actor)
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
    move(
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


# --- appeals and updates of published articles (the author) -------------------------------------------------------


@transaction.atomic
def article_appeal(*, actor: User, article_id: int, message: str) -> Article:
    """Once per article: a rejection goes back to the queue, ahead of others, for an editor other than the one
    who rejected it."""
    article = article_get_for_actor(actor=actor, article_id=article_id, lock=True)
    require_state(article, Action.APPEAL)
    if not may_appeal(article):
        raise AppealUsed()
    move(article, Action.APPEAL, actor=actor, fields={"appealed_at": timezone.now()}, message=message)
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
    after_commit(article_submitted, article_id=article.pk, revision_id=revision.pk)
    return article
