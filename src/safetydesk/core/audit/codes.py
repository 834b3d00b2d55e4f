"""Verification codes: the short code on a printed page, and looking one up again (``verify --code``).

A document about one record carries the first 10 hex digits of that record's latest audit event
hash; a register over many records carries the chain head's. Looking the code up finds the event
and says whether its record has changed since, and how many events the workspace has had since.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from safetydesk.core.audit.chain import verification_code
from safetydesk.core.db.tables import audit_events

CODE_LENGTH = 10
_CODE = re.compile(r"^[0-9A-F]{10}$")


def format_code(code: str) -> str:
    """``ABCDE12345`` → ``ABCDE-12345`` (easier to read aloud and to type)."""
    return f"{code[:5]}-{code[5:]}"


def normalise_code(text: str) -> str | None:
    """Accept the code as printed (with a dash or spaces, any case); None when it cannot be a code."""
    code = re.sub(r"[\s\-]", "", text or "").upper()
    return code if _CODE.match(code) else None


def record_code(conn: Connection, entity: str, record_id: str) -> str | None:
    """The code of the record's latest audit event (None for a record with no events)."""
    row = conn.execute(
        select(audit_events.c.hash)
        .where(audit_events.c.entity == entity, audit_events.c.record_id == record_id)
        .order_by(audit_events.c.seq.desc())
        .limit(1)
    ).first()
    return None if row is None else verification_code(bytes(row.hash))


def head_code(conn: Connection) -> str | None:
    row = conn.execute(select(audit_events.c.hash).order_by(audit_events.c.seq.desc()).limit(1)).first()
    return None if row is None else verification_code(bytes(row.hash))


@dataclass(frozen=True)
class CodeMatch:
    code: str
    seq: int
    at: str
    entity: str
    record_id: str
    action: str
    record_changes_since: int  # later events of the same record
    record_last_change_at: str | None
    workspace_events_since: int


def lookup_code(conn: Connection, code: str) -> list[CodeMatch]:
    """Every event whose hash starts with ``code`` (normally one; two would be a 40-bit collision)."""
    normal = normalise_code(code)
    if normal is None:
        raise ValueError(f"not a verification code: {code!r}")
    rows = conn.execute(
        select(audit_events).where(func.substr(func.hex(audit_events.c.hash), 1, CODE_LENGTH) == normal)
    ).all()
    head = conn.execute(select(func.max(audit_events.c.seq))).scalar() or 0
    matches = []
    for row in rows:
        later = conn.execute(
            select(func.count(), func.max(audit_events.c.at)).where(
                audit_events.c.entity == row.entity,
                audit_events.c.record_id == row.record_id,
                audit_events.c.seq > row.seq,
            )
        ).one()
        matches.append(
            CodeMatch(
                code=normal,
                seq=int(row.seq),
                at=str(row.at),
                entity=str(row.entity),
                record_id=str(row.record_id),
                action=str(row.action),
                record_changes_since=int(later[0]),
                record_last_change_at=later[1],
                workspace_events_since=int(head) - int(row.seq),
            )
        )
    return matches
