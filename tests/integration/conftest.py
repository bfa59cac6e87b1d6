"""A real Celery worker (and beat) in subprocesses, on the real PostgreSQL test database and Redis.

Each test session uses its own queue, so a developer's running worker never takes these tasks."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from newsroom.celery import app as celery_app
from tests.services import require_postgres, require_redis

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Stack:
    def __init__(self, tmp: Path) -> None:
        self.queue = f"newsroom-test-{uuid.uuid4().hex[:8]}"
        self.tmp = tmp
        self.procs: list[tuple[subprocess.Popen, Path]] = []
        self.env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "SECRET_KEY": settings.SECRET_KEY,  # links the worker signs must verify here
            "CELERY_QUEUE": self.queue,
            "NEWSROOM_VAR_DIR": str(tmp),
            "NEWSROOM_BEAT_INTERVAL": "1",
        }

    def _spawn(self, name: str, *args: str) -> subprocess.Popen:
        log = self.tmp / f"{name}-{len(self.procs)}.log"
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "newsroom", *args],
            cwd=ROOT,
            env=self.env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a test can SIGKILL the worker and its children
        )
        self.procs.append((proc, log))
        return proc

    def start_worker(self) -> subprocess.Popen:
        node = f"{self.queue}-{len(self.procs)}@localhost"
        proc = self._spawn(
            "worker", "worker", "-Q", self.queue, "-n", node, "-c", "2", "--without-gossip", "-l", "INFO"
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if celery_app.control.ping(destination=[node], timeout=1):
                return proc
            self.check_alive()
        pytest.fail(f"worker did not answer within 60 s:\n{self.logs()}")

    def kill(self, proc: subprocess.Popen) -> None:
        """SIGKILL the process and its children (a worker dying mid-task), and forget it."""
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        self.procs = [(p, log) for p, log in self.procs if p is not proc]

    def start_beat(self) -> None:
        self._spawn("beat", "beat", "-s", str(self.tmp / "beat-schedule"), "-l", "INFO")

    def check_alive(self) -> None:
        for proc, _ in self.procs:
            if proc.poll() is not None:
                pytest.fail(f"a Celery process exited with {proc.returncode}:\n{self.logs()}")

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}" for _, log in self.procs
        )

    def stop(self) -> None:
        for proc, _ in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc, _ in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)

    def mail(self) -> str:
        """Every letter the worker sent (the embedded mail backend writes them under its var/mail/)."""
        folder = self.tmp / "mail"
        return "".join(p.read_text() for p in sorted(folder.glob("*"))) if folder.exists() else ""

    def wait_for(self, predicate: Any, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            self.check_alive()
            time.sleep(0.2)
        pytest.fail(f"timed out after {timeout} s waiting for {what}:\n{self.logs()}")


@pytest.fixture
def real_stack(transactional_db: Any, tmp_path: Path) -> Iterator[Stack]:
    require_postgres()
    require_redis()
    stack = Stack(tmp_path)
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "task_routes")}
    # this process only sends: to the session's own queue, for real
    celery_app.conf.update(task_always_eager=False, task_routes={"*": {"queue": stack.queue}})
    try:
        yield stack
    finally:
        stack.stop()
        celery_app.conf.update(**saved)
