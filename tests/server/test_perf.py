"""A backlog of 10 000 changes through the API in-process (SYNC.md §8 A9 targets the full client path)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import pytest

from safetydesk.core.sync import protocol
from tests.server.conftest import Device, TestClient

pytestmark = pytest.mark.integration  # real PostgreSQL (and SeaweedFS for blobs)

N = 10_000


def test_backlog_of_10000_changes_push_and_pull(client: TestClient, enrol: Callable[..., Device]) -> None:
    a = enrol(client, name="office")
    b = enrol(client, a.tenant_id, name="floor")
    ms = int(time.time() * 1000)
    fields = {f"col{i}": f"value {i} 안전점검" for i in range(12)}
    changes = [
        a.change("findings", str(uuid.uuid4()), {**fields, "n": i}, ms=ms + i // 100) for i in range(N)
    ]
    t0 = time.perf_counter()
    for i in range(0, N, protocol.PUSH_BATCH_CHANGES):
        r = a.push(changes[i : i + protocol.PUSH_BATCH_CHANGES])
        assert r.status_code == 200, r.text
    push_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    cursor, more, got = 0, True, 0
    while more:
        page = b.pull(cursor).json()
        got += len(page["records"])
        cursor, more = page["next"], page["more"]
    pull_s = time.perf_counter() - t0
    print(f"\npush {N} changes: {push_s:.2f} s; pull: {pull_s:.2f} s")
    assert got == N and cursor == N
    assert push_s < 30 and pull_s < 20  # generous: CI machines are slow; the numbers are in the report
