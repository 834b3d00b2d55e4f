"""Crash safety proven by fault injection: a writer is SIGKILLed hundreds of times mid-work.

``writer.py`` records inspections, corrective actions and photos through the real services and
journals (fsynced) every call it saw commit. This test restarts it on the same workspace ≥ 200 times,
kills it with SIGKILL at a random moment each time, and after every kill opens the workspace the way
the app does and checks: the OS released the lock; ``PRAGMA integrity_check`` is ok; the audit chain
verifies; every journalled write is there; every attachment the database refers to exists and still
hashes to its name; nothing in ``attachments/`` that is not an intact attachment looks like one.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from safetydesk.core.audit.chain import verify
from safetydesk.core.db.tables import (
    RECORD_TABLES,
    attachment_links,
    attachments,
    corrective_actions,
    findings,
    form_answers,
    form_records,
)
from safetydesk.core.services import records
from safetydesk.core.workspace.workspace import LOCK_NAME, open_workspace

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="SIGKILL and fork are POSIX")]

WRITER = Path(__file__).with_name("writer.py")
ROOT = Path(__file__).resolve().parents[2]
FORKED_KILLS = 216  # writers forked from a warm server: cheap restarts, kills 5–300 ms after start
EXEC_KILLS = 12  # writers started as `python writer.py WS JOURNAL`, killed anywhere in their life
FULL_CHECK_EVERY = (
    3  # every kill: lock, integrity, committed rows, attachments; every 3rd: + audit chain, files
)
MIN_DELAY, MAX_DELAY = 0.005, 0.300
HEX = frozenset("0123456789abcdef")


@dataclass
class Committed:
    """Everything the writers reported as committed, accumulated over all journals."""

    rows: dict[str, set[str]] = field(default_factory=dict)
    shas: set[str] = field(default_factory=set)
    links: set[tuple[str, str, str]] = field(default_factory=set)
    expect: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    calls: int = 0

    def add(self, entry: dict[str, object]) -> None:
        self.calls += 1
        for table, rid in entry.get("rows", []):  # type: ignore[attr-defined]
            self.rows.setdefault(table, set()).add(rid)
        self.shas.update(entry.get("shas", []))  # type: ignore[arg-type]
        self.links.update(tuple(x) for x in entry.get("links", []))  # type: ignore[attr-defined]
        for table, states in entry.get("expect", {}).items():  # type: ignore[attr-defined]
            for rid, allowed in states.items():
                self.expect[(table, rid)] = allowed


def read_journal(path: Path) -> list[dict[str, object]]:
    """Complete lines only: a line cut short by the kill was never reported."""
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.split("\n")[:-1] if line]


def where_killed(entries: list[dict[str, object]]) -> str:
    """startup (before the workspace was open), between calls, or mid-transaction."""
    last = next((e for e in reversed(entries) if e["op"] in ("open", "ready", "begin", "commit")), None)
    if last is None or last["op"] == "open":
        return "startup"
    return "in_flight" if last["op"] == "begin" else "between"


def file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class Checker:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.hashed: dict[Path, tuple[int, int]] = {}  # files already hashed: (size, mtime_ns)
        self.temp_files: set[Path] = set()

    def intact(self, file: Path, sha: str, *, rehash: bool) -> bool:
        try:
            st = file.stat()
        except FileNotFoundError:
            return False
        if not rehash and self.hashed.get(file) == (st.st_size, st.st_mtime_ns):
            return True
        if file_sha(file) != sha:
            return False
        self.hashed[file] = (st.st_size, st.st_mtime_ns)
        return True

    def check(self, committed: Committed, *, full: bool = True, rehash: bool = False) -> dict[str, int]:
        """Open as the app does and check; ``full`` adds the audit chain and the walk of attachments/."""
        ws = open_workspace(self.path, create=False)  # raises WorkspaceLockedError if the lock was kept
        try:
            store = ws.attachments
            with ws.reader() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                if full:
                    report = verify(conn)
                    assert report.ok, (report.broken_event, report.broken_reason, report.tampered[:5])

                for table, ids in committed.rows.items():
                    t = RECORD_TABLES[table]
                    present = set(conn.execute(select(t.c.id)).scalars())
                    missing = ids - present
                    assert not missing, f"{len(missing)} committed {table} rows lost: {sorted(missing)[:3]}"
                for (table, rid), allowed in committed.expect.items():
                    t = RECORD_TABLES[table]
                    status = conn.execute(select(t.c.status).where(t.c.id == rid)).scalar()
                    assert status in allowed, (table, rid, status, allowed)
                links = {
                    (sha, entity, rid)
                    for sha, entity, rid in conn.execute(
                        select(
                            attachment_links.c.sha256, attachment_links.c.entity, attachment_links.c.record_id
                        )
                    )
                }
                assert committed.links <= links, sorted(committed.links - links)[:3]

                # Every attachment the database refers to, however it refers to it.
                sizes: dict[str, int] = dict(
                    conn.execute(select(attachments.c.sha256, attachments.c.size)).all()  # type: ignore[arg-type]
                )
                referenced = set(sizes) | {sha for sha, _e, _r in links} | committed.shas
                for value in conn.execute(select(form_answers.c.attachments)).scalars():
                    referenced.update(value or ())
                referenced.update(
                    s for s in conn.execute(select(form_records.c.signature_sha256)).scalars() if s
                )
                assert {sha for sha, _e, _r in links} <= set(sizes), "a link names no attachment row"
                for sha in referenced:
                    file = store.path_for(sha)
                    assert self.intact(file, sha, rehash=rehash), f"attachment {sha} missing or truncated"
                    assert sha not in sizes or file.stat().st_size == sizes[sha], sha

                # Atomicity across a call: a completed inspection has every finding and action it opened.
                failed: dict[str, int | None] = dict(
                    conn.execute(  # type: ignore[arg-type]
                        select(form_records.c.id, form_records.c.failed_count).where(
                            form_records.c.status == "completed"
                        )
                    ).all()
                )
                opened = Counter(
                    conn.execute(
                        select(findings.c.source_id).where(findings.c.source_kind == "inspection")
                    ).scalars()
                )
                for rid, count in failed.items():
                    assert opened.get(rid, 0) == (count or 0), (rid, count, opened.get(rid))
                with_action = set(
                    conn.execute(
                        select(corrective_actions.c.finding_id).where(
                            corrective_actions.c.finding_id.is_not(None)
                        )
                    ).scalars()
                )
                lonely = (
                    set(
                        conn.execute(
                            select(findings.c.id).where(findings.c.source_kind == "inspection")
                        ).scalars()
                    )
                    - with_action
                )
                assert not lonely, f"findings without their corrective action: {sorted(lonely)[:3]}"

            if not full:
                return {}
            # Nothing visible as an attachment that is not one: temp files are hidden (dot names).
            visible = 0
            temps: set[Path] = set()
            for file in store.root.rglob("*"):
                if file.is_dir():
                    continue
                if file.name.startswith("."):
                    assert file.name.startswith(".tmp-"), file
                    temps.add(file)
                    continue
                sha = file.parent.name + file.name
                assert len(sha) == 64 and set(sha) <= HEX and file.parent.parent == store.root, file
                assert self.intact(file, sha, rehash=rehash), f"{file} is visible but not intact"
                visible += 1
            assert set(store.temp_files()) == temps  # the store's own view of crash leftovers
            new_temps = len(temps - self.temp_files)
            self.temp_files = temps
            return {"attachments": visible, "temp_files": len(temps), "new_temp_files": new_temps}
        finally:
            ws.close()


def _prepare(ws_path: Path) -> None:
    with open_workspace(ws_path) as ws:
        site = records.create(ws, "sites", {"name": "동남정밀"}).id
        area = records.create(
            ws, "areas", {"site_id": site, "code": "P1", "name": "프레스 라인", "hazard_tags": ["press"]}
        ).id
        records.create(
            ws,
            "equipment",
            {"site_id": site, "area_id": area, "code": "PR-01", "name": "200톤 프레스", "kind": "press"},
        )


def _lock_holder(ws_path: Path) -> int | None:
    try:
        return int(json.loads((ws_path / f"{LOCK_NAME}.json").read_text(encoding="utf-8"))["pid"])
    except (OSError, ValueError, KeyError):
        return None


def _wait_ready(journal: Path, deadline: float) -> float:
    """When the writer journalled "ready" (it opened the workspace), polling every millisecond."""
    while time.monotonic() < deadline:
        try:
            if b'"ready"' in journal.read_bytes():
                return time.monotonic()
        except FileNotFoundError:
            pass
        time.sleep(0.001)
    pytest.fail(f"the writer never opened the workspace ({journal})")


def run_kills(
    ws_path: Path, work: Path, *, forked: int = FORKED_KILLS, execs: int = EXEC_KILLS, seed: int | None = None
) -> dict[str, Any]:
    """Kill writers on ``ws_path`` ``forked + execs`` times, checking after each; returns the numbers.

    Fails (``pytest.fail`` / ``AssertionError``) on the first check that does not hold.
    """
    _prepare(ws_path)
    journals = work / "journals"
    journals.mkdir()
    stderr_path = work / "writer-stderr.txt"
    checker = Checker(ws_path)
    committed = Committed()
    rng = random.Random(int.from_bytes(os.urandom(4), "big") if seed is None else seed)
    where: Counter[str] = Counter()
    stats: Counter[str] = Counter()
    started = time.monotonic()

    def after_kill(journal: Path, pid: int, kills: int) -> None:
        entries = read_journal(journal)
        kind = where_killed(entries)
        where[kind] += 1
        if any(e["op"] == "ready" for e in entries):
            # The writer died holding the workspace lock; the OS must have released it.
            assert _lock_holder(ws_path) == pid
            stats["died_holding_lock"] += 1
        for entry in entries:
            if entry["op"] == "commit":
                committed.add(entry)
        t0 = time.monotonic()
        full = kills % FULL_CHECK_EVERY == 0
        found = checker.check(committed, full=full)
        stats["check_ms"] += int((time.monotonic() - t0) * 1000)
        stats["checks"] += 1
        stats["full_checks"] += full
        stats["temp_files_left_by_kills"] += found.get("new_temp_files", 0)
        stats["kills"] = kills

    with stderr_path.open("w") as stderr:
        server = subprocess.Popen(
            [sys.executable, str(WRITER), "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            cwd=ROOT,
        )
        assert server.stdin is not None and server.stdout is not None
        try:
            assert server.stdout.readline().strip() == "ready"
            for i in range(forked):
                journal = journals / f"fork-{i:04d}.jsonl"
                server.stdin.write(f"run {ws_path} {journal} {rng.randrange(1 << 30)}\n")
                server.stdin.flush()
                spawned = time.monotonic()
                pid = int(server.stdout.readline().split()[1])
                delay = math.exp(rng.uniform(math.log(MIN_DELAY), math.log(MAX_DELAY)))
                if i % 2:
                    # Every other kill counts from the moment the writer has the workspace open:
                    # the first kinds of kill exercise opening, these the writes themselves.
                    spawned = _wait_ready(journal, spawned + 5.0)
                time.sleep(max(0.0, delay - (time.monotonic() - spawned)))
                os.kill(pid, signal.SIGKILL)
                server.stdin.write(f"reap {pid}\n")
                server.stdin.flush()
                status = int(server.stdout.readline().split()[1])
                if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
                    pytest.fail(f"writer {pid} did not die of SIGKILL ({status}):\n{stderr_path.read_text()}")
                after_kill(journal, pid, i + 1)
        finally:
            if server.poll() is None:
                server.stdin.write("quit\n")
                server.stdin.flush()
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
            server.stdin.close()
            server.stdout.close()

        for i in range(execs):
            journal = journals / f"exec-{i:04d}.jsonl"
            child = subprocess.Popen(
                [
                    sys.executable,
                    str(WRITER),
                    str(ws_path),
                    str(journal),
                    "--seed",
                    str(rng.randrange(1 << 30)),
                ],
                stderr=stderr,
                cwd=ROOT,
            )
            time.sleep(rng.uniform(MIN_DELAY, 0.9))  # interpreter start, imports, open or work
            child.kill()
            if child.wait() != -signal.SIGKILL:
                pytest.fail(f"writer did not die of SIGKILL:\n{stderr_path.read_text()}")
            after_kill(journal, child.pid, forked + i + 1)

    final = checker.check(committed, rehash=True)  # every file hashed again from disk
    with open_workspace(ws_path, create=False) as ws:  # crash leftovers can go; nothing else may
        removed = ws.attachments.remove_temp_files()
    assert removed == final["temp_files"]
    after = checker.check(committed, rehash=True)
    assert after["temp_files"] == 0 and after["attachments"] == final["attachments"]
    assert sum(where.values()) == forked + execs
    return {
        "kills": forked + execs,
        "in_flight": where["in_flight"],
        "between": where["between"],
        "startup": where["startup"],
        **{k: v for k, v in stats.items() if k != "kills"},
        "committed_calls": committed.calls,
        "committed_links": len(committed.links),
        "committed_status_changes": len(committed.expect),
        "attachments": final["attachments"],
        "attachment_mb": round(sum(p.stat().st_size for p in checker.hashed) / 2**20),
        "temp_files_removed": removed,
        "seconds": round(time.monotonic() - started, 1),
    }


@pytest.mark.timeout(600)
def test_sigkill_never_loses_a_committed_write(ws_path: Path, tmp_path: Path) -> None:
    summary = run_kills(ws_path, tmp_path)
    print(f"\nSIGKILL fault injection: {summary}")
    kills = summary["kills"]
    assert kills >= 200
    # The kills really interrupted work: a good share landed between a call's begin and its commit.
    assert summary["in_flight"] >= 0.35 * kills, summary
    assert summary["committed_calls"] >= 2 * kills, summary  # and work got done between kills
    assert summary["temp_files_left_by_kills"] >= 1, summary  # some kills landed inside an attachment write
    assert summary["committed_links"] and summary["committed_status_changes"], summary
    shutil.rmtree(ws_path)  # a few hundred MB of photos: do not keep them in pytest's temp folders


CREATE_KILLS = 30


@pytest.mark.timeout(300)
def test_sigkill_while_a_new_workspace_is_created(tmp_path: Path) -> None:
    """The first start (schema creation, templates) killed at random: the next start must just work."""
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    stderr_path = tmp_path / "writer-stderr.txt"
    outcomes: Counter[str] = Counter()
    with stderr_path.open("w") as stderr:
        server = subprocess.Popen(
            [sys.executable, str(WRITER), "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            cwd=ROOT,
        )
        assert server.stdin is not None and server.stdout is not None
        try:
            assert server.stdout.readline().strip() == "ready"
            for i in range(CREATE_KILLS):
                path = tmp_path / f"ws-{i:03d}"
                server.stdin.write(f"create {path}\n")
                server.stdin.flush()
                pid = int(server.stdout.readline().split()[1])
                time.sleep(rng.uniform(0.003, 0.15))
                os.kill(pid, signal.SIGKILL)
                server.stdin.write(f"reap {pid}\n")
                server.stdin.flush()
                status = int(server.stdout.readline().split()[1])
                if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
                    outcomes["killed"] += 1
                elif os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
                    outcomes["finished_first"] += 1
                else:
                    pytest.fail(f"the creating process failed ({status}):\n{stderr_path.read_text()}")
                # The next start: no error, no lost lock, an intact database and audit chain.
                with open_workspace(path) as ws, ws.reader() as conn:
                    assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                    assert verify(conn).ok
        finally:
            if server.poll() is None:
                server.stdin.write("quit\n")
                server.stdin.flush()
                server.wait(timeout=10)
            server.stdin.close()
            server.stdout.close()
    print(f"\nSIGKILL during creation: {dict(outcomes)}")
    assert outcomes["killed"] >= CREATE_KILLS // 3, outcomes
