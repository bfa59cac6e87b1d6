"""Celery tasks. They take ids, are idempotent, and retry transient database/broker errors with backoff."""

from __future__ import annotations

import logging

from celery import group
from django.conf import settings
from django.utils import timezone

from moderation import notify, services
from moderation.models import CheckResult
from newsroom.celery import reliable_task
from submissions.models import Article
from submissions.states import Status

log = logging.getLogger(__name__)


@reliable_task
def run_checks(revision_id: int, *, force: bool = False) -> None:
    """Fans out one task per registered check that has no result for the revision yet (all of them with
    `force`, as rerun_checks does). With nothing missing, completes the revision at once."""
    # the checks (numpy, scipy, lingua, datasketch...) load in the worker only: a web process that merely
    # enqueues this task stays ~55 MB smaller
    from moderation import runner
    from moderation.checks import REGISTRY

    done = (
        set()
        if force
        else set(CheckResult.objects.filter(revision_id=revision_id).values_list("check_name", flat=True))
    )
    missing = [name for name in REGISTRY if name not in done]
    if not missing:
        runner.complete_if_done(revision_id)
        return
    group(run_check.s(revision_id, name) for name in missing).apply_async()


@reliable_task
def run_check(revision_id: int, check_name: str) -> None:
    from moderation import runner
    from moderation.checks import REGISTRY

    if check_name not in REGISTRY:
        log.warning("unknown check %s (revision %s) ignored", check_name, revision_id)
        return
    runner.run_check(revision_id, check_name)
    runner.complete_if_done(revision_id)


@reliable_task
def release_expired_claims() -> int:
    """Beat: frees leases whose time ran out."""
    return services.claims_release_expired()


@reliable_task
def resume_stalled_checks() -> int:
    """Beat: re-dispatches checks of revisions still `submitted` long after submission (a lost message, a
    broker outage at submit time). Safe because every check task is idempotent."""
    cutoff = timezone.now() - settings.NEWSROOM["STALLED_CHECKS_AFTER"]
    stalled = Article.objects.filter(
        status=Status.SUBMITTED, submitted_at__lte=cutoff, current_revision__isnull=False
    ).values_list("current_revision_id", flat=True)
    count = 0
    for revision_id in list(stalled[:500]):
        run_checks.delay(revision_id)
        count += 1
    return count


@reliable_task
def sync_duplicates(article_id: int) -> None:
    from moderation.duplicates import sync_article  # datasketch and numpy: in the worker only, as the checks

    sync_article(article_id)


@reliable_task
def notify_decision(event_id: int) -> None:
    """Tells the author of an editorial decision (in-app and by e-mail). Idempotent: once per event."""
    notify.notify_decision(event_id)


@reliable_task
def send_overdue_digests() -> int:
    """Beat: every editor with overdue articles in their queue gets one digest per period."""
    return notify.overdue_digest(timezone.now())
