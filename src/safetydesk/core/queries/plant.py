"""Read-only plant data for the plant screen: sites, areas with their outlines, one machine, kinds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from safetydesk.core.db.tables import areas, equipment, site_headcounts, sites
from safetydesk.core.domain.plant import EXTRA_KINDS, statutory_kind
from safetydesk.core.errors import NotFoundError
from safetydesk.core.i18n import N_
from safetydesk.core.workspace.workspace import Workspace


@dataclass(frozen=True)
class SiteSummary:
    id: str
    name: str
    name_en: str
    floor_plan_sha256: str | None


@dataclass(frozen=True)
class Headcount:
    id: str
    effective_from: str
    regular_workers: int
    contractor_workers: int
    note: str

    @property
    def total(self) -> int:
        return self.regular_workers + self.contractor_workers


@dataclass(frozen=True)
class SiteDetail:
    id: str
    name: str
    name_en: str
    address: str
    business_reg_no: str
    insurance_no: str
    ksic_code: str
    industry: str
    uses_contractors: bool
    floor_plan_sha256: str | None
    headcount: Headcount | None  # the one in force today


@dataclass(frozen=True)
class AreaDetail:
    id: str
    site_id: str
    code: str
    name: str
    name_en: str
    hazard_tags: tuple[str, ...]
    workers_exposed: int
    polygon: tuple[tuple[float, float], ...]  # empty when no outline is drawn yet
    description: str


@dataclass(frozen=True)
class EquipmentDetail:
    id: str
    site_id: str
    area_id: str | None
    code: str
    name: str
    kind: str
    maker: str
    model: str
    serial_no: str
    capacity: str
    installed_on: str | None
    last_inspected_on: str | None
    next_inspection_due: str | None
    certificate_no: str
    retired_on: str | None


@dataclass(frozen=True)
class EquipmentKind:
    """A machine kind the form offers, with the statutory cycle that applies to it (if any)."""

    code: str
    label_ko: str
    label_en: str
    statutory: bool
    first_within_months: int | None
    then_every_months: int | None
    source: str
    reason_ko: str
    reason_en: str
    case_of: str | None  # e.g. a hoist is a case of "crane"

    def label(self, lang: str) -> str:
        return self.label_ko if lang == "ko" else self.label_en


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def list_sites(ws: Workspace) -> tuple[SiteSummary, ...]:
    with ws.reader() as conn:
        rows = conn.execute(
            select(sites.c.id, sites.c.name, sites.c.name_en, sites.c.floor_plan_sha256)
            .where(sites.c.deleted_at.is_(None))
            .order_by(sites.c.created_at, sites.c.id)
        ).all()
    return tuple(SiteSummary(r.id, r.name, _text(r.name_en), r.floor_plan_sha256) for r in rows)


def site_detail(ws: Workspace, site_id: str, today: date | None = None) -> SiteDetail:
    on = (today or date.today()).isoformat()
    with ws.reader() as conn:
        row = conn.execute(select(sites).where(sites.c.id == site_id)).mappings().first()
        if row is None or row["deleted_at"]:
            raise NotFoundError(
                N_("The site no longer exists."), N_("It may have been removed; refresh the list.")
            )
        head = (
            conn.execute(
                select(site_headcounts)
                .where(
                    site_headcounts.c.site_id == site_id,
                    site_headcounts.c.deleted_at.is_(None),
                    site_headcounts.c.effective_from <= on,
                )
                .order_by(site_headcounts.c.effective_from.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
    headcount = (
        Headcount(
            head["id"],
            head["effective_from"],
            int(head["regular_workers"]),
            int(head["contractor_workers"] or 0),
            _text(head["note"]),
        )
        if head
        else None
    )
    return SiteDetail(
        id=row["id"],
        name=row["name"],
        name_en=_text(row["name_en"]),
        address=_text(row["address"]),
        business_reg_no=_text(row["business_reg_no"]),
        insurance_no=_text(row["insurance_no"]),
        ksic_code=_text(row["ksic_code"]),
        industry=_text(row["industry"]),
        uses_contractors=bool(row["uses_contractors"]),
        floor_plan_sha256=row["floor_plan_sha256"],
        headcount=headcount,
    )


def _polygon(value: Any) -> tuple[tuple[float, float], ...]:
    if not isinstance(value, list):
        return ()
    points: list[tuple[float, float]] = []
    for point in value:
        if isinstance(point, (list, tuple)) and len(point) == 2:
            try:
                points.append((float(point[0]), float(point[1])))
            except (TypeError, ValueError):
                return ()
    return tuple(points) if len(points) >= 3 else ()


def _area(row: Mapping[Any, Any]) -> AreaDetail:
    tags = row["hazard_tags"] if isinstance(row["hazard_tags"], list) else []
    return AreaDetail(
        id=row["id"],
        site_id=row["site_id"],
        code=row["code"],
        name=row["name"],
        name_en=_text(row["name_en"]),
        hazard_tags=tuple(str(t) for t in tags),
        workers_exposed=int(row["workers_exposed"] or 0),
        polygon=_polygon(row["polygon"]),
        description=_text(row["description"]),
    )


def site_areas(ws: Workspace, site_id: str) -> tuple[AreaDetail, ...]:
    with ws.reader() as conn:
        rows = (
            conn.execute(
                select(areas)
                .where(areas.c.site_id == site_id, areas.c.deleted_at.is_(None))
                .order_by(areas.c.code, areas.c.id)
            )
            .mappings()
            .all()
        )
    return tuple(_area(r) for r in rows)


def area_detail(ws: Workspace, area_id: str) -> AreaDetail:
    with ws.reader() as conn:
        row = conn.execute(select(areas).where(areas.c.id == area_id)).mappings().first()
    if row is None or row["deleted_at"]:
        raise NotFoundError(
            N_("The area no longer exists."), N_("It may have been removed; refresh the list.")
        )
    return _area(row)


def equipment_detail(ws: Workspace, equipment_id: str) -> EquipmentDetail:
    with ws.reader() as conn:
        row = conn.execute(select(equipment).where(equipment.c.id == equipment_id)).mappings().first()
    if row is None or row["deleted_at"]:
        raise NotFoundError(
            N_("The machine no longer exists."), N_("It may have been removed; refresh the list.")
        )
    return EquipmentDetail(
        id=row["id"],
        site_id=row["site_id"],
        area_id=row["area_id"],
        code=row["code"],
        name=row["name"],
        kind=row["kind"],
        maker=_text(row["maker"]),
        model=_text(row["model"]),
        serial_no=_text(row["serial_no"]),
        capacity=_text(row["capacity"]),
        installed_on=row["installed_on"],
        last_inspected_on=row["last_inspected_on"],
        next_inspection_due=row["next_inspection_due"],
        certificate_no=_text(row["certificate_no"]),
        retired_on=row["retired_on"],
    )


def equipment_kinds(on: date | None = None) -> tuple[EquipmentKind, ...]:
    """The Art. 126 kinds in force on ``on`` (from the legal data), then the everyday extra kinds."""
    from safetydesk.core.domain.provenance import LegalLookupError
    from safetydesk.core.legaldata import load_legal_data

    day = on or date.today()
    legal = load_legal_data()
    kinds: dict[str, EquipmentKind] = {}
    for code in legal.inspection_kinds():
        try:
            cycle = legal.inspection_cycle(code, day)
        except LegalLookupError:
            continue  # not yet (or no longer) in force
        kinds[code] = EquipmentKind(
            code=code,
            label_ko=cycle.label_ko,
            label_en=cycle.label_en,
            statutory=cycle.statutory,
            first_within_months=cycle.first_within_months,
            then_every_months=cycle.then_every_months,
            source=cycle.source,
            reason_ko=cycle.reason_ko,
            reason_en=cycle.reason_en,
            case_of=None,
        )
    known = frozenset(kinds)
    for extra in EXTRA_KINDS:
        target = statutory_kind(extra.code, known)
        base = kinds.get(target) if target else None
        kinds[extra.code] = EquipmentKind(
            code=extra.code,
            label_ko=extra.label_ko,
            label_en=extra.label_en,
            statutory=bool(base and base.statutory),
            first_within_months=base.first_within_months if base else None,
            then_every_months=base.then_every_months if base else None,
            source=base.source if base else "",
            reason_ko=base.reason_ko if base else "",
            reason_en=base.reason_en if base else "",
            case_of=target,
        )
    return tuple(kinds.values())
