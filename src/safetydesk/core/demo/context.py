"""Shared state of one demo build: the seeded generators, the people and machines, and helpers.

Every write goes through ``core.services`` (records, forms, attachments) so the audit chain and
the sync outbox are the real ones. Randomness comes from named streams derived from the seed, so
one part of the history (say, the pre-work checks) can change without reshuffling the others.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from safetydesk.core.demo import photos
from safetydesk.core.demo.company import AREAS, AreaSpec, EquipmentSpec, TeamSpec
from safetydesk.core.demo.texts import BEHAVIOUR_FIX_NOTES, BEHAVIOUR_KEYS, DEFECT_NOTES, FIX_NOTES
from safetydesk.core.domain.legal import LegalData
from safetydesk.core.forms.schema import FormTemplate
from safetydesk.core.services import forms
from safetydesk.core.services.attachments import store_bytes
from safetydesk.core.services.base import Tx, transaction
from safetydesk.core.services.forms import SEVERITY_DUE_DAYS, Answer, BulkForm, CompletedForm, GasReading
from safetydesk.core.workspace.workspace import Workspace

KST = timezone(timedelta(hours=9), "KST")
Progress = Callable[[int, int, str], None]

# Korean public holidays that move with the lunar calendar (설날, 추석: the day itself; the days
# before and after are holidays too). Fixed-date holidays are in ``_FIXED_HOLIDAYS``.
_LUNAR_HOLIDAYS: dict[int, tuple[date, date]] = {
    2014: (date(2014, 1, 31), date(2014, 9, 8)),
    2015: (date(2015, 2, 19), date(2015, 9, 27)),
    2016: (date(2016, 2, 8), date(2016, 9, 15)),
    2017: (date(2017, 1, 28), date(2017, 10, 4)),
    2018: (date(2018, 2, 16), date(2018, 9, 24)),
    2019: (date(2019, 2, 5), date(2019, 9, 13)),
    2020: (date(2020, 1, 25), date(2020, 10, 1)),
    2021: (date(2021, 2, 12), date(2021, 9, 21)),
    2022: (date(2022, 2, 1), date(2022, 9, 10)),
    2023: (date(2023, 1, 22), date(2023, 9, 29)),
    2024: (date(2024, 2, 10), date(2024, 9, 17)),
    2025: (date(2025, 1, 29), date(2025, 10, 6)),
    2026: (date(2026, 2, 17), date(2026, 9, 25)),
    2027: (date(2027, 2, 7), date(2027, 9, 15)),
    2028: (date(2028, 1, 27), date(2028, 10, 3)),
}
_FIXED_HOLIDAYS = ((1, 1), (3, 1), (5, 1), (5, 5), (6, 6), (8, 15), (10, 3), (10, 9), (12, 25))


def is_holiday(day: date) -> bool:
    if (day.month, day.day) in _FIXED_HOLIDAYS:
        return True
    lunar = _LUNAR_HOLIDAYS.get(day.year)
    if lunar and any(abs((day - d).days) <= 1 for d in lunar):
        return True
    # summer shutdown of the shipbuilding supply chain: the working days around 1 August
    return (day.month == 8 and 1 <= day.day <= 5) or (day.month == 7 and day.day >= 29)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_holiday(day)


def kst(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=KST)


def local_time(day: date, hour: int, minute: int = 0) -> str:
    """The ``YYYY-MM-DDTHH:MM`` text a datetime question stores (site-local time)."""
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


@dataclass(frozen=True)
class SizeConfig:
    years: int
    prework_share: float  # share of machine-days whose pre-work check is in the workspace
    tbm_share: float  # share of team-days with TBM minutes
    saturday_share: float  # share of Saturdays worked (특근)
    night_share: float  # share of months the press line and welding bay run a night shift
    near_misses_per_year: float
    suggestions_per_year: float


SIZES: dict[str, SizeConfig] = {
    "small": SizeConfig(2, 0.45, 0.3, 0.2, 0.45, 7.5, 7.0),
    "large": SizeConfig(10, 1.0, 1.0, 0.4, 0.8, 7.5, 7.0),
}


@dataclass
class Person:
    id: str
    name: str
    kind: str
    job_type: str
    title: str
    team: str | None
    roles: tuple[str, ...]
    hired_on: date
    left_on: date | None = None
    language: str = "ko"
    nationality: str = "KR"
    contractor: str | None = None
    signature: str | None = None

    def employed(self, day: date) -> bool:
        return self.hired_on <= day and (self.left_on is None or day < self.left_on)


@dataclass(frozen=True)
class Area:
    id: str
    spec: AreaSpec


@dataclass(frozen=True)
class Machine:
    id: str
    spec: EquipmentSpec
    area: Area
    installed_on: date


@dataclass
class ActionPlan:
    """A corrective action and what will have happened to it by ``today``."""

    action_id: str
    finding_id: str | None
    found_on: date
    due_on: date
    severity: str
    owner: Person
    area: Area | None
    title: str
    source: str
    status: str = "open"
    done_on: date | None = None
    verified_on: date | None = None
    set_due: bool = False


@dataclass
class Demo:
    ws: Workspace
    seed: int
    size: str
    config: SizeConfig
    today: date
    start: date
    legal: LegalData
    progress: Progress | None = None
    site_id: str = ""
    policy_id: str = ""
    people: list[Person] = field(default_factory=list)
    areas: dict[str, Area] = field(default_factory=dict)
    machines: list[Machine] = field(default_factory=list)
    contractors: dict[str, str] = field(default_factory=dict)
    templates: dict[str, tuple[str, FormTemplate]] = field(default_factory=dict)
    actions: list[ActionPlan] = field(default_factory=list)
    photos: int = 0
    answers_written: int = 0
    step: int = 0
    total_steps: int = 1
    tbm_suggestions: dict[tuple[str, date], str] = field(default_factory=dict)
    _streams: dict[str, random.Random] = field(default_factory=dict)
    _workdays: list[date] | None = None

    # -- randomness ------------------------------------------------------------------------------

    def rng(self, stream: str) -> random.Random:
        """A generator for one part of the history, derived from the seed and the part's name."""
        if stream not in self._streams:
            self._streams[stream] = random.Random(f"{self.seed}:{stream}")
        return self._streams[stream]

    # -- calendar ------------------------------------------------------------------------------

    def working_days(self) -> list[date]:
        """Working days from ``start`` to the day before ``today``, with some Saturdays (특근)."""
        if self._workdays is None:
            rng = self.rng("calendar")
            days: list[date] = []
            day = self.start
            while day < self.today:
                if is_working_day(day) or (
                    day.weekday() == 5 and not is_holiday(day) and rng.random() < self.config.saturday_share
                ):
                    days.append(day)
                day += timedelta(days=1)
            self._workdays = days
        return self._workdays

    def night_shift(self, day: date) -> bool:
        """Whether the press line and the welding bay also run a night shift that day (busy months)."""
        month = random.Random(f"{self.seed}:night:{day.year}-{day.month}")
        return day.weekday() < 5 and month.random() < self.config.night_share

    def workday_near(self, day: date, *, after: bool = True) -> date:
        """The nearest working day on or after (or before) ``day``."""
        step = timedelta(days=1 if after else -1)
        while not is_working_day(day):
            day += step
        return day

    def months(self) -> list[date]:
        """First day of every month of the history."""
        out: list[date] = []
        m = date(self.start.year, self.start.month, 1)
        while m < self.today:
            out.append(m)
            m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
        return out

    def tick(self, step: int, total: int, text: str) -> None:
        if self.progress is not None:
            self.progress(step, total, text)

    # -- people --------------------------------------------------------------------------------

    def by_role(self, role: str, day: date | None = None) -> list[Person]:
        return [p for p in self.people if role in p.roles and (day is None or p.employed(day))]

    def one(self, role: str) -> Person:
        return next(p for p in self.people if role in p.roles)

    @property
    def officer(self) -> Person:
        return self.one("safety_health_coordinator")

    @property
    def owner(self) -> Person:
        return self.one("ceo")

    @property
    def plant_manager(self) -> Person:
        return self.one("safety_health_manager")

    @property
    def worker_rep(self) -> Person:
        return self.one("worker_rep")

    def supervisor(self, team: str) -> Person:
        return next(
            p
            for p in self.people
            if p.team == team and p.kind == "supervisor" and "night_shift_lead" not in p.roles
        )

    def night_lead(self, team: str) -> Person:
        return next(p for p in self.people if p.team == team and "night_shift_lead" in p.roles)

    def team_members(self, team: str, day: date) -> list[Person]:
        return [p for p in self.people if p.team == team and p.kind == "worker" and p.employed(day)]

    def contractor_workers(self, key: str) -> list[Person]:
        return [p for p in self.people if p.contractor == key]

    def area_team(self, area: Area) -> str:
        return area.spec.team

    def area_owner(self, area: Area | None) -> Person:
        return self.supervisor(area.spec.team) if area else self.officer

    def area_spec(self, code: str) -> AreaSpec:
        return next(a for a in AREAS if a.code == code)

    def machine(self, code: str) -> Machine:
        return next(m for m in self.machines if m.spec.code == code)

    # -- attachments ---------------------------------------------------------------------------

    def signature(self, person: Person) -> str:
        if person.signature is None:
            data = photos.signature_png(person.name, self.rng("signatures").randrange(1 << 30))
            with transaction(self.ws, person.name) as tx:
                person.signature = store_bytes(tx, data, mime="image/png", name=f"서명_{person.name}.png")
        return person.signature

    def store_photo(self, data: bytes, name: str, actor: str) -> str:
        with transaction(self.ws, actor) as tx:
            sha = store_bytes(tx, data, mime="image/jpeg", name=name)
        self.photos += 1
        return sha

    def defect_photo(self, *, title: str, where: str, day: date, hour: int, actor: str, tint: Any) -> str:
        rng = self.rng("photos")
        minute = rng.randint(0, 59)
        data = photos.defect_photo(
            rng.randrange(1 << 30),
            title=title,
            subtitle=where,
            stamp=f"{day.isoformat()} {hour:02d}:{minute:02d}",
            tint=tint,
        )
        return self.store_photo(data, f"IMG_{day.strftime('%Y%m%d')}_{hour:02d}{minute:02d}.jpg", actor)

    # -- forms ---------------------------------------------------------------------------------

    def template(self, code: str) -> FormTemplate:
        return self.templates[code][1]

    def answers(
        self,
        code: str,
        *,
        day: date,
        person: Person,
        signer: Person,
        fails: Iterable[str] = (),
        na: Iterable[str] = (),
        values: Mapping[str, Answer] | None = None,
        time: tuple[int, int] = (8, 0),
    ) -> dict[str, Answer]:
        """Answers for every question: pass by default, the given keys failed or N/A, and overrides."""
        failed = set(fails)
        skipped = set(na)
        given = dict(values or {})
        out: dict[str, Answer] = {}
        for _section, q in self.template(code).questions():
            if q.key in given:
                out[q.key] = given[q.key]
                continue
            match q.type:
                case "yes_no_na":
                    result = "fail" if q.key in failed else "na" if q.key in skipped else "pass"
                    note = self.defect_note(q.key) if result == "fail" else None
                    out[q.key] = Answer(result=result, note=note)
                case "date":
                    out[q.key] = Answer(text=day.isoformat())
                case "datetime":
                    out[q.key] = Answer(text=local_time(day, *time))
                case "person":
                    if q.required:
                        out[q.key] = Answer(text=person.name)
                case "signature":
                    out[q.key] = Answer(attachments=(self.signature(signer),))
                case "gas_readings":
                    out[q.key] = Answer(result="pass")
                case "choice":
                    if q.required:
                        out[q.key] = Answer(text=q.options[0].value)
                case "number":
                    if q.required:
                        low = q.min if q.min is not None else 0.0
                        high = q.max if q.max is not None else low + 10.0
                        out[q.key] = Answer(number=round((low + high) / 2, 1))
                case _:
                    pass  # optional text, people, photo: only when given
        return out

    def defect_note(self, key: str) -> str:
        rng = self.rng("notes")
        notes = DEFECT_NOTES.get(key, ("이상 발견",))
        fixes = BEHAVIOUR_FIX_NOTES if key in BEHAVIOUR_KEYS else FIX_NOTES
        return f"{rng.choice(notes)} — {rng.choice(fixes)}"

    def fill_form(
        self,
        code: str,
        *,
        day: date,
        by: Person,
        answers: Mapping[str, Answer],
        area: Area | None = None,
        machine: Machine | None = None,
        header: Mapping[str, Any] | None = None,
        gas: Sequence[GasReading] | None = None,
        owner: Person | None = None,
        kind: str = "inspection",
    ) -> tuple[str, CompletedForm]:
        """Start, answer and complete one form the way a person does; plan the actions it opened."""
        template_id = self.templates[code][0]
        area = area or (machine.area if machine else None)
        created = forms.start_form(
            self.ws,
            template_id,
            performed_on=day,
            actor=by.name,
            site_id=self.site_id,
            area_id=area.id if area else None,
            equipment_id=machine.id if machine else None,
            performed_by_id=by.id,
            performed_by_name=by.name,
            header=dict(header or {}),
        )
        forms.save_answers(self.ws, created.id, answers, gas=gas, actor=by.name)
        owner = owner or self.area_owner(area)
        done = forms.complete_form(self.ws, created.id, on=day, actor=by.name, owner_name=owner.name)
        self.answers_written += len(answers)
        template = self.template(code)
        for key, finding_id, action_id in zip(
            done.score.findings_to_create, done.finding_ids, done.action_ids, strict=True
        ):
            question = template.question(key)
            rule = question.fail_rule
            severity = (rule.severity if rule else None) or "medium"
            self.plan_action(
                action_id,
                finding_id,
                found_on=day,
                severity=severity,
                owner=owner,
                area=area,
                title=question.text.ko,
                source=kind,
            )
        return created.id, done

    def bulk(self, forms_: Sequence[BulkForm], actor: str) -> None:
        if forms_:
            self.answers_written += forms.bulk_import_completed(self.ws, forms_, actor=actor)

    # -- corrective actions ------------------------------------------------------------------------

    def plan_action(
        self,
        action_id: str,
        finding_id: str | None,
        *,
        found_on: date,
        severity: str,
        owner: Person,
        area: Area | None,
        title: str,
        source: str,
        due_on: date | None = None,
    ) -> ActionPlan:
        """Decide now what will have happened to a new action by ``today`` (written at the end)."""
        rng = self.rng("actions")
        due = due_on or found_on + timedelta(days=SEVERITY_DUE_DAYS.get(severity, 30))
        plan = ActionPlan(
            action_id,
            finding_id,
            found_on,
            due,
            severity,
            owner,
            area,
            title,
            source,
            set_due=due_on is not None,
        )
        last = self.today - timedelta(days=1)
        span = max(1, (due - found_on).days)
        quick = source == "prework_check"  # Art. 35③: fix defects of pre-work checks at once
        roll = rng.random()
        if due >= self.today:
            # not due yet: many still open, some already done
            if roll < 0.45:
                plan.status = "open"
            elif roll < 0.7:
                plan.status = "in_progress"
            else:
                plan.done_on = min(last, found_on + timedelta(days=rng.randint(1, max(1, span // 2))))
        else:
            recent = (self.today - found_on).days <= 120
            stuck = 0.35 if recent else 0.03
            late = 0.15 if recent else 0.12
            if quick:
                stuck, late = stuck / 3, late / 3
            if roll < stuck:
                plan.status = "in_progress" if rng.random() < 0.5 else "open"
            elif roll < stuck + late:
                plan.done_on = min(last, due + timedelta(days=rng.randint(3, 45)))
            elif quick:
                plan.done_on = min(last, found_on + timedelta(days=rng.randint(0, 3)))
            else:
                plan.done_on = min(last, found_on + timedelta(days=rng.randint(1, span)))
        if plan.done_on is not None:
            plan.done_on = max(plan.done_on, found_on)
            plan.status = "done"
            verify = plan.done_on + timedelta(days=rng.randint(1, 10))
            if verify <= last and rng.random() < 0.92:
                plan.verified_on = verify
                plan.status = "verified"
        self.actions.append(plan)
        return plan

    def open_action(
        self,
        tx: Tx,
        *,
        source: str,
        source_id: str | None,
        found_on: date,
        description: str,
        severity: str,
        area: Area | None,
        owner: Person,
        found_by: str,
        hazard_group: str | None,
        hierarchy: str,
        machine: Machine | None = None,
        due_on: date | None = None,
    ) -> ActionPlan:
        finding_id, action_id = forms.open_finding_with_action(
            tx,
            source_kind=source,
            source_id=source_id,
            found_on=found_on,
            description=description,
            severity=severity,
            area_id=area.id if area else None,
            site_id=self.site_id,
            equipment_id=machine.id if machine else None,
            found_by=found_by,
            hazard_group=hazard_group,
            owner_name=owner.name,
            hierarchy=hierarchy,
        )
        return self.plan_action(
            action_id,
            finding_id,
            found_on=found_on,
            severity=severity,
            owner=owner,
            area=area,
            title=description,
            source=source,
            due_on=due_on,
        )


def team_spec(code: str, teams: Sequence[TeamSpec]) -> TeamSpec:
    return next(t for t in teams if t.code == code)
