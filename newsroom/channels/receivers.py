"""Reactions to submissions' signals (sent after commit): each public event of an article becomes deliveries in
the outbox, one per channel, sent by tasks."""

from typing import Any

from django.dispatch import receiver

from newsroom.channels.models import EventKind
from newsroom.channels.services import queue_event
from submissions.signals import article_public_change, article_published


@receiver(article_published, dispatch_uid="channels.queue_publication")
def queue_publication(sender: Any, *, article_id: int, **kwargs: Any) -> None:
    queue_event(article_id, EventKind.PUBLISH)


@receiver(article_public_change, dispatch_uid="channels.queue_public_change")
def queue_public_change(sender: Any, *, article_id: int, kind: str, **kwargs: Any) -> None:
    """kind: "update", "correction" or "retraction" (anything else is ignored)."""
    if kind != EventKind.PUBLISH:
        queue_event(article_id, kind)
