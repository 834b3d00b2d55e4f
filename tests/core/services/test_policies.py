"""Policy versions: approve locks, posting is the only later change, revisions carry a reason."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import select

from safetydesk.core.audit.chain import verify
from safetydesk.core.db.tables import audit_events
from safetydesk.core.errors import RecordLockedError, UserError, ValidationError
from safetydesk.core.queries.lists import ListQuery, count, page
from safetydesk.core.queries.policies import (
    ObjectiveInput,
    PolicyInput,
    latest_policy_id,
    objective_detail,
    policy_detail,
)
from safetydesk.core.services import records
from safetydesk.core.services.policies import (
    approve_policy,
    delete_objective,
    mark_posted,
    revise_policy,
    save_objective,
    save_policy,
)
from safetydesk.core.workspace.workspace import Workspace


@contextmanager
def raises_en(kind: type[UserError], text: str) -> Iterator[None]:
    """Like ``pytest.raises(match=...)`` but on the English text, whatever the UI language."""
    with pytest.raises(kind) as err:
        yield
    assert text in err.value.text("en")


POLICY = PolicyInput("안전보건 경영방침", "모든 작업에서 안전을 최우선으로 한다.", "1.0")


def test_approve_locks_and_posting_is_allowed_afterwards(ws: Workspace) -> None:
    created = save_policy(ws, POLICY)
    with raises_en(ValidationError, "Approve the policy"):
        mark_posted(ws, created.id, posted_on=date(2026, 1, 5), how="게시판")
    with pytest.raises(ValidationError):
        approve_policy(ws, created.id, approved_by=" ", approved_on=date(2026, 1, 2))
    approve_policy(ws, created.id, approved_by="대표이사 정대표", approved_on=date(2026, 1, 2))
    detail = policy_detail(ws, created.id)
    assert detail.locked and detail.status == "completed" and detail.effective_from == "2026-01-02"
    assert detail.retention_until == "2031-01-02"
    with pytest.raises(RecordLockedError):
        save_policy(ws, POLICY, policy_id=created.id)
    with raises_en(ValidationError, "before the approval"):
        mark_posted(ws, created.id, posted_on=date(2025, 12, 31), how="게시판")
    mark_posted(ws, created.id, posted_on=date(2026, 1, 5), how="현장 게시판, 정기교육 시 설명")
    detail = policy_detail(ws, created.id)
    assert detail.posted_on == "2026-01-05" and detail.body == POLICY.body
    with ws.reader() as conn:
        post = conn.execute(
            select(audit_events.c.action, audit_events.c.summary)
            .where(audit_events.c.record_id == created.id)
            .order_by(audit_events.c.seq.desc())
        ).first()
        assert verify(conn).ok
    assert post is not None and post[0] == "post" and "2026-01-05" in str(post[1])


def test_revision_history_v10_to_v11(ws: Workspace) -> None:
    first = save_policy(ws, POLICY)
    approve_policy(ws, first.id, approved_by="정대표", approved_on=date(2026, 1, 2))
    mark_posted(ws, first.id, posted_on=date(2026, 1, 5), how="게시판")
    with raises_en(ValidationError, "new label"):
        revise_policy(ws, first.id, reason="목표 추가", version_label="1.0")
    second = revise_policy(ws, first.id, reason="도급 안전 항목 추가", version_label="1.1")
    detail = policy_detail(ws, second.id)
    assert detail.version_label == "1.1" and detail.previous_version == "1.0"
    assert detail.revision_reason == "도급 안전 항목 추가" and not detail.locked
    assert detail.approved_by is None and detail.posted_on is None
    assert latest_policy_id(ws) == second.id
    save_policy(
        ws, PolicyInput(POLICY.title, POLICY.body + "\n협력업체 안전 확보.", "1.1"), policy_id=second.id
    )
    approve_policy(ws, second.id, approved_by="정대표", approved_on=date(2026, 7, 1))
    result = page(ws, ListQuery("policies"), 0, 10)
    versions = [row[0] for row in result.rows]
    assert versions == ["1.1", "1.0"]
    assert [row[4] for row in result.rows] == ["2026-07-01", "2026-01-02"]


def test_objectives_for_a_year(ws: Workspace) -> None:
    site = records.create(ws, "sites", {"name": "동남정밀"}).id
    owner = records.create(
        ws,
        "people",
        {"site_id": site, "name": "김안전", "kind": "manager", "job_type": "office", "roles": []},
    ).id
    created = save_objective(
        ws, ObjectiveInput(2026, "휴업재해 0건", target="0건", kpi="휴업재해 건수", owner_id=owner)
    )
    save_objective(ws, ObjectiveInput(2025, "아차사고 보고 50건"))
    assert count(ws, ListQuery("objectives", filters={"year": 2026})) == 1
    save_objective(
        ws,
        ObjectiveInput(
            2026,
            "휴업재해 0건",
            target="0건",
            kpi="휴업재해 건수",
            owner_id=owner,
            result="0건",
            achieved=True,
        ),
        objective_id=created.id,
    )
    detail = objective_detail(ws, created.id)
    assert detail.values.achieved is True and detail.owner_name == "김안전"
    with pytest.raises(ValidationError):
        save_objective(ws, ObjectiveInput(2026, " "))
    delete_objective(ws, created.id)
    assert count(ws, ListQuery("objectives", filters={"year": 2026})) == 0
