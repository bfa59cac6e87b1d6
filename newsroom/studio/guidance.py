"""What the studio tells an author about each of their articles: its state in words, the group "My articles" lists
it under, and what to do next.

The states are submissions.states.Status; which moves are possible from each is asked of the workflow's table
(TRANSITIONS) and of submissions.policy, never restated here. Only the words are the studio's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from submissions import policy
from submissions.links import article_url
from submissions.models import Article
from submissions.states import TRANSITIONS, Action, RejectReason, Status

# the state in words, as the author reads it
STATE_WORDS: dict[str, Any] = {
    Status.DRAFT: pgettext_lazy("studio article state", "Draft"),
    Status.SUBMITTED: pgettext_lazy("studio article state", "Submitted: automated checks are running"),
    Status.IN_REVIEW: pgettext_lazy("studio article state", "In review by the editors"),
    Status.SCHEDULED: pgettext_lazy("studio article state", "Approved, waiting to be published"),
    Status.CHANGES_REQUESTED: pgettext_lazy("studio article state", "Changes requested"),
    Status.PUBLISHED: pgettext_lazy("studio article state", "Published"),
    Status.RETRACTED: pgettext_lazy("studio article state", "Retracted by the editors"),
    Status.REJECTED: pgettext_lazy("studio article state", "Rejected"),
    Status.WITHDRAWN: pgettext_lazy("studio article state", "Withdrawn"),
}


@dataclass(frozen=True)
class Group:
    key: str
    title: Any
    statuses: frozenset[str]


# "My articles", in this order: what needs the author first. A withdrawn article is a group of its own: it can
# neither be edited nor submitted again (no move leaves WITHDRAWN), so it is no draft, and no editor rejected it.
GROUPS: tuple[Group, ...] = (
    Group(
        "changes", pgettext_lazy("studio group", "Changes requested"), frozenset({Status.CHANGES_REQUESTED})
    ),
    Group("drafts", pgettext_lazy("studio group", "Drafts"), frozenset({Status.DRAFT})),
    Group(
        "review",
        pgettext_lazy("studio group", "In review"),
        frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.SCHEDULED}),
    ),
    Group(
        "published",
        pgettext_lazy("studio group", "Published"),
        frozenset({Status.PUBLISHED, Status.RETRACTED}),
    ),
    Group("rejected", pgettext_lazy("studio group", "Rejected"), frozenset({Status.REJECTED})),
    Group("withdrawn", pgettext_lazy("studio group", "Withdrawn"), frozenset({Status.WITHDRAWN})),
)
assert frozenset().union(*(g.statuses for g in GROUPS)) == frozenset(
    Status
)  # every state is listed somewhere

UNTITLED = gettext_lazy("Untitled")


def reject_reason_label(code: str) -> str:
    return str(RejectReason(code).label) if code in RejectReason.values else ""


@dataclass(frozen=True)
class NextStep:
    """What the author should do now: a sentence, and optionally a link (its address and its words)."""

    text: str
    url: str = ""
    link_text: str = ""
    needs_author: bool = False  # the move is the author's (a draft to finish, changes to make)


def _when(moment: Any) -> str:
    return formats.date_format(timezone.localtime(moment), "j E Y, H:i") if moment else ""


def next_step(article: Article, *, editors_message: str = "") -> NextStep:
    """The next step of `article` for its author. `editors_message` is the message of the editors' last decision
    that was addressed to the author (a request for changes, a rejection), if the caller read it."""
    status = article.status
    if status == Status.DRAFT:
        return NextStep(_("Finish it and submit it for review."), needs_author=True)
    if status == Status.CHANGES_REQUESTED:
        if editors_message:
            return NextStep(
                _("Make the changes and submit it again. The editors wrote: “%(message)s”")
                % {"message": editors_message},
                needs_author=True,
            )
        return NextStep(_("Make the changes the editors asked for and submit it again."), needs_author=True)
    if status == Status.SUBMITTED:
        return NextStep(_("Wait: the automated checks take a moment, then an editor reads it."))
    if status == Status.IN_REVIEW:
        return NextStep(_("Wait for the editors' decision: you will get a notification."))
    if status == Status.SCHEDULED:
        if article.publish_at:
            return NextStep(
                _("Nothing to do: it will be published on %(when)s.") % {"when": _when(article.publish_at)}
            )
        return NextStep(_("Nothing to do: it will be published shortly."))
    if status == Status.PUBLISHED:
        return NextStep(
            _("Published."), url=article_url(article) if article.slug else "", link_text=_("Open it")
        )
    if status == Status.RETRACTED:
        reason = article.retraction_reason or ""
        text = (
            _("The editors retracted it: %(reason)s") % {"reason": reason}
            if reason
            else _("The editors retracted it.")
        )
        return NextStep(text, url=article_url(article) if article.slug else "", link_text=_("Open it"))
    if status == Status.REJECTED:
        label = reject_reason_label(article.reject_reason)
        text = _("Rejected: %(reason)s.") % {"reason": label} if label else _("Rejected.")
        if editors_message:
            text += " " + _("The editors wrote: “%(message)s”") % {"message": editors_message}
        if policy.may_appeal(article):
            text += " " + _("You may appeal the decision once.")
        return NextStep(text)
    if status == Status.WITHDRAWN:
        return NextStep(_("You withdrew it: nothing more to do."))
    return NextStep("")  # pragma: no cover - every state is handled above


def may_withdraw(article: Article) -> bool:
    return article.status in TRANSITIONS[Action.WITHDRAW][0]


def may_submit(article: Article) -> bool:
    return article.status in TRANSITIONS[Action.SUBMIT][0]


def is_resubmission(article: Article) -> bool:
    return article.status == Status.CHANGES_REQUESTED
