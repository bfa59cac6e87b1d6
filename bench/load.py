"""A small HTTP load client: threads with keep-alive connections (http.client), a fixed number of requests per
scenario, latencies in milliseconds. Runs in its own process, pinned away from the servers where possible."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from dataclasses import dataclass
from typing import Any


@dataclass
class Result:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    def percentile(self, q: float) -> float:
        values = sorted(self.latencies_ms)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "throughput_rps": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(self.percentile(50), 2),
            "p95_ms": round(self.percentile(95), 2),
            "p99_ms": round(self.percentile(99), 2),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 2) if self.latencies_ms else None,
        }


def run(
    host: str,
    port: int,
    paths: list[str],
    *,
    requests: int,
    concurrency: int,
    headers: dict[str, str] | list[dict[str, str]] | None = None,
    expect: int | tuple[int, ...] = 200,
    method: str = "GET",
    stop_on: int | None = None,
    max_seconds: float | None = None,
) -> Result:
    """`requests` requests over `concurrency` keep-alive connections; `headers` may be one dict per connection
    (e.g. each editor's token). A response with status `stop_on` (e.g. 204: nothing left to claim) ends the run
    early and is not counted. `max_seconds` ends it after that long, whatever is left (a slow scenario at a
    large scale gives fewer samples rather than hours)."""
    expected = (expect,) if isinstance(expect, int) else expect
    done = threading.Event()
    latencies: list[float] = []
    errors = 0
    sent = 0
    lock = threading.Lock()
    counter = iter(range(requests))

    def worker(mine_headers: dict[str, str]) -> None:
        nonlocal errors, sent
        connection = http.client.HTTPConnection(host, port, timeout=180)
        mine: list[float] = []
        failed = count = 0
        for n in counter:
            if done.is_set() or (deadline is not None and time.perf_counter() > deadline):
                break
            count += 1
            path = paths[n % len(paths)]
            started = time.perf_counter()
            try:
                connection.request(method, path, headers=mine_headers)
                response = connection.getresponse()
                response.read()
                if response.status == stop_on:
                    done.set()
                    count -= 1
                    break
                if response.status not in expected:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=180)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors += failed
            sent += count

    per_connection = headers if isinstance(headers, list) else [headers or {}] * concurrency
    threads = [
        threading.Thread(target=worker, args=(per_connection[i % len(per_connection)],))
        for i in range(concurrency)
    ]
    started = time.perf_counter()
    deadline = started + max_seconds if max_seconds else None
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(
        requests=sent,
        errors=errors,
        seconds=time.perf_counter() - started,
        latencies_ms=latencies,
    )
