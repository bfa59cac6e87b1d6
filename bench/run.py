"""`make bench`: loads a corpus of BENCH_SCALE articles into a PostgreSQL database of its own, serves the app
through gunicorn as in production and a bare psycopg+orjson WSGI app as the baseline (same gunicorn settings),
drives both from this process (pinned to another core where `taskset` allows), and writes
bench/results/<date>.json and .md with every target's ratio and PASS/FAIL.

Scenarios measured here: feed page 1 and a deep page against the same SQL done by hand, conditional GET (304)
against the full 200, Russian search (selective and not) against the raw tsquery SQL, and the web workers' peak
RSS. Every figure is a ratio to its baseline measured in the same run.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import load

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SCALE = int(os.environ.get("BENCH_SCALE", "100000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
APP_PORT, BASE_PORT = 8091, 8092


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("make bench needs PostgreSQL: set DATABASE_URL=postgres://... (and REDIS_URL)")
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/newsroom_bench_{SCALE}"))


def _ensure_database(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        name = parts.path.lstrip("/")
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _one(url: str, sql: str, params: list[Any] | None = None) -> tuple[Any, ...]:
    with psycopg.connect(url) as conn:
        row = conn.execute(sql, params).fetchone()
    assert row is not None
    return row


def _pin(core: int) -> list[str]:
    return ["taskset", "-c", str(core)] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []


def _serve(env: dict[str, str], app: str, port: int) -> subprocess.Popen[bytes]:
    command = [
        *_pin(0),
        str(Path(PY).parent / "gunicorn"),
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        os.environ.get("WEB_CONCURRENCY", "2"),
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def _wait(port: int, path: str) -> None:
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2).read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"server on {port} did not start")


def _worker_rss_mb(master: subprocess.Popen[bytes]) -> float:
    peak = 0
    for child in Path("/proc").iterdir():
        if not child.name.isdigit():
            continue
        try:
            status = (child / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        if fields.get("PPid", "").strip() == str(master.pid):
            peak = max(peak, int(fields.get("VmHWM", "0 kB").split()[0]))
    return round(peak / 1024, 1)


def _measure(port: int, paths: list[str], **kwargs: Any) -> dict[str, Any]:
    load.run(
        "127.0.0.1", port, paths, requests=min(200, REQUESTS), concurrency=CONCURRENCY, **kwargs
    )  # warm-up
    return load.run("127.0.0.1", port, paths, requests=REQUESTS, concurrency=CONCURRENCY, **kwargs).summary()


def _fresh(path: str, n: int = REQUESTS) -> list[str]:
    """Distinct query strings: every request misses the rendered-response cache (what the baseline does too)."""
    sep = "&" if "?" in path else "?"
    return [f"{path}{sep}_n={i}" for i in range(n)]


def _drf_cursor(position: dt.datetime) -> str:
    token = urllib.parse.urlencode({"p": str(position)}, doseq=True)
    return base64.b64encode(token.encode()).decode()


def main() -> None:
    url = _database_url()
    _ensure_database(url)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "NEWSROOM_VAR_DIR": str(ROOT / "var" / "bench"),
        "DEBUG": "false",
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),  # persistent connections, as in production
    }
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    have = _one(url, "SELECT count(*) FROM submissions_article")[0]
    seed_seconds = None
    if have < SCALE:
        started = time.monotonic()
        subprocess.run(
            [PY, "manage.py", "seed_corpus", "--articles", str(SCALE - have)], cwd=ROOT, env=env, check=True
        )
        seed_seconds = round(time.monotonic() - started, 1)
    published = _one(url, "SELECT count(*) FROM submissions_article WHERE status = 'published'")[0]
    deep_index = min(5000 * 20, published - 21)  # 5,000 pages deep, or the last full page
    deep_at, deep_id = _one(
        url,
        "SELECT published_at, id FROM submissions_article WHERE status = 'published' "
        "ORDER BY published_at DESC, id DESC OFFSET %s LIMIT 1",
        [deep_index],
    )

    app = _serve(env, "newsroom.wsgi", APP_PORT)
    base = _serve(env, "bench.baseline:application", BASE_PORT)
    results: dict[str, Any] = {"scale": SCALE, "published": published, "seed_seconds": seed_seconds}
    try:
        _wait(APP_PORT, "/healthz")
        _wait(BASE_PORT, "/")
        r = results.setdefault("scenarios", {})
        r["feed_page1"] = {
            "app": _measure(APP_PORT, _fresh("/api/v1/feed/?page_size=20")),
            "baseline": _measure(BASE_PORT, ["/"]),
        }
        deep = f"/api/v1/feed/?page_size=20&cursor={urllib.parse.quote(_drf_cursor(deep_at))}"
        r["feed_deep"] = {
            "page": deep_index // 20,
            "app": _measure(APP_PORT, _fresh(deep)),
            "baseline": _measure(
                BASE_PORT, [f"/?before={urllib.parse.quote(deep_at.isoformat())}|{deep_id}"]
            ),
        }
        etag = urllib.request.urlopen(f"http://127.0.0.1:{APP_PORT}/api/v1/feed/").headers["ETag"]
        r["conditional"] = {
            "not_modified": _measure(
                APP_PORT, ["/api/v1/feed/"], headers={"If-None-Match": etag}, expect=304
            ),
            "full": r["feed_page1"]["app"],
        }
        for name, words in (("search_selective", "месторождение нефти"), ("search_broad", "город")):
            q = urllib.parse.quote(words)
            r[name] = {
                "app": _measure(APP_PORT, _fresh(f"/api/v1/feed/?q={q}")),
                "baseline": _measure(BASE_PORT, [f"/search?q={q}"]),
            }
        results["rss_mb"] = {"gunicorn_worker": _worker_rss_mb(app)}
    finally:
        for server in (app, base):
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    report(results)


TARGETS = [
    (
        "feed p50 ≤ 2× baseline",
        lambda r: (
            r["scenarios"]["feed_page1"]["app"]["p50_ms"] / r["scenarios"]["feed_page1"]["baseline"]["p50_ms"]
        ),
        2.0,
        "≤",
    ),
    (
        "feed throughput ≥ 0.5× baseline",
        lambda r: (
            r["scenarios"]["feed_page1"]["app"]["throughput_rps"]
            / r["scenarios"]["feed_page1"]["baseline"]["throughput_rps"]
        ),
        0.5,
        "≥",
    ),
    (
        "deep page p50 ≤ 1.5× page 1",
        lambda r: (
            r["scenarios"]["feed_deep"]["app"]["p50_ms"] / r["scenarios"]["feed_page1"]["app"]["p50_ms"]
        ),
        1.5,
        "≤",
    ),
    (
        "304 p50 ≤ 0.3× 200 p50",
        lambda r: (
            r["scenarios"]["conditional"]["not_modified"]["p50_ms"]
            / r["scenarios"]["conditional"]["full"]["p50_ms"]
        ),
        0.3,
        "≤",
    ),
    (
        "selective search p95 ≤ 2× raw SQL",
        lambda r: (
            r["scenarios"]["search_selective"]["app"]["p95_ms"]
            / r["scenarios"]["search_selective"]["baseline"]["p95_ms"]
        ),
        2.0,
        "≤",
    ),
    (
        "broad search p95 ≤ 2× raw SQL",
        lambda r: (
            r["scenarios"]["search_broad"]["app"]["p95_ms"]
            / r["scenarios"]["search_broad"]["baseline"]["p95_ms"]
        ),
        2.0,
        "≤",
    ),
    ("gunicorn worker ≤ 150 MB RSS", lambda r: r["rss_mb"]["gunicorn_worker"], 150.0, "≤"),
]


def report(results: dict[str, Any]) -> None:
    rows = []
    for name, value_of, limit, op in TARGETS:
        value = value_of(results)
        ok = value <= limit if op == "≤" else value >= limit
        rows.append({"target": name, "value": round(value, 3), "limit": limit, "pass": ok})
    results["targets"] = rows
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H%M")
    (out / f"{stamp}-{SCALE}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    lines = [
        f"Scale: {SCALE} articles ({results['published']} published)",
        "",
        "| target | value | limit | |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {r['target']} | {r['value']} | {r['limit']} | {'PASS' if r['pass'] else 'FAIL'} |" for r in rows
    ]
    lines += [
        "",
        "| scenario | side | p50 ms | p95 ms | p99 ms | req/s | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for scenario, sides in results["scenarios"].items():
        for side, s in sides.items():
            if isinstance(s, dict):
                lines.append(
                    f"| {scenario} | {side} | {s['p50_ms']} | {s['p95_ms']} | {s['p99_ms']} | {s['throughput_rps']} | {s['errors']} |"
                )
    text = "\n".join(lines) + "\n"
    (out / f"{stamp}-{SCALE}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
