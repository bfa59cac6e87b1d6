"""Housekeeping of the shared API layer."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from newsroom.api.models import IdempotencyKey
from newsroom.celery import reliable_task


@reliable_task
def purge_idempotency_keys() -> int:
    """Deletes Idempotency-Key rows older than NEWSROOM["IDEMPOTENCY_TTL"] (beat: hourly); returns how many.

    Requests already treat such rows as absent, so this only keeps the table small; running it twice is
    harmless."""
    cutoff = timezone.now() - settings.NEWSROOM["IDEMPOTENCY_TTL"]
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
