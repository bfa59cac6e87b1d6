"""Reactions to submissions' signals: start the checks, keep the duplicate index current, score shadow reviews.

The signals are sent after commit; heavy work goes to tasks.
"""

from typing import Any

from django.dispatch import receiver

from moderation.tasks import notify_decision, run_checks, sync_duplicates
from moderation.track import score_revision
from submissions.signals import article_decided, article_published, article_submitted


@receiver(article_submitted, dispatch_uid="moderation.start_checks")
def start_checks(sender: Any, *, revision_id: int, **kwargs: Any) -> None:
    run_checks.delay(revision_id)  # the signal is sent after commit


@receiver(article_submitted, dispatch_uid="moderation.index_submitted")
@receiver(article_published, dispatch_uid="moderation.index_published")
@receiver(article_decided, dispatch_uid="moderation.index_decided")
def sync_duplicate_index(sender: Any, *, article_id: int, **kwargs: Any) -> None:
    """Submitted, in review, scheduled and published articles are in the index; rejected ones leave it (a
    resubmission brings them back). Withdrawn and retracted ones are never reported (their status is read at
    lookup time) and leave it at the next rebuild."""
    sync_duplicates.delay(article_id)


@receiver(article_decided, dispatch_uid="moderation.score_shadow_reviews")
def score_shadow_reviews(
    sender: Any, *, revision_id: int | None, action: str, reason_code: str, **kwargs: Any
) -> None:
    if revision_id is not None:
        score_revision(revision_id=revision_id, action=action, reason_code=reason_code)


@receiver(article_decided, dispatch_uid="moderation.notify_decision")
def notify_author_of_decision(sender: Any, *, event_id: int | None = None, **kwargs: Any) -> None:
    """The author hears of every decision (in-app and by e-mail), from a task: the signal is sent after commit."""
    if event_id is None:
        return  # a sender that recorded no event: nothing to describe
    notify_decision.delay(event_id)
