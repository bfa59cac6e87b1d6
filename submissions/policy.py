"""The lifecycle's rules, each stated once: who may decide on an article, which review stages are still pending,
whether a published article has an update waiting, whether a rejection may be appealed, whether the author may
edit. The workflow enforces them; selectors, serializers, the admin desk and the APIs ask them — none restates one.

Permission names live here too, since each rule is about who may do what.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from submissions.errors import (
    AppealNeedsOtherEditor,
    AwaitingSecondApproval,
    ConflictOfInterest,
    DeclaredConflict,
    NotAllowed,
)
from submissions.models import Article, ArticleEvent, ConflictDeclaration, ReviewStage
from submissions.states import DECISIONS, EDITABLE_STATES, Action, Status

if TYPE_CHECKING:
    from newsroom.accounts.models import User

MODERATE = "submissions.moderate_article"
RETRACT = "submissions.retract_article"
APPROVE_FINAL = (
    "submissions.approve_final"  # editors and chief editors; a junior's approval needs a second one
)
TAKE_OVER = "submissions.take_over_claim"
UNSCHEDULE = "submissions.unschedule_article"
CORRECT = "submissions.correct_article"
EXPORT_AUDIT = "submissions.export_audit"

# what an author may change in a published article (a pending update, reviewed before it goes live)
UPDATE_FIELDS = ("title", "lead", "body")


# --- the author's side ----------------------------------------------------------------------------------------------


def may_edit(article: Article) -> bool:
    """The author may change the text, photos and sources of a draft, or after changes were requested."""
    return article.status in EDITABLE_STATES


def may_propose_update(article: Article) -> bool:
    """A published article is changed only through a proposed update, reviewed before it goes live."""
    return article.status == Status.PUBLISHED


def may_appeal(article: Article) -> bool:
    """Once per article, and only against a rejection."""
    return article.status == Status.REJECTED and article.appealed_at is None


def has_pending_update(article: Article) -> bool:
    """The author proposed a change of the published text, and no editor has decided on it yet."""
    return article.status == Status.PUBLISHED and article.pending_revision_id is not None


# `has_pending_update` as a filter, for queues and lists
PENDING_UPDATE = Q(status=Status.PUBLISHED, pending_revision__isnull=False)


def review_kind(article: Article) -> str:
    """review: a submission (or appeal) in review; update: an author's edit of a published article."""
    return "update" if has_pending_update(article) else "review"


# --- what editors see ----------------------------------------------------------------------------------------------

# Editors see an article once it has been submitted at least once: never a draft, nor a draft its author withdrew
# without ever submitting it (both are the author's private work).
SEEN_BY_EDITORS = ~Q(status=Status.DRAFT) & ~Q(status=Status.WITHDRAWN, submitted_at__isnull=True)


def seen_by_editors(article: Article) -> bool:
    return article.status != Status.DRAFT and not (
        article.status == Status.WITHDRAWN and article.submitted_at is None
    )


# --- conflicts of interest (may decide) -------------------------------------------------------------------------


@dataclass(frozen=True)
class Declared:
    """An editor's live conflict declarations, as id sets."""

    authors: frozenset[int]
    categories: frozenset[int]
    tags: frozenset[int]


def declared_conflicts(actor: User) -> Declared:
    rows = list(
        ConflictDeclaration.objects.filter(editor_id=actor.pk, withdrawn_at=None).values_list(
            "author_id", "category_id", "tag_id"
        )
    )
    return Declared(
        authors=frozenset(row[0] for row in rows if row[0] is not None),
        categories=frozenset(row[1] for row in rows if row[1] is not None),
        tags=frozenset(row[2] for row in rows if row[2] is not None),
    )


def has_declared_conflict(actor: User, article: Article) -> bool:
    declared = declared_conflicts(actor)
    if article.author_id in declared.authors or article.category_id in declared.categories:
        return True
    return bool(declared.tags) and article.tags.filter(pk__in=declared.tags).exists()


def require_uninvolved(actor: User, article: Article) -> None:
    """May decide (claim, edit, decide, retract, unschedule, correct, note), the same for every editor, chief
    editors included: an editor, not on their own article, nothing declared, an appeal not by its rejecter; and
    an article that already has a first approval is for an editor who may give the second (a junior editor may
    neither claim it nor undo that approval)."""
    if not actor.has_perm(MODERATE):
        raise NotAllowed()
    if article.author_id == actor.pk:
        raise ConflictOfInterest()
    if article.is_appeal and article.rejected_by_id == actor.pk:
        raise AppealNeedsOtherEditor()
    if article.first_approved_by_id is not None and not actor.has_perm(APPROVE_FINAL):
        raise AwaitingSecondApproval(first_approved_by=article.first_approved_by_id)
    if has_declared_conflict(actor, article):
        raise DeclaredConflict()


def uninvolved(
    actor: User,
    qs: QuerySet[Article],
    *,
    declared: Declared | None = None,
    may_approve_final: bool | None = None,
) -> QuerySet[Article]:
    """`require_uninvolved` as a filter: leaves out the articles the actor may not decide on, and — for junior
    editors — those awaiting a second approval.

    The declarations are read first (one small query) and become plain id lists: an editor without any — the
    usual case — gets no subquery at all, which keeps claim-next a single index walk. A caller that has read
    them (and the final-approval permission) already passes them in."""
    qs = qs.exclude(author_id=actor.pk).exclude(is_appeal=True, rejected_by_id=actor.pk)
    if declared is None:
        declared = declared_conflicts(actor)
    if declared.authors:
        qs = qs.exclude(author_id__in=declared.authors)
    if declared.categories:
        qs = qs.exclude(category_id__in=declared.categories)
    if declared.tags:
        qs = qs.exclude(
            Exists(Article.tags.through.objects.filter(article_id=OuterRef("pk"), tag_id__in=declared.tags))
        )
    if may_approve_final is None:
        may_approve_final = actor.has_perm(APPROVE_FINAL)
    if not may_approve_final:
        qs = qs.filter(first_approved_by__isnull=True)
    return qs


# --- multi-stage review -------------------------------------------------------------------------------------------


def review_round(article: Article) -> datetime:
    """Stage sign-offs belong to one submission: the review that began when it was submitted."""
    return article.submitted_at or article.created_at  # in review means submitted; created_at for old rows


def pending_stages(article: Article) -> list[ReviewStage]:
    """The review stages of the article's category still to complete in the review in progress. Reads the
    prefetched `stage_signoffs` and `category__review_stages` when the caller prefetched them (a queue page),
    else queries them."""
    if article.status != Status.IN_REVIEW or article.category_id is None:
        return []
    round_started = review_round(article)
    done = {s.stage_id for s in article.stage_signoffs.all() if s.round_started == round_started}
    assert article.category is not None
    return [s for s in article.category.review_stages.all() if s.is_active and s.pk not in done]


# --- what the author sees of their article's history -------------------------------------------------------------

# The one allow-list of the audit rows an author is shown of their own article, on every path that reaches them
# (the timeline, the data export, decision notifications and mail): their own moves, the checks completing, the
# editors' decisions, an editorial edit (the author sees it as a diff), and what happens to the public text
# (publication, unscheduling, correction, retraction). Everything else is internal editorial work — claims,
# releases, take-overs, notes, stage sign-offs, a junior editor's first approval — and so is any action added
# later until it is listed here.
AUTHOR_VISIBLE_ACTIONS: frozenset[str] = frozenset(
    {
        Action.CREATE,
        Action.SUBMIT,
        Action.WITHDRAW,
        Action.APPEAL,
        Action.UPDATE_PROPOSE,
        Action.CHECKS_COMPLETE,
        Action.EDIT,
        *DECISIONS,
        Action.PUBLISH,
        Action.UNSCHEDULE,
        Action.CORRECT,
        Action.RETRACT,
    }
)
# Of those, the rows whose message is written for the author or the public: the author's own words, a decision's
# message to the author, a correction, a retraction's reason. An unscheduling's message is the chief editor's
# reason, for the editors.
AUTHOR_ADDRESSED_MESSAGES: frozenset[str] = frozenset(
    {
        Action.SUBMIT,
        Action.WITHDRAW,
        Action.APPEAL,
        Action.UPDATE_PROPOSE,
        *DECISIONS,
        Action.CORRECT,
        Action.RETRACT,
    }
)
assert AUTHOR_ADDRESSED_MESSAGES <= AUTHOR_VISIBLE_ACTIONS

# `visible_to_author` as a filter of ArticleEvent rows
AUTHOR_VISIBLE = Q(action__in=AUTHOR_VISIBLE_ACTIONS)


def visible_to_author(event: ArticleEvent) -> bool:
    return event.action in AUTHOR_VISIBLE_ACTIONS


def author_message(event: ArticleEvent) -> str:
    """The event's message as the author may read it: "" unless it was written for them (or the public)."""
    return event.message if event.action in AUTHOR_ADDRESSED_MESSAGES else ""


def author_timeline(article: Article) -> QuerySet[ArticleEvent]:
    """The audit rows of the article its author is shown, in time order."""
    return article.events.filter(AUTHOR_VISIBLE).order_by("created_at", "id")


# Findings of the automated checks that name another article the public cannot see (a near-duplicate of an article
# in review or approved, not yet published): for the editors only. The author learns only of published matches.
UNPUBLISHED_MATCH = "near_duplicate_unpublished"
EDITOR_ONLY_FINDINGS = frozenset({UNPUBLISHED_MATCH})


def finding_visible_to_author(finding: Mapping[str, Any]) -> bool:
    return finding.get("code") not in EDITOR_ONLY_FINDINGS
