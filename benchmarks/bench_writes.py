"""Single service write latency, and bulk import of 100,000 checklist answers vs raw sqlite3."""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from safetydesk.core.services import records
from safetydesk.core.services.forms import (
    BulkForm,
    bulk_import_completed,
    install_shipped_templates,
    load_template,
    template_id_by_code,
)
from safetydesk.core.workspace.workspace import open_workspace

N_WRITES = 500
N_ANSWERS = 100_000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        with open_workspace(Path(tmp) / "ws") as ws:
            install_shipped_templates(ws)
            site = records.create(ws, "sites", {"name": "벤치마크"}).id
            timings = []
            for i in range(N_WRITES):
                started = time.perf_counter()
                records.create(
                    ws,
                    "findings",
                    {
                        "source_kind": "audit",
                        "site_id": site,
                        "found_on": "2026-01-05",
                        "description": f"지적사항 {i}",
                        "severity": "medium",
                    },
                )
                timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            p50 = statistics.median(timings)
            p95 = timings[int(len(timings) * 0.95) - 1]
            print(f"single service write (create finding, {N_WRITES}x): p50 {p50:.2f} ms, p95 {p95:.2f} ms")

            tid = template_id_by_code(ws, "inspection.machine_shop_general")
            with ws.reader() as conn:
                keys = [q.key for _s, q in load_template(conn, tid).questions()]
            per_form = len(keys)
            forms = []
            answers = 0
            day = 0
            while answers < N_ANSWERS:
                take = keys[: min(per_form, N_ANSWERS - answers)]
                forms.append(
                    BulkForm(
                        tid,
                        "inspection",
                        f"20{15 + day // 365:02d}-01-01",
                        [{"question_key": k, "result": "pass"} for k in take],
                    )
                )
                answers += len(take)
                day += 1
            started = time.perf_counter()
            written = bulk_import_completed(ws, forms)
            ours = time.perf_counter() - started
            print(f"bulk import: {written:,} answers in {len(forms):,} forms: {ours:.2f} s")

        raw_path = Path(tmp) / "raw.db"
        con = sqlite3.connect(raw_path)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        con.execute("CREATE TABLE form_records (id TEXT PRIMARY KEY, performed_on TEXT)")
        con.execute(
            "CREATE TABLE form_answers (id TEXT PRIMARY KEY, record_id TEXT REFERENCES form_records(id), "
            "question_key TEXT, result TEXT, value_num REAL, value_text TEXT, note TEXT, attachments TEXT)"
        )
        con.execute("CREATE INDEX ix ON form_answers(record_id)")
        rec_rows = [(str(uuid.uuid4()), f.performed_on) for f in forms]
        ans_rows = [
            (str(uuid.uuid4()), rec_rows[i][0], a["question_key"], "pass", None, None, None, None)
            for i, f in enumerate(forms)
            for a in f.answers
        ]
        started = time.perf_counter()
        with con:
            con.executemany("INSERT INTO form_records VALUES (?, ?)", rec_rows)
            con.executemany("INSERT INTO form_answers VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ans_rows)
        raw = time.perf_counter() - started
        con.close()
        print(f"raw sqlite3.executemany of the same rows: {raw:.2f} s")
        print(f"ratio ours / raw: {ours / raw:.2f}x")


if __name__ == "__main__":
    main()
