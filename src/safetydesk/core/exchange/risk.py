"""Risk assessment exchange in the KRAS Excel layout (DOMAIN.md §2.6).

The sheet has a header block (사업장, 공정(작업)명, 평가일, 평가유형, 평가방법·척도, 평가자, 참여 근로자, …),
then the table: the 11 KRAS columns with 현재 위험성 and 개선 후 위험성 each split into 가능성(빈도),
중대성(강도) and 위험성 (가능성×중대성), then 비고 and the control type. Export then import round-trips;
an import creates a new draft assessment, re-scored by the service rules (a 위험성 that does not match
가능성×중대성 on the scale is a problem, never silently replaced).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from safetydesk.core.db.tables import areas, risk_assessments, sites
from safetydesk.core.domain.provenance import LegalLookupError
from safetydesk.core.domain.risk import RiskScale, ScaleMethod
from safetydesk.core.domain.risk_assessment import (
    ASSESSMENT_TYPES,
    HIERARCHY,
    AssessmentHeader,
    Participant,
    RiskItemData,
    current_risk,
    residual_risk,
)
from safetydesk.core.errors import UserError, ValidationError
from safetydesk.core.exchange.common import (
    BadValueError,
    Column,
    Preview,
    Problem,
    Sheet,
    bulk_create,
    convert,
    find_header,
    norm,
    read_table,
    to_bool,
    to_date,
    to_text,
    write_rows,
)
from safetydesk.core.i18n import N_, _
from safetydesk.core.labels import ASSESSMENT_TYPE_LABELS, CODES, HAZARD_CLASS_LABELS, ROLE_LABELS
from safetydesk.core.queries.emergency import first_site_id
from safetydesk.core.queries.risk import assessment_detail, scale_of
from safetydesk.core.services import risk as risk_service
from safetydesk.core.services.base import Changes, Tx
from safetydesk.core.workspace.workspace import Workspace

KIND = "risk-assessment"
DEFAULT_SCALE = ("kras_5x4", 1)
SHEET = N_("Risk assessment table")

_L = N_("Likelihood (frequency)")
_S = N_("Severity (intensity)")
_R = N_("Risk (likelihood × severity)")
COLUMNS = (
    Column("no", N_("No."), "int", aliases=("순번", "no")),
    Column("task", N_("Task detail"), required=True, aliases=("세부 작업내용", "작업내용", "세부작업")),
    Column("hazard_class", N_("Hazard class"), max_len=40, aliases=("위험 분류", "분류")),
    Column("situation", N_("Hazard situation and result"), aliases=("위험발생 상황 및 결과", "유해위험요인")),
    Column("legal_basis", N_("Legal basis"), aliases=("관련근거", "법적기준")),
    Column("current_controls", N_("Current controls"), aliases=("현재 안전보건조치",)),
    Column("likelihood", _L, aliases=("가능성", "빈도", "likelihood")),
    Column("severity", _S, aliases=("중대성", "강도", "severity")),
    Column("risk", _R, aliases=("위험성", "위험도", "risk")),
    Column("reduction_measures", N_("Reduction measures"), aliases=("감소대책", "개선대책")),
    Column(
        "residual_likelihood", N_("Likelihood after improvement"), aliases=("개선후 가능성", "개선 후 빈도")
    ),
    Column("residual_severity", N_("Severity after improvement"), aliases=("개선후 중대성", "개선 후 강도")),
    Column("residual_risk", N_("Risk after improvement"), aliases=("개선후 위험성", "개선 후 위험도")),
    Column("planned_on", N_("Planned date"), "date", aliases=("개선 예정일", "개선예정일", "예정일")),
    Column("completed_on", N_("Completed on"), "date", aliases=("완료일", "완료일자")),
    Column("owner_name", N_("Owner"), max_len=120, aliases=("담당자", "담당")),
    Column("remarks", N_("Remarks"), aliases=("비고",)),
    Column(
        "hierarchy",
        N_("Control type"),
        "choice",
        choices={k: CODES[k] for k in HIERARCHY},
        aliases=("대책 구분",),
    ),
)

# The header block above the table: field → the labels that name it.
BLOCK = {
    "site": (N_("Site"), "사업장", "사업장명"),
    "title": (N_("Process (task)"), "공정(작업)명", "공정명", "작업명", "평가대상"),
    "area": (N_("Area code"), "구역"),
    "assessed_on": (N_("Assessed on"), "평가일", "평가일자", "평가 일시"),
    "assessment_type": (N_("Type"), "평가유형", "평가 구분", "평가종류"),
    "scale": (N_("Method and scale"), "평가방법·척도", "평가방법", "척도"),
    "lead_assessor": (N_("Lead assessor"), "평가자", "평가 책임자"),
    "participants": (N_("Participating workers"), "참여 근로자", "참여자", "평가자 및 참여 근로자"),
    "worker_rep": (N_("Worker representative took part"), "근로자대표 참여"),
    "trigger": (N_("Reason for the assessment"), "실시 사유", "평가 사유"),
}
_BLOCK_NAMES = {norm(n): key for key, names in BLOCK.items() for n in (*names, _(names[0], "ko"))}

# Everyday KRAS words for the hazard classes (기계적 요인, 전기적 요인, …) → our codes.
_CLASS_WORDS = (
    ("기계", "mechanical"),
    ("전기", "electrical"),
    ("화학", "chemical"),
    ("생물", "biological"),
    ("작업특성", "ergonomic"),
    ("인간공학", "ergonomic"),
    ("근골격", "ergonomic"),
    ("작업환경", "environmental"),
    ("환경", "environmental"),
    ("추락", "fall"),
    ("넘어", "fall"),
    ("전도", "fall"),
    ("화재", "fire_explosion"),
    ("폭발", "fire_explosion"),
    ("기타", "other"),
)


def _label(key: str) -> str:
    return _(BLOCK[key][0])


def hazard_class(text: str) -> str:
    key = norm(text)
    for code, label in HAZARD_CLASS_LABELS.items():
        if key in (norm(code), norm(label), norm(_(label, "ko"))):
            return code
    for word, code in _CLASS_WORDS:
        if word in text:
            return code
    raise BadValueError(
        N_("'{value}' is not a hazard class ({choices})."),
        value=text[:40],
        choices=", ".join(_(v) for v in HAZARD_CLASS_LABELS.values()),
    )


@dataclass
class Payload:
    header: AssessmentHeader
    scale: RiskScale
    items: list[RiskItemData]


def _block(sheet: Sheet, header_row: int) -> dict[str, tuple[int, Any]]:
    out: dict[str, tuple[int, Any]] = {}
    for r, row in enumerate(sheet.rows[: header_row - 1], start=1):
        cells = [(c, v) for c, v in enumerate(row) if v is not None and str(v).strip()]
        i = 0
        while i < len(cells):
            key = _BLOCK_NAMES.get(norm(cells[i][1]))
            if key is not None and key not in out:
                value = (
                    cells[i + 1][1]
                    if i + 1 < len(cells) and norm(cells[i + 1][1]) not in _BLOCK_NAMES
                    else None
                )
                out[key] = (r, value)
                i += 2 if value is not None else 1
            else:
                i += 1
    return out


def _scale_from(text: Any) -> RiskScale:
    if text is None or not str(text).strip():
        return scale_of(*DEFAULT_SCALE)
    raw = str(text)
    m = re.search(r"([a-z][a-z0-9_]*)\s*v(\d+)", raw)
    try:
        if m:
            return scale_of(m.group(1), int(m.group(2)))
        from safetydesk.core.queries.risk import scales_in_force

        for scale in scales_in_force(date.today()):
            if norm(raw) in (norm(scale.code), norm(scale.label_ko), norm(scale.label_en)):
                return scale
    except LegalLookupError:
        pass
    raise BadValueError(N_("Unknown method and scale '{value}'; write e.g. kras_5x4 v1."), value=raw[:40])


def _level(scale: RiskScale, value: Any) -> str | None:
    text = to_text(value, 40)
    if text is None:
        return None
    for level in scale.levels:
        if norm(text) in (norm(level.code), norm(level.label_ko), norm(level.label_en)):
            return level.code
    raise BadValueError(
        N_("'{value}' is not a level of the scale ({choices})."),
        value=text,
        choices=", ".join(lv.label_ko for lv in scale.levels),
    )


def _participants(text: Any) -> tuple[Participant, ...]:
    raw = to_text(text, 4000)
    if raw is None:
        return ()
    roles = {norm(k): k for k in ROLE_LABELS} | {norm(_(v, "ko")): k for k, v in ROLE_LABELS.items()}
    roles |= {norm(v): k for k, v in ROLE_LABELS.items()}
    out: list[Participant] = []
    for part in re.split(r"[;\n,]+", raw):
        m = re.fullmatch(r"\s*(.+?)\s*(?:\((.*)\))?\s*", part)
        if not m or not m.group(1).strip():
            continue
        role = roles.get(norm(m.group(2) or ""), "worker")
        out.append(Participant(name=m.group(1).strip()[:120], role=role))
    return tuple(out)


def preview(ws: Workspace, path: Path, sheets: list[Sheet]) -> Preview:
    out = Preview(KIND, path)
    sheet = sheets[0]
    header = None
    for candidate in sheets:
        header = find_header(candidate, COLUMNS, search=80)
        if header is not None:
            sheet = candidate
            break
    block = _block(sheet, header[0]) if header else {}
    problems: list[Problem] = []

    def block_value(key: str, convert_fn: Any) -> Any:
        row, value = block.get(key, (None, None))
        try:
            return convert_fn(value)
        except BadValueError as bad:
            problems.append(Problem(sheet.name, row, _label(key), bad.message_id, bad.params))
            return None

    scale = block_value("scale", _scale_from) or scale_of(*DEFAULT_SCALE)
    matrix = scale.method is ScaleMethod.MATRIX
    items: list[RiskItemData] = []

    def check_row(r: int, v: dict[str, Any], found: list[Problem]) -> None:
        def cell(key: str, fn: Any) -> Any:
            try:
                return fn(v.get(key))
            except BadValueError as bad:
                title = next(c.title() for c in COLUMNS if c.key == key)
                found.append(Problem(sheet.name, r, title, bad.message_id, bad.params))
                return None

        def number(key: str) -> Any:
            from safetydesk.core.exchange.common import to_int

            return cell(key, to_int)

        cls = cell("hazard_class", lambda t: hazard_class(t) if t else "")
        if matrix:
            lik, sev, rlik, rsev = (
                number(k) for k in ("likelihood", "severity", "residual_likelihood", "residual_severity")
            )
            level = rlevel = None
        else:
            lik = sev = rlik = rsev = None
            level = cell("risk", lambda t: _level(scale, t))
            rlevel = cell("residual_risk", lambda t: _level(scale, t))
        item = RiskItemData(
            task=v.get("task") or "",
            hazard_class=cls or "",
            situation=v.get("situation") or "",
            legal_basis=v.get("legal_basis") or "",
            current_controls=v.get("current_controls") or "",
            likelihood=lik,
            severity=sev,
            level=level,
            reduction_measures=v.get("reduction_measures") or "",
            hierarchy=v.get("hierarchy"),
            residual_likelihood=rlik,
            residual_severity=rsev,
            residual_level=rlevel,
            planned_on=v["planned_on"].isoformat() if v.get("planned_on") else None,
            completed_on=v["completed_on"].isoformat() if v.get("completed_on") else None,
            owner_name=v.get("owner_name") or "",
            remarks=v.get("remarks") or "",
        )
        before = len(found)
        try:
            risk_service._item_values(scale, item, r, "")
        except ValidationError as exc:
            found.append(Problem(sheet.name, r, None, exc.message_id, exc.params))
        if matrix and len(found) == before:
            for key, result in (
                ("risk", current_risk(scale, item)),
                ("residual_risk", residual_risk(scale, item)),
            ):
                given = number(key)
                if given is not None and (result is None or result.score != given):
                    found.append(
                        Problem(
                            sheet.name,
                            r,
                            next(c.title() for c in COLUMNS if c.key == key),
                            N_(
                                "The risk {given} does not equal likelihood × severity on the scale ({computed})."
                            ),
                            {"given": given, "computed": "—" if result is None else result.score},
                        )
                    )
        if len(found) == before:
            items.append(item)

    table = read_table(sheet, COLUMNS, header, check_row=check_row)
    out.problems += table.problems
    if header is None:
        return out
    title = block_value("title", lambda x: to_text(x, 300))
    assessed = block_value("assessed_on", to_date)
    kind = block_value("assessment_type", _assessment_type)
    rep = block_value("worker_rep", to_bool)
    people = block_value("participants", _participants) or ()
    lead = block_value("lead_assessor", lambda x: to_text(x, 120))
    trigger = block_value("trigger", lambda x: to_text(x, 4000))
    area_code = block_value("area", lambda x: to_text(x, 40))
    if not title:
        problems.append(
            Problem(sheet.name, None, _label("title"), N_("The header block needs the process (task) name."))
        )
    if assessed is None and "assessed_on" not in block:
        problems.append(
            Problem(
                sheet.name,
                None,
                _label("assessed_on"),
                N_("The header block needs the assessment date."),
            )
        )
    if not table.rows:
        problems.append(Problem(sheet.name, None, None, N_("The table has no hazards.")))
    with ws.reader() as conn:
        site = first_site_id(conn)
        area_id = None
        if area_code:
            area_id = conn.execute(
                select(areas.c.id).where(areas.c.code == area_code, areas.c.deleted_at.is_(None))
            ).scalar()
            if area_id is None:
                problems.append(
                    Problem(
                        sheet.name,
                        block["area"][0],
                        _("Area code"),
                        N_("No area with the code {code}."),
                        {"code": area_code},
                    )
                )
    out.problems += problems
    out.rows = len(table.rows)
    out.create = 1 + len(items) if not out.problems else 0
    out.sample = [
        {"task": i.task, "hazard_class": i.hazard_class, "situation": i.situation} for i in items[:20]
    ]
    if out.problems:
        return out
    out.payload = Payload(
        AssessmentHeader(
            title=title or "",
            assessment_type=kind or "regular",
            scale_code=scale.code,
            scale_version=scale.version,
            assessed_on=(assessed or date.today()).isoformat(),
            site_id=site,
            area_id=str(area_id) if area_id else None,
            trigger=trigger or "",
            lead_assessor=lead or "",
            participants=tuple(people),
            worker_rep_participated=bool(rep),
        ),
        scale,
        items,
    )
    return out


def _assessment_type(value: Any) -> str | None:
    text = to_text(value, 40)
    if text is None:
        return None
    words = {"최초": "initial", "정기": "regular", "수시": "adhoc", "상시": "continuous"}
    for word, code in words.items():
        if word in text:
            return code
    for code in ASSESSMENT_TYPES:
        label = ASSESSMENT_TYPE_LABELS[code]
        if norm(text) in (norm(code), norm(label), norm(_(label, "ko"))):
            return code
    raise BadValueError(N_("'{value}' is not an assessment type (최초/정기/수시/상시)."), value=text[:40])


def apply(tx: Tx, payload: Payload) -> Changes:
    """Insert the draft and its items (the same rules as ``services.risk.save_assessment``)."""
    values = risk_service._header_values(payload.header, payload.scale)
    new = tx.insert(risk_service.ENTITY, {**values, "status": "draft"}, summary=payload.header.title.strip())
    changes = tx.finish()  # the assessment's event first, then its items'
    rows = [
        risk_service._item_values(payload.scale, item, n, new)
        for n, item in enumerate(payload.items, start=1)
    ]
    bulk_create(tx, risk_service.ITEMS, rows)
    return changes | tx.finish()


# -- export -------------------------------------------------------------------------------------------


def latest_assessment(ws: Workspace) -> str:
    with ws.reader() as conn:
        found = conn.execute(
            select(risk_assessments.c.id)
            .where(risk_assessments.c.deleted_at.is_(None))
            .order_by(risk_assessments.c.assessed_on.desc(), risk_assessments.c.created_at.desc())
            .limit(1)
        ).scalar()
    if found is None:
        raise UserError(
            N_("There is no risk assessment to export."), N_("Make one on the Risk screen first.")
        )
    return str(found)


def export(ws: Workspace, path: Path, assessment_id: str | None = None) -> int:
    detail = assessment_detail(ws, assessment_id or latest_assessment(ws))
    h = detail.header
    scale = detail.scale
    with ws.reader() as conn:
        site = (
            conn.execute(select(sites.c.name).where(sites.c.id == h.site_id)).scalar() if h.site_id else None
        )
        area = (
            conn.execute(select(areas.c.code).where(areas.c.id == h.area_id)).scalar() if h.area_id else None
        )
    parts = "; ".join(f"{p.name} ({_(ROLE_LABELS.get(p.role, p.role))})" for p in h.participants)
    rows: list[Sequence[Any]] = [
        [_("Risk assessment table")],
        [_("Site"), site or ""],
        [_("Process (task)"), h.title],
        [_("Area code"), area or ""],
        [_("Assessed on"), h.assessed_on],
        [_("Type"), _(ASSESSMENT_TYPE_LABELS[h.assessment_type])],
        [_("Method and scale"), f"{scale.code} v{scale.version}", scale.label_ko],
        [_("Lead assessor"), h.lead_assessor],
        [_("Participating workers"), parts],
        [_("Worker representative took part"), _("Yes") if h.worker_rep_participated else _("No")],
        [_("Reason for the assessment"), h.trigger],
        [],
        [
            "",
            _("Hazard identification"),
            "",
            "",
            "",
            "",
            _("Current risk"),
            "",
            "",
            "",
            _("Risk after improvement"),
        ],
        [c.title() for c in COLUMNS],
    ]
    header_row = len(rows)
    matrix = scale.method is ScaleMethod.MATRIX
    levels = {lv.code: lv.label_ko for lv in scale.levels}
    for number, item in enumerate(detail.items, start=1):
        now = current_risk(scale, item) if matrix else None
        after = residual_risk(scale, item) if matrix else None
        rows.append(
            [
                number,
                item.task,
                _(HAZARD_CLASS_LABELS.get(item.hazard_class, item.hazard_class)),
                item.situation,
                item.legal_basis,
                item.current_controls,
                item.likelihood,
                item.severity,
                now.score if now else (levels.get(item.level or "", item.level) if not matrix else None),
                item.reduction_measures,
                item.residual_likelihood,
                item.residual_severity,
                after.score
                if after
                else (levels.get(item.residual_level or "", item.residual_level) if not matrix else None),
                item.planned_on,
                item.completed_on,
                item.owner_name,
                item.remarks,
                _(CODES[item.hierarchy]) if item.hierarchy else None,
            ]
        )
    write_rows(path, _(SHEET), rows, header_row=header_row)
    return len(detail.items)


__all__ = ["COLUMNS", "apply", "convert", "export", "preview"]
