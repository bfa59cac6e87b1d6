"""The parts of `make bench` that run inside the app's Python (Django set up on the bench database), each in a
process of its own started by bench/run.py, printing one JSON object:

    python -m bench.inproc users EDITORS AUTHORS   tokens for bench editors and contributors
    python -m bench.inproc queue N                  at least N unclaimed articles waiting in review
    python -m bench.inproc neardup                  near-duplicate lookup for one submission vs brute-force Jaccard
    python -m bench.inproc claimers N               8 editors' processes calling services.claim_next until N
    python -m bench.inproc sql                      the SQL the feed API runs, for the baseline to run by hand
    python -m bench.inproc search [ROUNDS]          search's first page against the feed's, in process (any database)
    python -m bench.inproc cost [ROUNDS]            CPU per request in one process: the baseline, Django's floor, the feed
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))], 3)


def users(editors: int, authors: int) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from knox.models import AuthToken

    from newsroom.accounts.models import User
    from newsroom.accounts.roles import CONTRIBUTOR, EDITOR, grant_role

    run = int(time.time())  # fresh contributors each run: the daily submission limits start from zero

    def make(kind: str, n: int) -> str:
        user, created = User.objects.get_or_create(
            email=f"bench-{kind}{n}@bench.invalid"
            if kind == "editor"
            else f"bench-{kind}{n}-{run}@bench.invalid",
            defaults={
                "display_name": f"Bench {kind} {n}",
                "password": make_password(None),
                "email_verified_at": timezone.now(),
                "trust_level": 3,  # 50 submissions a day each
                "trust_reason": "bench",
                "trust_computed_at": timezone.now(),
            },
        )
        if created:
            grant_role(user, CONTRIBUTOR)
            if kind == "editor":
                grant_role(user, EDITOR)
        return AuthToken.objects.create(user)[1]

    return {
        "editors": [make("editor", n) for n in range(editors)],
        "authors": [make("author", n) for n in range(authors)],
    }


def queue(n: int) -> dict[str, Any]:
    """Frees every claim, then tops the queue up with generated articles (bench.seed --queue 1) to n."""
    from bench.loader import seed_corpus
    from submissions.models import Article
    from submissions.states import Status

    waiting = Article.objects.filter(status=Status.IN_REVIEW, queue_key__isnull=False)
    waiting.update(claimed_by=None, claim_expires_at=None)
    have = waiting.count()
    added = 0
    if have < n:
        added = n - have
        seed_corpus(added, queue=1.0, no_progress=True)
    return {"waiting": have + added, "added": added}


def neardup(lookups: int = 200, sample: int = 2000) -> dict[str, Any]:
    """One submission's near-duplicate lookup (moderation.duplicates.find_similar: LSH candidates, then exact
    Jaccard/containment on their texts) for texts that copy an indexed article with 10 % of the words changed,
    against brute force: exact Jaccard of the same text with every article of a random sample, whose cost per
    article, times the index size, is what a scan of the whole index would cost."""
    import django

    django.setup()
    from moderation.duplicates import article_text, compare, find_similar, shingles
    from moderation.models import DuplicateSignature
    from submissions.models import Article
    from submissions.states import Status

    indexed = DuplicateSignature.objects.count()
    rng = random.Random(7)  # noqa: S311 - a reproducible sample, not a secret
    high = (
        DuplicateSignature.objects.order_by("-article_id").values_list("article_id", flat=True).first() or 0
    )
    picked: list[Article] = []
    while len(picked) < lookups:
        ids = [rng.randint(1, high) for _ in range(lookups * 2)]
        picked += list(
            Article.objects.filter(pk__in=ids, status=Status.PUBLISHED).only("title", "lead", "body")
        )
    texts = []
    for article in picked[:lookups]:
        words = article.body.split(" ")
        for i in rng.sample(range(len(words)), max(1, len(words) // 10)):
            words[i] = rng.choice(words)
        texts.append((article.pk, article_text(article.title, article.lead, " ".join(words))))

    find_similar(texts[0][1])  # warm-up: the first query loads the stemmer and the permutations
    latencies, found = [], 0
    for article_id, text in texts:
        started = time.perf_counter()
        matches = find_similar(text)
        latencies.append((time.perf_counter() - started) * 1000)
        found += any(m.article_id == article_id for m in matches)

    sample_ids = rng.sample(
        list(DuplicateSignature.objects.values_list("article_id", flat=True)[: max(sample * 20, 1)]),
        min(sample, indexed),
    )
    corpus = [
        shingles(article_text(a.title, a.lead, a.body))
        for a in Article.objects.filter(pk__in=sample_ids).only("title", "lead", "body")
    ]
    brute = []
    for _, text in texts[:20]:
        started = time.perf_counter()
        query = shingles(text)
        for other in corpus:
            compare(query, other)
        brute.append((time.perf_counter() - started) * 1000)
    per_article_ms = sum(brute) / len(brute) / max(len(corpus), 1)
    return {
        "indexed": indexed,
        "lookups": lookups,
        "p50_ms": _percentile(latencies, 50),
        "p95_ms": _percentile(latencies, 95),
        "p99_ms": _percentile(latencies, 99),
        "recall": round(found / lookups, 4),
        "brute_force_sample": len(corpus),
        "brute_force_sample_ms": round(sum(brute) / len(brute), 2),
        "brute_force_full_ms": round(per_article_ms * indexed, 1),
    }


def sql() -> dict[str, Any]:
    """The statement behind the feed API's first page, compiled by Django exactly as the API runs it (page size
    20, plus the one row that tells whether there is a next page): the baseline runs the same SQL by hand."""
    from newsroom.publishing import selectors

    statement, params = selectors.feed_rows(selectors.FeedFilters())[:21].query.sql_with_params()
    return {"feed": [statement, [str(p) if not isinstance(p, (int, float)) else p for p in params]]}


def cost(rounds: int = 500) -> dict[str, Any]:
    """CPU time per request (ms) in this one process, whatever the machine is doing besides: the baseline's WSGI
    app (bench/baseline.py, on its feed statement: needs BENCH_SQL, as bench/run.py writes it), then Django's
    WSGI handler on a URL that matches no route (the floor: the middleware stack and a 404, no view), the feed's
    page 1 as readers get it (the front cache) and uncached (a distinct query string each time)."""
    import io

    from django.core.handlers.wsgi import WSGIHandler

    from bench import baseline

    def start_response(status: str, headers: Any) -> None:
        return None

    def environ(path: str, query: str) -> dict[str, Any]:
        return {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": io.StringIO(),
            "wsgi.url_scheme": "http",
        }

    handler = WSGIHandler()
    run = str(time.time())
    cases: dict[str, tuple[Any, str, Callable[[int], str]]] = {
        "baseline feed page 1": (baseline.application, "/feed", lambda i: ""),
        "Django, a URL with no route (404)": (handler, "/api/v1/no-such-route/", lambda i: ""),
        "feed page 1, as served": (handler, "/api/v1/feed/", lambda i: "page_size=20"),
        "feed page 1, uncached": (handler, "/api/v1/feed/", lambda i: f"page_size=20&_n={run}-{i}"),
    }
    import logging

    logging.disable(logging.WARNING)  # the 404s are not news
    out: dict[str, Any] = {}
    for name, (app, path, query) in cases.items():
        for i in range(50):  # warm: connections, caches, the front cache's entry
            b"".join(app(environ(path, query(-1 - i)), start_response))
        cpu, wall = time.process_time(), time.perf_counter()
        for i in range(rounds):
            b"".join(app(environ(path, query(i)), start_response))
        out[name] = {
            "cpu_ms": round((time.process_time() - cpu) / rounds * 1000, 3),
            "wall_ms": round((time.perf_counter() - wall) / rounds * 1000, 3),
        }
    return out


SEARCHES = ("месторождение нефти", "город", "освоении месторождения")


def search(rounds: int = 50) -> dict[str, Any]:
    """Search in the app's own process, on whatever database the settings name (the embedded SQLite too): each
    query's first page `rounds` times against the feed's first page — as rows (21, as the API asks) and as the
    API answers it (Django's test client: the whole app without a network; a distinct query string each time, so
    no cache answers). Milliseconds."""
    from newsroom.publishing import selectors

    def timed(filters: Any) -> dict[str, float]:
        latencies = []
        for _ in range(rounds):
            started = time.perf_counter()
            list(selectors.feed_rows(filters)[:21])
            latencies.append((time.perf_counter() - started) * 1000)
        return {"p50_ms": _percentile(latencies, 50), "p95_ms": _percentile(latencies, 95)}

    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    fresh = iter(range(10**9))

    def served(path: str) -> dict[str, float]:
        """Through the whole app (middleware, view, JSON), a distinct query string each time: uncached."""
        latencies = []
        for _ in range(rounds):
            started = time.perf_counter()
            answer = client.get(f"{path}&fresh={next(fresh)}")
            latencies.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200, answer.status_code
        return {"p50_ms": _percentile(latencies, 50), "p95_ms": _percentile(latencies, 95)}

    out: dict[str, Any] = {"rows": {"feed": timed(selectors.FeedFilters())}, "api": {}}
    out["api"]["feed"] = served("/api/v1/feed/?page_size=20")
    for q in SEARCHES:
        out["rows"][q] = timed(selectors.FeedFilters(q=q))
        out["api"][q] = served(f"/api/v1/feed/?page_size=20&q={q}")
    return out


def _claimer(job: tuple[int, int, Any]) -> list[float]:
    from django.db import connection

    from moderation import services
    from newsroom.accounts.models import User

    index, total, counter = job
    connection.close()  # forked: a connection of its own
    editor = User.objects.get(email=f"bench-editor{index}@bench.invalid")
    latencies = []
    while True:
        with counter.get_lock():
            if counter.value >= total:
                break
            counter.value += 1
        started = time.perf_counter()
        if services.claim_next(editor, scope="all") is None:
            break
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def claimers(total: int, editors: int = 8) -> dict[str, Any]:
    """`editors` processes (each its own connection, as 8 web workers would be) call the claim service until
    `total` articles are claimed: the queue query with every exclusion, the lease and its audit event."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    counter = context.Value("i", 0)
    from django.db import connection

    connection.close()
    started = time.perf_counter()
    with context.Pool(editors, initializer=_share, initargs=(counter,)) as pool:
        parts = pool.map(_claimer_shared, [(i, total) for i in range(editors)])
    seconds = time.perf_counter() - started
    latencies = [ms for part in parts for ms in part]
    return {
        "requests": len(latencies),
        "errors": 0,
        "throughput_rps": round(len(latencies) / seconds, 1),
        "p50_ms": _percentile(latencies, 50),
        "p95_ms": _percentile(latencies, 95),
        "p99_ms": _percentile(latencies, 99),
    }


_shared: dict[str, Any] = {}


def _share(counter: Any) -> None:
    _shared["counter"] = counter


def _claimer_shared(job: tuple[int, int]) -> list[float]:
    return _claimer((job[0], job[1], _shared["counter"]))


if __name__ == "__main__":
    import django

    django.setup()
    command, *args = sys.argv[1:]
    scenarios: dict[str, Callable[..., dict[str, Any]]] = {
        "users": users,
        "queue": queue,
        "neardup": neardup,
        "claimers": claimers,
        "sql": sql,
        "search": search,
        "cost": cost,
    }
    result = scenarios[command](*map(int, args))
    print(json.dumps(result))
