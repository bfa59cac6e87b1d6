"""`make robustness [PROFILE=short|full]`: the whole robustness suite, its figures, and one exit status.

1. API fuzzing against /api/schema/ as every role (tests/robustness/fuzz_api.py), then the attack corpora and
   object-level authorisation (tests/robustness/test_*.py), the permission matrix, and the earlier hostile-input
   tests (upload refusals, webhook header injection, login brute force), both with pytest;
2. fault injection on the real stack (robustness.faults): Celery workers killed, Redis stopped, PostgreSQL
   restarted, a full disk for media;
3. a mixed load on loopback (robustness.load).

Profiles: `short` (in .ci/run; FUZZ_EXAMPLES=25 per operation and role) and `full` (200 examples, the long
fault and load runs). Every part writes JSON to robustness/results/; this prints one summary at the end.
Parts 2 and 3 need PostgreSQL and Redis (DATABASE_URL, REDIS_URL); without them they are reported as not run,
and under NEWSROOM_REQUIRE_SERVICES=1 that is a failure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "robustness" / "results"
PY = sys.executable

PROFILES: dict[str, dict[str, str]] = {
    "short": {"FUZZ_EXAMPLES": "25", "FUZZ_STATEFUL_EXAMPLES": "10"},
    "full": {"FUZZ_EXAMPLES": "200", "FUZZ_STATEFUL_EXAMPLES": "50"},
}

PARTS = ("fuzz", "suite", "faults", "load")  # in the order they run
FUZZ = ["tests/robustness/fuzz_api.py"]  # a process of its own: it leaves its worlds in the test database
SUITE = [
    "tests/robustness",
    "tests/test_permission_matrix.py",
    "tests/submissions/test_media.py",
    "tests/channels/test_channels.py::test_header_injection_from_data_adds_no_header",
    "tests/accounts/test_security.py",
    # integrity and safety sweeps: internal work kept from authors, absolute URLs from SITE_URL only, private
    # unpublished media, invisible controls, linear rendering costs
    "tests/moderation/test_author_visibility.py",
    "tests/publishing/test_site_url.py",
    "tests/submissions/test_media_access.py",
    "tests/submissions/test_invisible_controls.py",
    "tests/submissions/test_linear_costs.py",
]


def _run(name: str, command: list[str], env: dict[str, str]) -> dict[str, Any]:
    print(f"\n== {name}: {' '.join(command)}", flush=True)
    started = time.monotonic()
    code = subprocess.call(command, cwd=ROOT, env=env)
    return {"exit": code, "seconds": round(time.monotonic() - started, 1)}


def _services() -> bool:
    return bool(os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL"))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), default=os.environ.get("PROFILE") or "short")
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help="comma-separated: fuzz, suite, faults, load (default: all)",
    )
    args = parser.parse_args()
    profile, wanted = args.profile, set(args.parts.split(","))
    if unknown := wanted - set(PARTS):
        parser.error(f"unknown parts: {', '.join(sorted(unknown))} (choose from {', '.join(PARTS)})")
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **PROFILES[profile]}
    pytest = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    parts: dict[str, dict[str, Any]] = {}
    if "fuzz" in wanted:
        parts["fuzz"] = _run(
            "API fuzzing",
            [*pytest, *FUZZ],
            {**env, "ROBUSTNESS_RESULTS": str(RESULTS / f"fuzz-{profile}.json")},
        )
    if "suite" in wanted:
        parts["suite"] = _run(
            "attack corpora, authorisation, hostile input",
            [*pytest, *SUITE],
            {**env, "ROBUSTNESS_RESULTS": str(RESULTS / f"suite-{profile}.json")},
        )
    for part, module, title in (
        ("faults", "robustness.faults", "fault injection"),
        ("load", "robustness.load", "mixed load"),
    ):
        if part not in wanted:
            continue
        if _services():
            parts[part] = _run(title, [PY, "-m", module, "--profile", profile], env)
        else:
            reason = "needs PostgreSQL and Redis: set DATABASE_URL=postgres://... and REDIS_URL=redis://..."
            required = os.environ.get("NEWSROOM_REQUIRE_SERVICES") == "1"
            parts[part] = {"exit": 1 if required else 0, "skipped": reason}
    # the figures of every part of this profile, this run's or, for parts not run now, the latest ones
    summary: dict[str, Any] = {"profile": profile, "parts": parts}
    for part in PARTS:
        path = RESULTS / f"{part}-{profile}.json"
        if path.exists() and "skipped" not in parts.get(part, {}):
            summary[part] = json.loads(path.read_text())
    (RESULTS / f"summary-{profile}.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    print(f"\n== robustness ({profile})")
    for part, outcome in parts.items():
        state = "ok" if outcome["exit"] == 0 else "FAILED"
        if "skipped" in outcome:
            state = f"{'FAILED' if outcome['exit'] else 'not run'}: {outcome['skipped']}"
        print(f"  {part:7} {state}  {outcome.get('seconds', '')}")
    if fuzz := summary.get("fuzz", {}):
        figures = fuzz.get("figures", {})
        print(
            f"  fuzzing: {fuzz.get('operations')} operations, {fuzz.get('role_operation_pairs')} (role, operation) "
            f"pairs, {figures.get('fuzz calls', 0)} calls + {figures.get('stateful calls', 0)} in stateful runs, "
            f"calls per pair {fuzz.get('calls_per_pair')}, server errors {figures.get('server errors', 0)}, "
            f"tests failed {fuzz.get('failed_tests')}"
        )
    if suite := summary.get("suite", {}):
        print(f"  hostile input: {suite.get('figures')}; tests failed {suite.get('failed_tests')}")
    return 0 if all(outcome["exit"] == 0 for outcome in parts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
