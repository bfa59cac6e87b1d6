"""make bench's HTTP load generator: wrk (Debian package `wrk`, written in C) with bench/wrk.lua for distinct
query strings, per-connection headers and the statuses that count as answered.

Each run also reports how busy the client was: the CPU time wrk used over the wall time on its core. A client
near 100% is the bottleneck and its figure is its own, not the server's; bench/run.py checks that for the
baseline, the fastest server measured."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).with_name("wrk.lua")


def available() -> bool:
    return shutil.which("wrk") is not None


def run(
    port: int,
    paths: list[str],
    *,
    seconds: float,
    connections: int = 8,
    threads: int = 2,
    headers: list[dict[str, str]] | None = None,
    method: str = "GET",
    expect: tuple[int, ...] = (200,),
    fresh: bool = False,
    pin: list[str] | None = None,
) -> dict[str, Any]:
    """`connections` keep-alive connections over `threads` threads for `seconds`; with `fresh`, a query string
    no earlier request used (a cache miss every time). Latencies in ms, throughput in requests/s."""
    with tempfile.TemporaryDirectory(prefix="wrk-") as tmp:
        path_file = Path(tmp) / "paths"
        path_file.write_text("\n".join(paths) + "\n")
        env = {
            **os.environ,
            "WRK_PATHS": str(path_file),
            "WRK_METHOD": method,
            "WRK_EXPECT": ",".join(map(str, expect)),
            "WRK_FRESH": uuid.uuid4().hex[:8] if fresh else "",
        }
        if headers:
            header_file = Path(tmp) / "headers"
            header_file.write_text(
                "\n".join("\t".join(f"{k}: {v}" for k, v in h.items()) for h in headers) + "\n"
            )
            env["WRK_HEADERS"] = str(header_file)
        command = [
            *(pin or []),
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "60s",
            "-s",
            str(SCRIPT),
            f"http://127.0.0.1:{port}",
        ]
        started = time.perf_counter()
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out = process.stdout.read() if process.stdout else ""
        err = process.stderr.read() if process.stderr else ""
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed ({process.returncode}): {err.strip()[:500]}")
    last = [line for line in out.splitlines() if line.startswith("{")][-1]
    raw = json.loads(last)
    return {
        "requests": raw["requests"],
        "errors": raw["socket_errors"] + raw["unexpected"],
        "throughput_rps": round(raw["requests"] / raw["seconds"], 1) if raw["seconds"] else 0.0,
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p95_ms": round(raw["p95_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "mean_ms": round(raw["mean_us"] / 1000, 2),
        # share of one core the client used: near 1.0, the figure is the client's, not the server's
        "client_cpu": round((usage.ru_utime + usage.ru_stime) / wall, 2),
    }
