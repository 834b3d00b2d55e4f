"""Equipment register (기계·기구 대장) exchange: one row per machine, matched by its code.

The next statutory inspection date is never read from the file: it follows from kind and dates
(Art. 126 cycle), as when the machine is entered on the Plant screen.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from safetydesk.core.db.tables import areas, equipment
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
from safetydesk.core.i18n import N_, _
from safetydesk.core.queries.emergency import first_site_id
from safetydesk.core.services.base import Changes, Tx
from safetydesk.core.services.plant import _check_dates, _due_for
from safetydesk.core.workspace.workspace import Workspace

KIND = "equipment"
SHEET = N_("Equipment")

COLUMNS = (
    Column("code", N_("Code"), max_len=40, required=True, aliases=("코드", "관리번호", "설비번호")),
    Column("name", N_("Name"), max_len=200, required=True, aliases=("설비명", "기계명", "명칭")),
    Column("kind", N_("Machine kind"), max_len=40, required=True, aliases=("종류", "기종")),
    Column("area", N_("Area code"), max_len=40, aliases=("구역", "설치장소")),
    Column("maker", N_("Maker"), max_len=120, aliases=("제조사",)),
    Column("model", N_("Model"), max_len=120, aliases=("모델", "형식")),
    Column("serial_no", N_("Serial no."), max_len=120, aliases=("제조번호", "일련번호")),
    Column("capacity", N_("Capacity"), max_len=60, aliases=("용량", "규격")),
    Column("installed_on", N_("Installed on"), "date", aliases=("설치일",)),
    Column("last_inspected_on", N_("Last inspected on"), "date", aliases=("최근 검사일", "검사일")),
    Column("certificate_no", N_("Certificate no."), max_len=80, aliases=("합격번호", "검사증번호")),
    Column("retired_on", N_("Retired on"), "date", aliases=("폐기일",)),
)


def preview(ws: Workspace, path: Path, sheets: list[Sheet], *, today: date | None = None) -> Preview:
    out = Preview(KIND, path)
    table = read_table(sheets[0], COLUMNS)
    if not table.columns:
        out.problems += table.problems
        return out
    duplicate_check(table, "code", "Code")
    day = today or date.today()
    with ws.reader() as conn:
        site = first_site_id(conn)
        by_code = {
            str(code).lower(): (str(eid), dict(row))
            for eid, code, row in (
                (r["id"], r["code"], r)
                for r in conn.execute(select(equipment).where(equipment.c.deleted_at.is_(None))).mappings()
            )
        }
        area_ids = {
            str(code).lower(): str(aid)
            for aid, code in conn.execute(
                select(areas.c.id, areas.c.code).where(areas.c.deleted_at.is_(None))
            )
        }
    if site is None:
        out.problems.append(
            Problem(
                "",
                None,
                None,
                N_("No site is registered yet; enter the company and site on the Plant screen first."),
            )
        )
    out.problems += table.problems
    present = set(table.columns)
    writes: list[tuple[str | None, dict[str, Any]]] = []
    for r, values in table.rows:
        if not all(values.get(k) for k in ("code", "name", "kind")):
            continue
        row = {k: v for k, v in values.items() if k != "area" and k in present}
        area = values.get("area")
        if area is not None:
            area_id = area_ids.get(str(area).lower())
            if area_id is None:
                out.problems.append(
                    Problem(
                        table.sheet, r, _("Area code"), N_("No area with the code {code}."), {"code": area}
                    )
                )
                continue
            row["area_id"] = area_id
        current_id, current = by_code.get(str(values["code"]).lower(), (None, None))
        merged = {
            **(current or {}),
            **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()},
        }
        try:
            _check_dates(merged.get("installed_on"), merged.get("last_inspected_on"))
        except ValidationError as exc:
            out.problems.append(Problem(table.sheet, r, None, exc.message_id, exc.params))
            continue
        known, due = _due_for(merged, day)
        if known or current is None:
            row["next_inspection_due"] = due
        if current_id is None:
            row["site_id"] = site
        writes.append((current_id, row))
    return finish_rows_preview(out, table, writes)


def apply(tx: Tx, payload: Writes) -> Changes:
    return apply_rows(tx, "equipment", payload)


def export(ws: Workspace, path: Path) -> int:
    with ws.reader() as conn:
        area_codes = {str(a): str(c) for a, c in conn.execute(select(areas.c.id, areas.c.code))}
        data = [
            dict(r)
            for r in conn.execute(
                select(equipment).where(equipment.c.deleted_at.is_(None)).order_by(equipment.c.code)
            ).mappings()
        ]
    rows: list[list[Any]] = [[c.title() for c in COLUMNS]]
    for machine in data:
        machine["area"] = area_codes.get(str(machine.get("area_id")))
        rows.append([machine.get(c.key) for c in COLUMNS])
    write_rows(path, _(SHEET), rows, header_row=1)
    return len(data)
