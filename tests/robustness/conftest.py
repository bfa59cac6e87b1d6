"""Figures of the robustness suite: what was tried and how it was answered, printed at the end of the run and
written to robustness/results/<profile>-suite.json when ROBUSTNESS_RESULTS names that file."""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

_CALLS: dict[str, Counter[str]] = defaultdict(Counter)  # "role METHOD path" -> status class -> count
_FIGURES: Counter[str] = Counter()


def record_call(request: pytest.FixtureRequest, case: Any, response: Any, *, stateful: bool = False) -> None:
    role = _role_of(request)
    key = f"{role} {case.operation.method.upper()} {case.operation.path}"
    _CALLS[key][f"{response.status_code // 100}xx"] += 1
    _FIGURES["stateful calls" if stateful else "fuzz calls"] += 1
    if response.status_code >= 500:
        _FIGURES["server errors"] += 1


def count(figure: str, n: int = 1) -> None:
    """Attack corpora and authorisation tests count what they tried."""
    _FIGURES[figure] += n


def _role_of(request: pytest.FixtureRequest) -> str:
    callspec = getattr(request.node, "callspec", None)
    if callspec is None:
        return "?"
    return str(callspec.params.get("token", callspec.params.get("role", "?")))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    if not _CALLS and not _FIGURES:
        return
    per_operation: Counter[str] = Counter()
    for key, statuses in _CALLS.items():
        per_operation[key] = sum(statuses.values())
    operations = {key.split(" ", 1)[1] for key in _CALLS}
    summary: dict[str, Any] = {
        "figures": dict(_FIGURES),
        "operations": len(operations),
        "role_operation_pairs": len(_CALLS),
        "calls_per_pair": {
            "min": min(per_operation.values(), default=0),
            "median": sorted(per_operation.values())[len(per_operation) // 2] if per_operation else 0,
            "max": max(per_operation.values(), default=0),
        },
        "status_classes": dict(sum(_CALLS.values(), Counter())),
        "failed_tests": terminalreporter.stats.get("failed", []).__len__(),
        "passed_tests": terminalreporter.stats.get("passed", []).__len__(),
    }
    terminalreporter.section("robustness figures")
    for line in json.dumps(summary, indent=2, ensure_ascii=False).splitlines():
        terminalreporter.write_line(line)
    target = os.environ.get("ROBUSTNESS_RESULTS")
    if target:
        summary["calls"] = {key: dict(statuses) for key, statuses in sorted(_CALLS.items())}
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
