"""The server's PostgreSQL schema ``sync`` (SYNC.md §3.1), as numbered migration steps.

``admin.install`` creates the roles, then applies the missing steps as ``sync_owner`` (each in its own
transaction, recorded in ``sync.schema_migrations``), then (re)creates the ``SECURITY DEFINER``
functions as the superuser. Re-running it is an upgrade.

Roles:
- ``sync_owner`` (LOGIN) owns the schema and runs migrations; every table FORCEs row-level security,
  so even the owner sees only the tenant named by ``app.tenant_id``.
- ``sync_app`` (LOGIN NOBYPASSRLS) is the API; it owns nothing, has no UPDATE/DELETE on the history
  tables (change, blob, audit_event) and scopes each request transaction with
  ``set_config('app.tenant_id', ..., true)``.
- ``sync_auth`` (NOLOGIN BYPASSRLS) only owns the functions that must find a device or an enrolment
  code before the tenant is known: ``auth_device``, ``enroll_device`` (executable by sync_app only)
  and ``device_tenant`` (by sync_owner only, for admin commands).
"""

from __future__ import annotations

from typing import Final

OWNER: Final = "sync_owner"
APP: Final = "sync_app"
AUTH: Final = "sync_auth"

TENANT_SCOPE: Final = "nullif(current_setting('app.tenant_id', true), '')::uuid"

_TABLES: Final = ("tenant", "device", "enrolment_code", "record", "change", "blob", "audit_event")


def _rls(table: str, column: str = "tenant_id") -> str:
    return f"""
ALTER TABLE sync.{table} ENABLE ROW LEVEL SECURITY;
ALTER TABLE sync.{table} FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON sync.{table};
CREATE POLICY tenant_isolation ON sync.{table}
  USING ({column} = {TENANT_SCOPE})
  WITH CHECK ({column} = {TENANT_SCOPE});
"""


_STEP1: Final = (
    """
CREATE TABLE sync.tenant (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    head_seq bigint NOT NULL DEFAULT 0,
    audit_seq bigint NOT NULL DEFAULT 0,
    audit_head bytea NOT NULL DEFAULT '',
    min_schema int,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE sync.device (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES sync.tenant(id),
    name text NOT NULL,
    token_sha256 bytea NOT NULL UNIQUE,
    revoked_at timestamptz,
    last_local_seq bigint NOT NULL DEFAULT 0,
    last_seen_at timestamptz,
    pubkey bytea,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX device_tenant ON sync.device (tenant_id);
CREATE TABLE sync.enrolment_code (
    tenant_id uuid NOT NULL REFERENCES sync.tenant(id),
    code_sha256 bytea PRIMARY KEY,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    used_by uuid,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE sync.record (
    tenant_id uuid NOT NULL REFERENCES sync.tenant(id),
    entity text NOT NULL,
    id text NOT NULL,
    data json NOT NULL,  -- json, not jsonb: stored and served as the text the merge wrote (cheaper)
    meta json NOT NULL,
    deleted boolean NOT NULL DEFAULT false,
    del_meta json,
    server_seq bigint NOT NULL,
    PRIMARY KEY (tenant_id, entity, id)
);
CREATE INDEX record_seq ON sync.record (tenant_id, server_seq);
CREATE TABLE sync.change (
    tenant_id uuid NOT NULL REFERENCES sync.tenant(id),
    server_seq bigint NOT NULL,
    device_id uuid NOT NULL,
    change_id text NOT NULL,
    local_seq bigint NOT NULL,
    entity text NOT NULL,
    record_id text NOT NULL,
    op text NOT NULL,
    hlc text NOT NULL,
    payload json NOT NULL,  -- the change exactly as received
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, server_seq),
    UNIQUE (tenant_id, change_id)  -- change ids are UUIDs: a re-enrolled PC's resend is a duplicate
);
CREATE TABLE sync.blob (
    tenant_id uuid NOT NULL REFERENCES sync.tenant(id),
    sha256 text NOT NULL,
    size bigint NOT NULL,
    mime text,
    name text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, sha256)
);
CREATE TABLE sync.audit_event (
    tenant_id uuid NOT NULL REFERENCES sync.tenant(id),
    seq bigint NOT NULL,
    device_id uuid NOT NULL,
    event_id text NOT NULL,
    payload jsonb NOT NULL,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, seq),
    UNIQUE (tenant_id, event_id)  -- event ids are UUIDs, as change ids
);
CREATE VIEW sync.sync_conflict WITH (security_invoker = true) AS
  SELECT tenant_id, id, server_seq,
         data->>'kind' AS kind, data->>'entity' AS entity, data->>'record_id' AS record_id,
         data->>'field' AS field, data->'winner' AS winner, data->'loser' AS loser, data->>'rule' AS rule,
         coalesce((data->>'resolved')::boolean, false) AS resolved,
         data->>'resolved_by' AS resolved_by, data->>'resolved_at' AS resolved_at,
         data->>'created_at' AS created_at
    FROM sync.record WHERE entity = 'sync_conflict';
"""
    + _rls("tenant", "id")
    + "".join(_rls(t) for t in _TABLES if t != "tenant")
    + f"""
GRANT SELECT, UPDATE (head_seq, audit_seq, audit_head) ON sync.tenant TO {APP};
GRANT SELECT, INSERT, UPDATE ON sync.record TO {APP};
GRANT SELECT, INSERT ON sync.change, sync.blob, sync.audit_event TO {APP};
GRANT SELECT, UPDATE (last_local_seq, last_seen_at, revoked_at) ON sync.device TO {APP};
GRANT INSERT ON sync.enrolment_code TO {APP};
GRANT SELECT ON sync.sync_conflict TO {APP};
"""
)

# (version, name, SQL run as sync_owner)
STEPS: Final[tuple[tuple[int, str, str], ...]] = ((1, "initial schema", _STEP1),)

MIGRATIONS_TABLE: Final = f"""
CREATE TABLE IF NOT EXISTS sync.schema_migrations (
    version int PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE sync.schema_migrations ENABLE ROW LEVEL SECURITY;
ALTER TABLE sync.schema_migrations FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS owner_only ON sync.schema_migrations;
CREATE POLICY owner_only ON sync.schema_migrations TO {OWNER} USING (true) WITH CHECK (true);
"""

# Run as the superuser after the steps, on every install (CREATE OR REPLACE).
FUNCTIONS: Final = f"""
GRANT USAGE ON SCHEMA sync TO {AUTH};
GRANT SELECT ON sync.device, sync.tenant TO {AUTH};
GRANT INSERT ON sync.device TO {AUTH};
GRANT SELECT, UPDATE ON sync.enrolment_code TO {AUTH};

CREATE OR REPLACE FUNCTION sync.auth_device(p_token_sha256 bytea)
RETURNS TABLE (device_id uuid, tenant_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT d.id, d.tenant_id FROM sync.device d
   WHERE d.token_sha256 = p_token_sha256 AND d.revoked_at IS NULL
$$;

CREATE OR REPLACE FUNCTION sync.enroll_device(p_code_sha256 bytea, p_name text, p_token_sha256 bytea)
RETURNS TABLE (device_id uuid, tenant_id uuid, tenant_name text, head bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v_tenant uuid;
  v_device uuid := gen_random_uuid();
BEGIN
  UPDATE sync.enrolment_code c SET used_at = now(), used_by = v_device
   WHERE c.code_sha256 = p_code_sha256 AND c.used_at IS NULL AND c.expires_at > now()
  RETURNING c.tenant_id INTO v_tenant;
  IF v_tenant IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO sync.device (id, tenant_id, name, token_sha256, last_seen_at)
  VALUES (v_device, v_tenant, p_name, p_token_sha256, now());
  RETURN QUERY SELECT v_device, t.id, t.name, t.head_seq FROM sync.tenant t WHERE t.id = v_tenant;
END
$$;

CREATE OR REPLACE FUNCTION sync.device_tenant(p_device uuid)
RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT d.tenant_id FROM sync.device d WHERE d.id = p_device
$$;

ALTER FUNCTION sync.auth_device(bytea) OWNER TO {AUTH};
ALTER FUNCTION sync.enroll_device(bytea, text, bytea) OWNER TO {AUTH};
ALTER FUNCTION sync.device_tenant(uuid) OWNER TO {AUTH};
REVOKE ALL ON FUNCTION sync.auth_device(bytea) FROM PUBLIC;
REVOKE ALL ON FUNCTION sync.enroll_device(bytea, text, bytea) FROM PUBLIC;
REVOKE ALL ON FUNCTION sync.device_tenant(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sync.auth_device(bytea) TO {APP};
GRANT EXECUTE ON FUNCTION sync.enroll_device(bytea, text, bytea) TO {APP};
GRANT EXECUTE ON FUNCTION sync.device_tenant(uuid) TO {OWNER};
"""
