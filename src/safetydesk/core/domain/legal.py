"""Legal parameters as versioned data: retention, periods, education hours, inspection cycles, thresholds.

Laws change on known dates (the 2026 risk-assessment amendment, the 2023 education-hours reform), so every
value is looked up *as of a date* and the version in force on that date answers. The files are read by
``safetydesk.core.legaldata``; this module only parses already-loaded mappings and answers questions.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TypeVar

from safetydesk.core.domain.provenance import (
    Confidence,
    Fields,
    LegalDefinitionError,
    NotInForceError,
    UnknownCodeError,
    check_versions,
    group_by,
    in_force,
    pick_in_force,
    read_common,
    read_format,
)
from safetydesk.core.domain.risk import RiskScale

FORMAT = 1
T = TypeVar("T")
_CODE = re.compile(r"[a-z][a-z0-9_]*\Z")


class LegalInputError(ValueError):
    """Inputs that contradict each other (e.g. inspected before installed); shown to the person."""

    def __init__(self, message_ko: str, message_en: str) -> None:
        super().__init__(f"{message_en} / {message_ko}")
        self.message_ko = message_ko
        self.message_en = message_en


# --- calendar arithmetic --------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """Same day-of-month ``months`` later; a missing day becomes the month's last (Civil Act Art. 160③)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    """Calendar years, so 29 Feb plus one year is 28 Feb."""
    return add_months(day, 12 * years)


# --- half-years (반기) -----------------------------------------------------------------------------

_HALF_CODE = re.compile(r"(\d{4})H([12])\Z")


@dataclass(frozen=True, order=True)
class HalfYear:
    """반기: H1 = 1 Jan–30 Jun, H2 = 1 Jul–31 Dec (the definition in ``periods.toml``)."""

    year: int
    half: int

    def __post_init__(self) -> None:
        if self.half not in (1, 2) or not 1 <= self.year <= 9999:
            raise ValueError(f"not a half-year: {self.year}H{self.half}")

    @classmethod
    def containing(cls, day: date) -> HalfYear:
        return cls(day.year, 1 if day.month <= 6 else 2)

    @classmethod
    def parse(cls, code: str) -> HalfYear:
        match = _HALF_CODE.match(code.strip().upper())
        if match is None:
            raise ValueError(f"not a half-year code (expected e.g. 2026H1): {code!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def code(self) -> str:
        return f"{self.year:04d}H{self.half}"

    @property
    def start(self) -> date:
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> HalfYear:
        return HalfYear(self.year, 2) if self.half == 1 else HalfYear(self.year + 1, 1)

    def previous(self) -> HalfYear:
        return HalfYear(self.year - 1, 2) if self.half == 1 else HalfYear(self.year, 1)

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class HalfYearDefinition:
    first_half_months: tuple[int, int]
    second_half_months: tuple[int, int]
    effective_from: date
    effective_to: date | None
    source: str
    confidence: Confidence
    note: str = ""


# --- retention -------------------------------------------------------------------------------------


class CountFrom(StrEnum):
    COMPLETED = "completed"  # from the day the record is completed (e.g. an RA is finished)
    CARRIED_OUT = "carried_out"  # from the day the measure was carried out (SAPA Decree Art. 13)
    END_OF_CALENDAR_YEAR = "end_of_calendar_year"  # after the end of the record's calendar year (OSHA)


@dataclass(frozen=True)
class RetentionRule:
    kind: str
    years: int
    count_from: CountFrom
    label_ko: str
    label_en: str
    effective_from: date
    effective_to: date | None
    source: str
    confidence: Confidence
    note: str = ""

    def until(self, reference: date) -> date:
        """Last day the record must be kept, counted from ``reference`` as ``count_from`` says."""
        if self.count_from is CountFrom.END_OF_CALENDAR_YEAR:
            return date(reference.year + self.years, 12, 31)
        return add_years(reference, self.years)


# --- duty periods ----------------------------------------------------------------------------------


class PeriodUnit(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"


class Anchor(StrEnum):
    CALENDAR = "calendar"  # once in every calendar month/quarter/반기/year ("반기 1회 이상", "분기마다")
    ROLLING = "rolling"  # within N units of the last time ("6개월에 1회 이상", "3개월마다")


def calendar_window(unit: PeriodUnit, on: date) -> tuple[date, date]:
    """The calendar period of ``unit`` that contains ``on`` (weeks run Monday to Sunday)."""
    if unit is PeriodUnit.DAY:
        return on, on
    if unit is PeriodUnit.WEEK:
        start = on - timedelta(days=on.weekday())
        return start, start + timedelta(days=6)
    if unit is PeriodUnit.HALF_YEAR:
        half = HalfYear.containing(on)
        return half.start, half.end
    if unit is PeriodUnit.YEAR:
        return date(on.year, 1, 1), date(on.year, 12, 31)
    span = 1 if unit is PeriodUnit.MONTH else 3
    first_month = (on.month - 1) // span * span + 1
    start = date(on.year, first_month, 1)
    return start, add_months(start, span) - timedelta(days=1)


def add_period(day: date, unit: PeriodUnit, count: int) -> date:
    if unit is PeriodUnit.DAY:
        return day + timedelta(days=count)
    if unit is PeriodUnit.WEEK:
        return day + timedelta(weeks=count)
    months = {PeriodUnit.MONTH: 1, PeriodUnit.QUARTER: 3, PeriodUnit.HALF_YEAR: 6, PeriodUnit.YEAR: 12}[unit]
    return add_months(day, months * count)


@dataclass(frozen=True)
class DutyPeriod:
    code: str
    unit: PeriodUnit
    every: int
    anchor: Anchor
    label_ko: str
    label_en: str
    effective_from: date
    effective_to: date | None
    source: str
    confidence: Confidence
    note: str = ""

    def window(self, on: date) -> tuple[date, date]:
        """The calendar period in which the duty must be done at least once."""
        if self.anchor is not Anchor.CALENDAR:
            raise ValueError(f"{self.code} is counted from the last time done, not by calendar period")
        return calendar_window(self.unit, on)

    def due_after(self, last_done: date) -> date:
        """Latest day for the next occurrence after one done on ``last_done``."""
        if self.anchor is Anchor.ROLLING:
            return add_period(last_done, self.unit, self.every)
        _, end = calendar_window(self.unit, last_done)
        return calendar_window(self.unit, end + timedelta(days=1))[1]


@dataclass(frozen=True)
class ReminderPolicy:
    days_before: tuple[int, ...]
    effective_from: date
    effective_to: date | None
    source: str
    confidence: Confidence
    note: str = ""


# --- education -------------------------------------------------------------------------------------


class HoursPer(StrEnum):
    EVENT = "event"  # each hiring, change of work, special-work assignment
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"


@dataclass(frozen=True)
class EducationHours:
    course: str
    category: str
    hours: int
    per: HoursPer
    label_ko: str
    label_en: str
    effective_from: date
    effective_to: date | None
    source: str
    confidence: Confidence
    note: str = ""


# --- statutory safety inspections (안전검사) -------------------------------------------------------


class CountedFrom(StrEnum):
    INSTALLATION = "installation"  # 설치가 끝난 날
    REGISTRATION = "registration"  # 자동차관리법 신규등록 (mobile cranes, aerial work platforms)


@dataclass(frozen=True)
class InspectionCycle:
    """``statutory`` is False for kinds people expect but Rule Art. 126 does not list (e.g. forklifts)."""

    kind: str
    statutory: bool
    first_within_months: int | None
    then_every_months: int | None
    counted_from: CountedFrom | None
    label_ko: str
    label_en: str
    reason_ko: str
    reason_en: str
    effective_from: date
    effective_to: date | None
    source: str
    confidence: Confidence
    note: str = ""

    def next_due(self, installed_on: date, last_inspected_on: date | None) -> date | None:
        if not self.statutory or self.first_within_months is None or self.then_every_months is None:
            return None
        if last_inspected_on is None:
            return add_months(installed_on, self.first_within_months)
        if last_inspected_on < installed_on:
            raise LegalInputError(
                "검사일이 설치(등록)일보다 빠릅니다.",
                "The inspection date is before the installation (registration) date.",
            )
        return add_months(last_inspected_on, self.then_every_months)


# --- applicability thresholds ----------------------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    """Headcount band that triggers an obligation; ``max_workers`` is inclusive, None = no upper bound."""

    code: str
    min_workers: int
    max_workers: int | None
    industries: tuple[str, ...]
    counts_contractor_workers: bool
    label_ko: str
    label_en: str
    effective_from: date
    effective_to: date | None
    source: str
    confidence: Confidence
    note: str = ""

    def applies_to(self, workers: int) -> bool:
        return self.min_workers <= workers and (self.max_workers is None or workers <= self.max_workers)


@dataclass(frozen=True)
class ThresholdSet:
    """The thresholds in force on ``on``."""

    on: date
    items: tuple[Threshold, ...]

    def __iter__(self) -> Iterator[Threshold]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def get(self, code: str) -> Threshold:
        for item in self.items:
            if item.code == code:
                return item
        raise UnknownCodeError(
            f"{self.on.isoformat()}에 시행 중인 적용 기준 '{code}'이(가) 없습니다.",
            f"No applicability threshold '{code}' is in force on {self.on.isoformat()}.",
        )

    def applies(self, code: str, workers: int) -> bool:
        return self.get(code).applies_to(workers)


# --- parsing ---------------------------------------------------------------------------------------


def _code(entry: Fields, name: str) -> str:
    value = entry.text(name)
    if not _CODE.match(value):
        raise LegalDefinitionError(entry.path(name), f"{value!r} must be lower_snake_case")
    return value


def parse_risk_scales(data: Mapping[str, object]) -> tuple[RiskScale, ...]:
    doc = Fields(data, "")
    read_format(doc, FORMAT)
    scales: list[RiskScale] = []
    for entry in doc.tables("scale"):
        scales.append(RiskScale.from_mapping(entry.data, entry.key))
    doc.finish()
    for code, versions in group_by(scales, lambda s: s.code).items():
        key = f"scale[code={code}]"
        check_versions(versions, key)
        numbers = [v.version for v in versions]
        if len(set(numbers)) != len(numbers):
            raise LegalDefinitionError(key, f"scale {code!r}: duplicate version numbers")
        by_date = [v.version for v in sorted(versions, key=lambda v: v.effective_from)]
        if by_date != sorted(by_date):
            raise LegalDefinitionError(key, f"scale {code!r}: a later version number must take effect later")
    return tuple(scales)


def parse_retention(data: Mapping[str, object]) -> tuple[RetentionRule, ...]:
    doc = Fields(data, "")
    read_format(doc, FORMAT)
    rules: list[RetentionRule] = []
    for entry in doc.tables("rule"):
        common = read_common(entry)
        rules.append(
            RetentionRule(
                kind=_code(entry, "kind"),
                years=entry.integer("years", minimum=1),
                count_from=CountFrom(entry.choice("count_from", [c.value for c in CountFrom])),
                label_ko=entry.text("label_ko"),
                label_en=entry.text("label_en"),
                effective_from=common.effective_from,
                effective_to=common.effective_to,
                source=common.source,
                confidence=common.confidence,
                note=common.note,
            )
        )
        entry.finish()
    doc.finish()
    for kind, versions in group_by(rules, lambda r: r.kind).items():
        check_versions(versions, f"rule[kind={kind}]")
    return tuple(rules)


@dataclass(frozen=True)
class Periods:
    half_year: tuple[HalfYearDefinition, ...]
    duties: tuple[DutyPeriod, ...]
    reminders: tuple[ReminderPolicy, ...]


def _month_pair(entry: Fields, name: str) -> tuple[int, int]:
    pair = entry.integers(name, minimum=1)
    if len(pair) != 2 or pair[1] > 12 or pair[0] > pair[1]:
        raise LegalDefinitionError(entry.path(name), "expected [first_month, last_month]")
    return pair[0], pair[1]


def parse_periods(data: Mapping[str, object]) -> Periods:
    doc = Fields(data, "")
    read_format(doc, FORMAT)
    halves: list[HalfYearDefinition] = []
    for entry in doc.tables("half_year"):
        common = read_common(entry)
        first = _month_pair(entry, "first_half_months")
        second = _month_pair(entry, "second_half_months")
        if (first, second) != ((1, 6), (7, 12)):
            # HalfYear implements calendar halves; a different definition needs code, not just data.
            raise LegalDefinitionError(entry.key, "only calendar halves [1, 6] and [7, 12] are supported")
        halves.append(
            HalfYearDefinition(
                first_half_months=first,
                second_half_months=second,
                effective_from=common.effective_from,
                effective_to=common.effective_to,
                source=common.source,
                confidence=common.confidence,
                note=common.note,
            )
        )
        entry.finish()
    duties: list[DutyPeriod] = []
    for entry in doc.tables("duty"):
        common = read_common(entry)
        duty = DutyPeriod(
            code=_code(entry, "code"),
            unit=PeriodUnit(entry.choice("unit", [u.value for u in PeriodUnit])),
            every=entry.integer("every", minimum=1),
            anchor=Anchor(entry.choice("anchor", [a.value for a in Anchor])),
            label_ko=entry.text("label_ko"),
            label_en=entry.text("label_en"),
            effective_from=common.effective_from,
            effective_to=common.effective_to,
            source=common.source,
            confidence=common.confidence,
            note=common.note,
        )
        if duty.anchor is Anchor.CALENDAR and duty.every != 1:
            raise LegalDefinitionError(entry.path("every"), "a calendar-anchored duty must have every = 1")
        duties.append(duty)
        entry.finish()
    reminders: list[ReminderPolicy] = []
    for entry in doc.tables("reminder"):
        common = read_common(entry)
        days = entry.integers("days_before", minimum=0)
        if list(days) != sorted(set(days), reverse=True):
            raise LegalDefinitionError(entry.path("days_before"), "list distinct days, largest first")
        reminders.append(
            ReminderPolicy(
                days_before=days,
                effective_from=common.effective_from,
                effective_to=common.effective_to,
                source=common.source,
                confidence=common.confidence,
                note=common.note,
            )
        )
        entry.finish()
    doc.finish()
    check_versions(halves, "half_year")
    check_versions(reminders, "reminder")
    for code, versions in group_by(duties, lambda d: d.code).items():
        check_versions(versions, f"duty[code={code}]")
    return Periods(tuple(halves), tuple(duties), tuple(reminders))


def parse_education(data: Mapping[str, object]) -> tuple[EducationHours, ...]:
    doc = Fields(data, "")
    read_format(doc, FORMAT)
    rows: list[EducationHours] = []
    for entry in doc.tables("hours"):
        common = read_common(entry)
        rows.append(
            EducationHours(
                course=_code(entry, "course"),
                category=_code(entry, "category"),
                hours=entry.integer("hours", minimum=1),
                per=HoursPer(entry.choice("per", [p.value for p in HoursPer])),
                label_ko=entry.text("label_ko"),
                label_en=entry.text("label_en"),
                effective_from=common.effective_from,
                effective_to=common.effective_to,
                source=common.source,
                confidence=common.confidence,
                note=common.note,
            )
        )
        entry.finish()
    doc.finish()
    for key, versions in group_by(rows, lambda r: f"{r.course}/{r.category}").items():
        check_versions(versions, f"hours[{key}]")
    return tuple(rows)


def parse_statutory_inspections(data: Mapping[str, object]) -> tuple[InspectionCycle, ...]:
    doc = Fields(data, "")
    read_format(doc, FORMAT)
    cycles: list[InspectionCycle] = []
    for entry in doc.tables("equipment"):
        common = read_common(entry)
        kind = _code(entry, "kind")
        statutory = entry.boolean("statutory")
        if statutory:
            first: int | None = entry.integer("first_within_months", minimum=1)
            then: int | None = entry.integer("then_every_months", minimum=1)
            counted: CountedFrom | None = CountedFrom(
                entry.choice("counted_from", [c.value for c in CountedFrom])
            )
            reason_ko, reason_en = entry.opt_text("reason_ko"), entry.opt_text("reason_en")
        else:
            for name in ("first_within_months", "then_every_months", "counted_from"):
                if entry.has(name):
                    raise LegalDefinitionError(entry.path(name), "a non-statutory kind has no cycle")
            first = then = counted = None
            reason_ko, reason_en = entry.text("reason_ko"), entry.text("reason_en")
        cycles.append(
            InspectionCycle(
                kind=kind,
                statutory=statutory,
                first_within_months=first,
                then_every_months=then,
                counted_from=counted,
                label_ko=entry.text("label_ko"),
                label_en=entry.text("label_en"),
                reason_ko=reason_ko,
                reason_en=reason_en,
                effective_from=common.effective_from,
                effective_to=common.effective_to,
                source=common.source,
                confidence=common.confidence,
                note=common.note,
            )
        )
        entry.finish()
    doc.finish()
    for kind, versions in group_by(cycles, lambda c: c.kind).items():
        check_versions(versions, f"equipment[kind={kind}]")
    return tuple(cycles)


def parse_thresholds(data: Mapping[str, object]) -> tuple[Threshold, ...]:
    doc = Fields(data, "")
    read_format(doc, FORMAT)
    items: list[Threshold] = []
    for entry in doc.tables("threshold"):
        common = read_common(entry)
        low = entry.integer("min_workers", minimum=0)
        high = entry.opt_integer("max_workers", minimum=low)
        items.append(
            Threshold(
                code=_code(entry, "code"),
                min_workers=low,
                max_workers=high,
                industries=entry.texts("industries"),
                counts_contractor_workers=(
                    entry.boolean("counts_contractor_workers")
                    if entry.has("counts_contractor_workers")
                    else False
                ),
                label_ko=entry.text("label_ko"),
                label_en=entry.text("label_en"),
                effective_from=common.effective_from,
                effective_to=common.effective_to,
                source=common.source,
                confidence=common.confidence,
                note=common.note,
            )
        )
        entry.finish()
    doc.finish()
    for code, versions in group_by(items, lambda t: t.code).items():
        check_versions(versions, f"threshold[code={code}]")
    return tuple(items)


# --- the container ---------------------------------------------------------------------------------


class LegalData:
    """All legal parameters, answered as of a date. Immutable once built."""

    def __init__(
        self,
        *,
        risk_scales: Sequence[RiskScale],
        retention: Sequence[RetentionRule],
        periods: Periods,
        education: Sequence[EducationHours],
        inspections: Sequence[InspectionCycle],
        thresholds: Sequence[Threshold],
    ) -> None:
        self._scales = group_by(risk_scales, lambda s: s.code)
        self._retention = group_by(retention, lambda r: r.kind)
        self._half_year = tuple(periods.half_year)
        self._duties = group_by(periods.duties, lambda d: d.code)
        self._reminders = tuple(periods.reminders)
        self._education = group_by(education, lambda e: f"{e.course}/{e.category}")
        self._inspections = group_by(inspections, lambda c: c.kind)
        self._thresholds = tuple(thresholds)

    # risk scales
    def risk_scale_codes(self) -> tuple[str, ...]:
        return tuple(self._scales)

    def risk_scale(self, code: str, on: date, version: int | None = None) -> RiskScale:
        """The scale in force on ``on``; with ``version``, exactly that version (to re-read old records)."""
        versions = _versions(self._scales, code, "위험성 척도", "risk scale")
        if version is None:
            return pick_in_force(versions, on, f"risk scale {code}")
        for scale in versions:
            if scale.version == version:
                return scale
        raise UnknownCodeError(
            f"위험성 척도 '{code}'의 버전 {version}이(가) 없습니다.",
            f"Risk scale '{code}' has no version {version}.",
        )

    # retention
    def retention_kinds(self) -> tuple[str, ...]:
        return tuple(self._retention)

    def retention(self, kind: str, on: date) -> RetentionRule:
        return pick_in_force(_versions(self._retention, kind, "보존 기록 종류", "record kind"), on, kind)

    def retention_until(self, kind: str, completed_on: date) -> date:
        """Keep-until date under the rule in force when the record was completed (or carried out)."""
        return self.retention(kind, completed_on).until(completed_on)

    # periods
    def half_year(self, day: date) -> HalfYear:
        pick_in_force(self._half_year, day, "half-year definition")
        return HalfYear.containing(day)

    def duty_codes(self) -> tuple[str, ...]:
        return tuple(self._duties)

    def duty(self, code: str, on: date) -> DutyPeriod:
        return pick_in_force(_versions(self._duties, code, "의무 주기", "duty period"), on, code)

    def reminder_offsets(self, on: date) -> tuple[int, ...]:
        return pick_in_force(self._reminders, on, "reminder offsets").days_before

    # education
    def education_hours(self, course: str, category: str, on: date) -> EducationHours:
        key = f"{course}/{category}"
        return pick_in_force(
            _versions(self._education, key, "교육 과정/대상", "education course/category"), on, key
        )

    # statutory inspections
    def inspection_kinds(self) -> tuple[str, ...]:
        return tuple(self._inspections)

    def inspection_cycle(self, kind: str, on: date) -> InspectionCycle:
        return pick_in_force(_versions(self._inspections, kind, "설비 종류", "equipment kind"), on, kind)

    def next_statutory_inspection(
        self, kind: str, installed_on: date, last_inspected_on: date | None, on: date
    ) -> date | None:
        """Due date of the next 안전검사 under the rule in force on ``on``; None if the kind has no cycle."""
        return self.inspection_cycle(kind, on).next_due(installed_on, last_inspected_on)

    # thresholds
    def thresholds(self, on: date) -> ThresholdSet:
        current: list[Threshold] = []
        for code, versions in group_by(self._thresholds, lambda t: t.code).items():
            if any(in_force(v, on) for v in versions):
                current.append(pick_in_force(versions, on, code))
        if not current:
            pick_in_force(self._thresholds, on, "applicability thresholds")  # raises with the reason
        return ThresholdSet(on, tuple(current))


def _versions(index: Mapping[str, list[T]], code: str, what_ko: str, what_en: str) -> list[T]:
    try:
        return index[code]
    except KeyError:
        raise UnknownCodeError(f"알 수 없는 {what_ko}: '{code}'", f"Unknown {what_en}: '{code}'") from None


__all__ = [
    "Anchor",
    "Confidence",
    "CountFrom",
    "CountedFrom",
    "DutyPeriod",
    "EducationHours",
    "HalfYear",
    "HalfYearDefinition",
    "HoursPer",
    "InspectionCycle",
    "LegalData",
    "LegalDefinitionError",
    "LegalInputError",
    "NotInForceError",
    "PeriodUnit",
    "Periods",
    "ReminderPolicy",
    "RetentionRule",
    "Threshold",
    "ThresholdSet",
    "UnknownCodeError",
    "add_months",
    "add_years",
]
