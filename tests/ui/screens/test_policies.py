"""Policies screen: write → approve (locked) → post → revise to v1.1; objectives for a year."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from safetydesk.core.i18n import current_language, set_language
from safetydesk.core.queries.lists import ListQuery, count
from safetydesk.core.queries.policies import ObjectiveInput
from safetydesk.core.services import records
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.screens.policies import PoliciesScreen, next_version
from safetydesk.ui.tasks import TaskRunner


@pytest.fixture
def english() -> Iterator[None]:
    before = current_language()
    set_language("en")
    yield
    set_language(before)


def _idle(qtbot: QtBot, screen: PoliciesScreen) -> None:
    qtbot.waitUntil(lambda: not screen.busy, timeout=5000)
    screen.ctx.tasks.wait()


def test_next_version() -> None:
    assert next_version("1.0") == "1.1"
    assert next_version("2.9") == "2.10"
    assert next_version("2026") == "2026.1"


def test_policy_life_cycle(qtbot: QtBot, ws: Workspace, english: None) -> None:
    screen = PoliciesScreen(AppContext(workspace=ws, tasks=TaskRunner()))
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    screen.ctx.tasks.wait()
    qtbot.waitUntil(lambda: screen.versions.model.total == 0, timeout=5000)
    assert screen.detail is None and not screen.approve_button.isEnabled()

    screen.new_record()
    assert screen.title.text() == "Safety and health management policy" and screen.version.text() == "1.0"
    screen.body.setPlainText("모든 작업에서 안전을 최우선으로 한다.")
    assert screen.has_unsaved_changes()
    screen.save()
    qtbot.waitUntil(lambda: screen.detail is not None, timeout=5000)
    _idle(qtbot, screen)
    assert not screen.has_unsaved_changes() and screen.approve_button.isEnabled()
    assert not screen.post_button.isEnabled()

    screen.approve("대표이사 정대표", date(2026, 1, 2))
    qtbot.waitUntil(lambda: screen.detail is not None and screen.detail.locked, timeout=5000)
    _idle(qtbot, screen)
    assert screen.body.isReadOnly() and not screen.save_button.isEnabled()
    assert "approved by 대표이사 정대표 on 2026-01-02" in screen.banner.text()
    assert "Not yet posted" in screen.banner.text()

    screen.mark_posted(date(2025, 12, 1), "게시판")  # before approval: refused, shown
    _idle(qtbot, screen)
    assert screen.error.isVisibleTo(screen) and "before the approval" in screen.error.text()
    screen.mark_posted(date(2026, 1, 5), "현장 게시판")
    qtbot.waitUntil(
        lambda: screen.detail is not None and screen.detail.posted_on == "2026-01-05", timeout=5000
    )
    _idle(qtbot, screen)
    assert "Posted on 2026-01-05 (현장 게시판)" in screen.banner.text()

    first = screen.detail
    screen.make_revision("협력업체 안전 보강", "1.1")
    qtbot.waitUntil(lambda: screen.detail is not None and screen.detail.version_label == "1.1", timeout=5000)
    _idle(qtbot, screen)
    assert screen.detail.revision_of == first.id and not screen.detail.locked
    assert "Revision of 1.0: 협력업체 안전 보강" in screen.banner.text()
    assert not screen.body.isReadOnly()
    qtbot.waitUntil(lambda: screen.versions.model.total == 2, timeout=5000)
    assert screen.versions.model.value(0, "version_label") == "1.1"
    assert screen.versions.model.value(1, "approved_by") == "대표이사 정대표"
    screen.ctx.tasks.wait()


def test_objectives_tab(qtbot: QtBot, ws: Workspace, english: None) -> None:
    site = records.create(ws, "sites", {"name": "동남정밀"}).id
    owner = records.create(
        ws,
        "people",
        {"site_id": site, "name": "김안전", "kind": "manager", "job_type": "office", "roles": []},
    ).id
    screen = PoliciesScreen(AppContext(workspace=ws, tasks=TaskRunner()))
    qtbot.addWidget(screen)
    screen.refresh()
    screen.ctx.tasks.wait()
    screen.year.setValue(2026)
    screen.add_objective(
        ObjectiveInput(2026, "휴업재해 0건", target="0건", kpi="휴업재해 건수", owner_id=owner)
    )
    qtbot.waitUntil(lambda: screen.last_objective is not None, timeout=5000)
    qtbot.waitUntil(lambda: screen.objectives.model.total == 1, timeout=5000)
    assert screen.objectives.model.value(0, "owner") == "김안전"
    assert screen.last_objective is not None
    done = ObjectiveInput(2026, "휴업재해 0건", target="0건", owner_id=owner, result="0건", achieved=True)
    screen.edit_objective(screen.last_objective.id, done)
    qtbot.waitUntil(
        lambda: screen.last_objective is not None and screen.last_objective.values.achieved is True,
        timeout=5000,
    )
    screen.add_objective(ObjectiveInput(2026, " "))
    qtbot.waitUntil(lambda: bool(screen.objective_error.text()), timeout=5000)
    assert "Enter the objective" in screen.objective_error.text()
    screen.add_objective(ObjectiveInput(2027, "안전교육 이수율 100%"))
    qtbot.waitUntil(lambda: screen.year.value() == 2027, timeout=5000)
    screen.ctx.tasks.wait()
    assert count(ws, ListQuery("objectives", filters={"year": 2026})) == 1
    screen.ctx.tasks.wait()
