"""The periodic jobs of the embedded default, without Celery beat: `python -m newsroom.scheduler`.

Without REDIS_URL there is no broker and so no beat; `scripts/run` (`make run`) starts this small process next to
gunicorn instead. It runs the entries of settings.CELERY_BEAT_SCHEDULE, the one list of periodic jobs (beat reads
the same dict on the real stack), on their own schedules: seconds or a crontab, as Celery's schedule objects
compute them (`is_due()`). Each job calls its task in this process, found by name in the Celery app's registry,
so this module imports no app.

- Like beat on its first start, every job's clock starts when the scheduler starts (nothing is persisted): an
  interval job first runs one interval later, a crontab job at its next time.
- One log line per job run, with its result and duration. A job that raises is logged with its traceback and
  the scheduler goes on; the job runs again at its next time (every job is an idempotent sweep).
- SIGTERM (scripts/run's trap on Ctrl-C) or SIGINT stops it after the job in progress; a second one at once.
- Started twice against the same database (a second `make run` on another PORT, a copy started by hand), the
  second copy waits on an exclusive file lock and runs nothing until the first one stops, then takes over. The
  lock is a file next to a SQLite database (under NEWSROOM_VAR_DIR for another database), so it cannot see a copy
  on another machine sharing a PostgreSQL database: run one scheduler per database, or Celery beat (REDIS_URL).
  Even then a double run costs work, not correctness: publish_due takes the row lock and re-checks the state,
  leases and deliveries are claimed the same way, digests are sent once per period.
- With REDIS_URL set it refuses to start: Celery beat runs the jobs there.
- A job runs in this process without a worker's time limits: a job that hangs holds up the others.
"""

from __future__ import annotations

import fcntl
import logging
import signal
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import IO, Any

import django
from celery import Celery
from celery.schedules import BaseSchedule, schedule
from django.conf import settings
from django.db import close_old_connections

from newsroom.celery import app as celery_app

logger = logging.getLogger(__name__)

MAX_SLEEP = 30.0  # seconds: the schedule is looked at again at least this often (the clock may have jumped)
MIN_SLEEP = 0.05
LOCK_RETRY = 1.0  # seconds between attempts of a standing-by copy to take the lock


def as_schedule(value: Any, app: Celery, relative: bool = False) -> BaseSchedule:
    """A CELERY_BEAT_SCHEDULE entry's `schedule` (seconds, a timedelta or a Celery schedule such as a crontab)
    as a Celery schedule object bound to app, as beat makes it."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = timedelta(seconds=value)
    if isinstance(value, timedelta):
        return schedule(value, relative, app=app)
    if isinstance(value, BaseSchedule):
        value.app = app
        return value
    raise TypeError(f"not a schedule: {value!r}")


@dataclass
class Job:
    name: str
    task: str
    schedule: BaseSchedule
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    last_run_at: datetime


class Scheduler:
    """The jobs of a beat schedule (settings.CELERY_BEAT_SCHEDULE unless given) and their last runs."""

    def __init__(
        self, beat_schedule: Mapping[str, Mapping[str, Any]] | None = None, app: Celery = celery_app
    ) -> None:
        self.app = app
        # as a worker at its start: every app's tasks module imported (autodiscovery), so that the registry holds
        # the tasks no module of this process happened to import (a worker also runs Django's checks here)
        app.autodiscover_tasks(force=True)
        entries = settings.CELERY_BEAT_SCHEDULE if beat_schedule is None else beat_schedule
        registered = set(app.tasks.keys())
        unknown = sorted({entry["task"] for entry in entries.values()} - registered)
        if unknown:
            raise LookupError(
                f"the beat schedule names tasks the Celery app does not have: {', '.join(unknown)}"
            )
        self.jobs: list[Job] = []
        for name, entry in entries.items():
            when = as_schedule(entry["schedule"], app, relative=bool(entry.get("relative", False)))
            self.jobs.append(
                Job(
                    name=name,
                    task=entry["task"],
                    schedule=when,
                    args=tuple(entry.get("args") or ()),
                    kwargs=dict(entry.get("kwargs") or {}),
                    last_run_at=when.now(),
                )
            )

    def tick(self) -> tuple[list[str], float]:
        """Runs, in the schedule's order, every job due now; returns their names and the seconds after which a
        job may be due (at most MAX_SLEEP)."""
        ran: list[str] = []
        wait = MAX_SLEEP
        for job in self.jobs:
            due, next_check = job.schedule.is_due(job.last_run_at)
            if due:
                # as beat: the next interval counts from the start of this run
                job.last_run_at = job.schedule.now()
                self.run_job(job)
                ran.append(job.name)
            wait = min(wait, float(next_check))
        return ran, max(wait, MIN_SLEEP)

    def run_job(self, job: Job) -> None:
        """Calls the job's task here and now, as a plain function: its exception is logged, never raised."""
        task = self.app.tasks[job.task]
        started = time.monotonic()
        try:
            result = task(*job.args, **job.kwargs)
        except Exception:
            logger.exception(
                "scheduler: %s (%s) failed after %.2f s", job.name, job.task, time.monotonic() - started
            )
            return
        logger.info(
            "scheduler: %s (%s) -> %r in %.2f s", job.name, job.task, result, time.monotonic() - started
        )

    def run(self, stop: threading.Event) -> None:
        """Ticks until stop is set, sleeping until the next job may be due."""
        while not stop.is_set():
            _, wait = self.tick()
            close_old_connections()  # as a worker after each task: no connection outlives its usefulness
            stop.wait(wait)


def lock_path() -> Path:
    """The file whose lock one scheduler per database holds: next to a SQLite database, else under VAR_DIR."""
    database = settings.DATABASES["default"]
    name = str(database.get("NAME") or "")
    if (
        database["ENGINE"] == "django.db.backends.sqlite3"
        and name
        and not name.startswith((":memory:", "file:"))
    ):
        return Path(f"{name}.scheduler.lock")
    return Path(settings.VAR_DIR) / "scheduler.lock"


def wait_for_lock(handle: IO[str], path: Path, stop: threading.Event) -> bool:
    """Takes the exclusive lock on the open file, waiting while another scheduler holds it; False if stop was set
    first."""
    told = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if not told:
                logger.warning("scheduler: another scheduler holds %s; standing by until it stops", path)
                told = True
        if stop.wait(LOCK_RETRY):
            return False


def stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM, and SIGINT unless it is ignored (a background job of a script, stopped by the script's trap),
    set stop; a second signal exits at once."""

    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise SystemExit(128 + signum)
        logger.info("scheduler: stopping (%s)", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, handler)


def main() -> int:
    """Runs the periodic jobs until stopped (Django set up already); 2 if REDIS_URL is set."""
    if settings.REDIS_URL:
        logger.error("scheduler: REDIS_URL is set, so Celery beat runs the periodic jobs; not starting")
        return 2
    stop = threading.Event()
    stop_on_signals(stop)
    path = lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        if not wait_for_lock(handle, path, stop):
            return 0
        scheduler = Scheduler()
        logger.info(
            "scheduler: running %d periodic jobs of CELERY_BEAT_SCHEDULE (%s); lock %s",
            len(scheduler.jobs),
            ", ".join(job.name for job in scheduler.jobs),
            path,
        )
        scheduler.run(stop)
    logger.info("scheduler: stopped")
    return 0


if __name__ == "__main__":
    django.setup()
    sys.exit(main())
