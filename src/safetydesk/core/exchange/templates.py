"""Checklist template exchange: one row per template; its definition is the template JSON (format 1).

The code, version and titles are shown in their own columns for people reading the sheet; the JSON
is what is imported, validated exactly as a template file is (``forms.library.parse_template_json``).
A template already in the workspace with the same code and version is left as it is when identical,
and is a problem when different (templates are versioned, never overwritten).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from safetydesk.core.db.tables import form_templates
from safetydesk.core.exchange.common import Column, Preview, Problem, Sheet, read_table, write_rows
from safetydesk.core.forms.library import parse_template_json
from safetydesk.core.forms.schema import FormTemplate, TemplateError, template_sha256
from safetydesk.core.i18n import N_, _
from safetydesk.core.services.base import Changes, Tx
from safetydesk.core.services.forms import _insert_template
from safetydesk.core.workspace.workspace import Workspace

KIND = "templates"
SHEET = N_("Templates")
EXCEL_CELL_LIMIT = 32767

COLUMNS = (
    Column("code", N_("Code"), max_len=80, aliases=("코드",)),
    Column("version", N_("Version"), "int", aliases=("버전",)),
    Column("kind", N_("Form kind"), max_len=30),
    Column("title_ko", N_("Title (Korean)"), max_len=200),
    Column("title_en", N_("Title (English)"), max_len=200),
    Column(
        "body", N_("Template (JSON)"), max_len=EXCEL_CELL_LIMIT, required=True, aliases=("json", "template")
    ),
)


def preview(ws: Workspace, path: Path, sheets: list[Sheet]) -> Preview:
    out = Preview(KIND, path)
    table = read_table(sheets[0], COLUMNS)
    out.problems += table.problems
    with ws.reader() as conn:
        stored = {
            (str(code), int(version)): str(sha)
            for code, version, sha in conn.execute(
                select(form_templates.c.code, form_templates.c.version, form_templates.c.body_sha256)
            )
        }
    seen: dict[tuple[str, int], int] = {}
    new: list[FormTemplate] = []
    unchanged = 0
    body_title = _("Template (JSON)")
    for r, values in table.rows:
        body = values.get("body")
        if body is None:
            continue
        try:
            template = parse_template_json(body, f"{table.sheet}!{r}")
        except TemplateError as exc:
            for problem in exc.problems[:20]:
                out.problems.append(
                    Problem(
                        table.sheet, r, body_title, N_("Invalid template: {problem}"), {"problem": problem}
                    )
                )
            continue
        key = (template.code, template.version)
        for field, expected in (("code", template.code), ("version", template.version)):
            given = values.get(field)
            if given is not None and str(given) != str(expected):
                out.problems.append(
                    Problem(
                        table.sheet,
                        r,
                        next(c.title() for c in COLUMNS if c.key == field),
                        N_("'{given}' differs from the template JSON ({expected})."),
                        {"given": given, "expected": expected},
                    )
                )
        if key in seen:
            out.problems.append(
                Problem(
                    table.sheet,
                    r,
                    _("Code"),
                    N_("Template {code} version {version} appears twice in the file (also row {other})."),
                    {"code": key[0], "version": key[1], "other": seen[key]},
                )
            )
            continue
        seen[key] = r
        if key in stored:
            if stored[key] == template_sha256(template.to_dict()):
                unchanged += 1
                continue
            out.problems.append(
                Problem(
                    table.sheet,
                    r,
                    _("Code"),
                    N_(
                        "A different template {code} version {version} is already in the workspace; raise the version."
                    ),
                    {"code": key[0], "version": key[1]},
                )
            )
            continue
        new.append(template)
    out.rows = len(table.rows)
    out.create = len(new)
    out.sample = [{"code": t.code, "version": t.version, "title": t.title.ko} for t in new[:20]]
    out.payload = new
    return out


def apply(tx: Tx, payload: list[FormTemplate]) -> Changes:
    for template in payload:
        _insert_template(tx, template, origin="user")
    return tx.finish()


def export(ws: Workspace, path: Path) -> int:
    with ws.reader() as conn:
        data = conn.execute(
            select(
                form_templates.c.code,
                form_templates.c.version,
                form_templates.c.kind,
                form_templates.c.title_ko,
                form_templates.c.title_en,
                form_templates.c.body,
            )
            .where(form_templates.c.deleted_at.is_(None))
            .order_by(form_templates.c.code, form_templates.c.version)
        ).all()
    rows: list[list[Any]] = [[c.title() for c in COLUMNS]]
    for code, version, kind, title_ko, title_en, body in data:
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        if len(text) > EXCEL_CELL_LIMIT:
            raise ValueError(f"template {code} v{version} is longer than an Excel cell holds")
        rows.append([code, version, kind, title_ko, title_en, text])
    write_rows(path, _(SHEET), rows, header_row=1)
    return len(data)
