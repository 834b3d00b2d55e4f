"""The company as it stands: site, settings, areas, floor plan, contractors, people and machines."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

from safetydesk.core.demo import photos
from safetydesk.core.demo.company import (
    AREAS,
    CONTRACTORS,
    EQUIPMENT,
    FLOOR_PLAN_SIZE,
    SITE,
    SITE_NAME_KO,
    TEAMS,
)
from safetydesk.core.demo.context import Area, Demo, Machine, Person
from safetydesk.core.demo.names import FOREIGN_WORKERS, NamePicker, phone
from safetydesk.core.domain.legal import add_months
from safetydesk.core.domain.provenance import LegalLookupError
from safetydesk.core.forms.library import load_shipped_templates
from safetydesk.core.queries.settings import (
    APPROVAL_TITLES,
    BACKUP_SCHEDULE,
    COMPANY_ADDRESS,
    COMPANY_BRN,
    COMPANY_LOGO,
    COMPANY_NAME,
    COMPANY_NAME_EN,
    COMPANY_REPRESENTATIVE,
    COMPANY_SEAL,
    COMPANY_SIGNATURE,
    UI_LANGUAGE,
)
from safetydesk.core.services import forms
from safetydesk.core.services.attachments import store_bytes
from safetydesk.core.services.base import Tx, transaction
from safetydesk.core.services.settings import save_settings


def build_company(demo: Demo) -> None:
    forms.install_shipped_templates(demo.ws, actor="SafetyDesk")
    with demo.ws.reader() as conn:
        for template in load_shipped_templates():
            template_id = forms.template_id_by_code(demo.ws, template.code)
            demo.templates[template.code] = (template_id, forms.load_template(conn, template_id))
    _people_plan(demo)
    officer = demo.officer
    with transaction(demo.ws, officer.name) as tx:
        _site(demo, tx)
        _areas(demo, tx)
        _contractors(demo, tx)
        _insert_people(demo, tx)
        _equipment(demo, tx)
        _headcounts(demo, tx)
    with tempfile.TemporaryDirectory(prefix="safetydesk-demo-") as folder:
        _save_settings(demo, Path(folder))


def _save_settings(demo: Demo, folder: Path) -> None:
    officer = demo.officer
    save_settings(
        demo.ws,
        {
            COMPANY_NAME: SITE["name"],
            COMPANY_NAME_EN: SITE["name_en"],
            COMPANY_ADDRESS: SITE["address"],
            COMPANY_BRN: SITE["business_reg_no"],
            COMPANY_REPRESENTATIVE: demo.owner.name,
            APPROVAL_TITLES: ["담당", "검토", "승인"],
            UI_LANGUAGE: "ko",
            BACKUP_SCHEDULE: "weekly",
        },
        images=_letterhead_images(demo, folder),
        actor=officer.name,
    )


def _letterhead_images(demo: Demo, folder: Path) -> dict[str, Path | None]:
    """Logo, company seal and the representative's signature, as files (settings take files)."""
    short = SITE_NAME_KO.replace("(주)", "")[:2]
    files = {
        COMPANY_LOGO: ("logo.png", photos.logo_png(short)),
        COMPANY_SEAL: ("seal.png", photos.seal_png([SITE_NAME_KO, "대표이사인"])),
        COMPANY_SIGNATURE: ("signature.png", photos.signature_png(demo.owner.name, 17)),
    }
    out: dict[str, Path | None] = {}
    for key, (name, data) in files.items():
        path = folder / name
        path.write_bytes(data)
        out[key] = path
    return out


def _site(demo: Demo, tx: Tx) -> None:
    plan = photos.floor_plan_png(
        [(a.code, a.name, a.polygon, a.colour) for a in AREAS], FLOOR_PLAN_SIZE, f"{SITE_NAME_KO} 공장 배치도"
    )
    sha = store_bytes(tx, plan, mime="image/png", name="공장배치도.png")
    demo.site_id = tx.insert("sites", {**SITE, "floor_plan_sha256": sha}, summary="demo site")
    tx.insert(
        "attachment_links",
        {
            "sha256": sha,
            "entity": "sites",
            "record_id": demo.site_id,
            "role": "floor_plan",
            "caption": "공장 배치도",
        },
    )


def _areas(demo: Demo, tx: Tx) -> None:
    for spec in AREAS:
        team = next(t for t in TEAMS if t.code == spec.team)
        exposed = {"CP": 2, "TK": 3, "WH": 4, "CR": 6}.get(spec.code, team.size + 1)
        area_id = tx.insert(
            "areas",
            {
                "site_id": demo.site_id,
                "code": spec.code,
                "name": spec.name,
                "name_en": spec.name_en,
                "hazard_tags": list(spec.hazard_tags),
                "workers_exposed": exposed,
                "polygon": [list(p) for p in spec.polygon],
                "description": spec.description,
            },
        )
        demo.areas[spec.code] = Area(area_id, spec)


def _contractors(demo: Demo, tx: Tx) -> None:
    rng = demo.rng("contractors")
    names = NamePicker(demo.rng("contractor-names"))
    for spec in CONTRACTORS:
        contact, _ = names.korean()
        start = demo.today - timedelta(days=spec.contract_age_days)
        demo.contractors[spec.key] = tx.insert(
            "contractors",
            {
                "name": spec.name,
                "business_reg_no": spec.business_reg_no,
                "work_scope": spec.work_scope,
                "contact_name": f"{contact} {spec.contact_title}",
                "contact_phone": phone(rng),
                "contract_from": start,
                "contract_to": date(demo.today.year, 12, 31),
                "safety_cost_standard": spec.safety_cost_standard,
                "building_period_standard": spec.building_period_standard,
            },
        )
        hired = max(start, demo.start - timedelta(days=400))
        for i in range(spec.workers):
            name, _name_en = (contact, "") if i == 0 else names.korean()
            demo.people.append(
                Person(
                    "",
                    name,
                    "contractor_worker",
                    "day" if spec.key == "noksan" else "production",
                    spec.contact_title if i == 0 else "작업자",
                    None,
                    ("contractor_lead",) if i == 0 else (),
                    hired + timedelta(days=rng.randint(0, 60)),
                    contractor=spec.key,
                )
            )


def _people_plan(demo: Demo) -> None:
    """Decide the workforce: who works where since when, and whom each recent hire replaced."""
    rng = demo.rng("people")
    names = NamePicker(demo.rng("names"))
    today, start = demo.today, demo.start
    history = (today - start).days
    founded = today - timedelta(days=max(6800, history + 400))

    def hire(min_days: int, max_days: int) -> date:
        return today - timedelta(days=rng.randint(min_days, max_days))

    def senior(min_days: int, max_days: int) -> date:
        """People the history needs from its first day (they sign its first records)."""
        return hire(max(min_days, history + 30), max(max_days, history + 900))

    def korean(
        kind: str,
        job_type: str,
        title: str,
        team: str | None,
        roles: tuple[str, ...],
        hired_on: date,
        female: bool = False,
    ) -> Person:
        name, _en = names.korean(female=female)
        person = Person("", name, kind, job_type, title, team, roles, hired_on)
        demo.people.append(person)
        return person

    korean("owner", "office", "대표이사", None, ("ceo", "management_responsible"), founded)
    korean("manager", "office", "공장장", None, ("safety_health_manager", "fire_warden"), senior(3000, 6000))
    korean(
        "manager",
        "office",
        "관리팀 과장 (안전보건관리담당자)",
        None,
        ("safety_health_coordinator", "fire_safety_manager", "first_aider"),
        senior(2200, 3400),
    )
    korean("worker", "office", "관리팀 대리 (총무·인사)", None, (), hire(900, 2500), female=True)
    korean("worker", "office", "관리팀 사원 (경리)", None, (), hire(400, 2000), female=True)
    korean("worker", "office", "영업팀 차장", None, (), hire(2000, 5000))
    korean("worker", "office", "영업팀 대리", None, (), hire(300, 1500))
    korean("worker", "office", "설계팀 과장", None, (), hire(1500, 4000))
    korean("worker", "production", "품질팀 주임 (검사)", None, ("first_aider",), hire(800, 3000))
    korean("worker", "production", "품질팀 사원 (검사)", None, (), hire(200, 1200))

    foreign = list(FOREIGN_WORKERS)
    rng.shuffle(foreign)
    workers: list[Person] = []
    for team in TEAMS:
        korean(
            "supervisor",
            "supervisor",
            team.supervisor_title,
            team.code,
            ("supervisor", "fire_warden"),
            senior(2500, 6000),
        )
        slots = team.size
        if team.night_shift:
            korean(
                "supervisor",
                "supervisor",
                f"{team.name} 야간 조장",
                team.code,
                ("supervisor", "night_shift_lead"),
                senior(1500, 4500),
            )
            slots -= 1
        for i in range(slots):
            roles = _team_roles(team.code, i)
            if i >= slots - team.foreign and foreign:
                f = foreign.pop()
                person = Person(
                    "",
                    f.name,
                    "worker",
                    "production",
                    "생산직 (E-9)",
                    team.code,
                    roles,
                    hire(60, 1700),
                    language=f.language,
                    nationality=f.nationality,
                )
                demo.people.append(person)
            else:
                recent = rng.random() < 0.22
                person = korean(
                    "worker",
                    "production",
                    "생산직",
                    team.code,
                    roles,
                    hire(40, 700) if recent else hire(700, 6000),
                )
            workers.append(person)
    rep = min((p for p in workers if p.team == "welding" and p.language == "ko"), key=lambda p: p.hired_on)
    rep.roles = (*rep.roles, "worker_rep")
    # everyone hired during the history replaced someone who left (E-9 workers rotate at term end),
    # so each team keeps its size through the whole history
    pending = list(workers)
    while pending:
        successor = pending.pop(0)
        if successor.hired_on <= start + timedelta(days=30):
            continue
        left = successor.hired_on - timedelta(days=rng.randint(0, 20))
        roles = tuple(r for r in successor.roles if r != "worker_rep")
        hired = left - timedelta(days=rng.randint(400, 3000))
        if successor.nationality != "KR" and foreign:
            f = foreign.pop()
            demo.people.append(
                Person(
                    "",
                    f.name,
                    "worker",
                    "production",
                    "생산직 (E-9, 체류기간 만료)",
                    successor.team,
                    roles,
                    add_months(left, -58),
                    left_on=left,
                    language=f.language,
                    nationality=f.nationality,
                )
            )
        else:
            person = korean("worker", "production", "생산직 (퇴사)", successor.team, roles, hired)
            person.left_on = left
            pending.append(person)


def _team_roles(team: str, index: int) -> tuple[str, ...]:
    roles: dict[str, tuple[tuple[str, ...], ...]] = {
        "press": (("crane_operator",), ("first_aider",)),
        "welding": (("welder", "crane_operator"), ("welder", "fire_warden"), ("welder",), ("welder",)),
        "machining": (("crane_operator",),),
        "paint": (("fire_warden",),),
        "assembly": (
            ("forklift_driver", "crane_operator"),
            ("forklift_driver",),
            ("forklift_driver", "crane_operator"),
        ),
        "maintenance": (("confined_space_attendant", "crane_operator"), ("confined_space_attendant",)),
    }
    options = roles.get(team, ())
    return options[index] if index < len(options) else (("welder",) if team == "welding" else ())


def _insert_people(demo: Demo, tx: Tx) -> None:
    rng = demo.rng("people-details")
    departments = {t.code: t.department for t in TEAMS}
    for seq, person in enumerate(demo.people, start=1):
        department = (
            departments.get(person.team or "", "")
            if person.team
            else ("경영지원" if person.kind == "owner" else person.title.split(" ")[0])
        )
        visa = "E-9" if person.nationality != "KR" else None
        person.id = tx.insert(
            "people",
            {
                "site_id": demo.site_id,
                "contractor_id": demo.contractors[person.contractor] if person.contractor else None,
                "employee_no": None if person.contractor else f"DN{person.hired_on.year % 100:02d}{seq:03d}",
                "name": person.name,
                "kind": person.kind,
                "job_type": person.job_type,
                "job_title": person.title,
                "department": department or None,
                "nationality": person.nationality,
                "language": person.language,
                "visa_status": visa,
                "hired_on": person.hired_on,
                "left_on": person.left_on,
                "phone": phone(rng),
                "roles": list(person.roles),
            },
        )


def _equipment(demo: Demo, tx: Tx) -> None:
    rng = demo.rng("equipment")
    today = demo.today
    for spec in EQUIPMENT:
        installed = today - timedelta(days=spec.age_days)
        last: date | None = None
        due: date | None = None
        cert: str | None = None
        if spec.statutory_kind:
            try:
                cycle = demo.legal.inspection_cycle(spec.statutory_kind, today)
            except LegalLookupError:
                cycle = None
            if cycle is not None and cycle.statutory and cycle.then_every_months:
                every = cycle.then_every_months
                if spec.inspection == "overdue":
                    last = add_months(today, -every) - timedelta(days=rng.randint(15, 70))
                elif spec.inspection == "due_soon":
                    last = add_months(today, -every) + timedelta(days=rng.randint(15, 50))
                else:
                    last = today - timedelta(days=rng.randint(90, 560))
                if last <= installed:
                    last = None
                due = demo.legal.next_statutory_inspection(spec.statutory_kind, installed, last, today)
                if last is not None:
                    cert = f"안검 {last.year}-{rng.randint(10000, 99999)}"
        machine_id = tx.insert(
            "equipment",
            {
                "site_id": demo.site_id,
                "area_id": demo.areas[spec.area].id,
                "code": spec.code,
                "name": spec.name,
                "kind": spec.kind,
                "maker": spec.maker,
                "model": spec.model,
                "serial_no": f"{spec.model.replace(' ', '')}-{installed.year}{rng.randint(100, 999)}",
                "capacity": spec.capacity,
                "installed_on": installed,
                "last_inspected_on": last,
                "next_inspection_due": due,
                "certificate_no": cert,
            },
        )
        demo.machines.append(Machine(machine_id, spec, demo.areas[spec.area], installed))


def _headcounts(demo: Demo, tx: Tx) -> None:
    points = [demo.start]
    year = demo.start.year
    while True:
        for month in (1, 7):
            day = date(year, month, 1)
            if demo.start < day < demo.today:
                points.append(day)
        year += 1
        if date(year, 1, 1) >= demo.today:
            break
    for day in points:
        regular = sum(1 for p in demo.people if p.kind != "owner" and not p.contractor and p.employed(day))
        contract = sum(1 for p in demo.people if p.contractor and p.employed(day))
        tx.insert(
            "site_headcounts",
            {
                "site_id": demo.site_id,
                "effective_from": day,
                "regular_workers": regular,
                "contractor_workers": contract,
                "note": "반기 인원 현황 (상시근로자: 대표이사 제외)",
            },
        )
