"""The sync wire protocol shared by the client (``core.sync.client``) and the server (``safetydesk.server``).

Pure definitions: names, limits, the HLC text format and the few rules both sides must compute the
same way. No I/O, so the server can import it without the client's database code (the import-linter
contract "the sync server uses only the domain rules and the sync protocol of core").
See ``docs/architecture.md`` ("Sync") for the protocol itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any, Final

API_PREFIX: Final = "/v1"

# The client's schema as an integer: workspace revision "0004" is schema 4. The server accepts its own
# current schema and the one before it (the migration window); older clients get 426.
SCHEMA_CURRENT: Final = 4

# Headers
SERVER_TIME_HEADER: Final = "X-Server-Time-Ms"
SCHEMA_HEADER: Final = "X-SafetyDesk-Schema"
BLOB_MIME_HEADER: Final = "Content-Type"
BLOB_NAME_HEADER: Final = "X-Original-Name"  # percent-encoded UTF-8

# Batch sizes and limits
PUSH_BATCH_CHANGES: Final = 500
PUSH_BATCH_BYTES: Final = 4 * 1024 * 1024
PULL_PAGE: Final = 1000
MAX_BLOB_BYTES: Final = 50 * 1024 * 1024
MAX_SKEW_MS: Final = 5 * 60 * 1000  # an HLC further ahead of server time than this is clamped

# Change operations
OP_UPSERT: Final = "upsert"
OP_DELETE: Final = "delete"

# Conflicts travel as ordinary records of this entity.
CONFLICT_ENTITY: Final = "sync_conflict"
CONFLICT_KINDS: Final = ("field", "edit_vs_delete", "delete_vs_edit", "clock_skew", "invariant", "locked")

# Child rows (checklist answers, gas readings, attendance) travel with their parent as one field each.
CHILDREN_PREFIX: Final = "_children."

# Error codes in 4xx bodies: {"detail": {"code": ..., "message": ..., ...}}
ERR_MISSING_BLOBS: Final = "missing_blobs"  # 409, with "missing_blobs": [sha256, ...]
ERR_DEVICE_REWOUND: Final = "device_rewound"  # 409
ERR_CURSOR_AHEAD: Final = "cursor_ahead"  # 409, with "head"
ERR_UPGRADE_REQUIRED: Final = "upgrade_required"  # 426, with "min_schema"
ERR_UNAUTHORIZED: Final = "unauthorized"  # 401: unknown or revoked token
ERR_TOO_LARGE: Final = "too_large"  # 413
ERR_BAD_REQUEST: Final = "bad_request"  # 400 (hash mismatch, malformed change)
ERR_STORAGE_UNAVAILABLE: Final = "storage_unavailable"  # 503: object storage down
ERR_RATE_LIMITED: Final = "rate_limited"  # 429 with Retry-After

# Fields that name an attachment by its SHA-256 (entity -> field names). A push that references a blob
# the tenant does not hold is refused with 409 missing_blobs.
BLOB_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "attachment_links": ("sha256",),
    "sites": ("floor_plan_sha256",),
    "form_records": ("signature_sha256",),
}
# Child rows with a JSON list of SHA-256 values (child table -> column).
BLOB_LIST_CHILD_FIELDS: Final[Mapping[str, str]] = {"form_answers": "attachments"}


def schema_number(revision: str) -> int:
    """Workspace revision text ("0004") as the protocol's schema number (4)."""
    return int(revision)


def blob_refs(entity: str, fields: Mapping[str, Any]) -> set[str]:
    """Every SHA-256 a change's fields refer to (including child rows' attachment lists)."""
    refs: set[str] = set()
    for name in BLOB_FIELDS.get(entity, ()):
        value = fields.get(name)
        if isinstance(value, str) and len(value) == 64:
            refs.add(value)
    for child, column in BLOB_LIST_CHILD_FIELDS.items():
        rows = fields.get(CHILDREN_PREFIX + child)
        if isinstance(rows, list):
            for row in rows:
                values = row.get(column) if isinstance(row, Mapping) else None
                if isinstance(values, list):
                    refs.update(v for v in values if isinstance(v, str) and len(v) == 64)
    return refs


# -- hybrid logical clock text: "<ms:15>.<counter:6>.<device>" compared as text ------------------------


def make_hlc(ms: int, counter: int, device: str) -> str:
    return f"{ms:015d}.{counter:06d}.{device}"


def hlc_ms(hlc: str) -> int:
    return int(hlc.split(".", 1)[0])


def hlc_device(hlc: str) -> str:
    return hlc.split(".", 2)[2]


def clamp_hlc(hlc: str, server_ms: int) -> tuple[str, bool]:
    """Clamp an HLC that runs more than MAX_SKEW_MS ahead of server time (SYNC.md §5 rule 4).

    Returns the HLC to store and whether it was clamped.
    """
    ms, counter, device = hlc.split(".", 2)
    if int(ms) - server_ms > MAX_SKEW_MS:
        return make_hlc(server_ms, int(counter), device), True
    return hlc, False


def version_key(version: Mapping[str, Any]) -> tuple[str, str]:
    """Total order of two field versions ``{"h": hlc, "d": device}``: later HLC wins, ties by device."""
    return (str(version.get("h", "")), str(version.get("d", "")))


_CONFLICT_NS: Final = uuid.UUID("6b1d7c1e-3f43-5a4f-9d8a-5afe7de5c000")


def conflict_id(
    tenant_id: str, entity: str, record_id: str, field: str, kind: str, versions: Iterable[str]
) -> str:
    """UUIDv5 of the conflict's identity: the same conflict gets the same id whichever push came first."""
    name = "|".join((tenant_id, entity, record_id, field, kind, *sorted(versions)))
    return str(uuid.uuid5(_CONFLICT_NS, name))
