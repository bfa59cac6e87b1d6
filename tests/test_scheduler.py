"""The embedded default's scheduler (newsroom/scheduler.py): the jobs of settings.CELERY_BEAT_SCHEDULE without
Celery beat, on their own schedules; and the real process, as `make run` starts it, publishing an article."""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import time_machine
from celery import Celery
from celery.schedules import crontab
from django.conf import settings

from newsroom import scheduler as periodic
from submissions import workflow
from submissions.models import Article
from submissions.states import Status
from tests.helpers import submitted

ROOT = Path(__file__).resolve().parent.parent
START = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def _names(every: float) -> set[str]:
    """The beat schedule's entries that run every `every` seconds."""
    return {
        name
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if isinstance(entry["schedule"], int | float) and entry["schedule"] == every
    }


def _job_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "newsroom.scheduler"]


def test_a_tick_runs_exactly_the_due_jobs_of_the_beat_schedule(contributor, editor, commit, caplog):
    caplog.set_level(logging.INFO, logger="newsroom.scheduler")
    interval = settings.BEAT_INTERVAL
    every_sweep, every_fifth = _names(interval), _names(5 * interval)
    assert "publish-due-articles" in every_sweep and "resume-stalled-checks" in every_fifth
    hourly = _names(3600.0)
    assert "purge-idempotency-keys" in hourly and 5 * interval < 3600

    with time_machine.travel(START, tick=False) as clock:
        article = submitted(contributor)
        with commit():
            workflow.article_approve(
                actor=editor, article_id=article.pk, publish_at=START + dt.timedelta(seconds=interval / 2)
            )
        article.refresh_from_db()
        assert article.status == Status.SCHEDULED

        scheduler = periodic.Scheduler()  # settings.CELERY_BEAT_SCHEDULE, every clock starting now
        assert {job.name for job in scheduler.jobs} == set(settings.CELERY_BEAT_SCHEDULE)

        runs: list[str] = []

        def tick() -> list[str]:
            with commit():  # the jobs' after-commit work runs, as after a real commit
                ran, wait = scheduler.tick()
            assert 0 < wait <= periodic.MAX_SLEEP
            assert len(ran) == len(set(ran))
            runs.extend(ran)
            return ran

        assert tick() == []
        clock.move_to(START + dt.timedelta(seconds=interval - 1))
        assert tick() == []
        article.refresh_from_db()
        assert article.status == Status.SCHEDULED

        clock.move_to(START + dt.timedelta(seconds=interval))
        assert set(tick()) == every_sweep
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED  # publish_due really ran, found through the registry
        assert tick() == []  # nothing runs twice at the same time

        clock.move_to(START + dt.timedelta(seconds=5 * interval))
        assert set(tick()) == every_sweep | every_fifth

        clock.move_to(START + dt.timedelta(hours=1))
        assert set(tick()) == every_sweep | every_fifth | hourly

    lines = _job_lines(caplog)
    assert len(lines) == len(runs)  # one line per job run
    assert any(
        line.startswith("scheduler: publish-due-articles (submissions.tasks.publish_due) -> 1 ")
        for line in lines
    )


def test_a_crontab_job_runs_once_at_its_time(db, caplog):
    caplog.set_level(logging.INFO, logger="newsroom.scheduler")
    entry = settings.CELERY_BEAT_SCHEDULE["recompute-trust-levels"]
    cron = entry["schedule"]
    assert isinstance(cron, crontab)
    at = dt.datetime(2026, 3, 2, min(cron.hour), min(cron.minute), tzinfo=dt.UTC)
    moments = [
        at - dt.timedelta(hours=1),
        at - dt.timedelta(seconds=1),
        at,
        at + dt.timedelta(seconds=1),
        at + dt.timedelta(minutes=1),
        at + dt.timedelta(hours=12),
        at + dt.timedelta(days=1, seconds=-1),
        at + dt.timedelta(days=1),
        at + dt.timedelta(days=1, minutes=5),
    ]
    with time_machine.travel(moments[0] - dt.timedelta(minutes=5), tick=False) as clock:
        scheduler = periodic.Scheduler({"recompute-trust-levels": entry})
        ran_at = []
        for moment in moments:
            clock.move_to(moment)
            if scheduler.tick()[0] == ["recompute-trust-levels"]:
                ran_at.append(moment)
    assert ran_at == [at, at + dt.timedelta(days=1)]
    assert len(_job_lines(caplog)) == 2


def test_a_failing_job_is_logged_and_the_scheduler_goes_on(caplog):
    caplog.set_level(logging.INFO, logger="newsroom.scheduler")
    app = Celery("scheduler-test", set_as_current=False)
    notes: list[str] = []

    @app.task(name="test.fails")
    def fails() -> None:
        raise RuntimeError("the job broke")

    @app.task(name="test.notes")
    def note(word: str) -> None:
        notes.append(word)

    schedule = {
        "fails": {"task": "test.fails", "schedule": 10.0},
        "notes": {"task": "test.notes", "schedule": 10.0, "args": ("hello",)},
    }
    with time_machine.travel(START, tick=False) as clock:
        scheduler = periodic.Scheduler(schedule, app=app)
        clock.shift(10)
        assert scheduler.tick()[0] == ["fails", "notes"]
        assert notes == ["hello"]
        clock.shift(10)
        assert scheduler.tick()[0] == ["fails", "notes"]  # the failing job comes again at its next time
        assert notes == ["hello", "hello"]

    failures = [r for r in caplog.records if r.name == "newsroom.scheduler" and r.levelno == logging.ERROR]
    assert [r.getMessage().split(" failed")[0] for r in failures] == ["scheduler: fails (test.fails)"] * 2
    assert all(r.exc_info and isinstance(r.exc_info[1], RuntimeError) for r in failures)


def test_a_schedule_naming_an_unknown_task_is_refused():
    with pytest.raises(LookupError, match=r"submissions\.tasks\.no_such_task"):
        periodic.Scheduler({"typo": {"task": "submissions.tasks.no_such_task", "schedule": 60.0}})


def test_with_redis_url_beat_runs_the_jobs_and_the_scheduler_does_not_start(settings, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    assert periodic.main() == 2
    assert "Celery beat runs the periodic jobs" in caplog.text


def test_a_second_copy_stands_by_while_the_first_holds_the_lock(tmp_path):
    path = tmp_path / "db.sqlite3.scheduler.lock"
    stop = threading.Event()
    with path.open("a") as first, path.open("a") as second:
        assert periodic.wait_for_lock(first, path, stop)
        stop.set()  # the second copy is told to stop while it stands by
        assert not periodic.wait_for_lock(second, path, stop)
        fcntl.flock(first, fcntl.LOCK_UN)  # the first copy stops
        assert periodic.wait_for_lock(second, path, stop)


# --- the real process -------------------------------------------------------------------------------------------
# Needs no service: a SQLite file database of its own, tasks eager, no Redis. Runs in `make test` on a bare machine.

SETUP = """
import datetime as dt
import django
django.setup()
from django.utils import timezone
from submissions import workflow
from submissions.states import Status
from tests.factories import EditorFactory, UserFactory
from tests.helpers import submitted

article = submitted(UserFactory())
editor = EditorFactory()
when = timezone.now() + dt.timedelta(seconds={ahead})
workflow.article_approve(actor=editor, article_id=article.pk, publish_at=when)
article.refresh_from_db()
assert article.status == Status.SCHEDULED, article.status
print(article.pk)
"""


def _wait_for(predicate, what: str, procs: list[tuple[subprocess.Popen, Path]], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        for proc, log in procs:
            if proc.poll() is not None:
                pytest.fail(f"a scheduler exited with {proc.returncode}:\n{log.read_text()}")
        time.sleep(0.2)
    logs = "\n".join(f"--- {log.name}\n{log.read_text()}" for _, log in procs)
    pytest.fail(f"timed out after {timeout} s waiting for {what}:\n{logs}")


def test_the_scheduler_process_publishes_an_article_approved_for_a_few_seconds_ahead(tmp_path):
    database = tmp_path / "newsroom.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "NEWSROOM_MODE": "embedded",
        "DATABASE_URL": f"sqlite:///{database}",
        "NEWSROOM_VAR_DIR": str(tmp_path),
        "REDIS_URL": "",
        "NEWSROOM_BEAT_INTERVAL": "1",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0", "--skip-checks"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr

    procs: list[tuple[subprocess.Popen, Path]] = []

    def start(name: str) -> tuple[subprocess.Popen, Path]:
        log = tmp_path / f"{name}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "newsroom.scheduler"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        procs.append((proc, log))
        return proc, log

    try:
        first, first_log = start("first")
        _wait_for(lambda: "scheduler: running" in first_log.read_text(), "the scheduler to start", procs, 120)
        second, second_log = start("second")  # started twice: the second copy stands by
        _wait_for(lambda: "standing by" in second_log.read_text(), "the second copy to stand by", procs, 120)

        made = subprocess.run(
            [sys.executable, "-c", SETUP.replace("{ahead}", "4")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert made.returncode == 0, made.stderr
        article_id = int(made.stdout.split()[-1])

        def row() -> tuple[str, str, str | None]:
            with sqlite3.connect(database, timeout=10) as db:
                return db.execute(
                    f"SELECT status, publish_at, published_at FROM {Article._meta.db_table} WHERE id = ?",  # noqa: S608
                    (article_id,),
                ).fetchone()

        _wait_for(lambda: row()[0] == Status.PUBLISHED, "the article to be published", procs, 60)
        _, publish_at, published_at = row()
        assert published_at is not None
        assert dt.datetime.fromisoformat(published_at) >= dt.datetime.fromisoformat(publish_at)

        for proc, _ in procs:  # as scripts/run's trap on Ctrl-C
            proc.send_signal(signal.SIGTERM)
        assert first.wait(timeout=30) == 0 and second.wait(timeout=30) == 0
        first_lines, second_lines = first_log.read_text(), second_log.read_text()
        assert "scheduler: publish-due-articles (submissions.tasks.publish_due) -> 1 " in first_lines
        assert "scheduler: stopped" in first_lines
        assert "scheduler: publish-due-articles" not in second_lines  # it never ran a job
    finally:
        for proc, _ in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
