"""Faults on the real stack (gunicorn, Celery worker and beat, PostgreSQL, Redis), each with what must hold.

    python -m robustness.faults --profile short   # CI: 60 submissions under worker kills, Redis down ~10 s
    python -m robustness.faults --profile full    # 200 submissions, Redis down 30 s

a. kills:    Celery worker processes SIGKILLed at random moments (the whole worker, restarted at once, or one
             pool process, replaced by the worker) while submissions come in: every submission ends checked
             (`in_review`) with one result per check, one submit and one checks_complete event — no duplicates.
b. redis:    Redis (broker and cache) stopped while submissions keep coming over HTTP: every one is accepted
             (2xx) and checked once Redis is back (beat's sweeper dispatches what could not be enqueued).
c. postgres: PostgreSQL restarted (fast: every session terminated) under HTTP load: clients get 503 with
             Retry-After, never another 5xx or a dropped connection; afterwards nothing is half-written.
d. disk:     uploads to a tiny tmpfs as MEDIA_ROOT: the full disk is a 507 `storage_full`, no partial file stays,
             and the files in storage are exactly those the database names. Needs root (mount); skipped otherwise.

Writes robustness/results/faults-<profile>.json, prints the figures, exits 1 when an acceptance point fails.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from robustness.load import (
    CATEGORY,
    RESULTS,
    Http,
    Reply,
    article_fields,
    audit_articles,
    fresh_connections,
    make_users,
    multipart,
    photo,
    running_stack,
    table,
    wait_checked,
)
from robustness.stack import PrivateRedis, Stack, write_json

PROFILES = {
    "short": {"submissions": 60, "kills": 6, "redis_down": 10.0, "pg_load": 14.0},
    "full": {"submissions": 200, "kills": 16, "redis_down": 30.0, "pg_load": 30.0},
}


class Author:
    """Writes and submits generated articles over HTTP; keeps every answer."""

    def __init__(self, stack: Stack, token: str, texts: Any, lock: threading.Lock) -> None:
        self.client = Http(stack.web_port, token)
        self.texts, self.lock = texts, lock
        self.replies: list[tuple[str, Reply]] = []

    def create(self) -> int | None:
        with self.lock:
            g = next(self.texts)
        reply = self.client.call("POST", "/api/v1/articles/", article_fields(g, "robustness"))
        self.replies.append(("create", reply))
        return int(reply.data["id"]) if reply.status == 201 else None

    def submit(self, article_id: int) -> bool:
        reply = self.client.call("POST", f"/api/v1/articles/{article_id}/submit/")
        self.replies.append(("submit", reply))
        return reply.status == 200


def _texts(seed: int) -> Any:
    from bench.corpus import CorpusGenerator

    return CorpusGenerator(seed=seed, duplicate_share=0.0).articles(10**7)


def _statuses(replies: list[tuple[str, Reply]]) -> dict[str, dict[str, int]]:
    out: dict[str, Counter[str]] = {}
    for action, reply in replies:
        out.setdefault(action, Counter())[str(reply.status)] += 1
    return {k: dict(v) for k, v in out.items()}


def _trail_counts(ids: list[int]) -> dict[str, Any]:
    """Per article: submit and checks_complete events, and check results of its current revision."""
    from django.db.models import Count

    from moderation.checks import REGISTRY
    from moderation.models import CheckResult
    from submissions.models import Article, ArticleEvent

    fresh_connections()
    events = Counter(
        ArticleEvent.objects.filter(article_id__in=ids, action__in=["submit", "checks_complete"]).values_list(
            "article_id", "action"
        )
    )
    current = dict(Article.objects.filter(pk__in=ids).values_list("pk", "current_revision_id"))
    results = dict(
        CheckResult.objects.filter(revision_id__in=[r for r in current.values() if r])
        .values("revision_id")
        .annotate(n=Count("id"))
        .values_list("revision_id", "n")
    )
    redelivered = CheckResult.objects.filter(revision__article_id__in=ids, attempts__gt=1).count()
    wrong = []
    for article_id in ids:
        counts = (events[(article_id, "submit")], events[(article_id, "checks_complete")])
        n_results = results.get(current.get(article_id) or 0, 0)
        if counts != (1, 1) or n_results != len(REGISTRY):
            wrong.append(
                {
                    "article": article_id,
                    "submit_events": counts[0],
                    "checks_complete_events": counts[1],
                    "results": n_results,
                }
            )
    return {"wrong": wrong[:20], "wrong_count": len(wrong), "results_rewritten_by_redelivery": redelivered}


# --- a. worker kills ----------------------------------------------------------------------------------------------


def scenario_kills(
    stack: Stack, authors: list[dict[str, Any]], profile: dict[str, Any], seed: int
) -> dict[str, Any]:
    rng = random.Random(seed)
    total, wanted = profile["submissions"], profile["kills"]
    lock = threading.Lock()
    texts = _texts(seed)
    writers = [Author(stack, a["token"], texts, lock) for a in authors[:4]]
    ids: list[int] = []
    done = threading.Event()
    pace = 0.9  # seconds between one writer's submissions: ~4 a second in all, about what two checkers take

    def write(writer: Author, count: int) -> None:
        for _ in range(count):
            article_id = writer.create()
            if article_id is not None and writer.submit(article_id):
                with lock:
                    ids.append(article_id)
            time.sleep(pace)

    shares = [total // len(writers) + (1 if i < total % len(writers) else 0) for i in range(len(writers))]
    threads = [threading.Thread(target=write, args=(w, n)) for w, n in zip(writers, shares, strict=True)]
    kills: list[dict[str, Any]] = []
    started = time.monotonic()
    for thread in threads:
        thread.start()

    def killer() -> None:
        while not done.is_set() or len(kills) < wanted:
            time.sleep(rng.uniform(1.0, 3.5))
            at = round(time.monotonic() - started, 1)
            if len(kills) % 2 == 0:
                stack.kill("worker")  # SIGKILL of the worker and its pool: whatever it held is lost
                restart = time.monotonic()
                stack.start_worker()
                kills.append(
                    {"at_s": at, "what": "worker", "restart_s": round(time.monotonic() - restart, 1)}
                )
            else:
                pid = stack.kill_pool_child("worker", rng)
                kills.append({"at_s": at, "what": "pool process", "pid": pid})

    kill_thread = threading.Thread(target=killer)
    kill_thread.start()
    for thread in threads:
        thread.join()
    done.set()
    kill_thread.join()
    submitted_in = time.monotonic() - started
    waiting = wait_checked(ids, 300)
    checked_in = time.monotonic() - started
    replies = [r for w in writers for r in w.replies]
    trail = _trail_counts(ids)
    audit = audit_articles(ids)
    non_2xx = [(a, r.status, r.code) for a, r in replies if not 200 <= r.status < 300]
    return {
        "submissions": len(ids),
        "kills": kills,
        "kill_count": len(kills),
        "submitted_in_s": round(submitted_in, 1),
        "all_checked_in_s": round(checked_in, 1),
        "still_unchecked": waiting,
        "http": _statuses(replies),
        "trail": trail,
        "audit": audit,
        "acceptance": {
            f"{total} submissions accepted": len(ids) == total and not non_2xx,
            f"at least {wanted} kills": len(kills) >= wanted,
            "every submission checked (in_review)": waiting == 0
            and audit["states"] == {"in_review": len(ids)},
            "one submit, one checks_complete event and one result per check each": trail["wrong_count"] == 0,
            "no duplicate check results": audit["duplicate_check_results"] == 0,
            "trail and revisions consistent": audit["problem_count"] == 0,
        },
    }


# --- b. Redis down ------------------------------------------------------------------------------------------------


def scenario_redis(
    stack: Stack, redis: PrivateRedis, authors: list[dict[str, Any]], profile: dict[str, Any], seed: int
) -> dict[str, Any]:
    lock = threading.Lock()
    texts = _texts(seed + 1)
    writers = [Author(stack, a["token"], texts, lock) for a in authors[4:6]]
    ids: list[int] = []
    during: list[int] = []
    outage = threading.Event()
    stop = threading.Event()
    reads: list[Reply] = []

    def write(writer: Author) -> None:
        while not stop.is_set():
            article_id = writer.create()
            if article_id is not None and writer.submit(article_id):
                with lock:
                    ids.append(article_id)
                    if outage.is_set():
                        during.append(article_id)
            stop.wait(0.3)

    def read() -> None:
        client = Http(stack.web_port)
        while not stop.is_set():
            reads.append(client.call("GET", "/api/v1/feed/?page_size=10"))
            stop.wait(0.25)

    threads = [threading.Thread(target=write, args=(w,)) for w in writers] + [threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    outage.set()
    down_at = time.monotonic()
    redis.stop()
    time.sleep(profile["redis_down"])
    redis.start()
    outage.clear()
    up_at = time.monotonic()
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join()
    exited = {name: (proc.poll() is not None) for name, proc in stack.procs.items()}
    for name, gone in exited.items():  # a process that gave up on Redis is a finding: restart it to go on
        if gone and name == "worker":
            stack.start_worker()
        elif gone and name == "beat":
            stack.start_beat()
    waiting = wait_checked(ids, 180)
    checked_after = time.monotonic() - up_at
    replies = [r for w in writers for r in w.replies]
    non_2xx = [
        {"action": a, "status": r.status, "code": r.code} for a, r in replies if not 200 <= r.status < 300
    ]
    audit = audit_articles(ids)
    trail = _trail_counts(ids)
    slow = max((r.ms for _, r in replies), default=0.0)
    return {
        "outage_s": round(up_at - down_at, 1),
        "submissions": len(ids),
        "submitted_during_outage": len(during),
        "http": _statuses(replies),
        "non_2xx": non_2xx[:20],
        "slowest_write_ms": round(slow, 1),
        "all_checked_after_redis_back_s": round(checked_after, 1),
        "still_unchecked": waiting,
        "processes_exited_during_outage": [n for n, g in exited.items() if g],
        "feed_reads_during_run": dict(Counter(str(r.status) for r in reads)),
        "trail": trail,
        "audit": audit,
        "acceptance": {
            "every submission accepted (2xx), also during the outage": not non_2xx and len(during) > 0,
            "every submission checked after Redis is back": waiting == 0
            and audit["states"] == {"in_review": len(ids)},
            "no duplicate events or results": trail["wrong_count"] == 0
            and audit["duplicate_check_results"] == 0,
            "readers never get a 500 or a dropped connection (503 + Retry-After instead)": not any(
                (r.status >= 500 and r.status != 503)
                or r.status == 0
                or (r.status == 503 and "retry-after" not in r.headers)
                for r in reads
            ),
        },
    }


# --- c. PostgreSQL restart ----------------------------------------------------------------------------------------


def scenario_postgres(
    stack: Stack, pg: Any, users: dict[str, Any], profile: dict[str, Any], seed: int
) -> dict[str, Any]:
    from submissions.models import Article, Revision

    lock = threading.Lock()
    texts = _texts(seed + 2)
    writers = [Author(stack, a["token"], texts, lock) for a in users["authors"][6:9]]
    stop = threading.Event()
    created: list[int] = []
    submitted: list[int] = []
    others: list[tuple[str, Reply]] = []
    rng = random.Random(seed)

    def write(writer: Author) -> None:
        while not stop.is_set():
            article_id = writer.create()
            if article_id is None:
                stop.wait(0.2)
                continue
            with lock:
                created.append(article_id)
            edit = writer.client.call("GET", f"/api/v1/articles/{article_id}/")
            writer.replies.append(("get", edit))
            if edit.status == 200:
                patched = writer.client.call(
                    "PATCH",
                    f"/api/v1/articles/{article_id}/",
                    {"lead": "Обновлено во время перезапуска базы."},
                    headers={"If-Match": edit.headers.get("etag", "")},
                )
                writer.replies.append(("edit", patched))
            if writer.submit(article_id):
                with lock:
                    submitted.append(article_id)

    def read() -> None:
        client = Http(stack.web_port)
        while not stop.is_set():
            path = rng.choice(
                ["/api/v1/feed/?page_size=10", "/feed/rss/", "/api/v1/feed/?q=%D0%B3%D0%BE%D1%80%D0%BE%D0%B4"]
            )
            reply = client.call("GET", path)
            with lock:
                others.append(("read", reply))

    def edit() -> None:
        client = Http(stack.web_port, users["editors"][0]["token"])
        while not stop.is_set():
            claimed = client.call("POST", "/api/v1/moderation/queue/claim-next/?scope=all")
            with lock:
                others.append(("claim_next", claimed))
            if claimed.status == 200:
                approved = client.call(
                    "POST", f"/api/v1/moderation/articles/{claimed.data['id']}/approve/", {"note": "ok"}
                )
                with lock:
                    others.append(("approve", approved))
            else:
                stop.wait(0.3)

    threads = [threading.Thread(target=write, args=(w,)) for w in writers]
    threads += [threading.Thread(target=read) for _ in range(2)] + [threading.Thread(target=edit)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(4)
    restart_started = time.monotonic()
    pg.restart()
    restart_s = time.monotonic() - restart_started
    time.sleep(max(4.0, profile["pg_load"] - 4 - restart_s))
    stop.set()
    for thread in threads:
        thread.join()
    replies = [r for w in writers for r in w.replies] + others
    by_status = Counter(r.status for _, r in replies)
    bad_5xx = [{"action": a, "status": r.status} for a, r in replies if r.status >= 500 and r.status != 503]
    dropped = [{"action": a, "error": r.error} for a, r in replies if r.status == 0]
    no_retry_after = [a for a, r in replies if r.status == 503 and "retry-after" not in r.headers]
    wrong_503_body = [
        a for a, r in replies if r.status == 503 and r.code != "service_unavailable" and a != "read"
    ]  # the RSS feed answers plain text
    waiting = wait_checked(submitted, 180)
    fresh_connections()
    author_ids = [a["id"] for a in users["authors"][6:9]]
    in_db = list(Article.objects.filter(author_id__in=author_ids).values_list("pk", flat=True))
    without_revision = list(
        Article.objects.filter(pk__in=in_db)
        .exclude(pk__in=Revision.objects.values("article_id"))
        .values_list("pk", flat=True)
    )
    audit_submitted = audit_articles(sorted(set(submitted)))
    audit_all = audit_articles(sorted(in_db))
    drafts_inconsistent = [
        p for p in audit_all["problems"] if "trail ends" in p["problem"] or "submit events" in p["problem"]
    ]
    return {
        "restart_s": round(restart_s, 1),
        "load_s": round(time.monotonic() - started, 1),
        "requests": len(replies),
        "statuses": {str(k): v for k, v in sorted(by_status.items())},
        "answers_503": by_status.get(503, 0),
        "other_5xx": bad_5xx[:20],
        "connection_errors": dropped[:20],
        "created_201": len(created),
        "articles_in_db": len(in_db),
        "committed_despite_503": len(set(in_db) - set(created)),
        "submitted_200": len(submitted),
        "still_unchecked": waiting,
        "articles_without_revision": without_revision,
        "audit_submitted": audit_submitted,
        "trail_problems_all": drafts_inconsistent[:20],
        "acceptance": {
            "the restart was seen (some 503)": by_status.get(503, 0) > 0,
            "never a 5xx other than 503": not bad_5xx,
            "never a dropped connection": not dropped,
            "every 503 has Retry-After": not no_retry_after,
            "every API 503 is service_unavailable": not wrong_503_body,
            "every created article is in the database": set(created) <= set(in_db),
            "every article has a revision": not without_revision,
            "every trail ends in its article's status": not drafts_inconsistent,
            "submitted articles consistent and checked": audit_submitted["problem_count"] == 0
            and waiting == 0,
        },
    }


# --- d. full disk -------------------------------------------------------------------------------------------------


def _queue_drained(stack: Stack) -> bool:
    import redis as redis_lib

    client = redis_lib.Redis.from_url(stack.redis_url)
    return client.llen(stack.queue) == 0 and client.hlen("unacked") == 0


FILLER = "filler.bin"


def _fill(path: Path) -> int:
    """Writes zeros to `path` until the file system is full; returns how many bytes it took."""
    written = 0
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        while True:
            try:
                written += os.write(descriptor, bytes(4096))
            except OSError:
                return written
    finally:
        os.close(descriptor)


def scenario_disk(stack: Stack, users: dict[str, Any], seed: int) -> dict[str, Any]:
    from submissions.models import Media

    media_root = stack.var / "media"
    media_root.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return {"skipped": "mounting a tmpfs needs root"}
    mounted = subprocess.run(
        ["/bin/mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(media_root)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        return {"skipped": f"cannot mount a tmpfs: {mounted.stderr.strip()}"}
    rng = random.Random(seed)
    try:
        author = users["authors"][9]
        client = Http(stack.web_port, author["token"])
        drafts = []
        for n in range(4):
            reply = client.call("POST", "/api/v1/articles/", {"title": f"Фото {n}", "category": CATEGORY})
            drafts.append(reply.data["id"])
        uploads: list[Reply] = []
        refused_in_a_row = 0
        while refused_in_a_row < 4 and len(uploads) < 60:
            payload, content_type = multipart({}, "file", "photo.jpg", photo(rng, 700, 500), "image/jpeg")
            reply = client.call(
                "POST",
                f"/api/v1/articles/{drafts[len(uploads) % len(drafts)]}/media/",
                raw=payload,
                content_type=content_type,
            )
            uploads.append(reply)
            refused_in_a_row = refused_in_a_row + 1 if reply.status == 507 else 0
        with contextlib.suppress(RuntimeError):
            from robustness.stack import wait_until

            wait_until(lambda: _queue_drained(stack), "the size tasks", 60)
        time.sleep(2)
        # The refused photos leave anything from a few KiB to one photo's worth of room, and a re-encoded avatar
        # sometimes fitted in it (a 200, and the check failed by chance). Another writer takes that room first,
        # so that the avatar always meets a disk with none left.
        filler_bytes = _fill(media_root / FILLER)
        payload, content_type = multipart({}, "avatar", "me.jpg", photo(rng, 600, 600), "image/jpeg")
        avatar = client.call("PUT", "/api/v1/me/avatar/", raw=payload, content_type=content_type)
        (media_root / FILLER).unlink()
        fresh_connections()
        rows = list(Media.objects.filter(article_id__in=drafts))
        expected: dict[str, int] = {}
        for row in rows:
            sizes = row.sizes or {}
            expected[str(row.file.name)] = row.bytes - sum(int(e.get("bytes", 0)) for e in sizes.values())
            for entry in sizes.values():
                expected[entry["name"]] = int(entry["bytes"])
        on_disk = {
            p.relative_to(media_root).as_posix(): p.stat().st_size
            for p in media_root.rglob("*")
            if p.is_file()
        }
        avatars = {k for k in on_disk if k.startswith("avatars/")}
        stray = sorted(set(on_disk) - set(expected) - avatars)
        missing = sorted(set(expected) - set(on_disk))
        wrong_size = sorted(k for k in expected if k in on_disk and on_disk[k] != expected[k])
        statuses = Counter(r.status for r in uploads)
        codes = Counter(r.code for r in uploads if r.status == 507)
        free = os.statvfs(media_root)
        return {
            "tmpfs": "1 MiB",
            "uploads": len(uploads),
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "codes_507": dict(codes),
            "avatar_status": avatar.status,
            "avatar_code": avatar.code,
            "room_taken_before_the_avatar": filler_bytes,
            "media_rows": len(rows),
            "files_on_disk": len(on_disk),
            "stray_files": stray[:20],
            "missing_files": missing[:20],
            "wrong_size_files": wrong_size[:20],
            "bytes_free_at_end": free.f_bavail * free.f_frsize,
            "acceptance": {
                "the disk filled up (507 seen)": statuses.get(507, 0) > 0,
                "only 201 or 507 storage_full": set(statuses) <= {201, 507}
                and set(codes) <= {"storage_full"},
                "an avatar on the full disk: 507 storage_full": avatar.status == 507
                and avatar.code == "storage_full",
                "one row per accepted upload": len(rows) == statuses.get(201, 0),
                "no partial or stray file": not stray and not avatars,
                "every stored file complete": not missing and not wrong_size,
            },
        }
    finally:
        subprocess.run(["/bin/umount", "-l", str(media_root)], check=False)


# --- main ---------------------------------------------------------------------------------------------------------


def _print(results: dict[str, Any]) -> None:
    rows: list[list[Any]] = []
    for name, scenario in results["scenarios"].items():
        if "skipped" in scenario:
            rows.append([name, "skipped", scenario["skipped"]])
            continue
        for key, value in scenario.items():
            if key in ("acceptance", "audit", "audit_submitted", "trail", "kills"):
                continue
            if isinstance(value, list) and not value:
                value = "none"
            rows.append([name, key, value])
        if "trail" in scenario:
            rows.append(
                [
                    name,
                    "results rewritten by redelivery",
                    scenario["trail"]["results_rewritten_by_redelivery"],
                ]
            )
        for audit_key in ("audit", "audit_submitted"):
            if audit_key in scenario:
                a = scenario[audit_key]
                rows.append([name, f"{audit_key}: states", a["states"]])
                rows.append(
                    [name, f"{audit_key}: problems / missing", f"{a['problem_count']} / {len(a['missing'])}"]
                )
    print(table([[a, b, str(c)[:110]] for a, b, c in rows], ["scenario", "figure", "value"]))
    checks = [
        [name, point, "PASS" if ok else "FAIL"]
        for name, scenario in results["scenarios"].items()
        for point, ok in scenario.get("acceptance", {}).items()
    ]
    print(table(checks, ["scenario", "acceptance", ""]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), default="short")
    parser.add_argument("--only", nargs="*", choices=["kills", "redis", "postgres", "disk"], default=None)
    args = parser.parse_args(argv)
    profile = PROFILES[args.profile]
    only = set(args.only or ["kills", "redis", "postgres", "disk"])
    seed = int(time.time())
    wall = time.monotonic()
    results: dict[str, Any] = {"profile": args.profile, "seed": seed, "scenarios": {}}
    extra = {
        "NEWSROOM_BEAT_INTERVAL": "1",  # the stalled-checks sweep every 5 s
        "STALLED_CHECKS_SECONDS": "15",
        "THROTTLE_UPLOAD": "100000/min",
    }
    with running_stack("faults", extra) as (stack, pg, redis):
        users = make_users(uuid.uuid4().hex[:6], 10, 1)
        stack.start_web()
        stack.start_worker()
        stack.start_beat()
        print(f"[faults] {args.profile}: stack up on {stack.base}", flush=True)
        scenarios: list[tuple[str, Any]] = [
            ("kills", lambda: scenario_kills(stack, users["authors"], profile, seed)),
            ("redis", lambda: scenario_redis(stack, redis, users["authors"], profile, seed)),
            ("postgres", lambda: scenario_postgres(stack, pg, users, profile, seed)),
            ("disk", lambda: scenario_disk(stack, users, seed)),
        ]
        for name, run in scenarios:
            if name not in only:
                continue
            started = time.monotonic()
            print(f"[faults] {name} ...", flush=True)
            try:
                outcome = run()
            except Exception as exc:
                outcome = {"error": f"{type(exc).__name__}: {exc}", "acceptance": {"scenario ran": False}}
                for proc in list(stack.procs):
                    outcome[f"log_{proc}"] = stack.tail(proc, 1500)
            outcome["seconds"] = round(time.monotonic() - started, 1)
            results["scenarios"][name] = outcome
            ok = all(outcome.get("acceptance", {}).values())
            print(f"[faults] {name}: {'PASS' if ok else 'FAIL'} in {outcome['seconds']:.0f} s", flush=True)
    results["wall_seconds"] = round(time.monotonic() - wall, 1)
    results["passed"] = all(all(s.get("acceptance", {}).values()) for s in results["scenarios"].values())
    out = RESULTS / f"faults-{args.profile}.json"
    write_json(out, results)
    print()
    print(f"Faults, profile {args.profile}: wall {results['wall_seconds']:.0f} s")
    _print(results)
    print(f"JSON: {out}")
    return 0 if results["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
