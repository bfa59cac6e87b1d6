"""Re-runs the automated checks of many revisions (e.g. after a lexicon change or a new check)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from tqdm import tqdm

from moderation import runner
from moderation.checks import REGISTRY
from submissions.models import Article
from submissions.states import Status


def _since(value: str) -> datetime:
    parsed = parse_datetime(value) or (
        datetime.combine(date, datetime.min.time()) if (date := parse_date(value)) else None
    )
    if parsed is None:
        raise CommandError(f"--since: not a date or date-time: {value!r}")
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


class Command(BaseCommand):
    help = "Re-run the automated checks of submitted revisions (in this process, with a progress bar)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--since", help="only articles submitted since this date (YYYY-MM-DD or ISO date-time)"
        )
        parser.add_argument(
            "--status",
            action="append",
            choices=[Status.SUBMITTED, Status.IN_REVIEW, Status.PUBLISHED, Status.SCHEDULED],
            help="only articles in this status (repeatable; default: submitted and in review)",
        )
        parser.add_argument(
            "--check", action="append", choices=sorted(REGISTRY), help="only this check (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        statuses = options["status"] or [Status.SUBMITTED, Status.IN_REVIEW]
        articles = Article.objects.filter(status__in=statuses, current_revision__isnull=False)
        if options["since"]:
            articles = articles.filter(submitted_at__gte=_since(options["since"]))
        revision_ids = list(
            articles.order_by("submitted_at", "id").values_list("current_revision_id", flat=True)
        )
        checks = options["check"] or list(REGISTRY)
        started = time.perf_counter()
        timings: dict[str, float] = dict.fromkeys(checks, 0.0)
        for revision_id in tqdm(revision_ids, desc="revisions", unit="rev", disable=None):
            for name in checks:
                t0 = time.perf_counter()
                runner.run_check(revision_id, name)
                timings[name] += time.perf_counter() - t0
            runner.complete_if_done(revision_id)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Re-ran {len(checks)} check(s) on {len(revision_ids)} revision(s) in {elapsed:.1f} s."
        )
        for name, seconds in sorted(timings.items(), key=lambda kv: -kv[1]):
            per = seconds / len(revision_ids) * 1000 if revision_ids else 0.0
            self.stdout.write(f"  {name:16} {seconds:8.2f} s in all, {per:7.1f} ms per revision")
