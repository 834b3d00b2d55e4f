"""A corpus of malformed spreadsheets, generated at test time (no binaries in the repository).

``build(folder)`` writes every case and returns {case name: (kind, path, expected message id)}; the
expected message is the specific problem an import of that file must report. Run as a script to
write the corpus to a folder for manual testing: ``python -m tests.core.exchange.corpus OUT``.
"""

from __future__ import annotations

import sys
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

WORKER_HEADER = ["사번", "이름", "구분", "직종", "국적", "입사일"]


def xlsx(path: Path, rows: list[list[Any]], merges: tuple[str, ...] = (), sheets: int = 1) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for ref in merges:
        sheet.merge_cells(ref)
    for n in range(1, sheets):
        book.create_sheet(f"extra{n}")
    book.save(path)
    return path


def csv_bytes(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def worker(n: int, **over: Any) -> list[Any]:
    row = {
        "no": f"E{n:05d}",
        "name": f"근로자{n}",
        "kind": "근로자",
        "job": "생산직",
        "nat": "KR",
        "hired": "2026-01-02",
    }
    row.update(over)
    return list(row.values())


def build(folder: Path) -> dict[str, tuple[str, Path, str]]:
    folder.mkdir(parents=True, exist_ok=True)
    f = folder
    cases: dict[str, tuple[str, Path, str]] = {}

    def add(name: str, kind: str, path: Path, message: str) -> None:
        cases[name] = (kind, path, message)

    add(
        "wrong_type_date",
        "workers",
        xlsx(f / "wrong_type.xlsx", [WORKER_HEADER, worker(1), worker(2, hired="어제")]),
        "'{value}' is not a date (e.g. 2026-03-02 or 2026.3.2).",
    )
    add(
        "impossible_date",
        "workers",
        xlsx(f / "bad_date.xlsx", [WORKER_HEADER, worker(1, hired="2026.2.30")]),
        "'{value}' is not a date (e.g. 2026-03-02 or 2026.3.2).",
    )
    add(
        "merged_across_columns",
        "workers",
        xlsx(f / "merged.xlsx", [WORKER_HEADER, worker(1), worker(2)], merges=("A3:B3",)),
        "Cells merged across columns; unmerge them so that every column has its own value.",
    )
    add(
        "formula_without_value",
        "workers",
        xlsx(f / "formula.xlsx", [WORKER_HEADER, worker(1), worker(2, hired="=TODAY()")]),
        "A formula without a saved value; open the file in Excel, save it and import again.",
    )
    add("empty_sheet", "workers", xlsx(f / "empty.xlsx", []), "The sheet is empty.")
    add(
        "no_header",
        "equipment",
        xlsx(f / "no_header.xlsx", [["아무", "내용"], [1, 2]]),
        "No header row found; the first rows must name the columns: {names}.",
    )
    add(
        "huge_string",
        "workers",
        xlsx(f / "huge.xlsx", [WORKER_HEADER, worker(1, name="가" * 121)]),
        "The text is {n} characters long; at most {limit}.",
    )
    add(
        "huge_text_csv",
        "risk-assessment",
        csv_bytes(
            f / "huge_text.csv",
            "공정(작업)명,프레스\n평가일,2026-06-30\n\n세부 작업내용,위험분류,위험발생 상황 및 결과\n"
            + "금형 교체,기계적 요인,"
            + "끼임" * 3000
            + "\n",
        ),
        "The text is {n} characters long; at most {limit}.",
    )
    add(
        "duplicate_keys",
        "workers",
        xlsx(f / "dupes.xlsx", [WORKER_HEADER, worker(1), worker(2), worker(1, name="다른 사람")]),
        "'{value}' appears twice in the file (also row {other}).",
    )
    add(
        "duplicate_equipment_code",
        "equipment",
        xlsx(
            f / "dupe_codes.xlsx",
            [["코드", "설비명", "종류"], ["PR-1", "프레스", "press"], ["pr-1", "프레스2", "press"]],
        ),
        "'{value}' appears twice in the file (also row {other}).",
    )
    add(
        "unknown_choice",
        "workers",
        xlsx(f / "choice.xlsx", [WORKER_HEADER, worker(1, kind="우주비행사")]),
        "'{value}' is not one of: {choices}.",
    )
    add(
        "garbage_xlsx",
        "workers",
        csv_bytes(f / "garbage.xlsx", "not a zip at all"),
        "The file is not a valid Excel (.xlsx) workbook.",
    )
    good = xlsx(f / "good.xlsx", [WORKER_HEADER, worker(1)])
    truncated = f / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[:700])
    add("truncated_xlsx", "workers", truncated, "The file is not a valid Excel (.xlsx) workbook.")
    broken = f / "broken_sheet.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    add("broken_sheet_xml", "workers", broken, "The file is not a valid Excel (.xlsx) workbook.")
    add(
        "not_korean_encoding",
        "workers",
        _raw(f / "bad_bytes.csv", b"\xc0\xff\xfe\xff,\xff\n"),
        "The text encoding is not UTF-8, CP949 or EUC-KR.",
    )
    add(
        "binary_csv",
        "workers",
        _raw(f / "binary.csv", b"PK\x03\x04\x00\x00\x00binary"),
        "This is not a text (CSV) file.",
    )
    add(
        "wrong_suffix",
        "workers",
        _raw(f / "roster.pdf", b"%PDF-1.4"),
        "Only .xlsx and .csv files can be imported (not {suffix}).",
    )
    add(
        "risk_product_mismatch",
        "risk-assessment",
        xlsx(
            f / "risk_product.xlsx",
            [
                ["공정(작업)명", "프레스 작업"],
                ["평가일", date(2026, 7, 1)],
                ["평가방법·척도", "kras_5x4 v1"],
                [],
                [
                    "세부 작업내용",
                    "위험분류",
                    "위험발생 상황 및 결과",
                    "가능성(빈도)",
                    "중대성(강도)",
                    "위험성",
                ],
                ["금형 교체", "기계적 요인", "손 끼임 → 절단", 3, 4, 99],
            ],
        ),
        "The risk {given} does not equal likelihood × severity on the scale ({computed}).",
    )
    add(
        "risk_off_scale",
        "risk-assessment",
        xlsx(
            f / "risk_off_scale.xlsx",
            [
                ["공정(작업)명", "프레스 작업"],
                ["평가일", "2026.12.31"],
                [],
                ["세부 작업내용", "위험분류", "위험발생 상황 및 결과", "가능성(빈도)", "중대성(강도)"],
                ["금형 교체", "기계적 요인", "손 끼임", 9, 4],
            ],
        ),
        "Row {number}, {which}: {problem}",
    )
    add(
        "risk_unknown_class",
        "risk-assessment",
        xlsx(
            f / "risk_class.xlsx",
            [
                ["공정(작업)명", "프레스 작업"],
                ["평가일", "2026-01-01"],
                ["세부 작업내용", "위험분류", "위험발생 상황 및 결과"],
                ["금형 교체", "알 수 없음", "손 끼임"],
            ],
        ),
        "'{value}' is not a hazard class ({choices}).",
    )
    add(
        "risk_no_title",
        "risk-assessment",
        xlsx(
            f / "risk_no_title.xlsx",
            [["세부 작업내용", "위험분류", "위험발생 상황 및 결과"], ["a", "기계", "b"]],
        ),
        "The header block needs the process (task) name.",
    )
    add(
        "template_bad_json",
        "templates",
        xlsx(f / "template_bad.xlsx", [["코드", "Template (JSON)"], ["x", '{"code": "x",']]),
        "Invalid template: {problem}",
    )
    return cases


def _raw(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


if __name__ == "__main__":
    for name, (kind, path, _msg) in build(Path(sys.argv[1])).items():
        print(f"{name:28} {kind:16} {path}")
