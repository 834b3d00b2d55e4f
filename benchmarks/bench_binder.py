"""The SAPA evidence binder for two demo years: time, pages, file size and peak memory (issue 6).

Usage: .venv/bin/python benchmarks/bench_binder.py [WORKSPACE]
Without a workspace the demo plant is built in a temporary folder with two years of history
(seed 7, today 2026-11-23). The binder itself runs in a child process, so that its peak RSS is the
binder's alone (not the demo builder's). Targets: <= 60 s and <= 800 MB peak RSS.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from safetydesk.core.reports import registry
from safetydesk.core.reports.context import ReportRequest
from safetydesk.core.workspace.workspace import open_workspace

TODAY = date(2026, 11, 23)
START = date(2024, 11, 24)  # two years back from TODAY


def binder(path: Path, out: Path, lang: str) -> None:
    """Runs in a child process: one binder, then the numbers."""
    with open_workspace(path, create=False, read_only=True) as ws:
        started = time.perf_counter()
        generated = registry.generate(
            ws, "binder", ReportRequest(date_from=START, date_to=TODAY, lang=lang, today=TODAY), out
        )
        seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = out.stat().st_size / 1e6
    print(f"binder {START} – {TODAY} ({lang}): {generated.pages} pages in {seconds:.1f} s (target <= 60 s)")
    print(f"  file {size_mb:.1f} MB; peak RSS of the process {peak_mb:.0f} MB (target <= 800 MB)")


def main() -> None:
    if len(sys.argv) > 3 and sys.argv[1] == "--binder":
        binder(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else "ko")
        return
    with tempfile.TemporaryDirectory() as tmp:
        if len(sys.argv) > 1:
            path = Path(sys.argv[1])
        else:
            from safetydesk.core.demo.builder import build_demo

            path = Path(tmp) / "demo"
            print("building the demo workspace (two years, seed 7) …", flush=True)
            built = build_demo(path, seed=7, today=TODAY, years=2)
            print(
                f"  {built['form_records']} form records, {built['corrective_actions']} actions, "
                f"{built['risk_assessments']} risk assessments, {built['trainings']} trainings",
                flush=True,
            )
        for lang in ("ko", "en"):
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--binder",
                    str(path),
                    str(Path(tmp) / f"binder_{lang}.pdf"),
                    lang,
                ],
                check=True,
            )


if __name__ == "__main__":
    main()
