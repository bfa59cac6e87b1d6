"""Runs checks and records their results; moves the article on when the last result is in.

Plain functions (no Celery here): tasks.py calls them, and so can a command or a test.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from moderation.checks import REGISTRY, Result, Snapshot
from moderation.models import CheckResult, Outcome
from submissions import workflow
from submissions.models import Revision

log = logging.getLogger(__name__)


def run_check(revision_id: int, check_name: str) -> CheckResult | None:
    """Runs one check and upserts its row. A check that raises is recorded as `error` (never blocks the article).
    Database errors propagate so the task can retry them."""
    revision = Revision.objects.select_related("category", "article__author").filter(pk=revision_id).first()
    if revision is None:
        return None
    check = REGISTRY[check_name]
    started = time.perf_counter()
    try:
        result = check.run(Snapshot.of(revision))
    except Exception as exc:
        log.exception("check %s crashed on revision %s", check_name, revision_id)
        result = Result(
            Outcome.ERROR,
            0.0,
            evidence={"error": type(exc).__name__},
        )
    duration_ms = int((time.perf_counter() - started) * 1000)
    return record_result(revision_id, check_name, check.version, result, duration_ms=duration_ms)


def record_result(
    revision_id: int, check_name: str, version: int, result: Result, *, duration_ms: int | None = None
) -> CheckResult:
    values = {
        "duration_ms": duration_ms,
        "outcome": result.outcome,
        "score": max(0.0, min(1.0, float(result.score))),
        "findings": [f.as_dict() for f in result.findings],
        "evidence": result.evidence,
        "check_version": version,
        "finished_at": timezone.now(),
    }
    with transaction.atomic():
        row, created = CheckResult.objects.update_or_create(
            revision_id=revision_id, check_name=check_name, defaults=values
        )
        if not created:
            CheckResult.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
    return row


def risk_score(results: list[CheckResult]) -> float:
    """The chance that at least one check is right about a problem: 1 - prod(1 - score), an errored check
    counting 0.3 (an editor should look). One failing check is enough to make an article risky; a pile of passes
    does not dilute it."""
    safe = 1.0
    for row in results:
        safe *= 1.0 - (0.3 if row.outcome == Outcome.ERROR else max(0.0, min(1.0, row.score)))
    return round(1.0 - safe, 4)


def complete_if_done(revision_id: int) -> bool:
    """When every registered check has a row for this revision, moves the article to in_review. Idempotent."""
    results = list(CheckResult.objects.filter(revision_id=revision_id, check_name__in=list(REGISTRY)))
    if {row.check_name for row in results} != set(REGISTRY):
        return False
    summary: dict[str, Any] = {"checks": {row.check_name: row.outcome for row in results}}
    return (
        workflow.article_checks_completed(
            revision_id=revision_id, risk_score=risk_score(results), summary=summary
        )
        is not None
    )


def run_all_now(revision_id: int) -> bool:
    """Synchronously runs every check (seeding, management commands)."""
    for name in REGISTRY:
        run_check(revision_id, name)
    return complete_if_done(revision_id)
