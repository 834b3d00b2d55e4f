"""Build a demo workspace: (주)동남정밀, a Busan machine shop making ship-outfitting parts.

``build_demo`` creates the workspace and fills it with years of believable safety records — people,
areas, machines, pre-work checks, monthly inspections with photos, findings and corrective actions
in every state, risk assessments, incidents, TBM minutes, permits, drills, training, contractor
evaluations, half-yearly SAPA checks, safety-role appointments with their half-yearly evaluations,
the yearly safety budget with spending linked to corrective actions, and the weekly reviews and
daily TBM of the continuous risk assessment (상시평가; ``demo/sapa.py``) — all written through
``core.services``, so the audit chain verifies and the sync outbox is real. The same seed and the same ``today`` give the same contents
(ids and write timestamps differ).

``size="small"`` is two years with a sample of the daily checks (seconds to build);
``size="large"`` is ten years with every check — more than a million checklist answers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from safetydesk.core.db.tables import CHILD_TABLES, RECORD_TABLES, attachments, metadata
from safetydesk.core.demo import history, sapa
from safetydesk.core.demo.context import SIZES, Demo
from safetydesk.core.demo.setup import build_company
from safetydesk.core.legaldata import load_legal_data
from safetydesk.core.workspace.workspace import DB_NAME, open_workspace

Progress = Callable[[int, int, str], None]


def build_demo(
    path: Path,
    *,
    seed: int = 2026,
    size: str = "small",
    progress: Progress | None = None,
    today: date | None = None,
    years: int | None = None,
) -> dict[str, object]:
    """Create a demo workspace at ``path`` and return what it holds.

    ``today`` anchors every date (default: the real today). ``years`` overrides the length of the
    history of the chosen size (tests use a short one). Returns counts per record type, the number
    of checklist answers and photos, the build time (``elapsed_s``) and the database size.
    """
    if size not in SIZES:
        raise ValueError(f"unknown demo size {size!r}; choose one of {', '.join(SIZES)}")
    started = time.perf_counter()
    config = SIZES[size]
    if years is not None:
        config = replace(config, years=max(1, years))
    today = today or date.today()
    start = today - timedelta(days=round(365.25 * config.years))
    steps: list[tuple[str, Callable[[Demo], None]]] = [
        ("회사·사람·설비", build_company),
        ("경영방침·비상 매뉴얼", history.policy_and_manual),
        ("위험성평가", history.risk_assessments),
        ("사고·아차사고", history.incidents),
        ("근로자 제안", history.suggestions),
        ("월간 안전점검", history.monthly_inspections),
        ("주간 순회점검", history.weekly_rounds),
        ("작업 전 점검", history.prework_checks),
        ("TBM 회의록", history.tbm_minutes),
        ("작업 허가서", history.permits),
        ("비상 훈련", history.drills),
        ("안전보건교육", history.trainings),
        ("협력업체 평가", history.contractor_evaluations),
        ("반기 이행점검", history.compliance_checks),
        ("경영방침 개정·목표", history.policy_revision_and_objectives),
        ("개선조치 이행", history.settle_actions),
        ("안전보건 인력 선임·평가", sapa.appointments),
        ("안전보건 예산·집행", sapa.budget),
        ("상시평가 기록", sapa.continuous_assessment),
    ]
    ws = open_workspace(path)
    try:
        demo = Demo(
            ws=ws,
            seed=seed,
            size=size,
            config=config,
            today=today,
            start=start,
            legal=load_legal_data(),
            progress=progress,
            total_steps=len(steps) + 1,
        )
        for index, (label, step) in enumerate(steps):
            demo.step = index
            demo.tick(index, demo.total_steps, label)
            step(demo)
        demo.tick(len(steps), demo.total_steps, "요약")
        summary = _summary(demo)
    finally:
        ws.close()
    db = path / DB_NAME
    summary["db_size_bytes"] = sum(
        p.stat().st_size for p in (db, db.with_name(DB_NAME + "-wal")) if p.exists()
    )
    summary["elapsed_s"] = round(time.perf_counter() - started, 2)
    if progress is not None:
        progress(len(steps) + 1, len(steps) + 1, "완료")
    return summary


def _summary(demo: Demo) -> dict[str, object]:
    summary: dict[str, object] = {
        "site": "(주)동남정밀",
        "seed": demo.seed,
        "size": demo.size,
        "from": demo.start.isoformat(),
        "today": demo.today.isoformat(),
    }
    with demo.ws.reader() as conn:
        for name, table in RECORD_TABLES.items():
            summary[name] = int(conn.execute(select(func.count()).select_from(table)).scalar_one())
        for name in CHILD_TABLES:
            table = metadata.tables[name]
            summary[name] = int(conn.execute(select(func.count()).select_from(table)).scalar_one())
        summary["photos"] = int(
            conn.execute(
                select(func.count()).select_from(attachments).where(attachments.c.mime == "image/jpeg")
            ).scalar_one()
        )
        summary["attachments_bytes"] = int(
            conn.execute(select(func.coalesce(func.sum(attachments.c.size), 0))).scalar_one()
        )
    summary["answers"] = summary["form_answers"]
    return summary
