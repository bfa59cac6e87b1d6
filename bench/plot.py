"""Latency against corpus size, from the newest result of each scale in bench/results: a PNG, and the growth
exponents (the slope of log latency over log size: 0 is flat, 1 is linear).

    python bench/plot.py        (make bench runs it after every run)
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"

SERIES = {  # label: how to read the p50 (ms) off one result
    "feed page 1": lambda r: r["scenarios"]["feed_page1"]["app"]["p50_ms"],
    "feed page 1, baseline": lambda r: r["scenarios"]["feed_page1"]["baseline"]["p50_ms"],
    "feed page 1, uncached": lambda r: r["scenarios"]["feed_page1_uncached"]["app"]["p50_ms"],
    "deep page": lambda r: r["scenarios"]["feed_deep"]["app"]["p50_ms"],
    "search (selective)": lambda r: r["scenarios"]["search_selective"]["app"]["p50_ms"],
    "search (broad)": lambda r: r["scenarios"]["search_broad"]["app"]["p50_ms"],
    "claim (8 editors)": lambda r: r["scenarios"]["claim"]["app"]["p50_ms"],
    "near-duplicate lookup": lambda r: r["scenarios"]["near_duplicate"]["p50_ms"],
}


def newest_per_scale() -> dict[int, dict[str, Any]]:
    newest: dict[int, dict[str, Any]] = {}
    for path in sorted(RESULTS.glob("*.json")):  # names start with the time: the last one of a scale wins
        result = json.loads(path.read_text())
        if "targets" in result:
            newest[int(result["scale"])] = result
    return dict(sorted(newest.items()))


def exponent(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(y) over log(x)."""
    points = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return round(sum((x - mean_x) * (y - mean_y) for x, y in points) / spread, 3) if spread else None


def main() -> dict[str, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = newest_per_scale()
    summary: dict[str, Any] = {"scales": list(runs), "exponents": {}}
    figure, axes = plt.subplots(figsize=(8, 5))
    for label, read in SERIES.items():
        points = []
        for scale, result in runs.items():
            try:
                points.append((float(scale), float(read(result))))
            except KeyError:
                continue
        if not points:
            continue
        summary["exponents"][label] = exponent(points)
        axes.plot([x for x, _ in points], [y for _, y in points], marker="o", label=label)
    near = [
        (
            float(r["scenarios"]["near_duplicate"]["indexed"]),
            float(r["scenarios"]["near_duplicate"]["p95_ms"]),
        )
        for r in runs.values()
        if "near_duplicate" in r["scenarios"]
    ]
    summary["near_duplicate_p95_exponent"] = exponent(near)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("articles in the corpus")
    axes.set_ylabel("p50 latency, ms")
    axes.set_title("Newsroom: latency against corpus size (make bench)")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(RESULTS / "latency-vs-scale.png", dpi=120)
    (RESULTS / "scaling.json").write_text(json.dumps(summary, indent=2))
    return summary


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
