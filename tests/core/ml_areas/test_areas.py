"""Area ranking on small hand-built workspaces: the order and the reasons follow the data."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
import pytest

from safetydesk.core.ml.area_backtest import backtest
from safetydesk.core.ml.area_features import features_at, load_history
from safetydesk.core.ml.areas import AreaScore, fit_poisson, next_month, rank_areas, rates_at
from safetydesk.core.services import records
from safetydesk.core.services.base import transaction
from safetydesk.core.services.forms import list_templates
from safetydesk.core.services.incidents import QuickIntake, record_near_miss
from safetydesk.core.workspace.workspace import Workspace

TODAY = date.today()


def _plant(ws: Workspace, codes: tuple[str, ...] = ("B", "Q", "R")) -> dict[str, str]:
    site = records.create(ws, "sites", {"name": "동남정밀"}).id
    return {
        code: records.create(
            ws,
            "areas",
            {
                "site_id": site,
                "code": code,
                "name": f"구역 {code}",
                "name_en": f"Area {code}",
                "hazard_tags": [],
            },
        ).id
        for code in codes
    }


def _near_miss(ws: Workspace, area: str, on: date) -> None:
    when = datetime.combine(on, time(10, 0), tzinfo=UTC)
    record_near_miss(ws, QuickIntake(description="지게차와 부딪칠 뻔함", occurred_at=when, area_id=area))


def _overdue_action(ws: Workspace, area: str, days_late: int) -> None:
    records.create(
        ws,
        "corrective_actions",
        {
            "source_kind": "inspection",
            "area_id": area,
            "title": "방호덮개 보수",
            "hierarchy": "engineering",
            "due_on": TODAY - timedelta(days=days_late),
        },
    )


def _by_code(scores: list[AreaScore]) -> dict[str, AreaScore]:
    return {s.code: s for s in scores}


def test_overdue_actions_and_near_misses_rank_an_area_above_a_quiet_one(ws: Workspace) -> None:
    areas = _plant(ws)
    for late in (3, 10, 20):
        _overdue_action(ws, areas["B"], late)
    _near_miss(ws, areas["B"], TODAY - timedelta(days=5))
    _near_miss(ws, areas["B"], TODAY - timedelta(days=40))

    ranking = rank_areas(ws, TODAY)
    by_code = _by_code(ranking)
    assert ranking[0].code == "B"
    assert by_code["B"].score > by_code["Q"].score
    assert [s.rank for s in ranking] == [1, 2, 3]
    assert by_code["B"].method == "fallback"  # two events are far too little history to learn from

    reasons = {r.key: r for r in by_code["B"].reasons}
    assert reasons["overdue_actions"].params["count"] == 3
    assert "3 overdue corrective actions" in reasons["overdue_actions"].render("en")
    assert reasons["near_misses_90"].params["count"] == 2
    assert "2 near misses in 90 days" in reasons["near_misses_90"].render("en")
    assert [r.key for r in by_code["Q"].reasons] == ["inspection_gap"]  # never inspected: worth saying
    weights = [r.weight for r in by_code["B"].reasons]
    assert weights == sorted(weights, reverse=True)
    assert 0 < sum(weights) <= 1.0 + 1e-9


def test_the_ranking_follows_new_data(ws: Workspace) -> None:
    areas = _plant(ws)
    _overdue_action(ws, areas["B"], 5)
    before = _by_code(rank_areas(ws, TODAY))
    assert before["B"].rank == 1

    for late in (1, 2, 3, 4):
        _overdue_action(ws, areas["R"], late)
    _near_miss(ws, areas["R"], TODAY - timedelta(days=2))
    after = _by_code(rank_areas(ws, TODAY))
    assert after["R"].rank == 1
    assert after["R"].score > before["R"].score
    assert {r.key: r.params.get("count") for r in after["R"].reasons}["overdue_actions"] == 4


def test_done_actions_and_old_events_do_not_count(ws: Workspace) -> None:
    areas = _plant(ws)
    finding = records.create(
        ws,
        "findings",
        {
            "source_kind": "inspection",
            "area_id": areas["B"],
            "found_on": TODAY - timedelta(days=20),
            "description": "방호덮개 파손",
            "severity": "high",
        },
    ).id
    action_id = records.create(
        ws,
        "corrective_actions",
        {
            "source_kind": "inspection",
            "finding_id": finding,
            "title": "방호덮개 보수",
            "hierarchy": "engineering",
            "due_on": TODAY - timedelta(days=5),
        },
    ).id
    records.update(ws, "corrective_actions", action_id, {"status": "done", "done_on": TODAY})
    _near_miss(ws, areas["B"], TODAY - timedelta(days=200))

    features = {f.area.code: f for f in features_at(load_history(ws, TODAY), TODAY)}
    assert features["B"].open_actions == 0
    assert features["B"].overdue_actions == 0
    assert features["B"].near_misses_90 == 0
    # the day before it was closed, the same action (opened when the finding was made) was overdue
    yesterday = TODAY - timedelta(days=1)
    earlier = {f.area.code: f for f in features_at(load_history(ws, TODAY), yesterday)}
    assert earlier["B"].overdue_actions == 1


def test_failed_press_checks_are_named_in_the_reasons(ws: Workspace) -> None:
    areas = _plant(ws)
    template = next(t for t in list_templates(ws) if t.code == "prework.press")
    for days_ago in (2, 9, 16):
        with transaction(ws, "test") as tx:
            record = tx.insert(
                "form_records",
                {
                    "template_id": template.id,
                    "kind": "prework_check",
                    "area_id": areas["Q"],
                    "performed_on": TODAY - timedelta(days=days_ago),
                    "header": {},
                    "failed_count": 1,
                },
            )
            tx.set_children(
                "form_records",
                record,
                "form_answers",
                [
                    {"question_key": "protective_device", "result": "fail"},
                    {"question_key": "clutch_brake", "result": "pass"},
                ],
            )

    by_code = _by_code(rank_areas(ws, TODAY))
    assert by_code["Q"].rank == 1
    features = by_code["Q"].features
    assert features.failed_30 == 3
    assert features.failed_high_30 == 3  # the template's rule marks this failure high severity
    assert features.failed_weighted_30 == 9.0
    reason = next(r for r in by_code["Q"].reasons if r.key.startswith("failed_weighted"))
    assert reason.params["count"] == 3
    assert "3 failed checks of" in reason.render("en")
    assert "방호장치" in reason.render("ko")


def _history(ws: Workspace, months: int = 20) -> tuple[dict[str, str], list[tuple[str, date]]]:
    """A busy area B (two near misses a month), an area R with one every third month, a quiet Q."""
    areas = _plant(ws)
    events: list[tuple[str, date]] = []
    start = date(TODAY.year - 2, TODAY.month, 1)
    day = start
    for i in range(months):
        for area, offset in (("B", 3), ("B", 17)) + ((("R", 10),) if i % 3 == 0 else ()):
            on = day + timedelta(days=offset)
            if on < TODAY:
                _near_miss(ws, areas[area], on)
                events.append((area, on))
        day = next_month(day)
    return areas, events


def test_backtest_hit_rate_is_computed_on_the_actual_events(ws: Workspace) -> None:
    _areas, events = _history(ws)
    result: dict[str, Any] = backtest(ws, TODAY, months=None, k=1)

    points = result["points"]
    assert points, "a year and a half of history gives months to score"
    months = {p["month"] for p in points}
    expected = sum(1 for _area, on in events if on.strftime("%Y-%m") in months)
    assert result["events"] == expected == sum(p["events"] for p in points)
    assert result["chance"] == pytest.approx(1 / 3, abs=1e-4)
    for name in ("baseline", "fallback", "learned"):
        summary = result["summary"][name]
        assert summary["events"] == expected
        assert 0.0 <= summary["hit_rate"] <= 1.0
        assert summary["hits"] == pytest.approx(sum(p["hits"][name] for p in points), abs=1e-3)
    # B has most of the events every month, so history-based scorers beat chance here
    assert result["summary"]["baseline"]["hit_rate"] > result["chance"]
    assert result["kept"] in ("baseline", "fallback", "learned")


def test_rankings_and_backtests_are_json_for_the_ui_and_cli(ws: Workspace) -> None:
    areas, _events = _history(ws, months=14)  # ends about ten months ago
    _near_miss(ws, areas["B"], TODAY - timedelta(days=3))
    ranking = rank_areas(ws, TODAY, method="baseline")
    assert {s.method for s in ranking} == {"baseline"}
    payload = json.loads(json.dumps([s.to_dict() for s in ranking], ensure_ascii=False))
    top = payload[0]
    assert top["code"] == "B"
    assert top["reasons"][0]["key"] == "event_history"
    assert "incidents and near misses on record" in top["reasons"][0]["text_en"]
    # the baseline weighs only past events; the recent near misses still show as signals
    assert "near_misses_90" in {r["key"] for r in top["signals"]}
    result = backtest(ws, TODAY, months=6)
    assert json.loads(json.dumps(result))["months"] == len(result["points"]) <= 6  # type: ignore[arg-type]


def test_enough_history_trains_the_learned_scorer(ws: Workspace) -> None:
    _history(ws, months=24)
    ranking = rank_areas(ws, TODAY, method="learned")
    assert {s.method for s in ranking} == {"learned"}
    assert ranking[0].code == "B"
    auto = rank_areas(ws, TODAY)
    assert auto[0].method in ("learned", "fallback", "baseline")


def test_empirical_bayes_shrinks_toward_the_plant_rate(ws: Workspace) -> None:
    areas = _plant(ws)
    for days_ago in (30, 60, 90, 120, 150, 200, 250, 300):
        _near_miss(ws, areas["B"], TODAY - timedelta(days=days_ago))
    _near_miss(ws, areas["R"], TODAY - timedelta(days=100))
    history = load_history(ws, TODAY)
    rates = rates_at(history, TODAY)
    codes = [a.code for a in history.areas]
    b, q = codes.index("B"), codes.index("Q")
    assert rates.raw[q] == 0.0 < rates.shrunk[q]  # a quiet area is not declared risk-free
    assert rates.shrunk[b] < rates.raw[b]  # nor the busy one taken at its word
    assert rates.shrunk[b] > rates.shrunk[q]


def test_poisson_fit_recovers_the_direction_of_effects() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(3000, 3))
    y = rng.poisson(np.exp(-1.0 + 0.8 * x[:, 0] - 0.5 * x[:, 1])).astype(np.float64)
    model = fit_poisson(x, y, ridge=1.0)
    slopes = model.coef[1:] / model.scale
    assert slopes[0] == pytest.approx(0.8, abs=0.1)
    assert slopes[1] == pytest.approx(-0.5, abs=0.1)
    assert abs(slopes[2]) < 0.1


def test_an_empty_workspace_ranks_nothing(ws: Workspace) -> None:
    assert rank_areas(ws, TODAY) == []
    result = backtest(ws, TODAY)
    assert result["events"] == 0


def test_high_risk_work_and_inspection_quality_signals(ws: Workspace) -> None:
    site = records.create(ws, "sites", {"name": "동남정밀"}).id
    press_line = records.create(
        ws,
        "areas",
        {"site_id": site, "code": "PR", "name": "프레스 라인", "hazard_tags": ["press", "hot_work", "noise"]},
    ).id
    records.create(ws, "areas", {"site_id": site, "code": "OF", "name": "사무동", "hazard_tags": []})
    records.create(
        ws,
        "equipment",
        {"site_id": site, "area_id": press_line, "code": "PR-01", "name": "200톤 프레스", "kind": "press"},
    )
    template = next(t for t in list_templates(ws) if t.kind == "inspection")
    for days_ago in (5, 20, 35):
        records.create(
            ws,
            "form_records",
            {
                "template_id": template.id,
                "kind": "inspection",
                "area_id": press_line,
                "performed_on": TODAY - timedelta(days=days_ago),
                "performed_by_name": "김안전",
                "score_percent": 100.0,
                "header": {},
            },
        )

    by_code = _by_code(rank_areas(ws, TODAY))
    press = by_code["PR"]
    assert press.rank == 1
    f = press.features
    assert f.high_risk_equipment == ("press",)
    assert f.high_risk_work == ("hot_work", "press")
    assert f.days_since_inspection == 5
    assert (f.inspections_90, f.perfect_share_90, f.inspectors_90) == (3, 1.0, 1)
    said = {r.key: r for r in press.reasons + press.signals}
    assert "화기작업, 프레스" in said["high_risk_work"].render("ko")  # kinds follow the language
    assert "Hot work, Press" in said["high_risk_work"].render("en")
    assert "Press" in said["high_risk_equipment"].render("en")
    assert said["always_perfect"].params == {"count": 3, "days": 90}
    assert said["single_inspector"].params == {"count": 3, "days": 90}
    office = by_code["OF"].features
    assert office.days_since_inspection is None and not office.high_risk_work
