"""Celery tasks of the channels outbox. They take ids and are idempotent (see services.send)."""

from __future__ import annotations

from django.utils import timezone

from newsroom.celery import reliable_task
from newsroom.channels import services


@reliable_task
def send_delivery(delivery_id: int) -> str | None:
    """One attempt at a delivery if it is pending and due; a failure schedules the next one itself (backoff)."""
    return services.send(delivery_id)


@reliable_task
def send_pending_deliveries() -> int:
    """Beat: re-enqueues pending deliveries whose time has passed (a lost message, a dead worker's lease)."""
    ids = services.due(timezone.now())
    services.enqueue(ids)
    return len(ids)
