"""Worker roster (근로자 명부) exchange: one row per person, matched by employee number, else by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from safetydesk.core.db.tables import people
from safetydesk.core.errors import ValidationError
from safetydesk.core.exchange.common import (
    Column,
    Preview,
    Problem,
    Sheet,
    Writes,
    apply_rows,
    duplicate_check,
    finish_rows_preview,
    read_table,
    write_rows,
)
from safetydesk.core.i18n import N_
from safetydesk.core.labels import CODES
from safetydesk.core.queries.emergency import first_site_id
from safetydesk.core.queries.people import JOB_TYPES, PERSON_KINDS
from safetydesk.core.services.base import Changes, Tx
from safetydesk.core.services.people import PersonInput, person_values
from safetydesk.core.workspace.workspace import Workspace

KIND = "workers"
SHEET = N_("Workers")

COLUMNS = (
    Column("employee_no", N_("Employee no."), max_len=40, aliases=("사번", "사원번호")),
    Column("name", N_("Name"), max_len=120, required=True, aliases=("이름", "성명")),
    Column("name_en", N_("Name (English)"), max_len=120),
    Column(
        "kind", N_("Person type"), "choice", choices={k: CODES[k] for k in PERSON_KINDS}, aliases=("구분",)
    ),
    Column("job_type", N_("Job type"), "choice", choices={k: CODES[k] for k in JOB_TYPES}, aliases=("직종",)),
    Column("job_title", N_("Job title"), max_len=120, aliases=("직위", "직책")),
    Column("department", N_("Department"), max_len=120, aliases=("부서",)),
    Column("nationality", N_("Nationality"), max_len=2, aliases=("국적",)),
    Column("language", N_("Language"), max_len=10, aliases=("언어",)),
    Column("visa_status", N_("Visa status"), max_len=20, aliases=("체류자격",)),
    Column("hired_on", N_("Hired on"), "date", aliases=("입사일",)),
    Column("left_on", N_("Left on"), "date", aliases=("퇴사일",)),
    Column("phone", N_("Phone"), max_len=40, aliases=("전화", "연락처", "전화번호")),
)
_DEFAULTS = {"kind": "worker", "job_type": "production", "nationality": "KR", "language": "ko"}


def _existing(conn: Any) -> tuple[dict[str, str], dict[str, list[str]]]:
    by_no: dict[str, str] = {}
    by_name: dict[str, list[str]] = {}
    for pid, no, name in conn.execute(
        select(people.c.id, people.c.employee_no, people.c.name).where(people.c.deleted_at.is_(None))
    ):
        if no:
            by_no[str(no).strip().lower()] = str(pid)
        by_name.setdefault(str(name).strip(), []).append(str(pid))
    return by_no, by_name


def preview(ws: Workspace, path: Path, sheets: list[Sheet]) -> Preview:
    out = Preview(KIND, path)
    table = read_table(sheets[0], COLUMNS)
    if not table.columns:
        out.problems += table.problems
        return out
    with ws.reader() as conn:
        site = first_site_id(conn)
        by_no, by_name = _existing(conn)
    if site is None:
        out.problems.append(
            Problem(
                "",
                None,
                None,
                N_("No site is registered yet; enter the company and site on the Plant screen first."),
            )
        )
    duplicate_check(table, "employee_no", "Employee no.")
    no_numbers = [(r, v) for r, v in table.rows if not v.get("employee_no")]
    duplicate_check(
        type(table)(table.sheet, table.header_row, table.columns, no_numbers, table.problems), "name", "Name"
    )
    out.problems += table.problems
    present = set(table.columns)
    writes: list[tuple[str | None, dict[str, Any]]] = []
    for r, values in table.rows:
        if values.get("name") is None:
            continue
        full = {**_DEFAULTS, **{k: v for k, v in values.items() if v is not None}}
        try:
            checked = person_values(PersonInput(**full))
        except ValidationError as exc:
            out.problems.append(Problem(table.sheet, r, None, exc.message_id, exc.params))
            continue
        target: str | None = None
        no = values.get("employee_no")
        if no:
            target = by_no.get(str(no).lower())
        else:
            matches = by_name.get(checked["name"], [])
            if len(matches) > 1:
                out.problems.append(
                    Problem(
                        table.sheet,
                        r,
                        None,
                        N_(
                            "{n} people named {name} are on the roster; add the employee number to tell them apart."
                        ),
                        {"n": len(matches), "name": checked["name"]},
                    )
                )
                continue
            target = matches[0] if matches else None
        if target is None:
            writes.append((None, {**checked, "site_id": site, "roles": []}))
        else:
            writes.append((target, {k: v for k, v in checked.items() if k in present or k == "name"}))
    return finish_rows_preview(out, table, writes)


def apply(tx: Tx, payload: Writes) -> Changes:
    return apply_rows(tx, "people", payload)


def export(ws: Workspace, path: Path) -> int:
    from safetydesk.core.i18n import _

    with ws.reader() as conn:
        found = conn.execute(
            select(people).where(people.c.deleted_at.is_(None)).order_by(people.c.employee_no, people.c.name)
        ).mappings()
        data = [dict(r) for r in found]
    rows: list[list[Any]] = [[c.title() for c in COLUMNS]]
    for person in data:
        row: list[Any] = []
        for c in COLUMNS:
            value = person.get(c.key)
            if c.kind == "choice" and value is not None:
                value = _(CODES[str(value)]) if str(value) in CODES else value
            row.append(value)
        rows.append(row)
    write_rows(path, _(SHEET), rows, header_row=1)
    return len(data)


__all__ = ["COLUMNS", "apply", "export", "preview"]
