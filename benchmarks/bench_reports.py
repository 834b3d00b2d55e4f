"""Report timings: a one-page inspection report in a warm process, and a year of inspections as one PDF.

Usage: .venv/bin/python benchmarks/bench_reports.py [WORKSPACE]
Without a workspace a small demo (two years of history) is built in a temporary folder.
Targets (issue 4): one-page report <= 150 ms warm; the year binder's peak memory <= 500 MB.
"""

from __future__ import annotations

import io
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from safetydesk.core.db.tables import form_answers, form_records, form_templates
from safetydesk.core.reports import registry
from safetydesk.core.reports.context import ReportRequest
from safetydesk.core.workspace.workspace import open_workspace


def one_page_record(path: Path) -> str:
    """A completed pre-work check with the fewest answers (its report fits on one page)."""
    with open_workspace(path, create=False, read_only=True) as ws, ws.reader() as conn:
        answers = (
            select(form_answers.c.record_id, func.count().label("n"))
            .group_by(form_answers.c.record_id)
            .subquery()
        )
        return str(
            conn.execute(
                select(form_records.c.id)
                .join(form_templates, form_templates.c.id == form_records.c.template_id)
                .join(answers, answers.c.record_id == form_records.c.id)
                .where(form_records.c.status == "completed", form_templates.c.kind == "prework_check")
                .order_by(answers.c.n, form_records.c.id)
                .limit(1)
            ).scalar_one()
        )


def bench_one_page(path: Path) -> None:
    record_id = one_page_record(path)
    with open_workspace(path, create=False, read_only=True) as ws:
        request = ReportRequest(record_id=record_id, lang="ko")
        first = time.perf_counter()
        generated = registry.generate(ws, "form", request, io.BytesIO())
        cold = time.perf_counter() - first
        times = []
        for _ in range(30):
            started = time.perf_counter()
            registry.generate(ws, "form", request, io.BytesIO())
            times.append(time.perf_counter() - started)
    times.sort()
    print(f"one form report: {generated.pages} page(s)")
    print(f"  first call (fonts, catalogue, imports): {cold * 1000:.0f} ms")
    print(
        f"  warm: median {statistics.median(times) * 1000:.1f} ms, "
        f"p95 {times[int(len(times) * 0.95) - 1] * 1000:.1f} ms (target <= 150 ms)"
    )


def year_binder(path: Path, out: Path) -> None:
    """Runs in a child process so that its peak RSS is the binder's alone."""
    today = date.today()
    start = date(today.year - 1, today.month, 1)
    with open_workspace(path, create=False, read_only=True) as ws:
        started = time.perf_counter()
        generated = registry.generate(
            ws, "inspections", ReportRequest(date_from=start, date_to=today, lang="ko"), out
        )
        seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"year of inspections {start} – {today}: {generated.pages} pages in {seconds:.1f} s")
    print(
        f"  file {out.stat().st_size / 1e6:.1f} MB; peak RSS of the process {peak_mb:.0f} MB (target <= 500 MB)"
    )


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--year":
        year_binder(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        if len(sys.argv) > 1:
            path = Path(sys.argv[1])
        else:
            from safetydesk.core.demo.builder import build_demo

            path = Path(tmp) / "demo"
            print("building the small demo workspace …", flush=True)
            build_demo(path)
        bench_one_page(path)
        with open_workspace(path, create=False, read_only=True) as ws, ws.reader() as conn:
            photos = conn.execute(
                select(func.count()).select_from(form_answers).where(form_answers.c.attachments.is_not(None))
            ).scalar_one()
        print(f"answers with photos in the workspace: {photos}")
        subprocess.run(
            [sys.executable, __file__, "--year", str(path), str(Path(tmp) / "year.pdf")], check=True
        )


if __name__ == "__main__":
    main()
