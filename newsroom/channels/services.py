"""The outbox's queueing side: events of articles become deliveries, one per channel.

Queueing (from the workflow's after-commit signals): one Delivery per active channel and event, created in one
transaction; the unique constraints make a repeated signal a no-op. Follow-ups (update, correction, retraction)
go to the channels that were told of the publication. Tasks are enqueued after commit; beat re-enqueues whatever
is due and pending, so a lost message only delays a delivery. Sending is newsroom.channels.sending.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from newsroom.channels.models import Channel, ChannelKind, Delivery, DeliveryStatus, EventKind
from newsroom.channels.tasks import enqueue_after_commit
from submissions.models import Article
from submissions.states import Status


def queue_event(article_id: int, kind: str) -> list[int]:
    """Creates the deliveries of one event of an article (once: a repeat finds them) and enqueues the new ones
    after commit. Returns the ids created."""
    if kind not in EventKind.values:
        return []
    created: list[int] = []
    with transaction.atomic():
        article = Article.objects.filter(pk=article_id).first()
        if article is None:
            return []
        # a channel posted by hand gets no deliveries: the channel desk offers its post (ManualPost)
        channels = Channel.objects.filter(is_active=True).exclude(kind=ChannelKind.MANUAL)
        specs: list[dict[str, Any]] = [{}]
        if kind == EventKind.PUBLISH:
            if article.status != Status.PUBLISHED:
                return []  # retracted in the meantime: nothing to announce
        else:
            # follow-ups go where the publication went (a Telegram post to edit or reply to)
            channels = channels.filter(
                deliveries__article=article, deliveries__kind=EventKind.PUBLISH
            ).distinct()
            if kind == EventKind.CORRECTION:
                # the signal names no correction: every one of the article, those already queued are found
                specs = [{"correction": correction} for correction in article.corrections.all()]
            elif kind == EventKind.UPDATE:
                specs = [{"revision_id": article.current_revision_id}]
        for channel in channels:
            for spec in specs:
                delivery, new = Delivery.objects.get_or_create(
                    channel=channel, article=article, kind=kind, **spec
                )
                if new:
                    created.append(delivery.pk)
        enqueue_after_commit(created)
    return created


def retry_now(delivery_ids: Iterable[int]) -> int:
    """Failed deliveries get a fresh series of attempts, starting at once. Returns how many."""
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update()
            .filter(pk__in=list(delivery_ids), status=DeliveryStatus.FAILED)
            .values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        enqueue_after_commit(ids)
    return len(ids)
