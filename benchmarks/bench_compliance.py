"""SAPA compliance status for a half-year on the large demo workspace (target ≤ 1 s).

Usage: ``bench_compliance.py [WORKSPACE] [--size small|large]``. The workspace defaults to
``bench-workspaces/large`` and is built with ``build_demo(size=...)`` when missing (large takes minutes;
``--size small`` builds the two-year demo instead and says so). Each run opens a fresh read transaction
and computes every duty with its evidence, as the screen, the CLI and the binder do.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date
from pathlib import Path

from safetydesk.core.compliance.engine import compliance
from safetydesk.core.demo.builder import build_demo
from safetydesk.core.domain.legal import HalfYear
from safetydesk.core.workspace.workspace import open_workspace

RUNS = 7


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("workspace", nargs="?", default="bench-workspaces/large")
    parser.add_argument("--size", choices=("small", "large"), default="large")
    args = parser.parse_args()
    target = Path(args.workspace)
    if not (target / "safetydesk.db").exists():
        started = time.perf_counter()
        build_demo(target, seed=2026, size=args.size)
        print(f"demo --size {args.size}: built in {time.perf_counter() - started:.1f} s")
    today = date.today()
    current = HalfYear.containing(today)
    with open_workspace(target, create=False, read_only=True) as ws:
        for half in (current.previous(), current, HalfYear(current.year - 2, 1)):
            times: list[float] = []
            report = None
            for _ in range(RUNS):
                started = time.perf_counter()
                report = compliance(ws, half.code, today=today)
                times.append(time.perf_counter() - started)
            assert report is not None
            evidence = sum(len(d.evidence) for d in report.duties)
            counts: dict[str, int] = {}
            for d in report.duties:
                counts[d.status.value] = counts.get(d.status.value, 0) + 1
            print(
                f"compliance({half.code}) on {target}: median {statistics.median(times) * 1000:.0f} ms, "
                f"max {max(times) * 1000:.0f} ms over {RUNS} runs (target ≤ 1000 ms); "
                f"{len(report.duties)} duties {counts}, {evidence} evidence records, "
                f"{report.workers} workers"
            )


if __name__ == "__main__":
    main()
