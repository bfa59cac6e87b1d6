"""Sending one delivery of the outbox: claim, attempt, record.

Sending is at least once: a worker claims the row (SELECT … FOR UPDATE SKIP LOCKED, then a lease: the row's
`next_attempt_at` moves past the longest attempt), sends outside any transaction, then records the attempt. Two
workers never send the same delivery; a worker that dies mid-send leaves the lease to expire and beat to retry.
What comes next (a retry after a backoff, follow-ups that waited for the publication) is returned to the task,
which enqueues it after commit.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newsroom.channels import telegram, webhooks
from newsroom.channels.models import ChannelKind, Delivery, DeliveryAttempt, DeliveryStatus, EventKind
from newsroom.channels.outcome import Outcome

log = logging.getLogger(__name__)

# a countdown task may reach a worker a little before the time its row says (clocks differ): still its turn
EARLY_TOLERANCE = timedelta(seconds=2)
FOLLOW_UPS = (EventKind.UPDATE, EventKind.CORRECTION, EventKind.RETRACTION)
MAX_ERROR = 2000


def _options() -> dict[str, Any]:
    return settings.CHANNELS


def backoff(attempts: int) -> float:
    """Seconds before the next try after `attempts` failed ones: BACKOFF_BASE × 2^(attempts − 1), capped."""
    options = _options()
    return float(min(options["BACKOFF_BASE"] * 2 ** max(attempts - 1, 0), options["BACKOFF_MAX"]))


def lease() -> timedelta:
    """Longer than any attempt: a Telegram attempt may make two requests, each bounded by TIMEOUT."""
    return timedelta(seconds=3 * _options()["TIMEOUT"] + 30)


@dataclass
class Sent:
    """What one attempt left: the delivery's status, a retry due in `retry_in` seconds (None: no retry), and
    the follow-ups that waited for this publication and may go now."""

    status: str
    retry_in: float | None = None
    follow_ups: list[int] = field(default_factory=list)


def _fail_now(delivery: Delivery, error: str, now: datetime) -> None:
    delivery.attempts += 1
    delivery.status = DeliveryStatus.FAILED
    delivery.last_error = error
    delivery.save(update_fields=["attempts", "status", "last_error"])
    DeliveryAttempt.objects.create(delivery=delivery, at=now, error=error)


def claim(delivery_id: int, now: datetime) -> tuple[Delivery, Delivery | None] | None:
    """Takes the delivery for one attempt if it is pending and due: returns it (with the sent publication a
    follow-up refers to), or None. A follow-up waits while its publication is still pending."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update(skip_locked=True).filter(pk=delivery_id).first()
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return None  # another worker holds it, or it is done
        if delivery.next_attempt_at > now + EARLY_TOLERANCE:
            return None  # not yet: a backoff, or another worker's lease
        channel = delivery.channel
        if not channel.is_active:
            _fail_now(delivery, "the channel is inactive", now)
            return None
        original = None
        if delivery.kind != EventKind.PUBLISH:
            original = Delivery.objects.filter(
                channel=channel, article_id=delivery.article_id, kind=EventKind.PUBLISH
            ).first()
            if original is not None and original.status == DeliveryStatus.PENDING:
                # sent once the publication is (see _record); until then beat finds it due after that one
                delivery.next_attempt_at = max(original.next_attempt_at, now) + timedelta(seconds=1)
                delivery.save(update_fields=["next_attempt_at"])
                return None
            if channel.kind == ChannelKind.TELEGRAM and (
                original is None or original.status != DeliveryStatus.SENT or not original.remote_id
            ):
                _fail_now(
                    delivery, "the publication was never posted to this channel: nothing to refer to", now
                )
                return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + lease()
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    return delivery, original


def _attempt(delivery: Delivery, original: Delivery | None) -> Outcome:
    if delivery.channel.kind == ChannelKind.TELEGRAM:
        return telegram.send(delivery, original)
    return webhooks.send(delivery)


def _record(delivery: Delivery, outcome: Outcome, duration_ms: int) -> Sent:
    options = _options()
    with transaction.atomic():
        now = timezone.now()
        DeliveryAttempt.objects.create(
            delivery=delivery,
            at=now,
            succeeded=outcome.ok,
            http_status=outcome.http_status,
            error=outcome.error[:MAX_ERROR],
            duration_ms=duration_ms,
        )
        fields = ["status", "last_error", "next_attempt_at"]
        delay: float | None = None
        waiting: list[int] = []
        if outcome.ok:
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = now
            delivery.last_error = ""
            delivery.next_attempt_at = now
            delivery.remote_id = outcome.remote_id[:40]
            delivery.remote_is_photo = outcome.remote_is_photo
            fields += ["sent_at", "remote_id", "remote_is_photo"]
        else:
            delivery.last_error = outcome.error[:MAX_ERROR]
            if outcome.retryable and delivery.attempts < options["MAX_ATTEMPTS"]:
                delay = backoff(delivery.attempts)
                if outcome.retry_after is not None:
                    delay = max(outcome.retry_after, 1.0)
                delivery.next_attempt_at = now + timedelta(seconds=delay)
            else:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = now
        delivery.save(update_fields=fields)
        if outcome.ok and delivery.kind == EventKind.PUBLISH:
            # follow-ups that waited for the post go now
            waiting = list(
                Delivery.objects.filter(
                    channel_id=delivery.channel_id,
                    article_id=delivery.article_id,
                    kind__in=FOLLOW_UPS,
                    status=DeliveryStatus.PENDING,
                    attempts=0,
                ).values_list("pk", flat=True)
            )
            Delivery.objects.filter(pk__in=waiting).update(next_attempt_at=now)
    retry_in = min(delay, float(options["BACKOFF_MAX"])) if delay is not None else None  # beat covers longer
    return Sent(str(delivery.status), retry_in=retry_in, follow_ups=waiting)


def send(delivery_id: int) -> Sent | None:
    """One attempt at a delivery, if it is its turn. Idempotent: a sent or failed delivery, one another worker
    is sending, or one not yet due is left alone (None)."""
    claimed = claim(delivery_id, timezone.now())
    if claimed is None:
        return None
    delivery, original = claimed
    started = time.monotonic()
    try:
        outcome = _attempt(delivery, original)
    except Exception as exc:  # a bug in formatting, say: logged, and the delivery retried, not left leased
        log.exception("channel delivery %s: attempt crashed", delivery.pk)
        outcome = Outcome(ok=False, retryable=True, error=f"internal error: {type(exc).__name__}: {exc}")
    duration_ms = int((time.monotonic() - started) * 1000)
    sent = _record(delivery, outcome, duration_ms)
    if not outcome.ok:
        log.warning("channel delivery %s (%s): %s", delivery.pk, sent.status, outcome.error)
    return sent


def due(now: datetime, limit: int = 500) -> list[int]:
    """Pending deliveries whose time has come (beat's safety net), oldest first."""
    return list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
