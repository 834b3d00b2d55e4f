"""``demo --size large``: build time and size; ``verify`` time on the result."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from safetydesk.core.audit.chain import verify
from safetydesk.core.demo.builder import build_demo
from safetydesk.core.workspace.workspace import open_workspace


def main() -> None:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "bench-workspaces/large")
    if not (target / "safetydesk.db").exists():
        started = time.perf_counter()
        summary = build_demo(target, seed=2026, size="large")
        print(f"demo --size large: {time.perf_counter() - started:.1f} s")
        for key, value in summary.items():
            print(f"  {key}: {value}")
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    print(f"workspace size: {size / 1e6:.1f} MB")
    with open_workspace(target, read_only=True) as ws, ws.reader() as conn:
        started = time.perf_counter()
        report = verify(conn)
        elapsed = time.perf_counter() - started
    print(f"verify: {elapsed:.2f} s, ok={report.ok}, {report.events:,} events, {report.records:,} records")


if __name__ == "__main__":
    main()
