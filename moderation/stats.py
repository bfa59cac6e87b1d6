"""Moderation metrics: queue length by status, time to decision (median, p90), overdue count, decisions per
editor. A fixed number of queries whatever the volume (aggregates, and one pass over the window's events)."""

from __future__ import annotations

import bisect
import statistics
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from submissions.models import Article, ArticleEvent
from submissions.states import DECISIONS, Action, Status

# when a review starts: the checks finished, an appeal, an unscheduled article back in the queue, a proposed update
REVIEW_STARTS = (Action.CHECKS_COMPLETE, Action.APPEAL, Action.UNSCHEDULE, Action.UPDATE_PROPOSE)


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def moderation_stats(*, days: int = 30, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    since = now - timedelta(days=days)
    by_status = dict(
        Article.objects.filter(
            status__in=[Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.SCHEDULED]
        )
        .values_list("status")
        .annotate(n=Count("id"))
    )
    waiting = Article.objects.filter(queue_key__isnull=False).aggregate(
        total=Count("id"),
        updates=Count("id", filter=Q(status=Status.PUBLISHED)),
        appeals=Count("id", filter=Q(is_appeal=True)),
        overdue=Count("id", filter=Q(due_at__lt=now)),
        claimed=Count("id", filter=Q(claimed_by__isnull=False, claim_expires_at__gt=now)),
    )

    decisions = list(
        ArticleEvent.objects.filter(action__in=DECISIONS, created_at__gte=since)
        .values_list("article_id", "actor_id", "action", "created_at")
        .order_by("created_at", "id")
    )
    starts: dict[int, list[datetime]] = defaultdict(list)
    for article_id, at in (
        ArticleEvent.objects.filter(
            action__in=REVIEW_STARTS,
            article_id__in={d[0] for d in decisions},
            created_at__gte=since - timedelta(days=days),
        )
        .values_list("article_id", "created_at")
        .order_by("created_at", "id")
    ):
        starts[article_id].append(at)
    waits: list[float] = []
    per_editor: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for article_id, actor_id, action, at in decisions:
        times = starts.get(article_id, [])
        i = bisect.bisect_right(times, at)
        if i:
            waits.append((at - times[i - 1]).total_seconds())
        if actor_id is not None:
            per_editor[actor_id][action] += 1
            per_editor[actor_id]["total"] += 1
    names = dict(get_user_model().objects.filter(pk__in=per_editor).values_list("pk", "display_name"))
    editors = sorted(
        (
            {
                "editor": {"id": pk, "display_name": names.get(pk, "")},
                **{a: counts.get(a, 0) for a in DECISIONS},
                "total": counts["total"],
            }
            for pk, counts in per_editor.items()
        ),
        key=lambda row: (-row["total"], row["editor"]["id"]),
    )
    return {
        "window_days": days,
        "queue": {
            "by_status": {
                s: by_status.get(s, 0)
                for s in (Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.SCHEDULED)
            },
            "waiting": waiting["total"],
            "updates": waiting["updates"],
            "appeals": waiting["appeals"],
            "claimed": waiting["claimed"],
        },
        "overdue": waiting["overdue"],
        "time_to_decision_seconds": {
            "count": len(waits),
            "median": statistics.median(waits) if waits else None,
            "p90": _percentile(sorted(waits), 0.9),
        },
        "decisions_per_editor": editors,
    }
