"""Legal hold: nothing inside its retention period can be deleted, by any delete path (issue 6).

Sweep: every record type with a ``retention_until`` column gets a record whose retention is set the
way the product sets it (completing / locking it, verifying, answering, ending, spending), then every
delete path that reaches that type is tried. Inside the period (including its last day) each one is
refused with a ``LegalHoldError`` naming the date in Korean and English, the row stays live and the
audit chain still verifies; the day after the period ends the generic delete works. Drafts, which
have no retention yet, delete as before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from safetydesk.core.audit import chain
from safetydesk.core.db.tables import LOCKABLE_TABLES, RECORD_TABLES
from safetydesk.core.errors import LegalHoldError, RecordLockedError
from safetydesk.core.queries.appointments import AppointmentInput, EvaluationInput
from safetydesk.core.queries.budget import BudgetItemInput, SpendInput
from safetydesk.core.services import (
    actions,
    appointments,
    budget,
    emergency,
    incidents,
    policies,
    records,
    risk,
)
from safetydesk.core.workspace.workspace import Workspace
from tests.factories import D, base_refs, minimal

HELD = sorted(name for name, table in RECORD_TABLES.items() if "retention_until" in table.c)

Delete = Callable[[Workspace, str, date], object]


def _paths(entity: str) -> dict[str, Delete]:
    """Every delete path a record type can be reached by: the generic one plus the service's own."""
    paths: dict[str, Delete] = {
        "records.delete": lambda ws, rid, today: records.delete(ws, entity, rid, today=today),
    }
    specific: dict[str, dict[str, Delete]] = {
        "policies": {"policies.delete_policy": lambda ws, rid, _t: policies.delete_policy(ws, rid)},
        "objectives": {"policies.delete_objective": lambda ws, rid, _t: policies.delete_objective(ws, rid)},
        "risk_assessments": {
            "risk.delete_assessment": lambda ws, rid, t: risk.delete_assessment(ws, rid, today=t)
        },
        "appointments": {
            "appointments.delete_appointment": lambda ws, rid, t: appointments.delete_appointment(
                ws, rid, today=t
            )
        },
        "role_evaluations": {
            "appointments.delete_evaluation": lambda ws, rid, t: appointments.delete_evaluation(
                ws, rid, today=t
            )
        },
        "budget_items": {
            "budget.delete_budget_item": lambda ws, rid, t: budget.delete_budget_item(ws, rid, today=t)
        },
        "budget_spend": {"budget.delete_spend": lambda ws, rid, t: budget.delete_spend(ws, rid, today=t)},
    }
    paths.update(specific.get(entity, {}))
    return paths


def _appointment(ws: Workspace, refs: dict[str, str]) -> str:
    person = records.create(
        ws,
        "people",
        {"site_id": refs["site"], "name": "최반장", "kind": "worker", "job_type": "production", "roles": []},
    ).id
    return appointments.appoint(ws, AppointmentInput(person, "supervisor", D)).id


def _held(ws: Workspace, entity: str, refs: dict[str, str]) -> str:
    """A record of ``entity`` whose retention the product has set (the normal path, not a raw write)."""
    if entity in ("findings",):
        # A finding has no retention of its own while open: it is held by the completed inspection.
        form = records.create(ws, "form_records", minimal("form_records", refs)).id
        records.complete(ws, "form_records", form, on=D)
        values = {**minimal("findings", refs), "source_kind": "inspection", "source_id": form}
        return records.create(ws, "findings", values).id
    if entity == "corrective_actions":
        rid = records.create(ws, entity, minimal(entity, refs)).id
        actions.mark_done(ws, rid, done_on=date.today())
        actions.verify_and_close(ws, rid, verified_by="정공장", verified_on=date.today(), effective=True)
        return rid
    if entity == "drills":
        rid = emergency.plan_drill(ws, None, emergency.DrillPlan("fire", D)).id
        emergency.finish_drill(
            ws, rid, emergency.DrillResult(datetime(2026, 3, 2, 1, 0, tzinfo=UTC), 30, 120, 3, 3)
        )
        return rid
    if entity == "suggestions":
        data = incidents.SuggestionInput(
            D, "box", "통로 조명 개선 요청", status="answered", response="조명 교체함", responded_on=D
        )
        return incidents.save_suggestion(ws, None, data).id
    if entity == "budget_items":
        return budget.save_budget_item(ws, None, BudgetItemInput(2026, "facilities", "방호장치", 1_000)).id
    if entity == "budget_spend":
        item = budget.save_budget_item(ws, None, BudgetItemInput(2026, "facilities", "방호장치", 1_000)).id
        return budget.record_spend(ws, SpendInput(item, D, 500, "방호덮개 구입")).id
    if entity == "appointments":
        rid = _appointment(ws, refs)
        appointments.end_appointment(ws, rid, D + timedelta(days=30))
        return rid
    if entity == "role_evaluations":
        evaluation = EvaluationInput(
            _appointment(ws, refs),
            "2026H1",
            date(2026, 7, 10),
            [{"key": "tbm", "label": "TBM", "score": 8, "max": 10}],
            "good",
            "정공장",
        )
        rid = appointments.evaluate_role(ws, evaluation).id
        appointments.complete_evaluation(ws, rid)
        return rid
    assert entity in LOCKABLE_TABLES, entity
    rid = records.create(ws, entity, minimal(entity, refs)).id
    records.complete(ws, entity, rid, on=D)
    return rid


def _hold_date(ws: Workspace, entity: str, rid: str) -> str:
    row = records.get(ws, entity, rid)
    if row["retention_until"]:
        return str(row["retention_until"])
    # findings: the hold of the inspection they came from
    return str(records.get(ws, "form_records", str(row["source_id"]))["retention_until"])


def _chain_ok(ws: Workspace) -> None:
    with ws.reader() as conn:
        report = chain.verify(conn)
    assert report.ok, (report.broken_reason, report.tampered[:3])


def test_the_sweep_covers_every_record_type_with_retention() -> None:
    assert set(HELD) == set(records._retention_map()), "record_retention.toml and the schema disagree"
    assert len(HELD) >= 17


@pytest.mark.parametrize("entity", HELD)
def test_no_delete_path_removes_a_record_inside_its_retention(ws: Workspace, entity: str) -> None:
    refs = base_refs(ws)
    rid = _held(ws, entity, refs)
    until = _hold_date(ws, entity, rid)
    end = date.fromisoformat(until)
    assert end > date.today() + timedelta(days=365 * 2), (entity, until)  # years, not days
    for name, delete in _paths(entity).items():
        for today in (D + timedelta(days=200), end):  # inside, and the last day itself
            with pytest.raises(LegalHoldError) as err:
                delete(ws, rid, today)
            assert until in err.value.text("en"), (entity, name, err.value.text("en"))
            assert until in err.value.text("ko"), (entity, name, err.value.text("ko"))
            assert err.value.text("ko") != err.value.text("en")
            assert records.get(ws, entity, rid)["deleted_at"] is None, (entity, name)
    _chain_ok(ws)
    # The day after the period ends the record may go (as a tombstone: the row stays).
    records.delete(ws, entity, rid, today=end + timedelta(days=1))
    assert records.get(ws, entity, rid)["deleted_at"] is not None
    _chain_ok(ws)


DRAFTABLE = sorted(
    set(HELD) & set(LOCKABLE_TABLES) - {"role_evaluations"}
    | {"findings", "corrective_actions", "suggestions"}
)


@pytest.mark.parametrize("entity", DRAFTABLE)
def test_drafts_without_retention_delete(ws: Workspace, entity: str) -> None:
    refs = base_refs(ws)
    rid = records.create(ws, entity, minimal(entity, refs)).id
    assert records.get(ws, entity, rid)["retention_until"] is None
    for name, delete in _paths(entity).items():
        draft = rid if name == "records.delete" else records.create(ws, entity, minimal(entity, refs)).id
        delete(ws, draft, date.today())
        assert records.get(ws, entity, draft)["deleted_at"] is not None, (entity, name)
    _chain_ok(ws)


def test_a_locked_record_without_retention_is_still_held(ws: Workspace) -> None:
    """Completed before a rule named its period (or a type without one): kept as evidence anyway."""
    refs = base_refs(ws)
    rid = records.create(ws, "form_records", minimal("form_records", refs)).id
    records.complete(ws, "form_records", rid, on=D)
    with ws.writer() as conn:  # the state imported history can arrive in
        conn.exec_driver_sql("UPDATE form_records SET retention_until = NULL WHERE id = ?", (rid,))
    with pytest.raises(LegalHoldError) as err:
        records.delete(ws, "form_records", rid, today=date(2099, 1, 1))
    assert "cannot be deleted" in err.value.text("en")
    assert records.get(ws, "form_records", rid)["deleted_at"] is None


def test_actions_and_findings_inherit_the_hold_of_their_source(ws: Workspace) -> None:
    """An open action on a finding of a completed inspection is part of that evidence."""
    refs = base_refs(ws)
    form = records.create(ws, "form_records", minimal("form_records", refs)).id
    records.complete(ws, "form_records", form, on=D)
    until = str(records.get(ws, "form_records", form)["retention_until"])
    finding = records.create(
        ws, "findings", {**minimal("findings", refs), "source_kind": "inspection", "source_id": form}
    ).id
    action = records.create(
        ws,
        "corrective_actions",
        {**minimal("corrective_actions", refs), "finding_id": finding, "source_kind": "inspection"},
    ).id
    for entity, rid in (("corrective_actions", action), ("findings", finding)):
        with pytest.raises(LegalHoldError) as err:
            records.delete(ws, entity, rid, today=date(2027, 1, 1))
        assert until in err.value.text("ko") and until in err.value.text("en")
    # A finding whose action was verified is held by the action's own retention, whatever its source.
    loose = records.create(ws, "findings", minimal("findings", refs)).id
    fixed = records.create(
        ws, "corrective_actions", {**minimal("corrective_actions", refs), "finding_id": loose}
    ).id
    actions.mark_done(ws, fixed, done_on=date.today())
    actions.verify_and_close(ws, fixed, verified_by="정공장", verified_on=date.today(), effective=True)
    keep = str(records.get(ws, "corrective_actions", fixed)["retention_until"])
    with pytest.raises(LegalHoldError) as err:
        records.delete(ws, "findings", loose, today=date.today())
    assert keep in err.value.text("en")
    # After both periods end, both go.
    after = max(date.fromisoformat(until), date.fromisoformat(keep)) + timedelta(days=1)
    records.delete(ws, "corrective_actions", action, today=after)
    records.delete(ws, "findings", finding, today=after)
    records.delete(ws, "findings", loose, today=after)
    _chain_ok(ws)


def test_an_answered_suggestion_gets_its_retention_and_it_never_shrinks(ws: Workspace) -> None:
    data = incidents.SuggestionInput(D, "box", "보호구 추가 요청")
    rid = incidents.save_suggestion(ws, None, data).id
    assert records.get(ws, "suggestions", rid)["retention_until"] is None  # not answered: a draft
    answered = incidents.SuggestionInput(
        D, "box", "보호구 추가 요청", status="answered", response="지급함", responded_on=date(2026, 6, 30)
    )
    incidents.save_suggestion(ws, rid, answered)
    first = str(records.get(ws, "suggestions", rid)["retention_until"])
    assert first.startswith("2031")
    earlier = incidents.SuggestionInput(
        D, "box", "보호구 추가 요청", status="answered", response="지급함", responded_on=date(2026, 3, 3)
    )
    incidents.save_suggestion(ws, rid, earlier)
    assert str(records.get(ws, "suggestions", rid)["retention_until"]) == first


def test_a_generic_update_can_neither_tombstone_nor_strip_the_hold(ws: Workspace) -> None:
    """``records.update`` is not a back door: no ``deleted_at`` by update, no clearing the retention."""
    refs = base_refs(ws)
    rid = _held(ws, "drills", refs)  # not lockable: only the retention protects it
    until = str(records.get(ws, "drills", rid)["retention_until"])
    with pytest.raises(ValueError, match=r"records\.delete"):
        records.update(ws, "drills", rid, {"deleted_at": "2026-11-24T00:00:00.000000Z"})
    with pytest.raises(RecordLockedError) as err:
        records.update(ws, "drills", rid, {"retention_until": None})
    assert until in err.value.text("ko") and until in err.value.text("en")
    row = records.get(ws, "drills", rid)
    assert row["deleted_at"] is None and str(row["retention_until"]) == until
    _chain_ok(ws)
