"""A mixed load on the real stack over loopback: readers, contributors and editors at once.

    python -m robustness.load --profile short   # about 90 s of load (CI)
    python -m robustness.load --profile full    # 10 minutes

- readers: the feed (pages, categories), article pages (JSON and HTML), RSS, search;
- contributors: create a draft, edit it (If-Match), sometimes add a photo, submit; rework what editors sent back;
- editors: claim-next, then approve, reject or request changes.

Reports requests, 5xx and unexpected 4xx (separately), connection errors, p50/p95/p99 per group and per action,
and accounts for every article a contributor submitted: each must be in the database in a valid state (its
revision, its audit trail ending in its status). Writes robustness/results/load-<profile>.json; exits 1 when a
5xx, an unexpected 4xx, a connection error or an unaccounted article occurred.

The stack (PostgreSQL, Redis, gunicorn, a Celery worker and beat) is the run's own: see robustness/stack.py.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from robustness.stack import ROOT, PrivateRedis, Stack, postgres, recreate_database, write_json

RESULTS = Path(__file__).resolve().parent / "results"
CATEGORY = "society"  # no review stage is configured for it: one approval publishes


def article_fields(text: Any, note: str) -> dict[str, Any]:
    """The JSON body of POST /api/v1/articles/ for one generated text: complete enough to submit."""
    return {
        "title": text.title[:200],
        "lead": text.lead[:600],
        "body": text.body,
        "language": text.language,
        "category": CATEGORY,
        "tags": text.tags,
        "sources": [{"kind": "own_reporting", "description": note}],
        "rights_confirmed": True,
    }


# --- HTTP ---------------------------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int  # 0: no HTTP answer at all (connection refused, reset, timeout)
    headers: dict[str, str]
    data: Any
    ms: float
    error: str = ""

    @property
    def code(self) -> str:
        if isinstance(self.data, dict) and isinstance(self.data.get("error"), dict):
            return str(self.data["error"].get("code", ""))
        return ""


class Http:
    """One keep-alive connection of one client (a token, a language); a broken connection is replaced."""

    def __init__(self, port: int, token: str | None = None, timeout: float = 60) -> None:
        self.port, self.token, self.timeout = port, token, timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
        content_type: str = "application/json",
    ) -> Reply:
        sent = {"Accept-Language": "ru", **(headers or {})}
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if payload is not None:
            sent["Content-Type"] = content_type
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=payload, headers=sent)
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            return Reply(0, {}, None, (time.perf_counter() - started) * 1000, type(exc).__name__)
        ms = (time.perf_counter() - started) * 1000
        data: Any = None
        if content and response.getheader("Content-Type", "").startswith("application/json"):
            with contextlib.suppress(ValueError):
                data = json.loads(content)
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data, ms)

    def close(self) -> None:
        self.conn.close()


def multipart(
    fields: dict[str, str], name: str, filename: str, data: bytes, content_type: str
) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for key, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    out.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
    )
    out.write(data)
    out.write(f"\r\n--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def photo(rng: random.Random, width: int = 800, height: int = 600) -> bytes:
    from PIL import Image

    image = Image.effect_noise((width, height), rng.randint(20, 90)).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=rng.randint(70, 92))
    return out.getvalue()


# --- recording ----------------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))], 1)


@dataclass
class Recorder:
    """Every answer, by group and action; what is unexpected is kept with its code for the report."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    unexpected: list[dict[str, Any]] = field(default_factory=list)

    def add(self, group: str, action: str, reply: Reply, expected: tuple[int, ...]) -> bool:
        ok = reply.status in expected
        with self.lock:
            self.latencies[group].append(reply.ms)
            self.latencies[f"{group}/{action}"].append(reply.ms)
            self.statuses[group][reply.status] += 1
            self.statuses[f"{group}/{action}"][reply.status] += 1
            if not ok and len(self.unexpected) < 200:
                self.unexpected.append(
                    {
                        "group": group,
                        "action": action,
                        "status": reply.status,
                        "code": reply.code,
                        "error": reply.error,
                    }
                )
        return ok

    def summary(self, key: str, seconds: float) -> dict[str, Any]:
        statuses = self.statuses[key]
        lat = self.latencies[key]
        requests = sum(statuses.values())
        server_errors = sum(n for s, n in statuses.items() if s >= 500)
        unexpected_4xx = sum(
            1
            for u in self.unexpected
            if 400 <= u["status"] < 500 and key in (u["group"], f"{u['group']}/{u['action']}")
        )
        return {
            "requests": requests,
            "rps": round(requests / seconds, 1) if seconds else None,
            "5xx": server_errors,
            "unexpected_4xx": unexpected_4xx,
            "connection_errors": statuses.get(0, 0),
            "error_rate_5xx": round(server_errors / requests, 5) if requests else 0.0,
            "error_rate_unexpected_4xx": round(unexpected_4xx / requests, 5) if requests else 0.0,
            "p50_ms": percentile(lat, 50),
            "p95_ms": percentile(lat, 95),
            "p99_ms": percentile(lat, 99),
            "mean_ms": round(statistics.fmean(lat), 1) if lat else None,
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
        }


# --- the app in this process (seeding, checking the database) -------------------------------------------------------


def setup_django(stack: Stack) -> None:
    stack.apply_env()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()


def fresh_connections() -> None:
    from django.apps import apps
    from django.db import connections

    if not apps.ready:
        return

    for conn in connections.all():
        with contextlib.suppress(Exception):
            conn.close()


def make_users(
    run: str, authors: int, editors: int, *, approved_history: int = 0
) -> dict[str, list[dict[str, Any]]]:
    """Verified contributors at trust level 3 and editors, each with a sign-in token. With `approved_history`,
    each contributor is a year old and gets that many published articles of the corpus (with their approvals in
    the audit trail), so that the levels recomputed after the run's decisions stay at 3 (50 submissions a day)."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from knox.models import AuthToken

    from newsroom.accounts.models import User
    from newsroom.accounts.roles import CONTRIBUTOR, EDITOR, grant_role
    from submissions.models import Article, ArticleEvent
    from submissions.states import Action, Status

    password = make_password(None)
    now = timezone.now()
    made: dict[str, list[dict[str, Any]]] = {"authors": [], "editors": []}
    for kind, count in (("author", authors), ("editor", editors)):
        for n in range(count):
            user = User.objects.create(
                email=f"{kind}{n}-{run}@robustness.invalid",
                display_name=f"Robustness {kind} {n}",
                password=password,
                email_verified_at=now,
                date_joined=now - timedelta(days=365),
                trust_level=3,
                trust_reason="robustness",
                trust_computed_at=now,
            )
            grant_role(user, CONTRIBUTOR)
            if kind == "editor":
                grant_role(user, EDITOR)
            elif approved_history:
                ids = list(
                    Article.objects.filter(status=Status.PUBLISHED, author__email__endswith="@corpus.invalid")
                    .order_by("?")
                    .values_list("pk", flat=True)[:approved_history]
                )
                Article.objects.filter(pk__in=ids).update(author=user)
                ArticleEvent.objects.bulk_create(
                    ArticleEvent(
                        article_id=pk,
                        action=Action.APPROVE,
                        from_status=Status.IN_REVIEW,
                        to_status=Status.SCHEDULED,
                    )
                    for pk in ids
                )
            made[f"{kind}s"].append({"id": user.pk, "token": AuthToken.objects.create(user)[1]})
    return made


VALID_AFTER_SUBMIT = {"submitted", "in_review", "changes_requested", "scheduled", "published", "rejected"}


def audit_articles(ids: list[int]) -> dict[str, Any]:
    """Each article: present, in a state a submitted article can be in, with its current revision, a trail whose
    last event ends in its status, one check result per check and revision at most, and a submit event per
    submitted revision."""
    from django.db.models import Count

    from moderation.models import CheckResult
    from submissions.models import Article, ArticleEvent, Revision
    from submissions.states import RevisionKind

    fresh_connections()
    rows = {a.pk: a for a in Article.objects.filter(pk__in=ids)}
    last_event: dict[int, str] = {}
    for article_id, to_status in (
        ArticleEvent.objects.filter(article_id__in=ids)
        .order_by("article_id", "id")
        .values_list("article_id", "to_status")
    ):
        last_event[article_id] = to_status
    submits = Counter(
        ArticleEvent.objects.filter(article_id__in=ids, action="submit").values_list("article_id", flat=True)
    )
    submit_revisions = Counter(
        Revision.objects.filter(article_id__in=ids, kind=RevisionKind.SUBMIT).values_list(
            "article_id", flat=True
        )
    )
    revision_of = dict(Revision.objects.filter(article_id__in=ids).values_list("pk", "article_id"))
    duplicate_results = (
        CheckResult.objects.filter(revision__article_id__in=ids)
        .values("revision_id", "check_name")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    problems: list[dict[str, Any]] = []
    states: Counter[str] = Counter()
    for article_id in ids:
        article = rows.get(article_id)
        if article is None:
            problems.append({"article": article_id, "problem": "missing"})
            continue
        states[article.status] += 1
        if article.status not in VALID_AFTER_SUBMIT:
            problems.append({"article": article_id, "problem": f"state {article.status}"})
        if article.current_revision_id is None or revision_of.get(article.current_revision_id) != article_id:
            problems.append({"article": article_id, "problem": "no current revision of its own"})
        if last_event.get(article_id) != article.status:
            problems.append(
                {
                    "article": article_id,
                    "problem": f"trail ends in {last_event.get(article_id)}, not {article.status}",
                }
            )
        if submits[article_id] != submit_revisions[article_id]:
            problems.append(
                {
                    "article": article_id,
                    "problem": f"{submits[article_id]} submit events for {submit_revisions[article_id]} submitted revisions",
                }
            )
    return {
        "articles": len(ids),
        "found": len(rows),
        "missing": sorted(set(ids) - set(rows)),
        "states": dict(states),
        "duplicate_check_results": duplicate_results,
        "problems": problems[:50],
        "problem_count": len(problems),
    }


# --- the stack ------------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def running_stack(
    name: str, extra_env: dict[str, str], *, seed_articles: int = 0
) -> Iterator[tuple[Stack, Any, Any]]:
    """PostgreSQL and Redis of the run's own, a fresh database, migrations, an optional corpus; yields the
    stack (not started: the caller starts gunicorn, workers, beat), the PostgreSQL and the Redis handles."""
    pg = postgres()
    redis = PrivateRedis()
    var = ROOT / "var" / "robustness" / name
    stack: Stack | None = None
    try:
        pg.start()
        redis.start()
        url = pg.url(f"newsroom_{name}")
        recreate_database(url)
        import shutil

        shutil.rmtree(var, ignore_errors=True)
        stack = Stack(database_url=url, redis_url=redis.url(5), var=var, extra_env=extra_env)
        started = time.monotonic()
        stack.manage("migrate", "-v0")
        stack.manage("collectstatic", "--noinput", "-v0")  # pages link hashed static files, as in production
        if seed_articles:
            seed = [sys.executable, "-m", "bench.seed", "--articles", str(seed_articles), "--queue", "0.03"]
            done = subprocess.run(
                [*seed, "--no-progress"], cwd=ROOT, env=stack.env, capture_output=True, text=True
            )
            if done.returncode != 0:
                raise RuntimeError(f"bench.seed exited with {done.returncode}:\n{done.stderr[-3000:]}")
        print(f"[{name}] database ready in {time.monotonic() - started:.0f} s", flush=True)
        setup_django(stack)
        yield stack, pg, redis
    finally:  # each step whatever the previous one did: nothing of the run may outlive it
        for step in (stack.stop if stack is not None else None, fresh_connections, redis.stop, pg.cleanup):
            if step is not None:
                try:
                    step()
                except Exception as exc:
                    print(f"[{name}] cleanup: {type(exc).__name__}: {exc}", file=sys.stderr)


# --- the mixed load -------------------------------------------------------------------------------------------------

PROFILES = {
    "short": {"seconds": 90, "readers": 4, "contributors": 3, "editors": 2, "authors": 16, "corpus": 1200},
    # authors: enough that none reaches the trust-level cap of 50 submissions a day (about 2,200 submits in full)
    "full": {"seconds": 600, "readers": 6, "contributors": 4, "editors": 3, "authors": 80, "corpus": 6000},
}
SEARCH_WORDS = ["город", "школа", "новости", "парк", "музей", "дорога", "выставка", "city", "school"]


class Load:
    def __init__(
        self, stack: Stack, users: dict[str, list[dict[str, Any]]], seconds: float, seed: int
    ) -> None:
        from bench.corpus import CorpusGenerator

        self.stack, self.users, self.seconds = stack, users, seconds
        self.rec = Recorder()
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.texts = CorpusGenerator(seed=seed).articles(10**7)
        self.submitted: dict[int, int] = {}  # article id -> submissions answered 200
        self.created: list[int] = []
        self.slugs: list[str] = []
        self.author_turn = 0
        self.seed = seed

    def _text(self) -> Any:
        with self.lock:
            return next(self.texts)

    def _author(self) -> dict[str, Any]:
        with self.lock:
            self.author_turn += 1
            return self.users["authors"][self.author_turn % len(self.users["authors"])]

    # readers
    def reader(self, index: int) -> None:
        rng = random.Random(self.seed * 100 + index)
        client = Http(self.stack.web_port)
        while not self.stop.is_set():
            roll = rng.random()
            if roll < 0.35 or not self.slugs:
                size = rng.choice([10, 20])
                path = f"/api/v1/feed/?page_size={size}" + (
                    f"&category={CATEGORY}" if rng.random() < 0.3 else ""
                )
                reply = client.call("GET", path)
                self.rec.add("readers", "feed", reply, (200,))
                if reply.status == 200 and isinstance(reply.data, dict):
                    with self.lock:
                        for item in reply.data.get("results", [])[:5]:
                            if item.get("slug") and item["slug"] not in self.slugs:
                                self.slugs.append(item["slug"])
                        del self.slugs[:-500]
            elif roll < 0.6:
                slug = rng.choice(self.slugs)
                self.rec.add("readers", "article", client.call("GET", f"/api/v1/feed/{slug}/"), (200,))
            elif roll < 0.75:
                slug = rng.choice(self.slugs)
                self.rec.add("readers", "article_html", client.call("GET", f"/news/{slug}/"), (200,))
            elif roll < 0.85:
                self.rec.add("readers", "rss", client.call("GET", "/feed/rss/"), (200,))
            else:
                word = rng.choice(SEARCH_WORDS)
                from urllib.parse import quote

                self.rec.add(
                    "readers", "search", client.call("GET", f"/api/v1/feed/?q={quote(word)}"), (200,)
                )
        client.close()

    # contributors
    def contributor(self, index: int) -> None:
        rng = random.Random(self.seed * 200 + index)
        pictures = [photo(rng, 900, 600), photo(rng, 640, 480)]
        while not self.stop.is_set():
            author = self._author()
            client = Http(self.stack.web_port, author["token"])
            self._contribute(client, rng, pictures)
            client.close()
            self.stop.wait(rng.uniform(0.2, 0.6))

    def _contribute(self, client: Http, rng: random.Random, pictures: list[bytes]) -> None:
        g = self._text()
        body = article_fields(g, "robustness load")
        created = client.call(
            "POST", "/api/v1/articles/", body, headers={"Idempotency-Key": uuid.uuid4().hex}
        )
        if not self.rec.add("contributors", "create", created, (201,)):
            return
        article_id, etag = created.data["id"], created.headers.get("etag", "")
        with self.lock:
            self.created.append(article_id)
        edited = client.call(
            "PATCH",
            f"/api/v1/articles/{article_id}/",
            {"lead": g.lead[:500] + " Обновлено."},
            headers={"If-Match": etag},
        )
        self.rec.add("contributors", "edit", edited, (200,))
        if rng.random() < 0.15:
            payload, content_type = multipart(
                {"caption": "Фото"}, "file", "photo.jpg", rng.choice(pictures), "image/jpeg"
            )
            upload = client.call(
                "POST", f"/api/v1/articles/{article_id}/media/", raw=payload, content_type=content_type
            )
            self.rec.add("contributors", "upload", upload, (201,))
        self._submit(client, article_id)
        # rework one article an editor sent back, if there is one
        mine = client.call("GET", "/api/v1/articles/?status=changes_requested&limit=1")
        self.rec.add("contributors", "list", mine, (200,))
        if mine.status == 200 and isinstance(mine.data, dict) and mine.data.get("results"):
            back = mine.data["results"][0]["id"]
            current = client.call("GET", f"/api/v1/articles/{back}/")
            self.rec.add("contributors", "get", current, (200,))
            if current.status == 200 and current.data.get("status") == "changes_requested":
                fixed = client.call(
                    "PATCH",
                    f"/api/v1/articles/{back}/",
                    {"body": current.data["body"] + "\n\nИсправлено по замечаниям редактора."},
                    headers={"If-Match": current.headers.get("etag", "")},
                )
                self.rec.add("contributors", "edit", fixed, (200,))
                self._submit(client, back)

    def _submit(self, client: Http, article_id: int) -> None:
        reply = client.call(
            "POST", f"/api/v1/articles/{article_id}/submit/", headers={"Idempotency-Key": uuid.uuid4().hex}
        )
        if self.rec.add("contributors", "submit", reply, (200,)):
            with self.lock:
                self.submitted[article_id] = self.submitted.get(article_id, 0) + 1

    # editors
    def editor(self, index: int) -> None:
        rng = random.Random(self.seed * 300 + index)
        client = Http(self.stack.web_port, self.users["editors"][index % len(self.users["editors"])]["token"])
        while not self.stop.is_set():
            claimed = client.call("POST", "/api/v1/moderation/queue/claim-next/?scope=all")
            if not self.rec.add("editors", "claim_next", claimed, (200, 204)) or claimed.status == 204:
                self.stop.wait(0.5)
                continue
            article_id = claimed.data["id"]
            self.rec.add(
                "editors",
                "checks",
                client.call("GET", f"/api/v1/moderation/articles/{article_id}/checks/"),
                (200,),
            )
            self.stop.wait(rng.uniform(0.1, 0.4))  # reading it
            roll = rng.random()
            base = f"/api/v1/moderation/articles/{article_id}"
            if roll < 0.6:
                reply = client.call("POST", f"{base}/approve/", {"note": "Хороший материал"})
                self.rec.add("editors", "approve", reply, (200,))
            elif roll < 0.7:
                reply = client.call("POST", f"{base}/reject/", {"reason_code": "duplicate"})
                self.rec.add("editors", "reject", reply, (200,))
            else:
                reply = client.call(
                    "POST", f"{base}/request-changes/", {"message": "Добавьте, пожалуйста, источник."}
                )
                self.rec.add("editors", "request_changes", reply, (200,))
        client.close()

    def run(self, profile: dict[str, Any]) -> float:
        threads = [threading.Thread(target=self.reader, args=(i,)) for i in range(profile["readers"])]
        threads += [
            threading.Thread(target=self.contributor, args=(i,)) for i in range(profile["contributors"])
        ]
        threads += [threading.Thread(target=self.editor, args=(i,)) for i in range(profile["editors"])]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        next_report = started + 30
        while time.perf_counter() - started < self.seconds:
            time.sleep(1)
            if time.perf_counter() >= next_report:
                next_report += 30
                total = sum(sum(c.values()) for k, c in self.rec.statuses.items() if "/" not in k)
                print(
                    f"  {time.perf_counter() - started:.0f} s: {total} requests, {len(self.submitted)} submitted",
                    flush=True,
                )
        self.stop.set()
        for thread in threads:
            thread.join(120)
        return time.perf_counter() - started


def wait_checked(ids: list[int], timeout: float) -> int:
    """Waits until none of `ids` is still waiting for its checks; returns how many still are."""
    from submissions.models import Article

    deadline = time.monotonic() + timeout
    waiting = len(ids)
    while time.monotonic() < deadline:
        fresh_connections()
        waiting = Article.objects.filter(pk__in=ids, status="submitted").count()
        if not waiting:
            return 0
        time.sleep(1)
    return waiting


def table(rows: list[list[Any]], header: list[str]) -> str:
    cells = [[str(c) for c in header]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    line = "+-" + "-+-".join("-" * w for w in widths) + "-+"
    out = [line, "| " + " | ".join(c.ljust(w) for c, w in zip(cells[0], widths, strict=True)) + " |", line]
    out += ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells[1:]]
    out.append(line)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), default="short")
    parser.add_argument("--seconds", type=float, default=None, help="override the profile's duration")
    args = parser.parse_args(argv)
    profile = PROFILES[args.profile]
    seconds = args.seconds or profile["seconds"]
    wall = time.monotonic()
    run = uuid.uuid4().hex[:6]
    extra = {"NEWSROOM_BEAT_INTERVAL": "5", "STALLED_CHECKS_SECONDS": "60", "CLAIM_MINUTES": "5"}
    with running_stack("load", extra, seed_articles=profile["corpus"]) as (stack, _pg, _redis):
        users = make_users(run, profile["authors"], profile["editors"], approved_history=40)
        stack.start_web()
        stack.start_worker()
        stack.start_beat()
        print(f"[load] {args.profile}: {seconds:.0f} s of load on {stack.base}", flush=True)
        load = Load(stack, users, seconds, seed=int(time.time()))
        elapsed = load.run(profile)
        submitted = sorted(load.submitted)
        still_waiting = wait_checked(submitted, 90)
        audit = audit_articles(submitted)
        created_audit = audit_articles(sorted(set(load.created) - set(submitted)))  # drafts: present at least
        rec = load.rec

    groups = ["readers", "contributors", "editors"]
    summary = {g: rec.summary(g, elapsed) for g in groups}
    actions = sorted(k for k in rec.statuses if "/" in k)
    per_action = {k: rec.summary(k, elapsed) for k in actions}
    total_requests = sum(s["requests"] for s in summary.values())
    total_5xx = sum(s["5xx"] for s in summary.values())
    total_4xx = sum(s["unexpected_4xx"] for s in summary.values())
    total_conn = sum(s["connection_errors"] for s in summary.values())
    acceptance = {
        "no 5xx": total_5xx == 0,
        "no unexpected 4xx": total_4xx == 0,
        "no connection errors": total_conn == 0,
        "every submitted article found in a valid state": audit["problem_count"] == 0
        and not audit["missing"],
        "every created draft found": not created_audit["missing"],
        "no duplicate check results": audit["duplicate_check_results"] == 0,
        "checks drained after the load": still_waiting == 0,
    }
    result = {
        "profile": args.profile,
        "seconds": round(elapsed, 1),
        "wall_seconds": round(time.monotonic() - wall, 1),
        "threads": {k: profile[k] for k in ("readers", "contributors", "editors")},
        "requests": total_requests,
        "groups": summary,
        "actions": per_action,
        "submitted_articles": len(submitted),
        "created_articles": len(load.created),
        "still_waiting_for_checks": still_waiting,
        "audit": audit,
        "unexpected": rec.unexpected[:50],
        "acceptance": acceptance,
        "passed": all(acceptance.values()),
    }
    write_json(RESULTS / f"load-{args.profile}.json", result)

    rows = [
        [
            k,
            s["requests"],
            s["rps"],
            s["5xx"],
            s["unexpected_4xx"],
            s["connection_errors"],
            s["p50_ms"],
            s["p95_ms"],
            s["p99_ms"],
        ]
        for k, s in [*summary.items(), *per_action.items()]
    ]
    print()
    print(
        f"Mixed load, profile {args.profile}: {elapsed:.0f} s, {total_requests} requests, wall {result['wall_seconds']:.0f} s"
    )
    print(
        table(
            rows,
            [
                "group / action",
                "requests",
                "req/s",
                "5xx",
                "unexp. 4xx",
                "conn. err",
                "p50 ms",
                "p95 ms",
                "p99 ms",
            ],
        )
    )
    print(
        f"Articles submitted: {len(submitted)}; found: {audit['found']}; states: {audit['states']}; "
        f"missing: {audit['missing'] or 'none'}; problems: {audit['problem_count']}"
    )
    if rec.unexpected:
        print("Unexpected answers (first 10):", json.dumps(rec.unexpected[:10], ensure_ascii=False))
    print(table([[k, "PASS" if v else "FAIL"] for k, v in acceptance.items()], ["acceptance", ""]))
    print(f"JSON: {RESULTS / f'load-{args.profile}.json'}")
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
