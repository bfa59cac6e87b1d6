"""The moderation queue's priority, as one stored timestamp per waiting article.

Each waiting article gets a **due time** — when it enters the queue plus its category's SLA (4 h for incidents,
24 h by default), shortened for authors with little trust — and a **queue key**: the due time moved earlier by
its risk and by an appeal. The queue is served in queue-key order (earliest first):

    due_at    = entered + category.sla_hours / trust.queue_priority(author's trust level)
    queue_key = due_at - risk_score x RISK_ADVANCE - (APPEAL_ADVANCE if it is an appeal)

so every term is a documented number of hours (NEWSROOM["QUEUE"]); age counts by itself, because everything
waiting grows older together and an overdue article (due_at in the past) sorts before fresh ones of the same
risk. Stored rather than computed per request: the queue and claim-next read one partial index
(queue_key, id), which is what lets claim-next take the top row with SKIP LOCKED at any queue length.

The key is set when an article enters the queue (checks complete, appeal, unschedule, an update to a published
article) and cleared when it leaves; a trust level changing while an article waits does not move it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from newsroom.accounts import trust


def settings_() -> dict[str, Any]:
    return settings.NEWSROOM["QUEUE"]


def due_time(*, entered: datetime, sla_hours: float, trust_level: int) -> datetime:
    return entered + timedelta(hours=sla_hours / trust.queue_priority(trust_level))


def queue_key(*, due_at: datetime, risk_score: float | None, appeal: bool) -> datetime:
    conf = settings_()
    advance = (risk_score or 0.0) * conf["RISK_ADVANCE_HOURS"]
    if appeal:
        advance += conf["APPEAL_ADVANCE_HOURS"]
    return due_at - timedelta(hours=advance)


def enqueue(article: Any, *, entered: datetime, appeal: bool = False) -> list[str]:
    """Sets the article's due time and queue key; returns the field names it changed (for update_fields)."""
    sla = article.category.sla_hours if article.category_id else settings_()["DEFAULT_SLA_HOURS"]
    article.due_at = due_time(entered=entered, sla_hours=sla, trust_level=article.author.trust_level)
    article.queue_key = queue_key(due_at=article.due_at, risk_score=article.risk_score, appeal=appeal)
    return ["due_at", "queue_key"]
