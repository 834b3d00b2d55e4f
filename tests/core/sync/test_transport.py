"""The transport's retries against real sockets: a refused port, and a tiny HTTP server that answers
503 and 429 (with Retry-After) before it answers 200; 401 and 426 are never retried."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from safetydesk.core.sync import protocol
from safetydesk.core.sync.errors import (
    SyncStorageUnavailable,
    SyncUnauthorized,
    SyncUnreachable,
    SyncUpgradeRequired,
)
from safetydesk.core.sync.transport import RetryPolicy, Transport


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_refused_connection_is_retried_then_reported_unreachable() -> None:
    sleeps: list[float] = []
    t = Transport(
        f"http://127.0.0.1:{_free_port()}", "tok", retry=RetryPolicy(max_attempts=4, sleep=sleeps.append)
    )
    with t, pytest.raises(SyncUnreachable) as caught:
        t.request("GET", "/status")
    assert len(t.failures) == 4 and all(f.status is None for f in t.failures)
    assert len(sleeps) == 3
    assert 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 2.0 and 2.0 <= sleeps[2] <= 4.0  # backoff + jitter
    assert "ConnectError" in caught.value.message("en")


class _Scripted(BaseHTTPRequestHandler):
    script: ClassVar[list[tuple[int, dict[str, str], dict[str, object]]]] = []
    seen: ClassVar[list[dict[str, str]]] = []

    def _answer(self) -> None:
        type(self).seen.append(dict(self.headers.items()))
        status, headers, body = type(self).script.pop(0)
        data = json.dumps(body).encode()
        self.send_response(status)
        for k, v in {**headers, protocol.SERVER_TIME_HEADER: "1790000000000"}.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = _answer  # noqa: N815 (http.server's names)
    do_POST = _answer  # noqa: N815
    do_PUT = _answer  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def scripted() -> Iterator[tuple[str, type[_Scripted]]]:
    class Handler(_Scripted):
        script: ClassVar[list[tuple[int, dict[str, str], dict[str, object]]]] = []
        seen: ClassVar[list[dict[str, str]]] = []

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", Handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_5xx_and_429_are_retried_with_the_same_request(scripted: tuple[str, type[_Scripted]]) -> None:
    url, handler = scripted
    handler.script = [
        (503, {}, {"detail": {"code": "x", "message": "restarting"}}),
        (429, {"Retry-After": "7"}, {"detail": {"code": protocol.ERR_RATE_LIMITED, "message": "slow down"}}),
        (200, {}, {"ok": True}),
    ]
    sleeps: list[float] = []
    with Transport(url, "tok", retry=RetryPolicy(sleep=sleeps.append, jitter=False)) as t:
        t.extra_headers["X-Test"] = "1"
        assert t.post_json("/push", {"changes": []}) == {"ok": True}
        assert [f.status for f in t.failures] == [503, 429]
        assert sleeps == [1.0, 7.0]
        assert t.server_time_ms == 1790000000000 and t.clock_offset_ms is not None
    assert len(handler.seen) == 3
    assert all(h["Authorization"] == "Bearer tok" and h["X-Test"] == "1" for h in handler.seen)
    assert all(h[protocol.SCHEMA_HEADER] == str(protocol.SCHEMA_CURRENT) for h in handler.seen)


def test_401_and_426_are_not_retried(scripted: tuple[str, type[_Scripted]]) -> None:
    url, handler = scripted
    handler.script = [
        (401, {}, {"detail": {"code": protocol.ERR_UNAUTHORIZED, "message": "revoked"}}),
        (426, {}, {"detail": {"code": protocol.ERR_UPGRADE_REQUIRED, "min_schema": 5, "message": "old"}}),
    ]
    sleeps: list[float] = []
    with Transport(url, "tok", retry=RetryPolicy(sleep=sleeps.append)) as t:
        with pytest.raises(SyncUnauthorized):
            t.request("GET", "/status")
        with pytest.raises(SyncUpgradeRequired) as caught:
            t.request("GET", "/status")
    assert sleeps == [] and "5" in caught.value.message("en")


def test_storage_down_after_every_retry_says_so(scripted: tuple[str, type[_Scripted]]) -> None:
    url, handler = scripted
    down = (503, {}, {"detail": {"code": protocol.ERR_STORAGE_UNAVAILABLE, "message": "s3 down"}})
    handler.script = [down, down]
    with (
        Transport(url, "tok", retry=RetryPolicy(max_attempts=2, sleep=lambda _s: None)) as t,
        pytest.raises(SyncStorageUnavailable),
    ):
        t.request("PUT", "/blobs/" + "0" * 64, content=b"x")
