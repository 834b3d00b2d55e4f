"""SQL-level guarantees, checked directly in PostgreSQL (SYNC.md §3.1, §7): RLS, grants, definer functions."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import psycopg
import pytest

from safetydesk.server import admin, schema
from tests.integration.servers import PgCluster
from tests.server.conftest import Device, TestClient

pytestmark = pytest.mark.integration  # real PostgreSQL (and SeaweedFS for blobs)

TABLES = ("tenant", "device", "enrolment_code", "record", "change", "blob", "audit_event")


def _scoped(dsn: str, tenant_id: str | None) -> psycopg.Connection[tuple[object, ...]]:
    conn = psycopg.connect(dsn)
    if tenant_id is not None:
        conn.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant_id,))
    return conn


def test_install_is_idempotent_versioned_and_forces_rls_everywhere(pg: PgCluster) -> None:
    assert admin.install(pg.admin_dsn, owner_password=pg.owner_password, app_password=pg.app_password) == []
    assert pg.sql("SELECT version FROM sync.schema_migrations") == [(v,) for v, _n, _s in schema.STEPS]
    rows = pg.sql(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner)"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'sync' AND c.relkind = 'r' ORDER BY 1"
    )
    names = {r[0] for r in rows}
    assert set(TABLES) | {"schema_migrations"} == names
    assert all(r[1] and r[2] for r in rows), rows
    assert {r[3] for r in rows} == {"sync_owner"}
    roles = dict(pg.sql("SELECT rolname, rolbypassrls FROM pg_roles WHERE rolname LIKE 'sync_%'"))
    assert roles == {"sync_owner": False, "sync_app": False, "sync_auth": True}
    assert pg.sql("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'sync_auth'") == [(False,)]
    owned = pg.scalar("SELECT count(*) FROM pg_class WHERE relowner = 'sync_app'::regrole")
    assert owned == 0


def test_cross_tenant_reads_see_nothing_and_writes_fail_with_check(
    client: TestClient, enrol: Callable[..., Device], pg: PgCluster
) -> None:
    a = enrol(client, name="a")
    b = enrol(client, name="b")
    rid = str(uuid.uuid4())
    ev = {"event_id": str(uuid.uuid4()), "hlc": a.hlc(1), "data": {"action": "x"}}
    assert (
        a.push([a.change("findings", rid, {"status": "open"}, ms=1_763_900_000_000)], [ev]).status_code == 200
    )
    # The same record id in the other tenant stays separate.
    assert b.push([b.change("findings", rid, {"status": "b's"}, ms=1_763_900_000_000)]).status_code == 200
    assert a.pull().json()["records"][0]["data"] == {"status": "open"}
    assert b.pull().json()["records"][0]["data"] == {"status": "b's"}
    # A clock a day ahead gives tenant A a conflict record (for the view below).
    skewed = a.change("findings", str(uuid.uuid4()), {"status": "x"}, ms=int(time.time() * 1000) + 86_400_000)
    assert a.push([skewed]).status_code == 200
    assert pg.scalar("SELECT count(*) FROM sync.sync_conflict WHERE tenant_id = %s", (a.tenant_id,)) == 1
    for dsn in (pg.app_dsn, pg.owner_dsn):
        with _scoped(dsn, b.tenant_id) as conn:
            for table in TABLES:
                column = "id" if table == "tenant" else "tenant_id"
                if table == "enrolment_code" and dsn == pg.app_dsn:
                    continue  # the API may only INSERT codes
                n = conn.execute(
                    f"SELECT count(*) FROM sync.{table} WHERE {column} = %s", (a.tenant_id,)
                ).fetchone()
                assert n == (0,), table
            assert conn.execute("SELECT count(*) FROM sync.record").fetchone() == (1,)  # only b's own
            assert conn.execute(
                "SELECT count(*) FROM sync.sync_conflict WHERE tenant_id = %s", (a.tenant_id,)
            ).fetchone() == (0,)
        with (
            _scoped(dsn, b.tenant_id) as conn,
            pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"),
        ):
            conn.execute(
                "INSERT INTO sync.record (tenant_id, entity, id, data, meta, server_seq)"
                " VALUES (%s, 'findings', 'x', '{}', '{}', 99)",
                (a.tenant_id,),
            )
        # No scope at all: fail closed.
        with _scoped(dsn, None) as conn:
            assert conn.execute("SELECT count(*) FROM sync.record").fetchone() == (0,)
            assert conn.execute("SELECT count(*) FROM sync.device").fetchone() == (0,)
    # The API role cannot move a row to another tenant either.
    with _scoped(pg.app_dsn, b.tenant_id) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE sync.record SET tenant_id = %s", (a.tenant_id,))


@pytest.mark.parametrize("table", ["change", "audit_event", "blob"])
def test_history_tables_refuse_update_and_delete_for_the_api_role(
    table: str, client: TestClient, enrol: Callable[..., Device], pg: PgCluster
) -> None:
    a = enrol(client)
    for stmt in (f"UPDATE sync.{table} SET tenant_id = tenant_id", f"DELETE FROM sync.{table}"):
        with _scoped(pg.app_dsn, a.tenant_id) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(stmt)
    with _scoped(pg.app_dsn, a.tenant_id) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("DELETE FROM sync.record")
    with _scoped(pg.app_dsn, a.tenant_id) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE sync.device SET token_sha256 = 'x'")


def test_definer_functions_are_executable_only_by_their_role(pg: PgCluster) -> None:
    with psycopg.connect(pg.owner_dsn) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT * FROM sync.auth_device('x')")
    with psycopg.connect(pg.owner_dsn) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT * FROM sync.enroll_device('x', 'n', 'y')")
    with psycopg.connect(pg.app_dsn) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT sync.device_tenant(gen_random_uuid())")
    pg.sql(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nobody_test') THEN"
        " CREATE ROLE nobody_test LOGIN PASSWORD 'pw'; END IF; END $$"
    )
    pg.sql("GRANT USAGE ON SCHEMA sync TO nobody_test")
    nobody = pg.admin_dsn.replace(pg.admin_dsn.split("//")[1].split("@")[0], "nobody_test:pw")
    with psycopg.connect(nobody) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT * FROM sync.auth_device('x')")
    with psycopg.connect(nobody) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT count(*) FROM sync.record")
    with psycopg.connect(pg.app_dsn) as conn:
        assert conn.execute("SELECT * FROM sync.auth_device('nope')").fetchall() == []


def test_install_applies_only_missing_steps_as_the_owner(monkeypatch: pytest.MonkeyPatch) -> None:
    cluster = PgCluster.create()
    try:
        first = admin.install(cluster.admin_dsn, owner_password="o1", app_password="a1")
        assert first == [v for v, _n, _s in schema.STEPS]
        extra = (99, "test step", "CREATE INDEX change_received ON sync.change (tenant_id, received_at);")
        monkeypatch.setattr(schema, "STEPS", (*schema.STEPS, extra))
        assert admin.install(cluster.admin_dsn, owner_password="o2", app_password="a2") == [99]
        assert admin.install(cluster.admin_dsn, owner_password="o2", app_password="a2") == []
        owner = cluster.scalar(
            "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'change_received'"
        )
        assert owner == "sync_owner"
        # The passwords were updated by the re-run.
        dsn = cluster.admin_dsn.replace(cluster.admin_dsn.split("//")[1].split("@")[0], "sync_app:a2")
        with psycopg.connect(dsn) as conn:
            assert conn.execute("SELECT current_user").fetchone() == ("sync_app",)
    finally:
        cluster.destroy()
