"""Administration: install/upgrade the schema, tenants, enrolment codes, devices, audit checks.

``install`` needs a superuser DSN; the rest run as ``sync_owner`` (``owner_dsn``), which is itself
subject to row-level security, so each function scopes its transaction to one tenant.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql

from safetydesk.server import audit, schema

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I/O/0/1: read aloud and typed by hand
CODE_GROUPS = 3
CODE_GROUP_LEN = 4
MAX_CODE_HOURS = 24


def _role_exists(conn: psycopg.Connection[Any], name: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None


def install(admin_dsn: str, *, owner_password: str, app_password: str) -> list[int]:
    """Create or upgrade roles, schema ``sync``, tables, policies, grants and functions.

    Idempotent: returns the migration versions applied by this call (empty when up to date).
    """
    applied: list[int] = []
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        roles = (
            (schema.OWNER, "LOGIN NOBYPASSRLS", owner_password),
            (schema.APP, "LOGIN NOBYPASSRLS NOSUPERUSER NOCREATEDB NOCREATEROLE", app_password),
            (schema.AUTH, "NOLOGIN BYPASSRLS", None),
        )
        for name, options, password in roles:
            verb = "ALTER" if _role_exists(conn, name) else "CREATE"
            stmt = sql.SQL(f"{verb} ROLE {{}} WITH {options}").format(sql.Identifier(name))
            if password is not None:
                stmt = sql.SQL("{} PASSWORD {}").format(stmt, sql.Literal(password))
            conn.execute(stmt)
        conn.execute(
            sql.SQL("CREATE SCHEMA IF NOT EXISTS sync AUTHORIZATION {}").format(sql.Identifier(schema.OWNER))
        )
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA sync TO {}").format(sql.Identifier(schema.APP)))
        conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(schema.OWNER)))
        conn.execute(schema.MIGRATIONS_TABLE)
        done = {r[0] for r in conn.execute("SELECT version FROM sync.schema_migrations")}
        for version, name, body in schema.STEPS:
            if version in done:
                continue
            with conn.transaction():
                conn.execute(body)
                conn.execute(
                    "INSERT INTO sync.schema_migrations (version, name) VALUES (%s, %s)", (version, name)
                )
            applied.append(version)
        conn.execute("RESET ROLE")
        with conn.transaction():
            conn.execute(schema.FUNCTIONS)
    return applied


def schema_version(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT coalesce(max(version), 0) FROM sync.schema_migrations").fetchone()
        return int(row[0]) if row else 0


def _scope(conn: psycopg.Connection[Any], tenant_id: str) -> None:
    conn.execute("SELECT set_config('app.tenant_id', %s, true)", (str(tenant_id),))


def create_tenant(owner_dsn: str, name: str, *, min_schema: int | None = None) -> str:
    tenant_id = str(uuid.uuid4())
    with psycopg.connect(owner_dsn) as conn, conn.transaction():
        _scope(conn, tenant_id)
        conn.execute(
            "INSERT INTO sync.tenant (id, name, min_schema) VALUES (%s, %s, %s)",
            (tenant_id, name, min_schema),
        )
    return tenant_id


def new_code() -> str:
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LEN)) for _ in range(CODE_GROUPS)
    )
    return "-".join(groups)


def code_digest(code: str) -> bytes:
    """SHA-256 of a code as typed, ignoring case, spaces and hyphens."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode("ascii", "ignore")).digest()


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


def insert_code(
    conn: psycopg.Connection[Any], tenant_id: str, *, hours: int, created_by: str
) -> tuple[str, datetime]:
    """A fresh single-use code for the scoped tenant; stores only its hash."""
    if not 1 <= hours <= MAX_CODE_HOURS:
        raise ValueError(f"hours must be 1..{MAX_CODE_HOURS}")
    code = new_code()
    expires = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=hours)
    conn.execute(
        "INSERT INTO sync.enrolment_code (tenant_id, code_sha256, expires_at, created_by) VALUES (%s, %s, %s, %s)",
        (tenant_id, code_digest(code), expires, created_by),
    )
    return code, expires


def create_enrolment_code(
    owner_dsn: str, tenant_id: str, *, hours: int = 24, created_by: str = "admin"
) -> str:
    with psycopg.connect(owner_dsn) as conn, conn.transaction():
        _scope(conn, tenant_id)
        if conn.execute("SELECT 1 FROM sync.tenant WHERE id = %s", (tenant_id,)).fetchone() is None:
            raise LookupError(f"no tenant {tenant_id}")
        code, _expires = insert_code(conn, tenant_id, hours=hours, created_by=created_by)
    return code


def device_tenant(owner_dsn: str, device_id: str) -> str | None:
    with psycopg.connect(owner_dsn) as conn:
        row = conn.execute("SELECT sync.device_tenant(%s)", (device_id,)).fetchone()
        return str(row[0]) if row and row[0] else None


def revoke_device(owner_dsn: str, device_id: str) -> None:
    tenant_id = device_tenant(owner_dsn, device_id)
    if tenant_id is None:
        raise LookupError(f"no device {device_id}")
    with psycopg.connect(owner_dsn) as conn, conn.transaction():
        _scope(conn, tenant_id)
        conn.execute(
            "UPDATE sync.device SET revoked_at = coalesce(revoked_at, now()) WHERE id = %s", (device_id,)
        )


def list_devices(owner_dsn: str, tenant_id: str) -> list[dict[str, Any]]:
    with psycopg.connect(owner_dsn) as conn, conn.transaction():
        _scope(conn, tenant_id)
        rows = conn.execute(
            "SELECT id, name, created_at, last_seen_at, revoked_at, last_local_seq FROM sync.device"
            " WHERE tenant_id = %s ORDER BY created_at",
            (tenant_id,),
        ).fetchall()
    return [
        {
            "id": str(r[0]),
            "name": r[1],
            "created_at": _iso(r[2]),
            "last_seen_at": _iso(r[3]),
            "revoked_at": _iso(r[4]),
            "last_local_seq": int(r[5]),
        }
        for r in rows
    ]


def verify_audit(owner_dsn: str, tenant_id: str) -> dict[str, Any]:
    """Same shape as ``GET /v1/audit/verify``."""
    with psycopg.connect(owner_dsn) as conn, conn.transaction():
        _scope(conn, tenant_id)
        return audit.verify_chain(conn, tenant_id)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
