"""Reactions to submissions' signals: start the checks, score shadow reviews."""

from typing import Any

from django.dispatch import receiver

from submissions.signals import article_decided, article_submitted


@receiver(article_submitted, dispatch_uid="moderation.start_checks")
def start_checks(sender: Any, *, revision_id: int, **kwargs: Any) -> None:
    from moderation.tasks import run_checks

    run_checks.delay(revision_id)  # the signal is sent after commit


@receiver(article_decided, dispatch_uid="moderation.score_shadow_reviews")
def score_shadow_reviews(
    sender: Any, *, revision_id: int | None, action: str, reason_code: str, **kwargs: Any
) -> None:
    from moderation.track import score_revision

    if revision_id is not None:
        score_revision(revision_id=revision_id, action=action, reason_code=reason_code)
