"""Import of a 10,000-row risk-assessment workbook in the KRAS layout (issue 7; target ≤ 5 s).

Usage: .venv/bin/python benchmarks/bench_import.py [ROWS]
Builds a fresh workspace with one site in a temporary folder, writes a KRAS-layout .xlsx of ROWS hazards
(default 10,000), then times reading + checking (the preview) and the all-or-nothing write (one
transaction: the assessment, every item, an audit event and an outbox row per record). Also times a
50,000-row worker roster as CSV (CP949), the size the malformed-input tests use.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from safetydesk.core.exchange import apply_import, preview_import
from safetydesk.core.services import records
from safetydesk.core.workspace.workspace import open_workspace

CLASSES = ("기계적 요인", "전기적 요인", "화학적 요인", "작업환경 요인", "추락", "화재·폭발")


def kras_workbook(path: Path, rows: int) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("위험성평가표")
    for row in (
        ["위험성평가표"],
        ["사업장", "동남정밀"],
        ["공정(작업)명", "프레스 가공 전 공정"],
        ["평가일", "2026.6.30"],
        ["평가유형", "정기"],
        ["평가방법·척도", "kras_5x4 v1"],
        [],
        [
            "번호",
            "세부작업내용",
            "위험분류",
            "위험발생 상황 및 결과",
            "관련근거(법적기준)",
            "현재의 안전보건조치",
            "가능성(빈도)",
            "중대성(강도)",
            "위험성(가능성×중대성)",
            "위험성 감소대책",
            "개선 후 가능성",
            "개선 후 중대성",
            "개선 후 위험성",
            "개선예정일",
            "완료일",
            "담당자",
            "비고",
        ],
    ):
        sheet.append(row)
    for n in range(1, rows + 1):
        lik, sev = n % 5 + 1, n % 4 + 1
        sheet.append(
            [
                n,
                f"작업 {n // 7}",
                CLASSES[n % len(CLASSES)],
                f"위험상황 {n} → 부상",
                "안전보건규칙 제87조",
                "방호덮개",
                lik,
                sev,
                lik * sev,
                "연동장치 설치",
                1,
                sev,
                sev,
                "2026-07-01",
                None,
                "박반장",
                None,
            ]
        )
    book.save(path)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ws = open_workspace(folder / "ws")
        try:
            records.create(ws, "sites", {"name": "동남정밀"}, actor="bench")
            book = folder / "kras.xlsx"
            kras_workbook(book, rows)
            t0 = time.perf_counter()
            preview = preview_import(ws, "risk-assessment", book)
            t1 = time.perf_counter()
            assert preview.ok, [p.text("en") for p in preview.problems[:5]]
            apply_import(ws, preview, actor="bench")
            t2 = time.perf_counter()
            print(f"risk assessment, {rows:,} rows ({book.stat().st_size / 1e6:.1f} MB .xlsx)")
            print(f"  read + check (preview): {t1 - t0:6.2f} s")
            print(f"  write (one transaction): {t2 - t1:6.2f} s")
            print(f"  total:                   {t2 - t0:6.2f} s   (target ≤ 5 s)")

            roster = folder / "roster.csv"
            lines = ["사번,이름,입사일"] + [f"N{n},사람{n},2026.6.30" for n in range(50_000)]
            roster.write_bytes("\r\n".join(lines).encode("cp949"))
            t0 = time.perf_counter()
            preview = preview_import(ws, "workers", roster)
            t1 = time.perf_counter()
            apply_import(ws, preview, actor="bench")
            t2 = time.perf_counter()
            print("workers, 50,000 rows (CP949 CSV)")
            print(f"  read + check: {t1 - t0:6.2f} s; write: {t2 - t1:6.2f} s")
        finally:
            ws.close()


if __name__ == "__main__":
    main()
