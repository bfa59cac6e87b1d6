"""Gathers a contributor's record from the audit trail and stores the trust level it earns.

The rules are in newsroom.accounts.trust; this module only counts. Called after every editorial decision on the
author's work, when the e-mail address is confirmed, and nightly by beat (levels also change with time).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from newsroom.accounts.models import User
from newsroom.accounts.trust import SANCTION_REASONS, SANCTION_WINDOWS, TrustRecord, compute
from submissions.models import ArticleEvent
from submissions.states import Action


def record_of(user: User, *, now: Any = None) -> TrustRecord:
    now = now or timezone.now()
    recent, older = (now - window for window in SANCTION_WINDOWS)
    sanction = Q(action=Action.REJECT, data__reason_code__in=sorted(SANCTION_REASONS))
    counts = ArticleEvent.objects.filter(
        article__author_id=user.pk,
        action__in=[Action.APPROVE, Action.REJECT, Action.REQUEST_CHANGES],
    ).aggregate(
        approved=Count("id", filter=Q(action=Action.APPROVE)),
        rejected=Count("id", filter=Q(action=Action.REJECT)),
        changes_requested=Count("id", filter=Q(action=Action.REQUEST_CHANGES)),
        sanctions_90d=Count("id", filter=sanction & Q(created_at__gte=recent)),
        sanctions_180d=Count("id", filter=sanction & Q(created_at__gte=older)),
    )
    return TrustRecord(
        email_verified=user.email_verified_at is not None,
        account_age_days=max(0, (now - user.date_joined) // timedelta(days=1)),
        **counts,
    )


def trust_recompute(user_id: int, *, now: Any = None) -> User | None:
    """Recomputes and stores one user's level. Idempotent."""
    user = User.objects.filter(pk=user_id, deleted_at__isnull=True).first()
    if user is None:
        return None
    record = record_of(user, now=now)
    level, reason = compute(record)
    user.trust_level = level
    user.trust_reason = reason
    user.trust_record = record.as_dict()
    user.trust_computed_at = now or timezone.now()
    user.save(update_fields=["trust_level", "trust_reason", "trust_record", "trust_computed_at"])
    return user


def trust_recompute_all(*, now: Any = None) -> int:
    done = 0
    for user_id in User.objects.filter(deleted_at__isnull=True).values_list("pk", flat=True).iterator(2000):
        trust_recompute(user_id, now=now)
        done += 1
    return done
