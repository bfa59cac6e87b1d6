"""The real stack for the robustness runs: PostgreSQL, Redis, gunicorn, Celery worker(s) and beat, each a process
that a scenario can kill, stop or restart.

- `PrivatePostgres` / `PrivateRedis`: a cluster and a server of the run's own (initdb / redis-server on free
  ports), so that restarting or stopping them disturbs nobody else's tests. `SharedPostgres` uses DATABASE_URL's
  server instead (restarted with PG_RESTART_COMMAND) when no PostgreSQL binaries are at hand.
- `Stack`: the app on a database and a Redis DB of its own, with its own Celery queue and var/ folder; gunicorn is
  started as bench/run.py does (same settings as production: persistent connections with health checks).

Every process runs in its own session (process group), so a SIGKILL takes the worker's pool children with it.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import random
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BIN = Path(PY).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def wait_until(predicate: Any, what: str, timeout: float, interval: float = 0.2) -> float:
    """Seconds it took for `predicate()` to be true; RuntimeError after `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if predicate():
                return time.monotonic() - started
        except Exception:  # noqa: S110  (not yet: a service still starting refuses or errs)
            pass
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")


def _run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(command)} exited with {done.returncode}:\n{done.stderr[-3000:]}")
    return done


# --- PostgreSQL -------------------------------------------------------------------------------------------------


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return found[0] if found else shutil.which(name)


class PrivatePostgres:
    """A throwaway cluster on a free port (fsync off: nothing here needs to survive the machine)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="newsroom-robustness-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self._as: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: run the cluster as the postgres account
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self._as = [shutil.which("runuser") or "runuser", "-u", "postgres", "--"]

    @staticmethod
    def available() -> bool:
        if not (_pg_bin("initdb") and _pg_bin("pg_ctl")):
            return False
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                return False
            return shutil.which("runuser") is not None
        return True

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        _run(
            [
                *self._as,
                str(_pg_bin("pg_ctl")),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-o",
                options,
                *args,
            ]
        )

    def start(self) -> None:
        if not self.data.exists():
            _run(
                [
                    *self._as,
                    str(_pg_bin("initdb")),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                ]
            )
        self._ctl("-w", "-t", "60", "start")

    def restart(self) -> None:
        """A fast restart: every session is terminated, as in a fail-over or an operator's restart."""
        self._ctl("-w", "-t", "60", "-m", "fast", "restart")

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._ctl("-w", "-t", "60", "-m", "fast", "stop")

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


class SharedPostgres:
    """DATABASE_URL's server; restarted with PG_RESTART_COMMAND (e.g. `pg_ctlcluster 15 main restart`)."""

    def __init__(self, url: str) -> None:
        self.base = url

    def start(self) -> None:
        pass

    def restart(self) -> None:
        command = os.environ.get("PG_RESTART_COMMAND", "")
        if not command:
            raise RuntimeError("set PG_RESTART_COMMAND to restart the shared PostgreSQL server")
        _run(shlex.split(command))

    def stop(self) -> None:
        pass

    def cleanup(self) -> None:
        pass

    def url(self, database: str) -> str:
        parts = urllib.parse.urlsplit(self.base)
        return urllib.parse.urlunsplit(parts._replace(path=f"/{database}"))


def postgres() -> PrivatePostgres | SharedPostgres:
    if os.environ.get("ROBUSTNESS_POSTGRES", "private") == "private" and PrivatePostgres.available():
        return PrivatePostgres()
    return SharedPostgres(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom"))


def recreate_database(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


# --- Redis ------------------------------------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of the run's own: stopping it (the broker and the cache go down) disturbs nobody else."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is needed")
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until(lambda: port_open(self.port), "redis-server", 15)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=15)
            self.proc = None

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


# --- the app ----------------------------------------------------------------------------------------------------


@dataclass
class Stack:
    database_url: str
    redis_url: str
    var: Path
    web_port: int = field(default_factory=free_port)
    queue: str = field(default_factory=lambda: f"newsroom-robustness-{os.getpid()}")
    web_workers: int = 3
    worker_concurrency: int = 2
    extra_env: dict[str, str] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _seq: int = 0

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "CELERY_QUEUE": self.queue,
            "NEWSROOM_VAR_DIR": str(self.var),
            "SECRET_KEY": "robustness-" + "x" * 50,
            "DEBUG": "false",
            "CONN_MAX_AGE": "60",  # persistent connections with health checks, as in production
            "SITE_URL": f"http://127.0.0.1:{self.web_port}",
            "LOG_LEVEL": "WARNING",
            # the clients of a run are all on 127.0.0.1: throttles would count them as one
            **{f"THROTTLE_{s}": "100000/min" for s in ("LOGIN", "REGISTER", "UPLOAD", "VERIFY", "EXPORT")},
            **self.extra_env,
        }

    def apply_env(self) -> None:
        """This process too (it checks the database with the ORM and pings workers through the broker)."""
        os.environ.update({k: v for k, v in self.env.items() if os.environ.get(k) != v})

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def manage(self, *args: str) -> str:
        return _run([PY, "manage.py", *args], cwd=ROOT, env=self.env).stdout

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        self._seq += 1
        self.var.mkdir(parents=True, exist_ok=True)
        log = (self.var / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs[name] = proc
        return proc

    def start_web(self) -> None:
        self._spawn(
            "web",
            [
                str(BIN / "gunicorn"),
                "newsroom.wsgi",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                str(self.web_workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "10",
                "--log-level",
                "warning",
            ],
        )
        healthz = f"{self.base}/healthz"  # http://127.0.0.1:<port>: built here, never from input
        wait_until(lambda: urllib.request.urlopen(healthz, timeout=5).status == 200, "gunicorn", 90)  # noqa: S310

    def worker_node(self, name: str) -> str:
        return f"{name}-{self.queue}@robustness"

    def start_worker(self, name: str = "worker", *, wait: bool = True) -> subprocess.Popen[bytes]:
        proc = self._spawn(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "newsroom",
                "worker",
                "-Q",
                self.queue,
                "-n",
                self.worker_node(name),
                "-c",
                str(self.worker_concurrency),
                "--without-gossip",
                "--without-mingle",
                "-l",
                "WARNING",
            ],
        )
        if wait:
            self.wait_worker(name)
        return proc

    def wait_worker(self, name: str = "worker", timeout: float = 90) -> float:
        from newsroom.celery import app

        node = self.worker_node(name)

        def answers() -> bool:
            proc = self.procs.get(name)
            if proc is None or proc.poll() is not None:
                raise RuntimeError(f"{name} exited: {self.tail(name)}")
            return bool(app.control.ping(destination=[node], timeout=0.5))

        return wait_until(answers, f"Celery worker {node}", timeout, interval=0.1)

    def start_beat(self) -> None:
        self._spawn(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "newsroom",
                "beat",
                "-s",
                str(self.var / "beat-schedule"),
                "-l",
                "WARNING",
            ],
        )

    def pool_children(self, name: str = "worker") -> list[int]:
        proc = self.procs.get(name)
        if proc is None:
            return []
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                if ppid == proc.pid:
                    children.append(int(entry.name))
        return children

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """SIGKILL (by default) of the process and its whole process group."""
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def kill_pool_child(self, name: str = "worker", rng: random.Random | None = None) -> int | None:
        """SIGKILL of one pool process (the worker's master replaces it); its pid, or None if there is none."""
        children = self.pool_children(name)
        if not children:
            return None
        pid = (rng or random.Random()).choice(children)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        return pid

    def tail(self, name: str, chars: int = 3000) -> str:
        path = self.var / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def stop(self) -> None:
        for name in list(self.procs):
            self.kill(name, signal.SIGTERM)


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
