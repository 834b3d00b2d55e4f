"""Sync benchmarks against real servers on loopback (prints numbers; not a test).

Starts its own PostgreSQL 15 cluster, SeaweedFS (``weed mini`` on free ports) and the sync API
(uvicorn subprocess) with the integration harness (``tests/integration/servers.py``), then measures:

1. backlog: 10,000 changes made offline on one PC, pushed in batches of 500 (target <= 3 s), then
   pulled by a second PC in pages of 1000 (target <= 1.5 s);
2. idle sync: ``sync_now`` with nothing to do, median of 20 (target <= 100 ms);
3. concurrency: N clients (default 50, each its own workspace and device, in worker processes of
   threads) edit and sync for ``--seconds`` against one server: throughput, p50/p95/max latency per
   sync, errors (must be 0), and a final check that no change was lost (server change count ==
   changes made; every client ends with every record of its firm).

    .venv/bin/python benchmarks/bench_sync.py [--seconds 60] [--clients 50] [--tenants 10]
        [--api-workers 2] [--fsync] [--skip backlog,idle,concurrent] [--profile DIR]

PostgreSQL runs with fsync=off unless ``--fsync`` (the harness's setting; production keeps fsync on).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import hashlib
import json
import multiprocessing as mp
import os
import pstats
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Device tokens go to files under the bench's own dir, never to the OS keyring.
_BENCH_HOME = Path(tempfile.mkdtemp(prefix="sd-bench-sync-"))
os.environ["SAFETYDESK_SYNC_KEYRING"] = "0"
os.environ["SAFETYDESK_SYNC_TOKEN_DIR"] = str(_BENCH_HOME / "tokens")

from tests.integration.servers import (  # noqa: E402
    REPO,
    ApiProcess,
    PgCluster,
    WeedS3,
    kill_process,
    log_tail,
    server_env,
)

BACKLOG = 10_000


# -- servers ---------------------------------------------------------------------------------------


_STATS = " -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"


class DurablePg(PgCluster):
    """The harness's cluster, but with fsync on (what production runs)."""

    def _options(self) -> str:
        return f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c max_connections=200" + _STATS


class FastPg(PgCluster):
    def _options(self) -> str:
        return super()._options() + " -c max_connections=200" + _STATS


def statement_stats(pg: PgCluster, top: int = 8) -> list[str]:
    """The statements that took the most time inside PostgreSQL since the last reset."""
    rows = pg.sql(
        "SELECT calls, round(total_exec_time)::int, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 110)"
        " FROM pg_stat_statements WHERE query NOT ILIKE '%%pg_stat_statements%%'"
        " ORDER BY total_exec_time DESC LIMIT %s",
        (top,),
    )
    return [f"{ms:>6} ms {calls:>6} calls {n:>7} rows  {q}" for calls, ms, n, q in rows]


_PROFILED_SERVER = """
import atexit, cProfile, functools, sys
from safetydesk.server import app
prof = cProfile.Profile()
def wrap(fn):
    @functools.wraps(fn)
    def inner(*a, **k):
        prof.enable()
        try:
            return fn(*a, **k)
        finally:
            prof.disable()
    return inner
app.Api.push = wrap(app.Api.push)
app.Api.pull = wrap(app.Api.pull)
atexit.register(lambda: prof.dump_stats(OUT))
from safetydesk.server.cli import main
sys.exit(main(sys.argv[1:]))
"""


@dataclass
class BenchApi(ApiProcess):
    """ApiProcess with ``--workers`` (uvicorn processes) and no test hooks."""

    workers: int = 1
    profile_out: Path | None = None  # run one worker under cProfile, written when it stops

    def start(self, *, timeout: float = 60.0) -> None:
        if self.proc is not None and self.proc.poll() is None:
            return
        if self.profile_out:
            # The handlers run in uvicorn's thread pool, which ``-m cProfile`` does not see: wrap them.
            launcher = ["-c", _PROFILED_SERVER.replace("OUT", repr(str(self.profile_out)))]
        else:
            launcher = ["-m", "safetydesk.server.cli"]
        args = [
            sys.executable,
            *launcher,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
        ]
        with open(self.log, "ab") as fh:
            self.proc = subprocess.Popen(
                args,
                cwd=REPO,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=fh,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"API exited at start:\n{log_tail(self.log)}")
            with contextlib.suppress(Exception):
                if self._healthy():
                    return
            time.sleep(0.1)
        kill_process(self.proc)
        raise RuntimeError(f"API not healthy after {timeout} s:\n{log_tail(self.log)}")


@dataclass
class Servers:
    pg: PgCluster
    s3: WeedS3
    api: BenchApi
    root: Path
    tenants: list[str] = field(default_factory=list)

    def code(self, tenant_id: str) -> str:
        from safetydesk.server import admin

        return admin.create_enrolment_code(self.pg.owner_dsn, tenant_id, hours=24, created_by="bench")

    def cpu(self) -> dict[str, float]:
        """CPU seconds so far of the API processes and of PostgreSQL (postmaster and backends)."""
        pg_pid = self.pg._postmaster_pid()
        return {
            "api": tree_cpu([self.api.proc.pid]) if self.api.proc else 0.0,
            "pg": tree_cpu([pg_pid]) if pg_pid else 0.0,
        }

    def tenant(self, name: str) -> str:
        from safetydesk.server import admin

        tid = admin.create_tenant(self.pg.owner_dsn, name)
        self.tenants.append(tid)
        return tid


@contextlib.contextmanager
def servers(*, fsync: bool, api_workers: int, profile_dir: Path | None = None) -> Any:
    root = _BENCH_HOME / "servers"
    root.mkdir(parents=True, exist_ok=True)
    pg: PgCluster | None = None
    s3: WeedS3 | None = None
    api: BenchApi | None = None
    try:
        t0 = time.perf_counter()
        pg = (DurablePg if fsync else FastPg).create()
        pg.install()
        pg.sql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        s3 = WeedS3.create()
        env = server_env(
            pg,
            s3,
            None,
            SYNC_TEST_HOOKS="0",
            SYNC_RATE_PER_MINUTE="1000000",
            SYNC_CONFIG_DIR=str(root / "config"),
            SYNC_POOL_MAX="20",
        )
        if profile_dir is not None:
            profile_dir.mkdir(parents=True, exist_ok=True)
            api_workers = 1  # cProfile sees only the process it runs
        api = BenchApi(
            env=env,
            log=root / "api.log",
            workers=api_workers,
            profile_out=profile_dir / "server.prof" if profile_dir else None,
        )
        api.start()
        print(
            f"servers up in {time.perf_counter() - t0:.1f} s: PostgreSQL 15 :{pg.port} "
            f"(fsync {'on' if fsync else 'off'}), weed mini :{s3.s3_port}, API {api.url} "
            f"({api_workers} uvicorn worker{'s' if api_workers > 1 else ''})"
        )
        yield Servers(pg, s3, api, root)
    finally:
        if api is not None:
            if api.profile_out is not None and api.alive():
                assert api.proc is not None
                api.proc.send_signal(signal.SIGINT)  # uvicorn re-raises it: cProfile writes in a finally
                with contextlib.suppress(subprocess.TimeoutExpired):
                    api.proc.wait(timeout=30)
            api.stop()
            if api.profile_out is not None and api.profile_out.exists():
                print(f"\nserver profile: {api.profile_out} (top 25 by internal time)")
                pstats.Stats(str(api.profile_out)).sort_stats("tottime").print_stats(25)
        if s3 is not None:
            s3.destroy()
        if pg is not None:
            pg.destroy()


# -- client helpers --------------------------------------------------------------------------------


def _open(path: Path) -> Any:
    from safetydesk.core.workspace.workspace import open_workspace

    return open_workspace(path)


def enrol(srv: Servers, tenant_id: str, path: Path, name: str) -> Any:
    from safetydesk.core.sync import client as sync

    ws = _open(path)
    sync.enroll(ws, url=srv.api.url, code=srv.code(tenant_id), device_name=name)
    return ws


def make_near_misses(ws: Any, n: int, *, batch: int = 500, tag: str = "") -> list[str]:
    """``n`` near-miss records, ``batch`` per local transaction: ``n`` outbox rows."""
    from safetydesk.core.services.base import transaction

    ids: list[str] = []
    for start in range(0, n, batch):
        with transaction(ws, actor="bench") as tx:
            for i in range(start, min(n, start + batch)):
                ids.append(
                    tx.insert(
                        "incidents",
                        {
                            "kind": "near_miss",
                            "occurred_at": "2026-06-30T23:30:00.000000Z",
                            "title": f"아차사고 {tag}{i}",
                            "description": f"지게차 후진 중 보행자와 근접 ({tag}{i}) — forklift reversing near a walker",
                            "hazard_group": "struck_by",
                            "reported_by": "bench",
                        },
                    )
                )
    return ids


def pending(ws: Any) -> int:
    from safetydesk.core.sync import client as sync

    return int(sync.status(ws).pending_changes)


def count_incidents(ws: Any) -> int:
    from sqlalchemy import text

    with ws.reader() as conn:
        return int(conn.execute(text("SELECT count(*) FROM incidents WHERE deleted_at IS NULL")).scalar())


def server_changes(srv: Servers, tenant_id: str, entity: str = "incidents") -> int:
    return int(
        srv.pg.scalar(
            "SELECT count(*) FROM sync.change WHERE tenant_id = %s AND entity = %s", (tenant_id, entity)
        )
    )


def server_records(srv: Servers, tenant_id: str, entity: str = "incidents") -> int:
    return int(
        srv.pg.scalar(
            "SELECT count(*) FROM sync.record WHERE tenant_id = %s AND entity = %s AND NOT deleted",
            (tenant_id, entity),
        )
    )


def _proc_stats() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds used so far) for every process, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        fields = raw[raw.rfind(")") + 2 :].split()
        out[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    return out


def tree_cpu(roots: list[int]) -> float:
    """CPU seconds used by the processes ``roots`` and all their descendants (alive ones)."""
    stats = _proc_stats()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _cpu) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo, seen = 0.0, list(roots), set()
    while todo:
        pid = todo.pop()
        if pid in seen or pid not in stats:
            continue
        seen.add(pid)
        total += stats[pid][1]
        todo.extend(children.get(pid, []))
    return total


def load() -> str:
    a, b, c = os.getloadavg()
    return f"{a:.2f} {b:.2f} {c:.2f}"


def profiled(name: str, profile_dir: Path | None, fn: Any) -> Any:
    if profile_dir is None:
        return fn()
    prof = cProfile.Profile()
    try:
        return prof.runcall(fn)
    finally:
        profile_dir.mkdir(parents=True, exist_ok=True)
        out = profile_dir / f"{name}.prof"
        prof.dump_stats(out)
        print(f"  profile of {name}: {out} (top 12 by cumulative time, client side)")
        pstats.Stats(prof).sort_stats("cumulative").print_stats(12)


# -- 1 + 2: backlog and idle -----------------------------------------------------------------------


def bench_backlog(srv: Servers, profile_dir: Path | None, backlog: int = BACKLOG) -> dict[str, Any]:
    from safetydesk.core.sync import client as sync

    tid = srv.tenant("backlog-firm")
    ws_dir = _BENCH_HOME / "backlog"
    a = enrol(srv, tid, ws_dir / "office", "office-pc")
    try:
        sync.sync_now(a)  # the enrolment snapshot (workspace defaults), not part of the backlog
        t0 = time.perf_counter()
        make_near_misses(a, backlog, tag="b")
        made_s = time.perf_counter() - t0
        backlog = pending(a)
        base_changes = server_changes(srv, tid)
        srv.pg.sql("SELECT pg_stat_statements_reset()")
        cpu0, c0 = srv.cpu(), time.process_time()
        t0 = time.perf_counter()
        report = profiled("push_10000", profile_dir, lambda: sync.push(a, batch_size=500))
        push_s = time.perf_counter() - t0
        push_cpu = _cpu_delta(srv, cpu0, c0)
        push_sql = statement_stats(srv.pg)
        pushed = server_changes(srv, tid) - base_changes
        left = pending(a)
        size = srv.pg.scalar(
            "SELECT pg_total_relation_size('sync.change') + pg_total_relation_size('sync.record')"
            " + pg_total_relation_size('sync.audit_event')"
        )
    finally:
        a.close()
    b = enrol(srv, tid, ws_dir / "laptop", "laptop")
    try:
        srv.pg.sql("SELECT pg_stat_statements_reset()")
        cpu0, c0 = srv.cpu(), time.process_time()
        t0 = time.perf_counter()
        preport = profiled("pull_10000", profile_dir, lambda: sync.pull(b, limit=1000))
        pull_s = time.perf_counter() - t0
        pull_cpu = _cpu_delta(srv, cpu0, c0)
        pull_sql = statement_stats(srv.pg, 4)
        got = count_incidents(b)
    finally:
        b.close()
    return {
        "made_s": made_s,
        "backlog": backlog,
        "push_s": push_s,
        "push_cpu": push_cpu,
        "push_sql": push_sql,
        "pull_sql": pull_sql,
        "pull_cpu": pull_cpu,
        "push_report": report,
        "server_changes": pushed,
        "left_in_outbox": left,
        "db_bytes": int(size or 0),
        "pull_s": pull_s,
        "pull_report": preport,
        "pulled_records": got,
    }


def _cpu_delta(srv: Servers, before: dict[str, float], client_before: float) -> str:
    after = srv.cpu()
    return (
        f"CPU: client {time.process_time() - client_before:.2f} s, API {after['api'] - before['api']:.2f} s, "
        f"PostgreSQL {after['pg'] - before['pg']:.2f} s"
    )


def bench_idle(srv: Servers, runs: int = 20) -> dict[str, Any]:
    from safetydesk.core.sync import client as sync

    tid = srv.tenant("idle-firm")
    ws = enrol(srv, tid, _BENCH_HOME / "idle" / "pc1", "pc1")
    try:
        make_near_misses(ws, 50, tag="i")
        sync.sync_now(ws)
        sync.sync_now(ws)  # warm: connection, imports
        times: list[float] = []
        for _ in range(runs):
            t0 = time.perf_counter()
            rep = sync.sync_now(ws)
            times.append((time.perf_counter() - t0) * 1000)
            assert rep.pushed == 0 and rep.pulled == 0, rep
    finally:
        ws.close()
    return {
        "median_ms": statistics.median(times),
        "p95_ms": sorted(times)[int(0.95 * (len(times) - 1))],
        "min_ms": min(times),
        "max_ms": max(times),
    }


# -- 3: concurrent clients -------------------------------------------------------------------------


@dataclass
class ClientSpec:
    path: str
    name: str
    tenant_id: str


def _client_loop(spec: ClientSpec, deadline: float, start: threading.Barrier, out: dict[str, Any]) -> None:
    """One PC: a round = 3 new near misses + 1 edit of one of its own (4 changes), then ``sync_now``."""
    from safetydesk.core.services.base import transaction
    from safetydesk.core.sync import client as sync
    from safetydesk.core.sync.transport import RetryPolicy

    no_retry = RetryPolicy(max_attempts=1)
    ws = _open(Path(spec.path))
    made = 0
    lat: list[float] = []
    errors: list[str] = []
    own: list[str] = []
    try:
        start.wait()
        n = 0
        while time.time() < deadline:
            own += make_near_misses(ws, 3, tag=f"{spec.name}-{n}-")
            with transaction(ws, actor=spec.name) as tx:
                tx.update("incidents", own[len(own) // 2], {"immediate_action": f"round {n}"})
            made += 4
            n += 1
            t0 = time.perf_counter()
            try:
                sync.sync_now(ws, retry=no_retry)
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
            lat.append((time.perf_counter() - t0) * 1000)
        out.update(made=made, lat=lat, errors=errors, rounds=n)
    finally:
        ws.close()


def _final_sync(spec: ClientSpec) -> dict[str, Any]:
    from safetydesk.core.sync import client as sync

    ws = _open(Path(spec.path))
    try:
        sync.sync_now(ws)
        digest = sync.state_digest(ws)
        canon = json.dumps(sorted((list(k), v) for k, v in digest.items()), sort_keys=True, default=str)
        return {
            "pending": pending(ws),
            "incidents": count_incidents(ws),
            "records": len(digest),
            "digest": hashlib.sha256(canon.encode()).hexdigest(),
        }
    finally:
        ws.close()


def _process_main(specs: list[dict[str, Any]], deadline: float, q: Any, barrier_at: float) -> None:
    try:
        results: dict[str, dict[str, Any]] = {s["name"]: {} for s in specs}
        barrier = threading.Barrier(len(specs))
        threads = []
        errors: list[BaseException] = []

        def run(spec: ClientSpec) -> None:
            try:
                _client_loop(spec, deadline, barrier, results[spec.name])
            except BaseException as exc:
                errors.append(exc)
                barrier.abort()

        time.sleep(max(0.0, barrier_at - time.time()))
        for s in specs:
            t = threading.Thread(target=run, args=(ClientSpec(**s),), name=s["name"])
            t.start()
            threads.append(t)
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        results["_cpu"] = {"cpu": time.process_time()}
        q.put(("ok", results))
    except BaseException as exc:
        import traceback

        q.put(("error", "".join(traceback.format_exception(exc))))


def bench_concurrent(
    srv: Servers, *, clients: int, tenants: int, seconds: float, processes: int
) -> dict[str, Any]:
    from safetydesk.core.sync import client as sync

    per = max(1, clients // tenants)
    specs: list[ClientSpec] = []
    base = _BENCH_HOME / "concurrent"
    t0 = time.perf_counter()
    for t in range(tenants):
        tid = srv.tenant(f"firm-{t:02d}")
        for c in range(per):
            name = f"t{t:02d}-pc{c:02d}"
            path = base / name
            ws = enrol(srv, tid, path, name)
            try:
                sync.sync_now(ws)
            finally:
                ws.close()
            specs.append(ClientSpec(str(path), name, tid))
    # Everyone starts from the same state: a second round pulls what the later enrolments pushed.
    for s in specs:
        _final_sync(s)
    setup_s = time.perf_counter() - t0
    before = {tid: server_changes(srv, tid) for tid in srv.tenants[-tenants:]}

    groups = [specs[i::processes] for i in range(processes)]
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    start_at = time.time() + 3.0  # every process imported and ready
    deadline = start_at + seconds
    procs = [
        ctx.Process(target=_process_main, args=([s.__dict__ for s in g], deadline, q, start_at))
        for g in groups
        if g
    ]
    load_before = load()
    cpu0 = srv.cpu()
    for p in procs:
        p.start()
    results: dict[str, dict[str, Any]] = {}
    failures: list[str] = []
    client_cpu = 0.0
    for _ in procs:
        kind, payload = q.get(timeout=seconds + 600)
        if kind == "ok":
            client_cpu += payload.pop("_cpu")["cpu"]
            results.update(payload)
        else:
            failures.append(payload)
    cpu1 = srv.cpu()
    for p in procs:
        p.join(timeout=60)
    load_after = load()
    if failures:
        raise RuntimeError("a client process failed:\n" + failures[0])

    # Final convergence: everyone pushes what is left, then everyone pulls everything.
    t1 = time.perf_counter()
    finals = {s.name: _final_sync(s) for s in specs}
    finals = {s.name: _final_sync(s) for s in specs}
    final_s = time.perf_counter() - t1

    lat = sorted(x for r in results.values() for x in r["lat"])
    made = sum(r["made"] for r in results.values())
    errors = [e for r in results.values() for e in r["errors"]]
    synced = sum(r["rounds"] for r in results.values())
    by_tenant_made: dict[str, int] = {}
    for s in specs:
        by_tenant_made[s.tenant_id] = by_tenant_made.get(s.tenant_id, 0) + results[s.name]["made"]
    lost = {}
    incomplete = []
    diverged = [
        tid
        for tid in by_tenant_made
        if len({finals[s.name]["digest"] for s in specs if s.tenant_id == tid}) != 1
    ]
    for tid, n in by_tenant_made.items():
        got = server_changes(srv, tid) - before[tid]
        if got != n:
            lost[tid] = (n, got)
        records = server_records(srv, tid)
        for s in specs:
            if s.tenant_id == tid and (finals[s.name]["incidents"] != records or finals[s.name]["pending"]):
                incomplete.append((s.name, finals[s.name], records))
    return {
        "clients": len(specs),
        "tenants": tenants,
        "processes": len(procs),
        "seconds": seconds,
        "setup_s": setup_s,
        "syncs": synced,
        "changes": made,
        "throughput": made / seconds,
        "syncs_per_s": synced / seconds,
        "p50_ms": lat[len(lat) // 2] if lat else float("nan"),
        "p95_ms": lat[int(0.95 * (len(lat) - 1))] if lat else float("nan"),
        "max_ms": lat[-1] if lat else float("nan"),
        "errors": len(errors),
        "error_sample": errors[:3],
        "lost": lost,
        "incomplete": incomplete[:3],
        "diverged": diverged,
        "digest_records": sorted({f["records"] for f in finals.values()}),
        "final_s": final_s,
        "load_before": load_before,
        "load_after": load_after,
        "cpu": f"CPU over the run: clients {client_cpu:.0f} s, API {cpu1['api'] - cpu0['api']:.0f} s, "
        f"PostgreSQL {cpu1['pg'] - cpu0['pg']:.0f} s (of {(os.cpu_count() or 1) * seconds:.0f} core-seconds)",
    }


# -- main ------------------------------------------------------------------------------------------


def _verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "MISSED"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60.0, help="duration of the concurrent phase")
    ap.add_argument("--backlog", type=int, default=BACKLOG, help="changes in the backlog test")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--tenants", type=int, default=10, help="firms the clients are spread over")
    ap.add_argument("--processes", type=int, default=5, help="client processes (clients run as threads)")
    ap.add_argument("--api-workers", type=int, default=2, help="uvicorn worker processes")
    ap.add_argument("--fsync", action="store_true", help="PostgreSQL with fsync on (default off, as in CI)")
    ap.add_argument("--sql", action="store_true", help="print PostgreSQL's time per statement (backlog)")
    ap.add_argument("--skip", default="", help="comma list of backlog,idle,concurrent")
    ap.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="write cProfile data of push/pull (client) and of a 1-worker API here",
    )
    args = ap.parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}

    print(f"machine: {os.cpu_count()} cores, load {load()} (1/5/15 min), python {sys.version.split()[0]}")
    rows: list[tuple[str, str, str, str]] = []
    ok = True
    try:
        with servers(fsync=args.fsync, api_workers=args.api_workers, profile_dir=args.profile) as srv:
            if "backlog" not in skip:
                print(f"\n[backlog] load before: {load()}")
                r = bench_backlog(srv, args.profile, args.backlog)
                print(
                    f"  made {r['backlog']} pending changes in {r['made_s']:.1f} s; "
                    f"server received {r['server_changes']}, outbox left {r['left_in_outbox']}; "
                    f"second PC has {r['pulled_records']} near misses"
                )
                print(
                    f"  PostgreSQL: change + record + audit_event tables {r['db_bytes'] / 1e6:.1f} MB "
                    f"after the backlog ({r['db_bytes'] / max(1, r['server_changes']):.0f} bytes per change)"
                )
                print(f"  push {r['push_s']:.2f} s, {r['push_cpu']}; {r['push_report']}")
                print(f"  pull {r['pull_s']:.2f} s, {r['pull_cpu']}; {r['pull_report']}")
                if args.sql:
                    print("  PostgreSQL time by statement during the push (pg_stat_statements):")
                    print("\n".join("    " + line for line in r["push_sql"]))
                    print("  ... during the pull:")
                    print("\n".join("    " + line for line in r["pull_sql"]))
                good = r["server_changes"] == args.backlog and r["pulled_records"] == args.backlog
                ok &= good
                rows.append(
                    (
                        f"push {args.backlog:,} (batches of 500)",
                        f"{r['push_s']:.2f} s",
                        "<= 3 s",
                        _verdict(r["push_s"], 3),
                    )
                )
                rows.append(
                    (
                        f"pull {args.backlog:,} (pages of 1000)",
                        f"{r['pull_s']:.2f} s",
                        "<= 1.5 s",
                        _verdict(r["pull_s"], 1.5),
                    )
                )
                rows.append(
                    (
                        "backlog complete",
                        f"{r['server_changes']} / {r['pulled_records']}",
                        f"{args.backlog} / {args.backlog}",
                        "ok" if good else "LOST",
                    )
                )
            if "idle" not in skip:
                print(f"\n[idle] load before: {load()}")
                r = bench_idle(srv)
                rows.append(
                    (
                        "idle sync (median of 20)",
                        f"{r['median_ms']:.0f} ms",
                        "<= 100 ms",
                        _verdict(r["median_ms"], 100),
                    )
                )
                print(f"  min {r['min_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms, max {r['max_ms']:.0f} ms")
            if "concurrent" not in skip:
                print(f"\n[concurrent] load before: {load()}")
                r = bench_concurrent(
                    srv,
                    clients=args.clients,
                    tenants=args.tenants,
                    seconds=args.seconds,
                    processes=args.processes,
                )
                print(
                    f"  {r['clients']} clients in {r['tenants']} firms, {r['processes']} processes, "
                    f"{r['seconds']:.0f} s (setup {r['setup_s']:.0f} s, final sync {r['final_s']:.1f} s); "
                    f"load {r['load_before']} -> {r['load_after']}"
                )
                print(f"  {r['cpu']}")
                print(
                    f"  final check: per firm, server changes == changes made; every PC holds every record "
                    f"and the same state digest (records per PC: {r['digest_records'][0]}..{r['digest_records'][-1]})"
                )
                if r["error_sample"]:
                    print(f"  first errors: {r['error_sample']}")
                if r["lost"] or r["incomplete"] or r["diverged"]:
                    print(
                        f"  LOST: {r['lost']} incomplete: {r['incomplete']} diverged firms: {r['diverged']}"
                    )
                good = not r["errors"] and not r["lost"] and not r["incomplete"] and not r["diverged"]
                ok &= good
                label = f"{r['clients']} clients / {r['tenants']} firms"
                rows.append(
                    (f"{label}: changes/s", f"{r['throughput']:.0f}", "report", f"{r['changes']} changes")
                )
                rows.append((f"{label}: syncs/s", f"{r['syncs_per_s']:.1f}", "report", f"{r['syncs']} syncs"))
                rows.append(
                    (
                        f"{label}: latency p50 / p95",
                        f"{r['p50_ms']:.0f} / {r['p95_ms']:.0f} ms",
                        "report",
                        f"max {r['max_ms']:.0f} ms",
                    )
                )
                rows.append(
                    (f"{label}: errors", str(r["errors"]), "0", "ok" if not r["errors"] else "ERRORS")
                )
                rows.append(
                    (
                        f"{label}: lost or diverged",
                        str(len(r["lost"]) + len(r["incomplete"]) + len(r["diverged"])),
                        "0",
                        "ok" if good else "LOST",
                    )
                )
    finally:
        shutil.rmtree(_BENCH_HOME, ignore_errors=True)

    print()
    widths = [max(len(r[i]) for r in [("measure", "value", "target", ""), *rows]) for i in range(4)]
    for row in [("measure", "value", "target", ""), *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    print(f"load after: {load()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
