"""The record model, as SQLAlchemy Core tables.

Conventions (DESIGN.md §3):
- keys are UUID text made on the device; timestamps are UTC ISO-8601 text ending in ``Z`` and dates
  are ``YYYY-MM-DD`` text, so a row hashes the same on every PC and on the sync server;
- every record table carries ``created_at``, ``updated_at`` and ``deleted_at`` (tombstone) and is
  written only through ``core.services``, which also writes the audit event and the sync outbox row;
- lockable records carry ``status``, ``locked_at``, ``revision_of`` and ``revision_no``: a completed
  record is never edited, it is revised;
- ``retention_until`` is set where the law fixes a retention period (resources/legal/retention.toml).

Child tables listed in ``CHILD_TABLES`` (checklist answers, gas readings, attendance, participants)
are written together with their parent: the parent's audit event carries a digest of the children,
and the parent's outbox row carries them as one field. That keeps a million checklist answers cheap
to write and still tamper-evident.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

ID = String(36)
TS = String(32)  # UTC ISO-8601 with Z
DATE = String(10)  # YYYY-MM-DD


def _ref(table: str, *, nullable: bool = True, name: str | None = None) -> Column[str]:
    return Column(name or f"{table.rstrip('s')}_id", ID, ForeignKey(f"{table}.id"), nullable=nullable)


def _common() -> list[Column[object]]:
    return [
        Column("id", ID, primary_key=True),
        Column("created_at", TS, nullable=False),
        Column("updated_at", TS, nullable=False),
        Column("deleted_at", TS, nullable=True),
        Column("created_by", String(120), nullable=True),
    ]


def _lockable() -> list[Column[object]]:
    return [
        Column("status", String(20), nullable=False, server_default="draft"),
        Column("locked_at", TS, nullable=True),
        Column("revision_of", ID, nullable=True),
        Column("revision_no", Integer, nullable=False, server_default="1"),
    ]


def _retention() -> list[Column[object]]:
    return [Column("retention_until", DATE, nullable=True)]


# --- plant -----------------------------------------------------------------------------------

sites = Table(
    "sites",
    metadata,
    *_common(),
    Column("name", String(200), nullable=False),
    Column("name_en", String(200), nullable=True),
    Column("address", String(400), nullable=True),
    Column("business_reg_no", String(40), nullable=True),
    Column("insurance_no", String(40), nullable=True),
    Column("ksic_code", String(10), nullable=True),
    Column("industry", String(200), nullable=True),
    Column("uses_contractors", Boolean, nullable=False, server_default="0"),
    Column("floor_plan_sha256", String(64), nullable=True),
)

site_headcounts = Table(
    "site_headcounts",
    metadata,
    *_common(),
    _ref("sites", nullable=False),
    Column("effective_from", DATE, nullable=False),
    Column("regular_workers", Integer, nullable=False),
    Column("contractor_workers", Integer, nullable=False, server_default="0"),
    Column("note", Text, nullable=True),
)

areas = Table(
    "areas",
    metadata,
    *_common(),
    _ref("sites", nullable=False),
    Column("code", String(40), nullable=False),
    Column("name", String(200), nullable=False),
    Column("name_en", String(200), nullable=True),
    Column("hazard_tags", JSON, nullable=False),  # e.g. ["press", "hot_work"]
    Column("workers_exposed", Integer, nullable=False, server_default="0"),
    Column("polygon", JSON, nullable=True),  # [[x, y], ...] in floor-plan pixel coordinates
    Column("description", Text, nullable=True),
)

equipment = Table(
    "equipment",
    metadata,
    *_common(),
    _ref("sites", nullable=False),
    _ref("areas"),
    Column("code", String(40), nullable=False),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),  # press, overhead_crane, forklift, air_compressor, ...
    Column("maker", String(120), nullable=True),
    Column("model", String(120), nullable=True),
    Column("serial_no", String(120), nullable=True),
    Column("capacity", String(60), nullable=True),
    Column("installed_on", DATE, nullable=True),
    Column("last_inspected_on", DATE, nullable=True),
    Column("next_inspection_due", DATE, nullable=True),
    Column("certificate_no", String(80), nullable=True),
    Column("owner_contractor_id", ID, nullable=True),
    Column("retired_on", DATE, nullable=True),
)

# --- people ----------------------------------------------------------------------------------

contractors = Table(
    "contractors",
    metadata,
    *_common(),
    Column("name", String(200), nullable=False),
    Column("business_reg_no", String(40), nullable=True),
    Column("work_scope", Text, nullable=True),
    Column("contact_name", String(120), nullable=True),
    Column("contact_phone", String(40), nullable=True),
    Column("contract_from", DATE, nullable=True),
    Column("contract_to", DATE, nullable=True),
    Column("safety_cost_standard", Text, nullable=True),
    Column("building_period_standard", Text, nullable=True),
)

people = Table(
    "people",
    metadata,
    *_common(),
    _ref("sites", nullable=False),
    _ref("contractors"),
    Column("employee_no", String(40), nullable=True),
    Column("name", String(120), nullable=False),
    Column("name_en", String(120), nullable=True),
    Column("kind", String(30), nullable=False),  # worker | supervisor | manager | contractor_worker | owner
    Column("job_type", String(30), nullable=False),  # production | office | supervisor | day | short_term
    Column("job_title", String(120), nullable=True),
    Column("department", String(120), nullable=True),
    Column("nationality", String(2), nullable=False, server_default="KR"),  # ISO 3166 alpha-2
    Column("language", String(10), nullable=False, server_default="ko"),
    Column("visa_status", String(20), nullable=True),
    Column("hired_on", DATE, nullable=True),
    Column("left_on", DATE, nullable=True),
    Column("phone", String(40), nullable=True),
    Column("roles", JSON, nullable=False),  # e.g. ["safety_health_coordinator", "fire_warden"]
)

# --- policy ----------------------------------------------------------------------------------

policies = Table(
    "policies",
    metadata,
    *_common(),
    *_lockable(),
    *_retention(),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("version_label", String(20), nullable=False),
    Column("effective_from", DATE, nullable=True),
    Column("approved_by", String(120), nullable=True),
    Column("approved_on", DATE, nullable=True),
    Column("posted_on", DATE, nullable=True),
    Column("communicated_how", Text, nullable=True),
)

objectives = Table(
    "objectives",
    metadata,
    *_common(),
    *_lockable(),
    *_retention(),
    _ref("policies", name="policy_id"),
    Column("year", Integer, nullable=False),
    Column("title", String(200), nullable=False),
    Column("target", String(200), nullable=True),
    Column("kpi", String(200), nullable=True),
    Column("owner_id", ID, ForeignKey("people.id"), nullable=True),
    Column("result", Text, nullable=True),
    Column("achieved", Boolean, nullable=True),
)

# --- forms -----------------------------------------------------------------------------------

form_templates = Table(
    "form_templates",
    metadata,
    *_common(),
    Column("code", String(80), nullable=False),
    Column("version", Integer, nullable=False),
    Column("kind", String(30), nullable=False),
    Column("title_ko", String(200), nullable=False),
    Column("title_en", String(200), nullable=False),
    Column("body", JSON, nullable=False),
    Column("body_sha256", String(64), nullable=False),
    Column("origin", String(10), nullable=False),  # shipped | user
    Column("copied_from_id", ID, nullable=True),
    Index("ux_form_templates_code_version", "code", "version", unique=True),
)

form_records = Table(
    "form_records",
    metadata,
    *_common(),
    *_lockable(),
    *_retention(),
    Column("template_id", ID, ForeignKey("form_templates.id"), nullable=False),
    Column("kind", String(30), nullable=False),
    _ref("sites"),
    _ref("areas"),
    Column("equipment_id", ID, ForeignKey("equipment.id"), nullable=True),
    Column("performed_on", DATE, nullable=False),
    Column("performed_by_id", ID, ForeignKey("people.id"), nullable=True),
    Column("performed_by_name", String(120), nullable=True),
    Column("header", JSON, nullable=False),  # non-answer fields (time window, place, ...)
    Column("score_percent", Float, nullable=True),
    Column("failed_count", Integer, nullable=False, server_default="0"),
    Column("completed_at", TS, nullable=True),
    Column("signature_sha256", String(64), nullable=True),
    Index("ix_form_records_area_performed", "area_id", "performed_on"),
    Index("ix_form_records_performed", "performed_on"),
)

form_answers = Table(
    "form_answers",
    metadata,
    Column("record_id", ID, ForeignKey("form_records.id"), primary_key=True),
    Column("question_key", String(60), primary_key=True),
    Column("result", String(4), nullable=True),  # pass | fail | na
    Column("value_num", Float, nullable=True),
    Column("value_text", Text, nullable=True),
    Column("value_list", JSON(none_as_null=True), nullable=True),  # several people or choices
    Column("note", Text, nullable=True),
    Column("attachments", JSON(none_as_null=True), nullable=True),  # [sha256, ...]
)

gas_readings = Table(
    "gas_readings",
    metadata,
    Column("id", ID, primary_key=True),
    Column("record_id", ID, ForeignKey("form_records.id"), nullable=False),
    Column("measured_at", TS, nullable=False),
    Column("location", String(120), nullable=True),
    Column("measured_by", String(120), nullable=True),
    Column("o2_pct", Float, nullable=True),
    Column("h2s_ppm", Float, nullable=True),
    Column("co_ppm", Float, nullable=True),
    Column("lel_pct", Float, nullable=True),
    Column("acceptable", Boolean, nullable=True),
    Index("ix_gas_readings_record", "record_id"),
)

# --- findings and actions --------------------------------------------------------------------

findings = Table(
    "findings",
    metadata,
    *_common(),
    *_retention(),
    Column("source_kind", String(30), nullable=False),  # inspection | risk_assessment | incident | ...
    Column("source_id", ID, nullable=True),
    Column("question_key", String(60), nullable=True),
    _ref("sites"),
    _ref("areas"),
    Column("equipment_id", ID, ForeignKey("equipment.id"), nullable=True),
    Column("found_on", DATE, nullable=False),
    Column("found_by", String(120), nullable=True),
    Column("description", Text, nullable=False),
    Column("severity", String(10), nullable=False),  # low | medium | high
    Column("hazard_group", String(30), nullable=True),
    Column("status", String(20), nullable=False, server_default="open"),
    Column("model_suggestion", JSON, nullable=True),
    Index("ix_findings_area_found", "area_id", "found_on"),
)

corrective_actions = Table(
    "corrective_actions",
    metadata,
    *_common(),
    *_retention(),
    Column("finding_id", ID, ForeignKey("findings.id"), nullable=True),
    Column("source_kind", String(30), nullable=False),
    Column("source_id", ID, nullable=True),
    _ref("areas"),
    Column("title", String(300), nullable=False),
    Column("description", Text, nullable=True),
    Column(
        "hierarchy", String(20), nullable=False
    ),  # legal|elimination|substitution|engineering|administrative|ppe
    Column("owner_id", ID, ForeignKey("people.id"), nullable=True),
    Column("owner_name", String(120), nullable=True),
    Column("due_on", DATE, nullable=False),
    Column(
        "status", String(20), nullable=False, server_default="open"
    ),  # open|in_progress|done|verified|cancelled
    Column("interim_measure", Text, nullable=True),
    Column("done_on", DATE, nullable=True),
    Column("verified_on", DATE, nullable=True),
    Column("verified_by", String(120), nullable=True),
    Column("verification_note", Text, nullable=True),
    Column("effective", Boolean, nullable=True),
    Column("budget_krw", Integer, nullable=True),
    Column("spent_krw", Integer, nullable=True),
    Index("ix_corrective_actions_status_due", "status", "due_on"),
)

# --- risk assessment -------------------------------------------------------------------------

risk_assessments = Table(
    "risk_assessments",
    metadata,
    *_common(),
    *_lockable(),
    *_retention(),
    _ref("sites"),
    _ref("areas"),
    Column("title", String(300), nullable=False),  # 공정(작업)명
    Column("assessment_type", String(20), nullable=False),  # initial | regular | adhoc | continuous
    Column("trigger", Text, nullable=True),
    Column("method", String(20), nullable=False),  # matrix | levels | checklist | ops
    Column("scale_code", String(40), nullable=False),
    Column("scale_version", Integer, nullable=False),
    Column("assessed_on", DATE, nullable=False),
    Column("lead_assessor", String(120), nullable=True),
    Column("participants", JSON, nullable=False),  # [{"person_id", "name", "role"}]
    Column("worker_rep_participated", Boolean, nullable=False, server_default="0"),
    Column("discovery_methods", JSON, nullable=False),  # ["site_round", "suggestion", ...]
    Column("completed_at", TS, nullable=True),
    Column("reported_to_owner_on", DATE, nullable=True),
    Column("shared_how", Text, nullable=True),
)

risk_items = Table(
    "risk_items",
    metadata,
    *_common(),
    Column("assessment_id", ID, ForeignKey("risk_assessments.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("task", Text, nullable=False),  # 1 세부 작업내용
    Column("hazard_class", String(40), nullable=False),  # 2 위험분류
    Column("situation", Text, nullable=False),  # 3 위험발생 상황 및 결과
    Column("legal_basis", Text, nullable=True),  # 4 관련근거
    Column("current_controls", Text, nullable=True),  # 5 현재의 안전보건조치
    Column("likelihood", Integer, nullable=True),  # 6 현재 위험성
    Column("severity", Integer, nullable=True),
    Column("level", String(20), nullable=True),
    Column("risk_score", Integer, nullable=True),
    Column("band", String(20), nullable=True),
    Column("acceptable", Boolean, nullable=True),
    Column("reduction_measures", Text, nullable=True),  # 7 위험성 감소대책
    Column("hierarchy", String(20), nullable=True),
    Column("residual_likelihood", Integer, nullable=True),  # 8 개선 후 위험성
    Column("residual_severity", Integer, nullable=True),
    Column("residual_level", String(20), nullable=True),
    Column("residual_score", Integer, nullable=True),
    Column("residual_band", String(20), nullable=True),
    Column("residual_acceptable", Boolean, nullable=True),
    Column("planned_on", DATE, nullable=True),  # 9 개선 예정일
    Column("completed_on", DATE, nullable=True),  # 10 완료일
    Column("owner_name", String(120), nullable=True),  # 11 담당자
    Column("remarks", Text, nullable=True),
    Column("action_id", ID, ForeignKey("corrective_actions.id"), nullable=True),
    Index("ix_risk_items_assessment", "assessment_id"),
)

# --- emergency -------------------------------------------------------------------------------

emergency_manuals = Table(
    "emergency_manuals",
    metadata,
    *_common(),
    *_lockable(),
    *_retention(),
    Column("version_label", String(20), nullable=False),
    Column("title", String(200), nullable=False),
    Column("sections", JSON, nullable=False),  # {"ga": ..., "na": ..., "da": ..., "contacts": ...}
    Column("approved_by", String(120), nullable=True),
    Column("approved_on", DATE, nullable=True),
    Column("posted_on", DATE, nullable=True),
)

drills = Table(
    "drills",
    metadata,
    *_common(),
    *_retention(),
    Column(
        "drill_type", String(30), nullable=False
    ),  # fire | chemical_leak | confined_space_rescue | scenario
    Column("scenario", Text, nullable=True),
    _ref("areas"),
    Column("planned_on", DATE, nullable=False),
    Column("performed_at", TS, nullable=True),
    Column("status", String(20), nullable=False, server_default="planned"),
    Column("headcount_expected", Integer, nullable=True),
    Column("headcount_actual", Integer, nullable=True),
    Column("seconds_to_alarm", Integer, nullable=True),
    Column("seconds_to_evacuate", Integer, nullable=True),
    Column("observations", Text, nullable=True),
    Column("form_record_id", ID, ForeignKey("form_records.id"), nullable=True),
)

# --- incidents and participation ------------------------------------------------------------

incidents = Table(
    "incidents",
    metadata,
    *_common(),
    *_lockable(),
    *_retention(),
    Column(
        "kind", String(20), nullable=False
    ),  # near_miss | first_aid | injury | lost_time | fatality | illness
    Column("occurred_at", TS, nullable=False),
    _ref("sites"),
    _ref("areas"),
    Column("equipment_id", ID, ForeignKey("equipment.id"), nullable=True),
    Column("title", String(300), nullable=False),
    Column("description", Text, nullable=False),
    Column("injured_person_id", ID, ForeignKey("people.id"), nullable=True),
    Column("injury_type", String(60), nullable=True),
    Column("body_part", String(60), nullable=True),
    Column("days_lost", Integer, nullable=True),
    Column("died", Boolean, nullable=False, server_default="0"),
    Column("hazard_group", String(30), nullable=True),
    Column("immediate_action", Text, nullable=True),
    Column("cause", Text, nullable=True),
    Column("recurrence_plan", Text, nullable=True),
    Column("reported_by", String(120), nullable=True),
    Column("reported_to_moel_on", DATE, nullable=True),
    Column("form30", JSON, nullable=True),
    Column("model_suggestion", JSON, nullable=True),
    Index("ix_incidents_area_occurred", "area_id", "occurred_at"),
)

suggestions = Table(
    "suggestions",
    metadata,
    *_common(),
    *_retention(),
    Column("submitted_on", DATE, nullable=False),
    Column("channel", String(20), nullable=False),  # tbm | box | survey | mobile | meeting
    Column("submitted_by_id", ID, ForeignKey("people.id"), nullable=True),  # None = anonymous
    _ref("areas"),
    Column("text", Text, nullable=False),
    Column("status", String(20), nullable=False, server_default="received"),
    Column("response", Text, nullable=True),
    Column("responded_on", DATE, nullable=True),
    Column("action_id", ID, ForeignKey("corrective_actions.id"), nullable=True),
)

# --- education -------------------------------------------------------------------------------

trainings = Table(
    "trainings",
    metadata,
    *_common(),
    *_lockable(),
    *_retention(),
    Column("course", String(30), nullable=False),  # periodic | hiring | change_of_work | special | msds | job
    Column("title", String(300), nullable=False),
    Column("held_on", DATE, nullable=False),
    Column("hours", Float, nullable=False),
    Column("instructor", String(120), nullable=True),
    Column("instructor_qualification", String(200), nullable=True),
    Column("method", String(20), nullable=False, server_default="in_person"),  # in_person | online | tbm
    Column("content", Text, nullable=True),
    Column("language", String(10), nullable=False, server_default="ko"),
)

training_attendance = Table(
    "training_attendance",
    metadata,
    Column("id", ID, primary_key=True),
    Column("training_id", ID, ForeignKey("trainings.id"), nullable=False),
    Column("person_id", ID, ForeignKey("people.id"), nullable=False),
    Column("hours", Float, nullable=False),
    Column("signed", Boolean, nullable=False, server_default="0"),
    Index("ix_training_attendance_training", "training_id"),
    Index("ix_training_attendance_person", "person_id"),
)

# --- contractors and compliance -------------------------------------------------------------

contractor_evaluations = Table(
    "contractor_evaluations",
    metadata,
    *_common(),
    *_lockable(),
    *_retention(),
    Column("contractor_id", ID, ForeignKey("contractors.id"), nullable=False),
    Column("evaluated_on", DATE, nullable=False),
    Column("purpose", String(20), nullable=False),  # prequalification | periodic
    Column("criteria", JSON, nullable=False),  # [{"key", "label", "score", "max"}]
    Column("total_score", Float, nullable=True),
    Column("result", String(20), nullable=True),  # pass | conditional | fail
    Column("evaluator", String(120), nullable=True),
    Column("notes", Text, nullable=True),
)

compliance_checks = Table(
    "compliance_checks",
    metadata,
    *_common(),
    *_lockable(),
    *_retention(),
    Column("period", String(6), nullable=False),  # 2026H1
    Column("duty_code", String(20), nullable=False),  # d4_3, d4_5, ..., d5_2_1
    Column("status_at_review", String(20), nullable=True),
    Column("reviewer", String(120), nullable=True),
    Column("reviewed_on", DATE, nullable=True),
    Column("findings_text", Text, nullable=True),
    Column("owner_name", String(120), nullable=True),
    Column("owner_confirmed_on", DATE, nullable=True),
    Index("ux_compliance_checks_period_duty_rev", "period", "duty_code", "revision_no", unique=True),
)

# --- SAPA evidence: budget, appointments, evaluations (revision 0003) -------------------------

# Decree Art. 4 item 4: a budget for (가) safety staff, facilities and equipment, (나) fixing the
# hazards found under item 3, (다) other items; and what was actually spent, linked to the action fixed.
budget_items = Table(
    "budget_items",
    metadata,
    *_common(),
    *_retention(),
    _ref("sites"),
    Column("year", Integer, nullable=False),
    Column("category", String(20), nullable=False),  # staff | facilities | hazard_fix | education | other
    Column("title", String(300), nullable=False),
    Column("planned_amount", Integer, nullable=False),  # KRW
    Column("note", Text, nullable=True),
    Index("ix_budget_items_year", "year"),
)

budget_spend = Table(
    "budget_spend",
    metadata,
    *_common(),
    *_retention(),
    Column("budget_item_id", ID, ForeignKey("budget_items.id"), nullable=False),
    Column("spent_on", DATE, nullable=False),
    Column("amount", Integer, nullable=False),  # KRW
    Column("description", Text, nullable=False),
    Column("action_id", ID, ForeignKey("corrective_actions.id"), nullable=True),  # the hazard it fixed
    Index("ix_budget_spend_spent", "spent_on"),
)

# Decree Art. 4 items 5 and 6: who holds which safety role, with the authority and budget given, and
# (item 5) the half-yearly evaluation of the site safety manager, supervisors and contractor lead.
appointments = Table(
    "appointments",
    metadata,
    *_common(),
    *_retention(),
    Column("person_id", ID, ForeignKey("people.id"), nullable=False),
    # safety_health_manager (안전보건관리책임자) | supervisor (관리감독자) | safety_officer (안전관리자)
    # | health_officer (보건관리자) | safety_health_coordinator (안전보건관리담당자)
    # | general_safety_lead (안전보건총괄책임자) | industrial_physician (산업보건의)
    Column("role", String(40), nullable=False),
    Column("appointed_on", DATE, nullable=False),
    Column("ended_on", DATE, nullable=True),
    Column("authority", Text, nullable=True),  # the authority given (Decree 4-5 가)
    Column("budget_amount", Integer, nullable=True),  # KRW per year at their disposal
    Column("reported_to_moel_on", DATE, nullable=True),  # OSH Decree Art. 16⑥: within 14 days
    Column("outsourced_to", String(200), nullable=True),  # 위탁 (an agency) instead of an employee
    Index("ix_appointments_role", "role"),
)

role_evaluations = Table(
    "role_evaluations",
    metadata,
    *_common(),
    *_lockable(),
    *_retention(),
    Column("appointment_id", ID, ForeignKey("appointments.id"), nullable=False),
    Column("period", String(6), nullable=False),  # 2026H1
    Column("evaluated_on", DATE, nullable=False),
    Column("criteria", JSON, nullable=False),  # [{"key", "label", "score", "max"}]
    Column("total_score", Float, nullable=True),
    Column("result", String(20), nullable=True),  # good | adequate | needs_improvement
    Column("evaluator", String(120), nullable=True),
    Column("notes", Text, nullable=True),
    Index("ix_role_evaluations_period", "period"),
)

# --- the hazard reader's labels ---------------------------------------------------------------

# What a person decided about a description's hazard group, with the suggestion that was on screen.
# One row per decision (latest wins); retraining reads them as confirmed labels (DESIGN.md §7).
# Added in revision 0002 as a table of its own: a new column on an audited table would change the
# row digests of every record written before the upgrade.
hazard_labels = Table(
    "hazard_labels",
    metadata,
    *_common(),
    Column("entity", String(40), nullable=False),  # findings | incidents | risk_items
    Column("record_id", ID, nullable=False),
    Column("text", Text, nullable=False),
    Column("hazard_group", String(30), nullable=False),  # the person's choice
    Column("decision", String(12), nullable=False),  # accepted | corrected | manual
    Column("suggested_group", String(30), nullable=True),
    Column("confidence", Float, nullable=True),
    Column("model_version", String(80), nullable=True),
    Column("suggestion", JSON, nullable=True),  # the full suggestion as shown
    Index("ix_hazard_labels_record", "entity", "record_id"),
)

# --- attachments ------------------------------------------------------------------------------

attachments = Table(
    "attachments",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("mime", String(80), nullable=False),
    Column("original_name", String(260), nullable=True),
    Column("created_at", TS, nullable=False),
)

attachment_links = Table(
    "attachment_links",
    metadata,
    *_common(),
    Column("sha256", String(64), ForeignKey("attachments.sha256"), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("record_id", ID, nullable=False),
    Column(
        "role", String(20), nullable=False
    ),  # photo | before | after | signature | seal | logo | floor_plan
    Column("caption", String(300), nullable=True),
    Index("ix_attachment_links_record", "entity", "record_id"),
)

# --- settings ----------------------------------------------------------------------------------

settings = Table(
    "settings",
    metadata,
    *_common(),
    Column("key", String(80), nullable=False, unique=True),
    Column("value", JSON, nullable=True),
)

# --- integrity and sync ------------------------------------------------------------------------

audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("event_id", ID, nullable=False, unique=True),
    Column("at", TS, nullable=False),
    Column("actor", String(120), nullable=False),
    Column("action", String(30), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("record_id", ID, nullable=False),
    Column("row_digest", String(64), nullable=True),  # None when the row was tombstoned/removed
    Column("children_digest", String(64), nullable=True),
    Column("summary", Text, nullable=True),
    Column("prev_hash", LargeBinary(32), nullable=False),
    Column("hash", LargeBinary(32), nullable=False),
    Index("ix_audit_events_record", "entity", "record_id", "seq"),
    sqlite_autoincrement=True,
)

sync_outbox = Table(
    "sync_outbox",
    metadata,
    Column("local_seq", Integer, primary_key=True, autoincrement=True),
    Column("change_id", ID, nullable=False, unique=True),
    Column("entity", String(40), nullable=False),
    Column("record_id", ID, nullable=False),
    Column("op", String(10), nullable=False),  # upsert | delete
    Column("hlc", String(40), nullable=False),
    Column("fields", JSON, nullable=False),
    Column("base", JSON, nullable=True),
    Column("base_seq", Integer, nullable=True),
    Column("schema_version", String(20), nullable=False),
    Column("created_at", TS, nullable=False),
    sqlite_autoincrement=True,
)

sync_state = Table(
    "sync_state",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

# Sync client state (revision 0004; SYNC.md §3.2). All new tables: no audited table gets a column.
# The server version of each field this PC last saw, one row per record: ``fields`` maps field ->
# server_seq (becomes ``base`` of the next outbox entry). One JSON map, not a row per field: a pull of
# 10,000 records writes 10,000 rows here, not 150,000.
sync_base = Table(
    "sync_base",
    metadata,
    Column("entity", String(40), primary_key=True),
    Column("record_id", ID, primary_key=True),
    Column("fields", JSON, nullable=False),
)

# The server_seq of the record version last applied here (pull idempotency). ``stale``: some of its
# fields were kept at this PC's pending values; once they are sent, the server's version is fetched
# again (a change that lost leaves the server's record, and its seq, as they were).
sync_rows = Table(
    "sync_rows",
    metadata,
    Column("entity", String(40), primary_key=True),
    Column("record_id", ID, primary_key=True),
    Column("server_seq", Integer, nullable=False),
    Column("stale", Boolean, nullable=False, server_default="0"),
    Index("ix_sync_rows_stale", "stale"),
)

# Conflict records pulled from the server (entity ``sync_conflict``); ``data`` is the server's record.
sync_conflicts = Table(
    "sync_conflicts",
    metadata,
    Column("id", ID, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("record_id", ID, nullable=False),
    Column("field", String(80), nullable=False),
    Column("data", JSON, nullable=False),
    Column("resolved", Boolean, nullable=False, server_default="0"),
    Column("server_seq", Integer, nullable=False),
    Index("ix_sync_conflicts_resolved", "resolved"),
)

# Attachments the server is known to hold (``uploaded_at``) and whether the file is here (``present``).
sync_blobs = Table(
    "sync_blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("uploaded_at", TS, nullable=True),
    Column("present", Boolean, nullable=False, server_default="1"),
)

# One row per sync attempt, for the sync centre.
sync_log = Table(
    "sync_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", TS, nullable=False),
    Column("finished_at", TS, nullable=True),
    Column("ok", Boolean, nullable=False, server_default="0"),
    Column("pushed", Integer, nullable=False, server_default="0"),
    Column("pulled", Integer, nullable=False, server_default="0"),
    Column("uploaded", Integer, nullable=False, server_default="0"),
    Column("downloaded", Integer, nullable=False, server_default="0"),
    Column("error", Text, nullable=True),
)

# Tables whose rows are domain records written through the services (entity name = table name).
RECORD_TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        sites,
        site_headcounts,
        areas,
        equipment,
        contractors,
        people,
        policies,
        objectives,
        form_templates,
        form_records,
        findings,
        corrective_actions,
        risk_assessments,
        risk_items,
        emergency_manuals,
        drills,
        incidents,
        suggestions,
        trainings,
        contractor_evaluations,
        compliance_checks,
        budget_items,
        budget_spend,
        appointments,
        role_evaluations,
        hazard_labels,
        attachment_links,
        settings,
    )
}

# Child tables written as a whole with their parent record: child table -> (parent entity, fk column).
CHILD_TABLES: dict[str, tuple[str, str]] = {
    "form_answers": ("form_records", "record_id"),
    "gas_readings": ("form_records", "record_id"),
    "training_attendance": ("trainings", "training_id"),
}

LOCKABLE_TABLES = frozenset(name for name, t in RECORD_TABLES.items() if "locked_at" in t.c)
