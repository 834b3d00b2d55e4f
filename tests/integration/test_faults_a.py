"""SYNC.md §8 baseline fault suite (A1–A8, A14) against real PostgreSQL, SeaweedFS and API processes.

Each test first asserts that its fault really happened (an error the client saw, an open transaction in
``pg_stat_activity``, a committed count strictly between 0 and N, ...), then the outcome. Edits are made
through the real services (``core.services.records``) on real SQLite workspaces.
"""

from __future__ import annotations

import contextlib
import itertools
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from safetydesk.core.services import records
from safetydesk.core.sync import protocol
from safetydesk.core.workspace.workspace import Workspace, open_workspace
from tests.integration.conftest import Tenant
from tests.integration.servers import REPO, ApiProcess, PgCluster, Worker, kill_process, log_tail, wait_until

pytestmark = pytest.mark.integration

SLEEP_HEADER = "X-Test-Sleep-Before-Commit"


class SimulatedCrashError(Exception):
    """Stands for the client process dying at this point."""


# -- helpers ---------------------------------------------------------------------------------------


def sync_client() -> Any:
    from safetydesk.core.sync import client

    return client


def local(ws: Workspace, sql: str, **params: Any) -> Any:
    with ws.engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def outbox_count(ws: Workspace) -> int:
    return int(local(ws, "SELECT count(*) FROM sync_outbox"))


def cursor_of(ws: Workspace) -> int:
    return int(local(ws, "SELECT value FROM sync_state WHERE key = 'cursor'") or 0)


def local_state(ws: Workspace) -> dict[str, str]:
    with ws.engine.connect() as conn:
        return {str(k): str(v) for k, v in conn.execute(text("SELECT key, value FROM sync_state"))}


def audit_count(ws: Workspace) -> int:
    return int(local(ws, "SELECT count(*) FROM audit_events"))


def server_changes(pg: PgCluster, tenant: Tenant, record_ids: list[str] | None = None) -> int:
    if record_ids is None:
        return int(pg.scalar("SELECT count(*) FROM sync.change WHERE tenant_id = %s", (tenant.id,)))
    return int(
        pg.scalar(
            "SELECT count(*) FROM sync.change WHERE tenant_id = %s AND record_id::text = ANY(%s)",
            (tenant.id, record_ids),
        )
    )


def server_head(pg: PgCluster, tenant: Tenant) -> int:
    return int(pg.scalar("SELECT head_seq FROM sync.tenant WHERE id = %s", (tenant.id,)))


def server_record(pg: PgCluster, tenant: Tenant, entity: str, record_id: str) -> tuple[dict[str, Any], bool]:
    rows = pg.sql(
        "SELECT data, deleted FROM sync.record WHERE tenant_id = %s AND entity = %s AND id = %s",
        (tenant.id, entity, record_id),
    )
    assert len(rows) == 1, f"server holds {len(rows)} rows for {entity} {record_id}"
    return rows[0][0], bool(rows[0][1])


def idle_in_transaction(pg: PgCluster, *, for_ms: int = 0) -> int:
    """Backends of the API role holding an open transaction while doing nothing for ``for_ms`` ms.

    With ``for_ms`` of a few hundred ms this is the sleep hook, not the blink between two statements.
    """
    return int(
        pg.scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = 'sync_app'"
            " AND state = 'idle in transaction' AND now() - state_change >= make_interval(secs => %s)",
            (for_ms / 1000,),
        )
    )


def transport_for(ws: Workspace, *, retry: Any = None) -> Any:
    """A Transport of this PC (its URL, CA file and token), as the client builds it."""
    from safetydesk.core.sync import tokens
    from safetydesk.core.sync.transport import RetryPolicy, Transport

    st = local_state(ws)
    token = tokens.load(st["device_id"])
    assert token, "the enrolled PC has no token"
    return opened(
        Transport(
            st["url"], token, ca_file=st.get("ca_file") or None, retry=retry or RetryPolicy(max_attempts=1)
        )
    )


_OPENED: list[Any] = []


def opened(thing: Any) -> Any:
    """Remember a transport or workspace so that ``_close_opened`` closes it after the test."""
    _OPENED.append(thing)
    return thing


@pytest.fixture(autouse=True)
def _close_opened() -> Iterator[None]:
    yield
    while _OPENED:
        _OPENED.pop().close()


def add_headers(transport: Any, headers: dict[str, str]) -> None:
    """Send ``headers`` (a live dict: clear it to stop) with every request, retries included."""

    def hook(request: Any) -> None:
        for name, value in list(headers.items()):
            request.headers[name] = value

    transport._client.event_hooks["request"].append(hook)


class SleepRecorder:
    """``RetryPolicy.sleep`` that records each retry and runs ``on_retry(n)`` instead of sleeping long."""

    def __init__(self, on_retry: Callable[[int], None] | None = None) -> None:
        self.calls: list[float] = []
        self.on_retry = on_retry

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        if self.on_retry is not None:
            self.on_retry(len(self.calls))
        time.sleep(min(seconds, 0.05))

    def policy(self, max_attempts: int = 12) -> Any:
        from safetydesk.core.sync.transport import RetryPolicy

        return RetryPolicy(max_attempts=max_attempts, base_delay=0.05, cap=0.2, sleep=self, jitter=False)


def add_contractors(ws: Workspace, n: int, prefix: str = "c") -> list[str]:
    return [
        records.create(
            ws, "contractors", {"name": f"{prefix}-{i:03d}", "contact_name": "Kim"}, actor="test"
        ).id
        for i in range(n)
    ]


def reopen(ws: Workspace) -> Workspace:
    """What a restarted app sees: close the workspace and open it again."""
    path = Path(ws.path)
    ws.close()
    fresh = open_workspace(path)
    opened(fresh)
    return fresh


def settled(pg: PgCluster, tenant: Tenant, ws: Workspace) -> int:
    """Sync until nothing is pending; returns the tenant's server change count afterwards."""
    sync_client().sync_now(ws)
    assert outbox_count(ws) == 0
    return server_changes(pg, tenant)


def one_change_per_record(pg: PgCluster, tenant: Tenant, ids: list[str]) -> None:
    rows = pg.sql(
        "SELECT record_id::text, count(*) FROM sync.change WHERE tenant_id = %s AND record_id::text = ANY(%s)"
        " GROUP BY record_id",
        (tenant.id, ids),
    )
    assert sorted(r[0] for r in rows) == sorted(ids)
    assert {r[1] for r in rows} == {1}, "a change was applied twice"


@contextmanager
def wall_clock_ahead(ms: int) -> Iterator[None]:
    """This PC's wall clock runs ``ms`` ahead (``state.local_ms``, the one clock the client reads).

    The API runs in another process with the true time.
    """
    from safetydesk.core.sync import state

    real = state.local_ms
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(state, "local_ms", lambda: real() + ms)
        yield


def next_ms() -> None:
    """Let the millisecond clock tick, so the next HLC is strictly later (clock resolution, not ordering)."""
    start = int(time.time() * 1000)
    while int(time.time() * 1000) <= start:
        time.sleep(0.001)


def conflicts_view(ws: Workspace) -> list[tuple[Any, ...]]:
    return sorted(
        (c.kind, c.entity, c.record_id, c.field, repr(c.winner.value), repr(c.loser.value), c.resolved)
        for c in sync_client().conflicts(ws, include_resolved=True)
    )


def contractor(ws: Workspace, record_id: str) -> dict[str, Any]:
    return dict(records.get(ws, "contractors", record_id))


# -- A1 --------------------------------------------------------------------------------------------


def test_a1_duplicate_push_body_and_duplicate_pull_page(
    pg: PgCluster, api: ApiProcess, make_tenant: Callable[..., Tenant], sync_ws: Callable[..., Workspace]
) -> None:
    sync = sync_client()
    tenant = make_tenant()
    pc1 = sync_ws(tenant, "pc1")
    before = settled(pg, tenant, pc1)
    ids = add_contractors(pc1, 5)

    from safetydesk.core.sync.transport import Transport

    class Recording(Transport):
        def request(self, method: str, path: str, **kw: Any) -> Any:
            response = super().request(method, path, **kw)
            if path.endswith("/push"):
                pushes.append((kw.get("json"), kw.get("content"), response.json()))
            return response

    pushes: list[tuple[Any, Any, Any]] = []
    base = transport_for(pc1)
    recording = opened(Recording(base.url, base.token, ca_file=base.ca_file))
    sync.push(pc1, transport=recording)
    assert outbox_count(pc1) == 0
    assert server_changes(pg, tenant) == before + 5
    pushed = [p for p in pushes if any(c["record_id"] in ids for c in (p[0] or {}).get("changes", []))]
    assert len(pushed) == 1, "the five changes went in one push body"
    body, _content, first = pushed[0]
    first_seq = {r["change_id"]: r["seq"] for r in first["results"]}
    assert {r["status"] for r in first["results"]} == {"applied"}

    # The fault: the very same body arrives again (a retry after a lost answer).
    again = recording.request("POST", "/v1/push", json=body)
    assert again.status_code == 200, again.text
    second = again.json()
    assert [r["change_id"] for r in second["results"]] == [r["change_id"] for r in first["results"]]
    assert {r["status"] for r in second["results"]} == {"duplicate"}
    assert {r["change_id"]: r["seq"] for r in second["results"]} == first_seq
    assert {a["status"] for a in second.get("audit", [])} <= {"duplicate"}
    assert server_changes(pg, tenant) == before + 5
    one_change_per_record(pg, tenant, ids)
    assert (
        pg.scalar(
            "SELECT count(*) FROM sync.record WHERE tenant_id = %s AND id::text = ANY(%s)", (tenant.id, ids)
        )
        == 5
    )

    # The same pull page applied twice on a second PC.
    pc2 = sync_ws(tenant, "pc2")
    assert cursor_of(pc2) == 0
    page = transport_for(pc2).get_json("/v1/pull", since=0, limit=protocol.PULL_PAGE)
    assert set(ids) <= {r["id"] for r in page["records"]} and not page["more"]
    applied = sync.apply_page(pc2, page)
    assert applied >= 5
    digest, audits, cur = sync.state_digest(pc2), audit_count(pc2), cursor_of(pc2)
    assert cur == page["next"] == server_head(pg, tenant)
    assert sync.apply_page(pc2, page) == 0, "the second application of the page changed something"
    assert sync.state_digest(pc2) == digest
    assert audit_count(pc2) == audits, "the second application appended audit events"
    assert cursor_of(pc2) == cur and outbox_count(pc2) == 0
    assert {rid for (entity, rid) in digest if entity == "contractors"} == set(ids)
    sync.sync_now(pc1)
    assert sync.state_digest(pc2) == sync.state_digest(pc1)


# -- A2 --------------------------------------------------------------------------------------------


def test_a2_client_crash_after_server_commit_simulated(
    pg: PgCluster, api: ApiProcess, make_tenant: Callable[..., Tenant], sync_ws: Callable[..., Workspace]
) -> None:
    sync = sync_client()
    tenant = make_tenant()
    pc1 = sync_ws(tenant, "pc1")
    before = settled(pg, tenant, pc1)
    n, batch = 12, 5
    ids = add_contractors(pc1, n)
    assert outbox_count(pc1) == n

    acked: list[list[str]] = []

    def die_on_second_ack(change_ids: list[str]) -> None:
        acked.append(list(change_ids))
        if len(acked) == 2:
            raise SimulatedCrashError("killed after the server committed batch 2")

    with pytest.raises(SimulatedCrashError):
        sync.push(pc1, on_batch_acked=die_on_second_ack, batch_size=batch)
    # The fault happened: the server committed two batches, the PC acknowledged only the first.
    assert [len(a) for a in acked] == [batch, batch]
    assert server_changes(pg, tenant) == before + 2 * batch
    assert outbox_count(pc1) == n - batch, "the unacknowledged batch must still be pending"

    pc1 = reopen(pc1)  # the app starts again
    assert outbox_count(pc1) == n - batch
    report = sync.push(pc1, batch_size=batch)
    assert (report.duplicates, report.pushed) == (batch, n - 2 * batch), "the resent batch is a duplicate"
    assert outbox_count(pc1) == 0
    assert server_changes(pg, tenant) == before + n
    one_change_per_record(pg, tenant, ids)


_PUSH_SCRIPT = """
import sys, time
from pathlib import Path
from safetydesk.core.workspace.workspace import open_workspace
from safetydesk.core.sync import client as sync

ws = open_workspace(Path(sys.argv[1]))
def slow(change_ids):
    print("acked", len(change_ids), flush=True)
    time.sleep(float(sys.argv[3]))
sync.push(ws, batch_size=int(sys.argv[2]), on_batch_acked=slow)
print("done", flush=True)
ws.close()
"""


def test_a2_client_sigkilled_in_its_push_loop(
    pg: PgCluster,
    api: ApiProcess,
    make_tenant: Callable[..., Tenant],
    sync_ws: Callable[..., Workspace],
    tmp_path: Path,
) -> None:
    sync = sync_client()
    tenant = make_tenant()
    pc1 = sync_ws(tenant, "pc1")
    before = settled(pg, tenant, pc1)
    n, batch = 40, 4
    ids = add_contractors(pc1, n)
    path = Path(pc1.path)
    pc1.close()  # the client process opens it (workspace lock)

    script = tmp_path / "push_client.py"
    script.write_text(_PUSH_SCRIPT, encoding="utf-8")
    log = tmp_path / "push_client.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, str(script), str(path), str(batch), "0.2"],
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:

        def mid_push() -> bool:
            if proc.poll() is not None:
                raise AssertionError(f"the client exited early ({proc.returncode}):\n{log_tail(log)}")
            return 0 < server_changes(pg, tenant) - before < n

        wait_until(mid_push, timeout=30, what="the client to commit its first batches")
        kill_process(proc)
    finally:
        kill_process(proc)
    committed = server_changes(pg, tenant) - before
    assert proc.returncode == -9
    assert 0 < committed < n, f"the kill must land mid-push, committed {committed} of {n}"
    assert "done" not in log.read_text()

    pc1 = open_workspace(path)
    try:
        pending = outbox_count(pc1)
        # Acknowledged batches are gone locally; at most the batch in flight is pending and committed.
        assert n - committed <= pending <= n - committed + batch
        sync.push(pc1)
        assert outbox_count(pc1) == 0
        assert server_changes(pg, tenant) == before + n
        one_change_per_record(pg, tenant, ids)
    finally:
        pc1.close()


# -- A3 --------------------------------------------------------------------------------------------


def test_a3_api_sigkilled_inside_the_push_transaction(
    pg: PgCluster, api: ApiProcess, make_tenant: Callable[..., Tenant], sync_ws: Callable[..., Workspace]
) -> None:
    sync = sync_client()
    tenant = make_tenant()
    pc1 = sync_ws(tenant, "pc1")
    before = settled(pg, tenant, pc1)
    n = 8
    ids = add_contractors(pc1, n)

    restarted = threading.Event()

    def wait_for_restart(attempt: int) -> None:
        if attempt == 1:
            assert restarted.wait(20), "the test never restarted the API"

    retries = SleepRecorder(wait_for_restart)
    transport = transport_for(pc1, retry=retries.policy())
    hold = {SLEEP_HEADER: "30"}
    add_headers(transport, hold)
    assert idle_in_transaction(pg) == 0
    worker = Worker(lambda: sync.push(pc1, transport=transport), name="a3-push").start()
    try:
        wait_until(
            lambda: idle_in_transaction(pg, for_ms=300) >= 1 or worker.done(),
            what="the push transaction to be held open",
        )
        assert idle_in_transaction(pg, for_ms=300) == 1, (
            "the push transaction must be open (idle in transaction)"
        )
        assert server_changes(pg, tenant) == before
        api.kill()
        wait_until(
            lambda: idle_in_transaction(pg) == 0, what="PostgreSQL to roll the orphaned transaction back"
        )
        assert server_changes(pg, tenant) == before, "a killed API must commit nothing"
        assert outbox_count(pc1) == n, "every change is still pending locally"
        hold.clear()
        api.start()
    except BaseException:
        restarted.set()
        with contextlib.suppress(BaseException):
            worker.join(60)  # the first failure is the one to report
        raise
    restarted.set()
    worker.join(60)
    assert retries.calls, "the client never retried: the kill did not reach it"
    assert transport.failures and transport.failures[0].status is None, transport.failures
    assert outbox_count(pc1) == 0
    assert server_changes(pg, tenant) == before + n
    one_change_per_record(pg, tenant, ids)


# -- A4 --------------------------------------------------------------------------------------------


def test_a4_pull_resumes_after_client_crash_and_api_restart(
    pg: PgCluster, api: ApiProcess, make_tenant: Callable[..., Tenant], sync_ws: Callable[..., Workspace]
) -> None:
    sync = sync_client()
    tenant = make_tenant()
    pc1 = sync_ws(tenant, "pc1")
    add_contractors(pc1, 23)
    settled(pg, tenant, pc1)
    head = server_head(pg, tenant)
    assert head > 15

    pc2 = sync_ws(tenant, "pc2")
    pages: list[int] = []

    def die_after_two_pages(value: int) -> None:
        pages.append(value)
        if len(pages) == 2:
            raise SimulatedCrashError("killed between pull pages")

    with pytest.raises(SimulatedCrashError):
        sync.pull(pc2, limit=5, on_page_applied=die_after_two_pages)
    cut = cursor_of(pc2)
    assert len(pages) == 2 and 0 < cut < head, f"the crash must land mid-pull (cursor {cut} of {head})"
    pc2 = reopen(pc2)
    assert cursor_of(pc2) == cut, "the cursor of the applied pages is durable"

    # Now the API dies under the pull and comes back.
    killed: list[int] = []

    def kill_api_once(value: int) -> None:
        if not killed:
            killed.append(value)
            api.kill()

    retries = SleepRecorder(lambda attempt: api.start() if attempt == 1 else None)
    transport = transport_for(pc2, retry=retries.policy())
    asked: list[str | None] = []
    transport._client.event_hooks["request"].append(lambda r: asked.append(r.url.params.get("since")))
    # Small pages: the pull reads one page ahead while it applies the current one, so at least two
    # more pages must follow the kill for a request to meet the dead API.
    sync.pull(pc2, transport=transport, limit=3, on_page_applied=kill_api_once)
    assert killed and retries.calls and transport.failures, "the API kill must have hit the pull"
    assert asked[0] == str(cut), f"the pull must resume from the durable cursor {cut}, asked {asked}"
    assert any(a == b for a, b in itertools.pairwise(asked)), (
        f"after the kill the client must ask again for the page that failed, asked {asked}"
    )
    assert api.alive()
    assert cursor_of(pc2) == head
    sync.sync_now(pc1)
    sync.sync_now(pc2)
    assert sync.state_digest(pc2) == sync.state_digest(pc1)


# -- A5 --------------------------------------------------------------------------------------------


def test_a5_postgres_immediate_restart_during_a_push(
    pg: PgCluster, api: ApiProcess, make_tenant: Callable[..., Tenant], sync_ws: Callable[..., Workspace]
) -> None:
    sync = sync_client()
    tenant = make_tenant()
    pc1 = sync_ws(tenant, "pc1")
    before = settled(pg, tenant, pc1)
    n = 7
    ids = add_contractors(pc1, n)

    hold = {SLEEP_HEADER: "4"}
    committed_at_first_retry: list[int] = []

    def first_retry(attempt: int) -> None:
        if attempt == 1:
            committed_at_first_retry.append(server_changes(pg, tenant))
            hold.clear()

    retries = SleepRecorder(first_retry)
    transport = transport_for(pc1, retry=retries.policy(max_attempts=20))
    add_headers(transport, hold)
    worker = Worker(lambda: sync.push(pc1, transport=transport), name="a5-push").start()
    try:
        wait_until(
            lambda: idle_in_transaction(pg, for_ms=300) >= 1 or worker.done(),
            what="the push transaction to be held open",
        )
        assert idle_in_transaction(pg, for_ms=300) == 1, (
            "the push transaction must be open when PostgreSQL dies"
        )
        pg.restart_immediate()
        # The transaction died with its backend before the API's COMMIT: nothing may be visible.
        assert server_changes(pg, tenant) == before
        assert not worker.done(), "the push ended before PostgreSQL went down"
    except BaseException:
        with contextlib.suppress(BaseException):
            worker.join(60)  # the first failure is the one to report
        raise
    worker.join(60)
    assert retries.calls, "the client never retried"
    assert any(f.status is None or f.status >= 500 for f in transport.failures), transport.failures
    assert committed_at_first_retry == [before], "nothing may be committed by the interrupted push"
    assert outbox_count(pc1) == 0
    assert server_changes(pg, tenant) == before + n
    one_change_per_record(pg, tenant, ids)


# -- A6 --------------------------------------------------------------------------------------------


def _two_pcs(
    make_tenant: Callable[..., Tenant], sync_ws: Callable[..., Workspace], tag: str, record_id: str
) -> tuple[Workspace, Workspace]:
    sync = sync_client()
    tenant = make_tenant()
    a = sync_ws(tenant, f"{tag}-a", device_name="A")
    records.create(
        a,
        "contractors",
        {
            "id": record_id,
            "name": "Acme",
            "contact_name": "Kim",
            "contact_phone": "010",
            "work_scope": "paint",
        },
        actor="test",
    )
    sync.sync_now(a)
    b = sync_ws(tenant, f"{tag}-b", device_name="B")
    sync.sync_now(b)
    assert contractor(b, record_id)["contact_name"] == "Kim"
    return a, b


def _push_in_order(first: Workspace, second: Workspace) -> None:
    sync = sync_client()
    sync.sync_now(first)
    sync.sync_now(second)
    sync.sync_now(first)
    sync.sync_now(second)
    assert outbox_count(first) == outbox_count(second) == 0


def test_a6_concurrent_offline_edits_merge_per_field_in_either_order(
    api: ApiProcess, make_tenant: Callable[..., Tenant], sync_ws: Callable[..., Workspace]
) -> None:
    sync = sync_client()
    record_id = str(uuid.uuid4())  # the same id in both tenants: they must stay separate
    outcomes = []
    for order in ("AB", "BA"):
        a, b = _two_pcs(make_tenant, sync_ws, order, record_id)
        # Offline: A edits contact_name and work_scope, then B edits contact_name and contact_phone.
        records.update(a, "contractors", record_id, {"contact_name": "Lee (A)", "work_scope": "welding"})
        next_ms()
        records.update(b, "contractors", record_id, {"contact_name": "Park (B)", "contact_phone": "011"})
        _push_in_order(a, b) if order == "AB" else _push_in_order(b, a)

        row_a, row_b = contractor(a, record_id), contractor(b, record_id)
        for row in (row_a, row_b):
            assert row["contact_name"] == "Park (B)", "the same field goes to the later HLC"
            assert row["work_scope"] == "welding" and row["contact_phone"] == "011", "other fields merge"
        conflicts = sync.conflicts(a, include_resolved=True)
        assert len(conflicts) == 1, conflicts
        (conflict,) = conflicts
        assert conflict.kind == "field" and not conflict.resolved
        assert (conflict.entity, conflict.record_id, conflict.field) == (
            "contractors",
            record_id,
            "contact_name",
        )
        assert (conflict.winner.value, conflict.loser.value) == ("Park (B)", "Lee (A)")
        assert (conflict.winner.device_name, conflict.loser.device_name) == ("B", "A")
        assert conflicts_view(a) == conflicts_view(b), "the conflict must be identical on both PCs"
        assert sync.state_digest(a) == sync.state_digest(b)
        outcomes.append(
            (
                conflicts_view(a),
                {k: row_a[k] for k in ("name", "contact_name", "work_scope", "contact_phone")},
            )
        )
    assert outcomes[0] == outcomes[1], "both arrival orders give the same result"


@pytest.mark.parametrize("order", ["AB", "BA"])
def test_a6_an_edit_that_only_loses_is_replaced_on_its_own_pc(
    order: str, api: ApiProcess, make_tenant: Callable[..., Tenant], sync_ws: Callable[..., Workspace]
) -> None:
    """A's whole change loses (one field, earlier HLC): the merged record does not move, yet A must converge."""
    sync = sync_client()
    record_id = str(uuid.uuid4())
    a, b = _two_pcs(make_tenant, sync_ws, f"a6l-{order}", record_id)
    records.update(a, "contractors", record_id, {"contact_name": "Lee (A)"})
    next_ms()
    records.update(b, "contractors", record_id, {"contact_name": "Park (B)"})
    _push_in_order(a, b) if order == "AB" else _push_in_order(b, a)

    (conflict,) = sync.conflicts(b, include_resolved=True)
    assert (conflict.kind, conflict.winner.value, conflict.loser.value) == ("field", "Park (B)", "Lee (A)")
    assert contractor(b, record_id)["contact_name"] == "Park (B)"
    assert contractor(a, record_id)["contact_name"] == "Park (B)", "the losing PC kept its own value"
    assert conflicts_view(a) == conflicts_view(b)
    assert sync.state_digest(a) == sync.state_digest(b)


# -- A7 --------------------------------------------------------------------------------------------


def test_a7_clock_a_day_ahead_is_clamped_and_loses_its_edge_after_correction(
    pg: PgCluster, api: ApiProcess, make_tenant: Callable[..., Tenant], sync_ws: Callable[..., Workspace]
) -> None:
    sync = sync_client()
    day = 24 * 3600 * 1000
    record_id = str(uuid.uuid4())
    a, b = _two_pcs(make_tenant, sync_ws, "a7", record_id)
    tenant_id = local_state(a)["tenant_id"]

    # A's clock jumps a day ahead while it is offline; it edits and syncs with that clock.
    with wall_clock_ahead(day):
        records.update(a, "contractors", record_id, {"contact_name": "Skewed (A)"})
        skewed_hlc = local(a, "SELECT hlc FROM sync_outbox ORDER BY local_seq DESC LIMIT 1")
        assert protocol.hlc_ms(skewed_hlc) > time.time() * 1000 + day - 60_000, (
            "the fault: an HLC a day ahead"
        )
        sync.sync_now(a)
    now = time.time() * 1000
    stored = pg.sql(
        "SELECT meta FROM sync.record WHERE tenant_id = %s AND entity = 'contractors' AND id = %s",
        (tenant_id, record_id),
    )[0][0]
    assert protocol.hlc_ms(stored["contact_name"]["h"]) <= now + protocol.MAX_SKEW_MS, (
        "the HLC was not clamped"
    )
    original = pg.sql(
        "SELECT payload FROM sync.change WHERE tenant_id = %s AND record_id = %s ORDER BY server_seq DESC LIMIT 1",
        (tenant_id, record_id),
    )[0][0]
    assert skewed_hlc in str(original), "the original HLC is kept in change.payload"
    skew = [c for c in sync.conflicts(a, include_resolved=True) if c.kind == "clock_skew"]
    assert len(skew) == 1 and skew[0].record_id == record_id

    # B pulls the clamped version and edits it: causally after it, so it wins without a false conflict.
    sync.sync_now(b)
    assert contractor(b, record_id)["contact_name"] == "Skewed (A)"
    b_hlc = local_state(b).get("hlc", "0:0")
    assert int(b_hlc.split(":")[0]) <= time.time() * 1000 + protocol.MAX_SKEW_MS, "B's clock was poisoned"
    records.update(b, "contractors", record_id, {"contact_name": "Causal (B)"})
    sync.sync_now(b)
    with wall_clock_ahead(day):
        sync.sync_now(a)
    assert contractor(a, record_id)["contact_name"] == "Causal (B)"
    kinds = sorted(c.kind for c in sync.conflicts(a, include_resolved=True))
    assert kinds == ["clock_skew"], f"a causal edit raised a false conflict: {kinds}"

    # A's offset is corrected now (its clock is still a day ahead): later real edits win fairly.
    records.update(b, "contractors", record_id, {"work_scope": "B first"})
    next_ms()
    with wall_clock_ahead(day):
        records.update(a, "contractors", record_id, {"work_scope": "A later"})
        a_hlc = local(a, "SELECT hlc FROM sync_outbox ORDER BY local_seq DESC LIMIT 1")
    assert protocol.hlc_ms(a_hlc) <= time.time() * 1000 + protocol.MAX_SKEW_MS, "A's offset was not corrected"
    sync.sync_now(b)
    with wall_clock_ahead(day):
        sync.sync_now(a)
    sync.sync_now(b)
    assert contractor(a, record_id)["work_scope"] == contractor(b, record_id)["work_scope"] == "A later"
    fields = [c for c in sync.conflicts(b, include_resolved=True) if c.kind == "field"]
    assert len(fields) == 1 and (fields[0].winner.value, fields[0].loser.value) == ("A later", "B first")
    assert conflicts_view(a) == conflicts_view(b)


# -- A8 --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("order", ["delete_first", "edit_first"])
def test_a8_delete_against_edit_keeps_the_record_with_the_edit(
    order: str, api: ApiProcess, make_tenant: Callable[..., Tenant], sync_ws: Callable[..., Workspace]
) -> None:
    sync = sync_client()
    record_id = str(uuid.uuid4())
    a, b = _two_pcs(make_tenant, sync_ws, order, record_id)
    records.delete(a, "contractors", record_id, actor="test")
    assert contractor(a, record_id)["deleted_at"], "the fault: A deleted it"
    records.update(b, "contractors", record_id, {"contact_name": "Edited (B)"})
    _push_in_order(a, b) if order == "delete_first" else _push_in_order(b, a)

    for ws in (a, b):
        row = contractor(ws, record_id)
        assert row["deleted_at"] is None, "a safety record must not vanish under a concurrent edit"
        assert row["contact_name"] == "Edited (B)"
    kinds = [c.kind for c in sync.conflicts(a, include_resolved=True)]
    expected = "edit_vs_delete" if order == "delete_first" else "delete_vs_edit"
    assert kinds == [expected]
    assert conflicts_view(a) == conflicts_view(b)
    assert sync.state_digest(a) == sync.state_digest(b)


def test_a8_control_a_delete_that_saw_every_edit_simply_deletes(
    api: ApiProcess, make_tenant: Callable[..., Tenant], sync_ws: Callable[..., Workspace]
) -> None:
    """The other half of rule 3: no concurrency, no conflict (so A8's survivals are not a blanket rule)."""
    sync = sync_client()
    record_id = str(uuid.uuid4())
    a, b = _two_pcs(make_tenant, sync_ws, "a8c", record_id)
    records.update(b, "contractors", record_id, {"contact_name": "Edited (B)"})
    sync.sync_now(b)
    sync.sync_now(a)
    assert contractor(a, record_id)["contact_name"] == "Edited (B)"
    records.delete(a, "contractors", record_id, actor="test")
    _push_in_order(a, b)
    for ws in (a, b):
        assert contractor(ws, record_id)["deleted_at"], "a causal delete must delete everywhere"
    assert sync.conflicts(a, include_resolved=True) == sync.conflicts(b, include_resolved=True) == []
    assert sync.state_digest(a) == sync.state_digest(b)


# -- A14 -------------------------------------------------------------------------------------------


def test_a14_bigserial_cursor_skips_a_late_commit_and_the_tenant_counter_does_not(pg: PgCluster) -> None:
    """Regression guard for SYNC.md §4: a ``seq > cursor`` reader over a bigserial loses a late commit."""
    schema = f"a14_{uuid.uuid4().hex[:8]}"
    pg.sql(f"CREATE SCHEMA {schema}")
    pg.sql(f"CREATE TABLE {schema}.log (seq bigserial PRIMARY KEY, v text NOT NULL)")
    pg.sql(f"CREATE TABLE {schema}.tenant (id int PRIMARY KEY, head_seq bigint NOT NULL DEFAULT 0)")
    pg.sql(f"INSERT INTO {schema}.tenant VALUES (1, 0)")
    try:
        with (
            psycopg.connect(pg.admin_dsn) as t1,
            psycopg.connect(pg.admin_dsn) as t2,
            psycopg.connect(pg.admin_dsn, autocommit=True) as reader,
        ):
            # The hazard: T1 takes seq 1 and is still busy; T2 takes seq 2 and commits.
            s1 = t1.execute(f"INSERT INTO {schema}.log (v) VALUES ('late') RETURNING seq").fetchone()
            s2 = t2.execute(f"INSERT INTO {schema}.log (v) VALUES ('early') RETURNING seq").fetchone()
            t2.commit()
            assert s1 is not None and s2 is not None and s1[0] < s2[0]
            seen = [r[0] for r in reader.execute(f"SELECT seq FROM {schema}.log WHERE seq > 0 ORDER BY seq")]
            assert seen == [s2[0]], "the reader must not see T1's uncommitted row yet (the fault)"
            cursor = max(seen)
            t1.commit()
            after = [r[0] for r in reader.execute(f"SELECT seq FROM {schema}.log WHERE seq > %s", (cursor,))]
            everything = [r[0] for r in reader.execute(f"SELECT seq FROM {schema}.log ORDER BY seq")]
            assert everything == [s1[0], s2[0]], "T1's row is committed and visible"
            assert after == [], "…but a reader already past it never pulls it: the row is lost"

            # The fix (SYNC.md §4): the counter row is locked FOR UPDATE until COMMIT, so a second
            # writer cannot take a number before the first has committed: seq order = commit order.
            t1.execute(f"SELECT head_seq FROM {schema}.tenant WHERE id = 1 FOR UPDATE")
            t1.execute(f"UPDATE {schema}.tenant SET head_seq = head_seq + 1 WHERE id = 1")
            t2.execute("SET lock_timeout = '300ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                t2.execute(f"SELECT head_seq FROM {schema}.tenant WHERE id = 1 FOR UPDATE")
            t2.rollback()
            t1.commit()
            t2.execute("SET lock_timeout = '5s'")
            row = t2.execute(f"SELECT head_seq FROM {schema}.tenant WHERE id = 1 FOR UPDATE").fetchone()
            assert row == (1,), "the second writer reads the first one's committed head"
            t2.rollback()
    finally:
        pg.sql(f"DROP SCHEMA {schema} CASCADE")
