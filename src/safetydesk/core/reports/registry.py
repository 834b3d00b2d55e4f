"""The report kinds, and the one call that builds and renders any of them.

Each module in ``REPORT_MODULES`` exposes ``KINDS``; a kind names the table its records live in
(for ``--id``) or says it covers a period (``--from``/``--to``). Adding a report is adding a builder
and listing it here; the CLI, the screens and the tests pick it up from this registry.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select

from safetydesk.core.db.tables import metadata
from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_, _
from safetydesk.core.reports.context import ReportOptions, ReportRequest, letterhead, stamp
from safetydesk.core.reports.kind import ReportKind
from safetydesk.core.reports.model import Report
from safetydesk.core.reports.render import render
from safetydesk.core.workspace.workspace import Workspace

Progress = Callable[[int, int, str], None]

REPORT_MODULES = (
    "safetydesk.core.reports.kinds.forms",
    "safetydesk.core.reports.kinds.risk",
    "safetydesk.core.reports.kinds.actions",
    "safetydesk.core.reports.kinds.policy",
    "safetydesk.core.reports.kinds.emergency",
    "safetydesk.core.reports.kinds.incidents",
    "safetydesk.core.reports.kinds.training",
    "safetydesk.core.reports.kinds.binder",
)


class ReportNotFoundError(UserError):
    pass


@cache
def kinds() -> dict[str, ReportKind]:
    found: dict[str, ReportKind] = {}
    for name in REPORT_MODULES:
        module = importlib.import_module(name)
        for kind in module.KINDS:
            if kind.name in found:
                raise RuntimeError(f"report kind {kind.name!r} defined twice")
            found[kind.name] = kind
    return found


def kind(name: str) -> ReportKind:
    try:
        return kinds()[name]
    except KeyError:
        raise ReportNotFoundError(
            N_("There is no report called “{name}”."),
            N_("Run “safetydesk report --list” to see the reports you can print."),
            name=name,
        ) from None


def kinds_for(entity: str) -> list[ReportKind]:
    """The record reports a screen can offer for a record of ``entity``."""
    return [k for k in kinds().values() if k.entity == entity]


@dataclass(frozen=True)
class Generated:
    path: Path | None
    pages: int
    code: str | None
    seconds: float
    missing_photos: int
    title: str
    unprintable: frozenset[str] = frozenset()  # characters the font cannot draw, printed as "?"
    file_stem: str = ""  # suggested file name (without date and extension)


def check_request(k: ReportKind, request: ReportRequest) -> None:
    if k.scope == "record" and not request.record_id:
        raise UserError(
            N_("The “{name}” report prints one record: give its id."),
            N_("Use --id with the record id shown in the record's window or list."),
            name=k.name,
        )
    if request.date_from and request.date_to and request.date_from > request.date_to:
        raise UserError(
            N_("The period starts ({start}) after it ends ({end})."),
            N_("Swap the dates, or check the year."),
            start=request.date_from.isoformat(),
            end=request.date_to.isoformat(),
        )


def record_exists(ws: Workspace, entity: str, record_id: str) -> bool:
    table = metadata.tables[entity]
    with ws.reader() as conn:
        return conn.execute(select(table.c.id).where(table.c.id == record_id)).first() is not None


def build(ws: Workspace, name: str, request: ReportRequest) -> Report:
    k = kind(name)
    check_request(k, request)
    if (
        k.scope == "record"
        and k.entity
        and request.record_id
        and not record_exists(ws, k.entity, request.record_id)
    ):
        raise ReportNotFoundError(
            N_("No record with id {id} for the “{name}” report in this workspace."),
            N_("Copy the id from the record's window, and check you opened the right workspace."),
            id=request.record_id,
            name=k.name,
        )
    return k.build(ws, request)


def generate(
    ws: Workspace,
    name: str,
    request: ReportRequest,
    out: Path | BinaryIO,
    options: ReportOptions | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Generated:
    """Build the report from the workspace and render it to ``out``.

    ``cancelled`` is polled between flowables; when it returns True the render stops with
    ``RenderCancelledError`` and ``out`` is left as it was.
    """
    started = time.perf_counter()
    if progress:
        progress(0, 3, _("Reading the records…"))
    report = build(ws, name, request)
    if progress:
        progress(1, 3, _("Laying out the pages…"))
    head = letterhead(ws, report.lang)
    mark = stamp(ws, report.record)

    def image(sha: str) -> bytes | None:
        try:
            return ws.attachments.read_bytes(sha)
        except (UserError, OSError):
            return None

    pages, missing, unprintable = render(
        report, head, mark, options or ReportOptions(), image, out, cancelled
    )
    if progress:
        progress(3, 3, _("Report ready"))
    return Generated(
        path=out if isinstance(out, Path) else None,
        pages=pages,
        code=mark.code,
        seconds=time.perf_counter() - started,
        missing_photos=missing,
        title=report.title,
        unprintable=unprintable,
        file_stem=report.file_stem,
    )


def default_file_name(report_title: str, stem: str, on: date | None = None) -> str:
    day = (on or date.today()).isoformat()
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in (stem or report_title)).strip("_")
    return f"{safe or 'report'}_{day}.pdf"
