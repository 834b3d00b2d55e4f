"""``safetydesk --self-test``: prove an installation works end to end (the frozen build runs this).

It exercises what frozen builds break on: bundled data files (fonts, templates, legal data,
catalogues), the database with its migrations, the audit chain, and a PDF render with Hangul.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path


def run_self_test(say: Callable[[str], None]) -> int:
    checks: list[tuple[str, Callable[[Path], str]]] = [
        ("resources", _check_resources),
        ("workspace", _check_workspace),
        ("pdf", _check_pdf),
    ]
    failed = 0
    with tempfile.TemporaryDirectory(prefix="safetydesk-selftest-") as tmp:
        for name, check in checks:
            started = time.perf_counter()
            try:
                detail = check(Path(tmp))
            except Exception as exc:  # the self-test reports every failure, whatever it is
                failed += 1
                say(f"FAIL {name}: {type(exc).__name__}: {exc}")
            else:
                say(f"ok   {name} ({(time.perf_counter() - started) * 1000:.0f} ms): {detail}")
    say("self-test passed" if not failed else f"self-test FAILED ({failed} checks)")
    return 0 if not failed else 1


def _check_resources(_tmp: Path) -> str:
    from safetydesk.core.fonts import font_file
    from safetydesk.core.forms.library import load_shipped_templates
    from safetydesk.core.i18n import _
    from safetydesk.core.legaldata import load_legal_data

    if font_file().stat().st_size < 1_000_000:
        raise RuntimeError("bundled Hangul font is missing or truncated")
    templates = load_shipped_templates()
    legal = load_legal_data()
    scale = legal.risk_scale("kras_5x4", date.today())
    translated = _("Error", "ko")
    if translated == "Error":
        raise RuntimeError("Korean message catalogue not found")
    return f"{len(templates)} templates, scale {scale.code} v{scale.version}, catalogue ko"


def _check_workspace(tmp: Path) -> str:
    from safetydesk.core.audit.chain import verify
    from safetydesk.core.services import records
    from safetydesk.core.services.attachments import store_bytes
    from safetydesk.core.services.base import transaction
    from safetydesk.core.services.forms import (
        complete_form,
        install_shipped_templates,
        passing_answers,
        save_answers,
        start_form,
        template_id_by_code,
    )
    from safetydesk.core.workspace.workspace import open_workspace

    with open_workspace(tmp / "ws") as ws:
        install_shipped_templates(ws)
        site = records.create(ws, "sites", {"name": "자가진단 사업장", "name_en": "Self-test site"}).id
        area = records.create(
            ws, "areas", {"site_id": site, "code": "T1", "name": "시험", "hazard_tags": []}
        ).id
        template_id = template_id_by_code(ws, "prework.press")
        form = start_form(ws, template_id, performed_on=date.today(), area_id=area).id
        with ws.reader() as conn:
            from safetydesk.core.services.forms import load_template

            template = load_template(conn, template_id)
        with transaction(ws) as tx:
            signature = store_bytes(tx, b"self-test signature", mime="text/plain")
        save_answers(
            ws, form, passing_answers(template, person="자가진단", on=date.today(), signature=signature)
        )
        done = complete_form(ws, form)
        with ws.reader() as conn:
            report = verify(conn)
        if not report.ok:
            raise RuntimeError(f"audit verification failed: {report.broken_reason or report.tampered[:1]}")
        return f"{report.events} audit events verified, score {done.score.percent}"


def _check_pdf(tmp: Path) -> str:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from safetydesk.core.fonts import font_file

    pdfmetrics.registerFont(TTFont("NanumGothic", str(font_file())))
    out = tmp / "selftest.pdf"
    pdf = canvas.Canvas(str(out), pagesize=A4)
    pdf.setFont("NanumGothic", 14)
    pdf.drawString(72, 760, "SafetyDesk 자가진단 — 안전보건관리체계")
    pdf.save()
    data = out.read_bytes()
    if not data.startswith(b"%PDF") or b"NanumGothic" not in data:
        raise RuntimeError("PDF render did not embed the Hangul font")
    return f"{len(data):,} bytes with embedded NanumGothic"
