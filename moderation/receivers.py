"""Reactions to submissions' signals. Dispatch only: the work is in tasks."""

from typing import Any

from django.dispatch import receiver

from submissions.signals import article_submitted


@receiver(article_submitted, dispatch_uid="moderation.start_checks")
def start_checks(sender: Any, *, revision_id: int, **kwargs: Any) -> None:
    from moderation.tasks import run_checks

    run_checks.delay(revision_id)  # the signal is sent after commit
