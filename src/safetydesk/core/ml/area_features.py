"""Leading indicators of each plant area, as of any date (issue 5 part B).

The workspace history is read once with a few grouped queries (no query per area) into an
``AreaHistory`` of dated event arrays; indicators for one date or for every past month (training and
back-test) are then windowed counts over those arrays. Nothing here knows about scoring.

A day counts as known "as of" ``D`` when it is on or before ``D``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import text

from safetydesk.core.workspace.workspace import Workspace

WINDOWS: Final = (30, 90)
#: Severity potential of a failed checklist item (question rule ``severity``); no rule counts as low.
SEVERITY_WEIGHT: Final[Mapping[str, float]] = {"high": 3.0, "medium": 2.0, "low": 1.0}
#: Equipment kinds whose failure maims or kills (presses, cranes, robots, vessels, confined spaces).
HIGH_RISK_EQUIPMENT: Final = frozenset(
    {
        "press",
        "shear",
        "overhead_crane",
        "hoist",
        "crane",
        "industrial_robot",
        "forklift",
        "pressure_vessel",
        "storage_tank",
    }
)
#: Area hazard tags that mark high-risk work.
HIGH_RISK_WORK: Final = frozenset(
    {
        "press",
        "crane",
        "overhead_crane",
        "heavy_lift",
        "confined_space",
        "oxygen_deficiency",
        "hot_work",
        "organic_solvent",
        "chemicals",
    }
)
#: Assessments older than this no longer describe the area (a regular one is due every year).
RISK_ITEM_HORIZON_DAYS: Final = 400
INSPECTION_GAP_CAP: Final = 180

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]


@dataclass(frozen=True)
class Question:
    template_code: str
    key: str
    text_ko: str
    text_en: str
    hazard_group: str | None
    severity: str | None

    @property
    def weight(self) -> float:
        return SEVERITY_WEIGHT.get(self.severity or "low", 1.0)


@dataclass(frozen=True)
class AreaInfo:
    id: str
    code: str
    name: str
    name_en: str
    hazard_tags: tuple[str, ...]
    workers: int


@dataclass(frozen=True)
class FailedItem:
    """One checklist question that failed in an area (count in the window)."""

    question: Question
    count: int
    days: int


@dataclass(frozen=True)
class AreaFeatures:
    area: AreaInfo
    as_of: date
    failed_30: int
    failed_90: int
    failed_weighted_30: float
    failed_weighted_90: float
    failed_high_30: int
    top_failure: FailedItem | None
    open_actions: int
    overdue_actions: int
    near_misses_30: int
    near_misses_90: int
    incidents_90: int
    incidents_365: int
    unacceptable_risks: int
    high_risk_equipment: tuple[str, ...]  # kinds present (sorted)
    high_risk_equipment_count: int
    high_risk_work: tuple[str, ...]  # hazard tags (sorted)
    workers: int
    days_since_inspection: int | None
    inspections_90: int
    perfect_share_90: float | None
    inspectors_90: int


#: The numeric features a scorer sees, in matrix column order.
FEATURE_NAMES: Final = (
    "failed_weighted_30",
    "failed_weighted_90",
    "open_actions",
    "overdue_actions",
    "near_misses_90",
    "incidents_365",
    "unacceptable_risks",
    "high_risk_equipment",
    "high_risk_work",
    "log_workers",
    "inspection_gap",
    "always_perfect",
    "single_inspector",
)


@dataclass(frozen=True)
class _Stream:
    """Dated rows of one kind: area index, day ordinal, weight (and an optional label index)."""

    area: I64
    day: I64
    weight: F64
    label: I64

    def window(self, n_areas: int, lo: int, hi: int) -> F64:
        """Weighted count per area of rows with ``lo <= day < hi``."""
        mask = (self.day >= lo) & (self.day < hi)
        return np.bincount(self.area[mask], weights=self.weight[mask], minlength=n_areas).astype(np.float64)


def _stream(rows: Sequence[tuple[int, int, float, int]]) -> _Stream:
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return _Stream(empty, empty, np.zeros(0, dtype=np.float64), empty)
    arr = np.asarray(rows, dtype=np.float64)
    return _Stream(
        arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64), arr[:, 2], arr[:, 3].astype(np.int64)
    )


@dataclass(frozen=True)
class AreaHistory:
    """Everything the area scorers need, loaded once."""

    areas: tuple[AreaInfo, ...]
    questions: tuple[Question, ...]
    fails: _Stream  # label = question index, weight = count
    near_misses: _Stream
    incidents: _Stream  # every kind except near_miss
    actions_area: I64
    actions_opened: I64
    actions_due: I64
    actions_closed: I64  # a far-future ordinal while open
    risks_area: I64
    risks_assessed: I64
    risks_completed: I64  # far future while not completed
    risks_task: tuple[str, ...]
    inspections: _Stream  # weight = 1 if scored 100 %, label = inspector index
    high_risk_equipment: tuple[tuple[str, ...], ...]  # per area
    first_day: int  # ordinal of the earliest dated record (history start)

    @property
    def n_areas(self) -> int:
        return len(self.areas)

    def events(self) -> _Stream:
        """Incidents and near misses together: what the ranking tries to anticipate."""
        return _Stream(
            np.concatenate([self.near_misses.area, self.incidents.area]),
            np.concatenate([self.near_misses.day, self.incidents.day]),
            np.concatenate([self.near_misses.weight, self.incidents.weight]),
            np.concatenate([self.near_misses.label, self.incidents.label]),
        )


_FAR: Final = date(9999, 12, 31).toordinal()


def _ord(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value)[:10]).toordinal()
    except ValueError:
        return None


def _json(value: Any) -> Any:
    """Raw SQL hands JSON columns back as text."""
    if isinstance(value, str | bytes):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _questions(rows: Sequence[Any]) -> dict[tuple[str, str], Question]:
    """Severity and hazard group of every scored question, read from the template bodies."""
    out: dict[tuple[str, str], Question] = {}
    for template_id, code, raw in rows:
        body = _json(raw)
        if not isinstance(body, Mapping):
            continue
        for section in body.get("sections") or ():
            for q in section.get("questions") or ():
                if not isinstance(q, Mapping) or "key" not in q:
                    continue
                severity = None
                for rule in q.get("rules") or ():
                    if isinstance(rule, Mapping) and rule.get("when") == "fail" and rule.get("severity"):
                        severity = str(rule["severity"])
                raw_words = q.get("text")
                words: Mapping[str, Any] = raw_words if isinstance(raw_words, Mapping) else {}
                out[(str(template_id), str(q["key"]))] = Question(
                    template_code=str(code),
                    key=str(q["key"]),
                    text_ko=str(words.get("ko") or q["key"]),
                    text_en=str(words.get("en") or q["key"]),
                    hazard_group=q.get("hazard_group"),
                    severity=severity,
                )
    return out


_AREAS_SQL = text(
    "SELECT id, code, name, name_en, hazard_tags, workers_exposed FROM areas "
    "WHERE deleted_at IS NULL ORDER BY code"
)
_FAILS_SQL = text(
    "SELECT COALESCE(fr.area_id, eq.area_id) AS area, fr.template_id, fa.question_key, fr.performed_on, "
    "COUNT(*) FROM form_records fr JOIN form_answers fa ON fa.record_id = fr.id "
    "LEFT JOIN equipment eq ON eq.id = fr.equipment_id "
    "WHERE fr.failed_count > 0 AND fa.result = 'fail' AND fr.deleted_at IS NULL AND +fr.performed_on <= :as_of "
    "GROUP BY area, fr.template_id, fa.question_key, fr.performed_on"
)
_INCIDENTS_SQL = text(
    "SELECT area_id, kind = 'near_miss', substr(occurred_at, 1, 10) AS day, COUNT(*) FROM incidents "
    "WHERE deleted_at IS NULL AND area_id IS NOT NULL AND substr(occurred_at, 1, 10) <= :as_of "
    "GROUP BY area_id, kind = 'near_miss', day"
)
_ACTIONS_SQL = text(
    "SELECT COALESCE(ca.area_id, f.area_id) AS area, "
    "COALESCE(f.found_on, substr(ca.created_at, 1, 10)) AS opened, ca.due_on, "
    "CASE WHEN ca.status IN ('done', 'verified', 'cancelled') "
    "THEN COALESCE(ca.done_on, ca.verified_on, substr(ca.updated_at, 1, 10)) END AS closed, "
    "ca.status = 'cancelled', COUNT(*) "
    "FROM corrective_actions ca LEFT JOIN findings f ON f.id = ca.finding_id "
    "WHERE ca.deleted_at IS NULL GROUP BY area, opened, ca.due_on, closed, ca.status = 'cancelled'"
)
_RISKS_SQL = text(
    "SELECT ra.area_id, ra.assessed_on, ri.task, ri.completed_on FROM risk_items ri "
    "JOIN risk_assessments ra ON ra.id = ri.assessment_id "
    "WHERE ri.deleted_at IS NULL AND ra.deleted_at IS NULL AND ra.area_id IS NOT NULL "
    "AND ri.acceptable = 0 AND ra.assessed_on <= :as_of"
)
_INSPECTIONS_SQL = text(
    "SELECT COALESCE(fr.area_id, eq.area_id) AS area, fr.performed_on, "
    "COALESCE(fr.score_percent >= 100, 0) AS perfect, "
    "COALESCE(fr.performed_by_id, fr.performed_by_name, '') AS who, COUNT(*) "
    "FROM form_records fr LEFT JOIN equipment eq ON eq.id = fr.equipment_id "
    "WHERE fr.kind = 'inspection' AND fr.deleted_at IS NULL AND +fr.performed_on <= :as_of "
    "GROUP BY area, fr.performed_on, perfect, who"
)
_EQUIPMENT_SQL = text(
    "SELECT area_id, kind, COUNT(*) FROM equipment WHERE deleted_at IS NULL AND area_id IS NOT NULL "
    "AND (retired_on IS NULL OR retired_on > :as_of) GROUP BY area_id, kind"
)


def load_history(ws: Workspace, as_of: date) -> AreaHistory:
    """Read every dated indicator up to ``as_of`` (inclusive) in seven grouped queries."""
    params = {"as_of": as_of.isoformat()}
    with ws.reader() as conn:
        area_rows = conn.execute(_AREAS_SQL).all()
        template_rows = conn.execute(text("SELECT id, code, body FROM form_templates")).all()
        fail_rows = conn.execute(_FAILS_SQL, params).all()
        incident_rows = conn.execute(_INCIDENTS_SQL, params).all()
        action_rows = conn.execute(_ACTIONS_SQL).all()
        risk_rows = conn.execute(_RISKS_SQL, params).all()
        inspection_rows = conn.execute(_INSPECTIONS_SQL, params).all()
        equipment_rows = conn.execute(_EQUIPMENT_SQL, params).all()

    areas = tuple(
        AreaInfo(
            id=str(r[0]),
            code=str(r[1]),
            name=str(r[2]),
            name_en=str(r[3] or r[2]),
            hazard_tags=tuple(str(t) for t in (_json(r[4]) or ())),
            workers=int(r[5] or 0),
        )
        for r in area_rows
    )
    index = {a.id: i for i, a in enumerate(areas)}
    days: list[int] = []

    questions_by_key = _questions(template_rows)
    question_list: list[Question] = []
    question_index: dict[tuple[str, str], int] = {}
    fails: list[tuple[int, int, float, int]] = []
    for area_id, template_id, key, performed, count in fail_rows:
        a, d = index.get(area_id), _ord(performed)
        if a is None or d is None:
            continue
        qkey = (str(template_id), str(key))
        if qkey not in question_index:
            question_index[qkey] = len(question_list)
            question_list.append(
                questions_by_key.get(qkey) or Question("", str(key), str(key), str(key), None, None)
            )
        fails.append((a, d, float(count), question_index[qkey]))
        days.append(d)

    near: list[tuple[int, int, float, int]] = []
    other: list[tuple[int, int, float, int]] = []
    for area_id, is_near, day, count in incident_rows:
        a, d = index.get(area_id), _ord(day)
        if a is None or d is None:
            continue
        (near if is_near else other).append((a, d, float(count), 0))
        days.append(d)

    act_area: list[int] = []
    act_open: list[int] = []
    act_due: list[int] = []
    act_closed: list[int] = []
    for area_id, opened, due, closed, cancelled, count in action_rows:
        a, o = index.get(area_id), _ord(opened)
        if a is None or o is None:
            continue
        closed_day = _ord(closed) if closed is not None else None
        if cancelled and closed_day is None:
            continue
        for _ in range(int(count)):
            act_area.append(a)
            act_open.append(o)
            act_due.append(_ord(due) or _FAR)
            act_closed.append(closed_day if closed_day is not None else _FAR)

    risk_area: list[int] = []
    risk_assessed: list[int] = []
    risk_completed: list[int] = []
    risk_task: list[str] = []
    for area_id, assessed, task, completed in risk_rows:
        a, d = index.get(area_id), _ord(assessed)
        if a is None or d is None:
            continue
        risk_area.append(a)
        risk_assessed.append(d)
        risk_completed.append(_ord(completed) or _FAR)
        risk_task.append(str(task))

    inspector_index: dict[str, int] = {}
    inspections: list[tuple[int, int, float, int]] = []
    for area_id, performed, perfect, who, count in inspection_rows:
        a, d = index.get(area_id), _ord(performed)
        if a is None or d is None:
            continue
        label = inspector_index.setdefault(str(who), len(inspector_index))
        for _ in range(int(count)):
            inspections.append((a, d, 1.0 if perfect else 0.0, label))
        days.append(d)

    kinds: list[set[str]] = [set() for _ in areas]
    for area_id, kind, _count in equipment_rows:
        a = index.get(area_id)
        if a is not None and str(kind) in HIGH_RISK_EQUIPMENT:
            kinds[a].add(str(kind))

    def ints(values: list[int]) -> I64:
        return np.asarray(values, dtype=np.int64)

    return AreaHistory(
        areas=areas,
        questions=tuple(question_list),
        fails=_stream(fails),
        near_misses=_stream(near),
        incidents=_stream(other),
        actions_area=ints(act_area),
        actions_opened=ints(act_open),
        actions_due=ints(act_due),
        actions_closed=ints(act_closed),
        risks_area=ints(risk_area),
        risks_assessed=ints(risk_assessed),
        risks_completed=ints(risk_completed),
        risks_task=tuple(risk_task),
        inspections=_stream(inspections),
        high_risk_equipment=tuple(tuple(sorted(k)) for k in kinds),
        first_day=min(days) if days else as_of.toordinal(),
    )


def features_at(history: AreaHistory, as_of: date, *, with_items: bool = True) -> list[AreaFeatures]:
    """Every area's indicators with data known on ``as_of`` (inclusive).

    ``with_items=False`` skips naming the most-failed question (not needed for training rows).
    """
    n = history.n_areas
    day = as_of.toordinal()
    hi = day + 1

    def win(stream: _Stream, days: int) -> F64:
        return stream.window(n, hi - days, hi)

    failed_30, failed_90 = win(history.fails, 30), win(history.fails, 90)
    fails = history.fails
    fail_weights = np.asarray([q.weight for q in history.questions] or [1.0], dtype=np.float64)
    weighted = fails.weight * fail_weights[fails.label] if len(fails.label) else fails.weight
    wstream = _Stream(fails.area, fails.day, weighted, fails.label)
    failed_w30, failed_w90 = win(wstream, 30), win(wstream, 90)
    high = np.asarray([q.severity == "high" for q in history.questions] or [False])
    hstream = _Stream(fails.area, fails.day, fails.weight * high[fails.label], fails.label)
    failed_high_30 = win(hstream, 30)

    open_, overdue = _actions(history, day)
    unacceptable = _risks(history, day)
    last, count_90, perfect_90, inspectors = _inspections(history, day)

    out: list[AreaFeatures] = []
    near_30, near_90 = win(history.near_misses, 30), win(history.near_misses, 90)
    incidents_90, incidents_365 = win(history.incidents, 90), win(history.incidents, 365)
    for i, area in enumerate(history.areas):
        top = (_top_failure(history, i, hi, 30) or _top_failure(history, i, hi, 90)) if with_items else None
        out.append(
            AreaFeatures(
                area=area,
                as_of=as_of,
                failed_30=int(failed_30[i]),
                failed_90=int(failed_90[i]),
                failed_weighted_30=float(failed_w30[i]),
                failed_weighted_90=float(failed_w90[i]),
                failed_high_30=int(failed_high_30[i]),
                top_failure=top,
                open_actions=int(open_[i]),
                overdue_actions=int(overdue[i]),
                near_misses_30=int(near_30[i]),
                near_misses_90=int(near_90[i]),
                incidents_90=int(incidents_90[i]),
                incidents_365=int(incidents_365[i]),
                unacceptable_risks=int(unacceptable[i]),
                high_risk_equipment=history.high_risk_equipment[i],
                high_risk_equipment_count=len(history.high_risk_equipment[i]),
                high_risk_work=tuple(sorted(set(area.hazard_tags) & HIGH_RISK_WORK)),
                workers=area.workers,
                days_since_inspection=None if last[i] < 0 else day - int(last[i]),
                inspections_90=int(count_90[i]),
                perfect_share_90=float(perfect_90[i] / count_90[i]) if count_90[i] else None,
                inspectors_90=int(inspectors[i]),
            )
        )
    return out


def _top_failure(history: AreaHistory, area: int, hi: int, days: int) -> FailedItem | None:
    fails = history.fails
    mask = (fails.area == area) & (fails.day >= hi - days) & (fails.day < hi)
    if not mask.any():
        return None
    counts = np.bincount(fails.label[mask], weights=fails.weight[mask], minlength=len(history.questions))
    weights = np.asarray([q.weight for q in history.questions], dtype=np.float64)
    best = int(np.argmax(counts * weights + counts * 1e-3))
    return FailedItem(history.questions[best], int(counts[best]), days)


def _actions(history: AreaHistory, day: int) -> tuple[F64, F64]:
    n = history.n_areas
    is_open = (history.actions_opened <= day) & (history.actions_closed > day)
    overdue = is_open & (history.actions_due < day)
    return (
        np.bincount(history.actions_area[is_open], minlength=n).astype(np.float64),
        np.bincount(history.actions_area[overdue], minlength=n).astype(np.float64),
    )


def _risks(history: AreaHistory, day: int) -> F64:
    """Distinct tasks per area still unacceptable and without completed controls on ``day``."""
    live = (
        (history.risks_assessed <= day)
        & (history.risks_assessed > day - RISK_ITEM_HORIZON_DAYS)
        & (history.risks_completed > day)
    )
    seen: set[tuple[int, str]] = set()
    out = np.zeros(history.n_areas, dtype=np.float64)
    for i in np.flatnonzero(live):
        key = (int(history.risks_area[i]), history.risks_task[i])
        if key not in seen:
            seen.add(key)
            out[key[0]] += 1
    return out


def _inspections(history: AreaHistory, day: int) -> tuple[I64, F64, F64, F64]:
    n = history.n_areas
    ins = history.inspections
    known = ins.day <= day
    last = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last, ins.area[known], ins.day[known])
    recent = known & (ins.day > day - 90)
    count = np.bincount(ins.area[recent], minlength=n).astype(np.float64)
    perfect = np.bincount(ins.area[recent], weights=ins.weight[recent], minlength=n).astype(np.float64)
    pairs = {(int(a), int(w)) for a, w in zip(ins.area[recent], ins.label[recent], strict=True)}
    inspectors = np.zeros(n, dtype=np.float64)
    for a, _w in pairs:
        inspectors[a] += 1
    return last, count, perfect, inspectors


def feature_row(f: AreaFeatures) -> list[float]:
    """The numeric features of one area in ``FEATURE_NAMES`` order."""
    gap = INSPECTION_GAP_CAP if f.days_since_inspection is None else f.days_since_inspection
    return [
        f.failed_weighted_30,
        f.failed_weighted_90,
        float(f.open_actions),
        float(f.overdue_actions),
        float(f.near_misses_90),
        float(f.incidents_365),
        float(f.unacceptable_risks),
        float(f.high_risk_equipment_count),
        float(len(f.high_risk_work)),
        float(np.log1p(f.workers)),
        float(min(gap, INSPECTION_GAP_CAP)) / 30.0,
        1.0 if f.inspections_90 >= 3 and (f.perfect_share_90 or 0.0) >= 0.999 else 0.0,
        1.0 if f.inspections_90 >= 3 and f.inspectors_90 == 1 else 0.0,
    ]


def feature_matrix(features: Sequence[AreaFeatures]) -> F64:
    return np.asarray([feature_row(f) for f in features], dtype=np.float64).reshape(
        len(features), len(FEATURE_NAMES)
    )
