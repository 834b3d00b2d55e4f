"""The demo workspace: plausible contents, a valid audit chain, and the same contents for the same seed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from safetydesk.core.audit.chain import verify
from safetydesk.core.demo.builder import build_demo
from safetydesk.core.workspace.workspace import open_workspace

TODAY = date(2026, 11, 23)
SEED = 11

# What must come out the same for the same seed and today (ids and write timestamps may differ).
CONTENT_QUERIES = {
    "areas": "SELECT name, code, hazard_tags, workers_exposed, polygon FROM areas",
    "people": "SELECT name, kind, job_type, nationality, language, hired_on, left_on FROM people",
    "equipment": "SELECT code, installed_on, last_inspected_on, next_inspection_due FROM equipment",
    "findings": "SELECT found_on, severity, source_kind, description, status FROM findings",
    "actions": "SELECT due_on, status, done_on, verified_on, owner_name, title FROM corrective_actions",
    "incidents": "SELECT occurred_at, kind, title, days_lost FROM incidents",
    "risk_items": "SELECT task, likelihood, severity, risk_score, band, acceptable, completed_on FROM risk_items",
    "forms": "SELECT kind, performed_on, performed_by_name, failed_count, score_percent FROM form_records",
    "answers": "SELECT question_key, result, value_num, value_text FROM form_answers "
    "WHERE record_id IN (SELECT id FROM form_records WHERE failed_count > 0)",
    "trainings": "SELECT title, held_on, hours FROM trainings",
    "suggestions": "SELECT submitted_on, text, status FROM suggestions",
    "compliance": "SELECT period, duty_code, status_at_review, findings_text FROM compliance_checks",
}


def _contents(db: Path) -> dict[str, list[tuple[object, ...]]]:
    con = sqlite3.connect(db)
    try:
        return {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in CONTENT_QUERIES.items()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, object]]]:
    path = tmp_path_factory.mktemp("demo") / "ws"
    steps: list[tuple[int, int, str]] = []
    summary = build_demo(path, seed=SEED, today=TODAY, progress=lambda d, t, s: steps.append((d, t, s)))
    assert steps and steps[-1][0] == steps[-1][1]
    yield path, summary


def _count(db: Path, sql: str) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def test_summary_counts_are_plausible(demo: tuple[Path, dict[str, object]]) -> None:
    _path, s = demo
    assert s["people"] >= 50  # type: ignore[operator]
    assert s["areas"] == 8
    assert s["contractors"] == 3
    assert s["equipment"] >= 20  # type: ignore[operator]
    assert s["answers"] == s["form_answers"]
    assert s["answers"] > 20_000  # type: ignore[operator]
    assert s["photos"] > 20  # type: ignore[operator]
    assert s["policies"] == 2
    assert s["emergency_manuals"] == 1
    assert s["drills"] >= 4  # type: ignore[operator]
    assert s["gas_readings"] > 0  # type: ignore[operator]
    assert s["training_attendance"] > 100  # type: ignore[operator]
    assert s["compliance_checks"] > 0  # type: ignore[operator]
    assert s["db_size_bytes"] > 0  # type: ignore[operator]
    assert isinstance(s["elapsed_s"], float)


def test_people_include_owner_officer_and_foreign_workers(demo: tuple[Path, dict[str, object]]) -> None:
    db = demo[0] / "safetydesk.db"
    assert _count(db, "SELECT count(*) FROM people WHERE kind = 'owner'") == 1
    assert _count(db, "SELECT count(*) FROM people WHERE roles LIKE '%safety_health_coordinator%'") == 1
    assert _count(db, "SELECT count(*) FROM people WHERE nationality != 'KR' AND left_on IS NULL") >= 8
    assert _count(db, "SELECT count(*) FROM people WHERE contractor_id IS NOT NULL") >= 5
    assert _count(db, "SELECT count(DISTINCT language) FROM people") >= 4


def test_findings_with_open_overdue_actions(demo: tuple[Path, dict[str, object]]) -> None:
    db = demo[0] / "safetydesk.db"
    today = TODAY.isoformat()
    assert _count(db, "SELECT count(*) FROM findings") > 20
    overdue = f"SELECT count(*) FROM corrective_actions WHERE status IN ('open', 'in_progress') AND due_on < '{today}'"
    assert _count(db, overdue) >= 1
    assert _count(db, "SELECT count(*) FROM corrective_actions WHERE status = 'verified'") > 10
    late = "SELECT count(*) FROM corrective_actions WHERE done_on > due_on"
    assert _count(db, late) >= 1
    assert _count(db, f"SELECT count(*) FROM equipment WHERE next_inspection_due < '{today}'") >= 1


def test_photos_are_stored_and_linked(demo: tuple[Path, dict[str, object]]) -> None:
    path = demo[0]
    con = sqlite3.connect(path / "safetydesk.db")
    try:
        shas = [r[0] for r in con.execute("SELECT sha256 FROM attachments WHERE mime = 'image/jpeg'")]
        linked = con.execute(
            "SELECT count(*) FROM attachment_links l JOIN findings f ON f.id = l.record_id "
            "WHERE l.entity = 'findings'"
        ).fetchone()[0]
        in_answers = con.execute(
            "SELECT count(*) FROM form_answers WHERE attachments IS NOT NULL"
        ).fetchone()[0]
    finally:
        con.close()
    assert shas and linked > 0 and in_answers > 0
    with open_workspace(path, read_only=True) as ws:
        for sha in shas:
            file = ws.attachments.path_for(sha)
            assert file.is_file()
            assert file.stat().st_size <= 60_000
        assert ws.attachments.check(shas[0])


def test_locked_risk_assessment_with_items(demo: tuple[Path, dict[str, object]]) -> None:
    db = demo[0] / "safetydesk.db"
    locked = (
        "SELECT count(*) FROM risk_assessments r WHERE r.locked_at IS NOT NULL AND r.status = 'completed' "
        "AND EXISTS (SELECT 1 FROM risk_items i WHERE i.assessment_id = r.id)"
    )
    assert _count(db, locked) >= 1
    assert _count(db, "SELECT count(*) FROM risk_assessments WHERE assessment_type = 'initial'") >= 1
    assert _count(db, "SELECT count(*) FROM risk_assessments WHERE assessment_type = 'adhoc'") >= 1
    assert _count(db, "SELECT count(*) FROM risk_items WHERE acceptable = 0 AND action_id IS NOT NULL") >= 1


def test_incidents_include_near_misses_and_a_lost_time_case(demo: tuple[Path, dict[str, object]]) -> None:
    db = demo[0] / "safetydesk.db"
    assert _count(db, "SELECT count(*) FROM incidents WHERE kind = 'near_miss'") >= 10
    assert _count(db, "SELECT count(*) FROM incidents WHERE kind = 'lost_time' AND form30 IS NOT NULL") >= 1
    assert (
        _count(db, "SELECT count(*) FROM incidents WHERE kind IN ('first_aid', 'injury', 'lost_time')") >= 3
    )


def test_audit_chain_verifies(demo: tuple[Path, dict[str, object]]) -> None:
    with open_workspace(demo[0], read_only=True) as ws, ws.reader() as conn:
        report = verify(conn)
    assert report.ok, report.broken_reason


def test_same_seed_same_contents(demo: tuple[Path, dict[str, object]], tmp_path: Path) -> None:
    first_path, first = demo
    second = build_demo(tmp_path / "again", seed=SEED, today=TODAY)
    volatile = {"elapsed_s", "db_size_bytes"}
    assert {k: v for k, v in first.items() if k not in volatile} == {
        k: v for k, v in second.items() if k not in volatile
    }
    assert _contents(first_path / "safetydesk.db") == _contents(tmp_path / "again" / "safetydesk.db")


def test_other_seed_other_contents(demo: tuple[Path, dict[str, object]], tmp_path: Path) -> None:
    other = build_demo(tmp_path / "other", seed=SEED + 1, today=TODAY, years=1)
    assert other["areas"] == 8
    names = _contents(tmp_path / "other" / "safetydesk.db")["people"]
    assert names != _contents(demo[0] / "safetydesk.db")["people"]


def test_unknown_size_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown demo size"):
        build_demo(tmp_path / "x", size="huge", today=TODAY)
