"""The sync client's key/value state in ``sync_state`` (SYNC.md §3.2).

Keys: ``device_id`` (the workspace's device, replaced by the server's device id on enrolment),
``hlc`` (the clock), ``cursor`` (last server_seq applied; present once enrolled), ``clock_offset_ms``
(server minus local time), ``enabled``, ``url``, ``ca_file``, ``auto_minutes``, ``device_name``,
``tenant_id``, ``tenant_name``, ``audit_pushed`` (last local audit seq sent), ``join_pending``
(the first pull after joining replaces the workspace's default rows), ``last_success_at``,
``last_error``, ``last_error_at``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from safetydesk.core.db.tables import sync_state


def read_all(conn: Connection) -> dict[str, str]:
    return {str(k): str(v) for k, v in conn.execute(select(sync_state.c.key, sync_state.c.value)).all()}


def get(conn: Connection, key: str, default: str | None = None) -> str | None:
    value = conn.execute(select(sync_state.c.value).where(sync_state.c.key == key)).scalar()
    return default if value is None else str(value)


def put(conn: Connection, values: Mapping[str, object | None]) -> None:
    """Set (or, for ``None``, remove) several keys."""
    for key, value in values.items():
        if value is None:
            conn.execute(delete(sync_state).where(sync_state.c.key == key))
        else:
            conn.execute(sync_state.insert().prefix_with("OR REPLACE").values(key=key, value=str(value)))


def cursor(conn: Connection) -> int:
    return int(get(conn, "cursor") or 0)


def enrolled(values: Mapping[str, str]) -> bool:
    return bool(values.get("tenant_id")) and "cursor" in values


def local_ms() -> int:
    """This PC's wall clock in ms: the one clock the HLC (Tx.finish) and the offset refresh read.

    Tests patch this module attribute (``state.local_ms``) to give one PC a wrong clock.
    """
    return int(time.time() * 1000)
