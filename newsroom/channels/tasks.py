"""Celery tasks of the channels outbox. They take ids and are idempotent (see sending.send)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from newsroom.celery import reliable_task
from newsroom.channels import sending


def enqueue(delivery_ids: Iterable[int]) -> None:
    for delivery_id in delivery_ids:
        send_delivery.delay(delivery_id)


def enqueue_after_commit(delivery_ids: list[int]) -> None:
    if delivery_ids:
        ids = list(delivery_ids)
        # robust: a broker outage must not break the caller; beat sends what is due later
        transaction.on_commit(lambda: enqueue(ids), robust=True)


@reliable_task
def send_delivery(delivery_id: int) -> str | None:
    """One attempt at a delivery if it is pending and due; a failure schedules the next one itself (backoff),
    a sent publication releases the follow-ups that waited for it."""
    sent = sending.send(delivery_id)
    if sent is None:
        return None
    enqueue_after_commit(sent.follow_ups)
    if sent.retry_in is not None:
        countdown = sent.retry_in
        transaction.on_commit(
            lambda: send_delivery.apply_async((delivery_id,), countdown=countdown), robust=True
        )
    return sent.status


@reliable_task
def send_pending_deliveries() -> int:
    """Beat: re-enqueues pending deliveries whose time has passed (a lost message, a dead worker's lease)."""
    ids = sending.due(timezone.now())
    enqueue(ids)
    return len(ids)
