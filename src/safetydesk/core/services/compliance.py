"""The half-yearly SAPA check workflow: the officer reviews a duty, the owner confirms, the record locks.

SAPA Decree Art. 4 items 3, 5, 7, 8, 9 and Art. 5②1, ②3 ask for a check "at least once per half-year";
the owner (경영책임자) must receive the result. One ``compliance_checks`` row per period and duty:

1. ``record_review`` creates (or updates) the draft with the reviewer, the day and the findings, and
   stores the engine's status of the records at that moment (``status_at_review`` — a snapshot for the
   file, never the status itself, which the engine always recomputes);
2. ``confirm_by_owner`` adds the owner's name, the day and an optional drawn signature (an attachment
   with role ``signature``), then completes and locks the record; retention runs 5 years from the
   confirmation (Decree Art. 13, ``retention.toml`` kind ``sapa_implementation``);
3. a locked check is never edited: ``revise_check`` starts a new draft revision that the owner confirms
   again.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from safetydesk.core.compliance.duties import DUTY_CODES
from safetydesk.core.compliance.engine import parse_period, records_status
from safetydesk.core.db.tables import compliance_checks
from safetydesk.core.errors import RecordLockedError, ValidationError
from safetydesk.core.i18n import N_
from safetydesk.core.services import attachments
from safetydesk.core.services.base import Changes, Tx, transaction
from safetydesk.core.services.records import Created, complete_in, revise
from safetydesk.core.workspace.workspace import Workspace

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _latest(tx: Tx, period: str, duty_code: str) -> dict[str, object] | None:
    row = (
        tx.conn.execute(
            select(compliance_checks)
            .where(
                compliance_checks.c.period == period,
                compliance_checks.c.duty_code == duty_code,
                compliance_checks.c.deleted_at.is_(None),
            )
            .order_by(compliance_checks.c.revision_no.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )
    return dict(row) if row is not None else None


def record_review(
    ws: Workspace,
    period: str,
    duty_code: str,
    *,
    reviewer: str,
    reviewed_on: date,
    findings: str,
    actor: str | None = None,
) -> Created:
    """Create or update the draft check of ``duty_code`` for ``period`` (e.g. ``2026H1``)."""
    half = parse_period(period)
    if duty_code not in DUTY_CODES:
        raise ValidationError(
            N_("“{code}” is not a SAPA duty code."),
            N_("Use one of sapa_4_1 … sapa_4_9 or sapa_5_2_1 … sapa_5_2_4."),
            code=duty_code,
        )
    if not reviewer.strip():
        raise ValidationError(N_("Name the person who reviewed the duty."), N_("Fill in the reviewer."))
    if reviewed_on < half.start:
        raise ValidationError(
            N_("A check of {period} cannot be reviewed before the period starts ({start})."),
            N_("Check the review date."),
            period=half.code,
            start=half.start.isoformat(),
        )
    with transaction(ws, actor) as tx:
        status = records_status(tx.conn, half, duty_code, today=reviewed_on)
        values = {
            "period": half.code,
            "duty_code": duty_code,
            "status_at_review": status.value,
            "reviewer": reviewer.strip(),
            "reviewed_on": reviewed_on,
            "findings_text": findings,
        }
        current = _latest(tx, half.code, duty_code)
        if current is not None and current.get("locked_at"):
            raise RecordLockedError(
                N_("The check of {code} for {period} was confirmed and locked on {when}."),
                N_("Make a revision of it instead: the revision keeps the original as evidence."),
                code=duty_code,
                period=half.code,
                when=str(current["locked_at"])[:10],
            )
        if current is None:
            record_id = tx.insert("compliance_checks", values)
            action = "create"
        else:
            record_id = str(current["id"])
            tx.update("compliance_checks", record_id, values)
            action = "update"
    return Created(record_id, Changes((("compliance_checks", record_id, action),)))


def confirm_by_owner(
    ws: Workspace,
    check_id: str,
    *,
    owner_name: str,
    confirmed_on: date,
    signature_png: bytes | None = None,
    actor: str | None = None,
) -> Changes:
    """The owner confirms receipt of the reviewed check: sign, complete and lock (kept 5 years)."""
    if not owner_name.strip():
        raise ValidationError(N_("Name the owner who confirms the check."), N_("Fill in the owner's name."))
    if signature_png is not None and not signature_png.startswith(PNG_MAGIC):
        raise ValidationError(N_("The signature must be a PNG image."), N_("Draw the signature again."))
    with transaction(ws, actor) as tx:
        row = tx.get("compliance_checks", check_id)
        if row.get("locked_at"):
            raise RecordLockedError(
                N_("This check was already confirmed and locked on {when}."),
                N_("Make a revision of it instead: the revision keeps the original as evidence."),
                when=str(row["locked_at"])[:10],
            )
        reviewed = row.get("reviewed_on")
        if not reviewed:
            raise ValidationError(
                N_("The owner can only confirm a check after it has been reviewed."),
                N_("Record the review first: who checked, when and what was found."),
            )
        if confirmed_on < date.fromisoformat(str(reviewed)):
            raise ValidationError(
                N_("The owner's confirmation ({on}) cannot be before the review ({reviewed})."),
                N_("Check the confirmation date."),
                on=confirmed_on.isoformat(),
                reviewed=str(reviewed),
            )
        if signature_png is not None:
            sha = attachments.store_bytes(tx, signature_png, mime="image/png", name="signature.png")
            attachments.link(tx, sha, "compliance_checks", check_id, role="signature")
        tx.update(
            "compliance_checks",
            check_id,
            {"owner_name": owner_name.strip(), "owner_confirmed_on": confirmed_on},
        )
        complete_in(tx, "compliance_checks", check_id, confirmed_on)
    return Changes((("compliance_checks", check_id, "complete"),))


def revise_check(ws: Workspace, check_id: str, *, reason: str, actor: str | None = None) -> Created:
    """Start a correction of a confirmed check; the owner must confirm the revision again."""
    with ws.reader() as conn:
        row = conn.execute(select(compliance_checks).where(compliance_checks.c.id == check_id)).first()
        newer = (
            conn.execute(
                select(compliance_checks.c.id).where(
                    compliance_checks.c.revision_of == check_id, compliance_checks.c.deleted_at.is_(None)
                )
            ).first()
            if row is not None
            else None
        )
    if newer is not None:
        raise ValidationError(
            N_("This check has already been revised; revise the latest revision."),
            N_("Open the latest revision of the check."),
        )
    created = revise(ws, "compliance_checks", check_id, reason=reason, actor=actor)
    with transaction(ws, actor) as tx:
        tx.update("compliance_checks", created.id, {"owner_name": None, "owner_confirmed_on": None})
    return created
