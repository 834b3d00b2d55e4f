"""Ranking every area of a ``demo --size large`` workspace (target ≤ 200 ms), and its back-test.

Usage: ``bench_rank_areas.py [WORKSPACE]`` (built with ``build_demo(size="large")`` when missing).
Each ranking re-reads the workspace, as the app's background re-score after a change does.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path

from safetydesk.core.demo.builder import build_demo
from safetydesk.core.ml.area_backtest import backtest
from safetydesk.core.ml.areas import rank_areas
from safetydesk.core.workspace.workspace import open_workspace

RUNS = 7


def main() -> None:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "bench-workspaces/large")
    if not (target / "safetydesk.db").exists():
        started = time.perf_counter()
        build_demo(target, seed=2026, size="large")
        print(f"demo --size large: {time.perf_counter() - started:.1f} s")
    with open_workspace(target, read_only=True) as ws:
        as_of = date.today()
        for method in ("auto", "fallback", "learned", "baseline"):
            times: list[float] = []
            for _ in range(RUNS):
                started = time.perf_counter()
                ranking = rank_areas(ws, as_of, method=method)
                times.append((time.perf_counter() - started) * 1000)
            print(
                f"rank_areas(method={method}): {len(ranking)} areas, used {ranking[0].method if ranking else '-'}; "
                f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms (target ≤ 200 ms)"
            )
        for line in rank_areas(ws, as_of)[:3]:
            reasons = "; ".join(r.render("en") for r in line.reasons)
            print(f"  {line.rank}. {line.code} {line.score:.3f}/30 days — {reasons}")
        started = time.perf_counter()
        result = backtest(ws, as_of, months=None)
        elapsed = (time.perf_counter() - started) * 1000
        summary = result["summary"]
        assert isinstance(summary, dict)
        print(
            f"back-test over {result['months']} months, {result['events']} events, "
            f"top-{result['k']} of {result['areas']} areas (chance {result['chance']}): {elapsed:.0f} ms"
        )
        for name, row in summary.items():
            print(f"  {name}: hit rate {row['hit_rate']} (95% CI {row['ci95']}), lift {row['lift']}")
        print(f"  kept: {result['kept']}")


if __name__ == "__main__":
    main()
