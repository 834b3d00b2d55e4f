"""HTTP transport of the sync client: httpx, the protocol headers, retries (SYNC.md §6.4).

Retried: every transport error (refused, reset, timeout: a restarting server looks like that), 5xx
and 429 (honouring ``Retry-After``), with exponential backoff and jitter, always resending the same
request. Not retried: 401 (``SyncUnauthorized``), 426 (``SyncUpgradeRequired``); any other status
goes back to the caller (409 and 413 mean something to the push loop). ``httpx`` is imported when a
transport is made, never at start-up.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from safetydesk.core.sync import protocol, state
from safetydesk.core.sync.errors import (
    SyncCancelled,
    SyncCertificateError,
    SyncStorageUnavailable,
    SyncUnauthorized,
    SyncUnreachable,
    SyncUpgradeRequired,
)

if TYPE_CHECKING:
    import httpx


@dataclass
class RetryPolicy:
    max_attempts: int = 8
    base_delay: float = 1.0
    cap: float = 300.0
    sleep: Callable[[float], None] = time.sleep
    jitter: bool = True

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        if retry_after is not None:
            return min(self.cap, max(0.0, retry_after))
        full = float(min(self.cap, self.base_delay * float(2 ** (attempt - 1))))
        return full * float(random.uniform(0.5, 1.0)) if self.jitter else full


@dataclass
class Attempt:
    """One failed attempt, kept so tests can assert that a fault really happened."""

    method: str
    path: str
    reason: str
    status: int | None = None


@dataclass
class Transport:
    url: str
    token: str | None
    ca_file: str | None = None
    timeout: float = 30.0
    schema: int = protocol.SCHEMA_CURRENT
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    cancel: threading.Event | None = None
    # Filled by every response: the server's clock and ours when it arrived (clock offset, HLC reset).
    server_time_ms: int | None = None
    local_time_ms: int | None = None
    failures: list[Attempt] = field(default_factory=list)
    extra_headers: dict[str, str] = field(default_factory=dict)  # merged into every request (tests)
    _client: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        import httpx

        verify: Any = _ssl_context(self.ca_file) if self.url.lower().startswith("https:") else False
        self._client = httpx.Client(
            base_url=self.url.rstrip("/"),
            timeout=httpx.Timeout(self.timeout, connect=min(10.0, self.timeout)),
            verify=verify,
            headers={protocol.SCHEMA_HEADER: str(self.schema), "User-Agent": "SafetyDesk-sync"},
        )

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def clock_offset_ms(self) -> int | None:
        if self.server_time_ms is None or self.local_time_ms is None:
            return None
        return self.server_time_ms - self.local_time_ms

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        retry: bool = True,
    ) -> httpx.Response:
        import httpx

        if not path.startswith(protocol.API_PREFIX):
            path = protocol.API_PREFIX + path
        attempt = 0
        while True:
            attempt += 1
            self._check_cancel()
            all_headers = {**self.extra_headers, **(headers or {})}
            if self.token:
                all_headers["Authorization"] = f"Bearer {self.token}"
            retry_after: float | None = None
            storage_down = False
            try:
                response: httpx.Response = self._client.request(
                    method, path, json=json, content=content, headers=all_headers, params=params
                )
            except httpx.TransportError as exc:
                reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                self.failures.append(Attempt(method, path, reason))
                untrusted = _certificate_problem(exc)
                if untrusted is not None:
                    raise SyncCertificateError(untrusted) from exc
            else:
                self._note_time(response)
                status = response.status_code
                if status == 401:
                    raise SyncUnauthorized()
                if status == 426:
                    raise SyncUpgradeRequired(_detail(response).get("min_schema", "?"))
                if status < 500 and status != 429:
                    return response
                detail = _detail(response)
                storage_down = detail.get("code") == protocol.ERR_STORAGE_UNAVAILABLE
                reason = f"HTTP {status} {detail.get('message') or response.reason_phrase}".strip()
                self.failures.append(Attempt(method, path, reason, status))
                if status == 429:
                    retry_after = _retry_after(response)
            if not retry or attempt >= self.retry.max_attempts:
                if storage_down:
                    raise SyncStorageUnavailable()
                raise SyncUnreachable(reason)
            self._wait(self.retry.delay(attempt, retry_after))

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise SyncCancelled()

    def _wait(self, seconds: float) -> None:
        if self.cancel is not None and self.retry.sleep is time.sleep:
            if self.cancel.wait(seconds):
                raise SyncCancelled()
            return
        self.retry.sleep(seconds)
        self._check_cancel()

    def _note_time(self, response: httpx.Response) -> None:
        value = response.headers.get(protocol.SERVER_TIME_HEADER)
        if value:
            try:
                self.server_time_ms = int(value)
                self.local_time_ms = state.local_ms()
            except ValueError:
                pass

    # -- conveniences ------------------------------------------------------------------------------

    def get_json(self, path: str, **params: Any) -> dict[str, Any]:
        response = self.request("GET", path, params=params or None)
        return expect_json(response)

    def post_json(self, path: str, body: Any) -> dict[str, Any]:
        return expect_json(self.request("POST", path, json=body))


def _certificate_problem(exc: BaseException) -> str | None:
    """The reason when ``exc`` is (or was caused by) a failed certificate check, else ``None``."""
    import ssl

    seen: BaseException | None = exc
    for _depth in range(6):
        if seen is None:
            break
        if isinstance(seen, ssl.SSLCertVerificationError):
            return str(seen.verify_message or seen.reason or seen)
        seen = seen.__cause__ or seen.__context__
    text = str(exc)
    return text if "CERTIFICATE_VERIFY_FAILED" in text else None


_SSL_CONTEXTS: dict[str | None, Any] = {}


def _ssl_context(ca_file: str | None) -> Any:
    """One verifying SSL context per CA file (loading the system's CAs costs ~30 ms: not per sync)."""
    context = _SSL_CONTEXTS.get(ca_file)
    if context is None:
        import ssl

        context = ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()
        _SSL_CONTEXTS[ca_file] = context
    return context


def _detail(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    detail = body.get("detail") if isinstance(body, dict) else None
    return detail if isinstance(detail, dict) else {"message": str(detail)} if detail else {}


def error_detail(response: httpx.Response) -> dict[str, Any]:
    """The ``{"code", "message", ...}`` of a 4xx/5xx answer (empty when the body is not the protocol's)."""
    return _detail(response)


def expect_json(response: httpx.Response) -> dict[str, Any]:
    """The JSON body of a 2xx answer; any other status becomes ``SyncRejected``."""
    from safetydesk.core.sync.errors import SyncRejected

    if 200 <= response.status_code < 300:
        body = response.json()
        return body if isinstance(body, dict) else {"value": body}
    detail = _detail(response)
    raise SyncRejected(
        f"HTTP {response.status_code} {detail.get('code', '')} {detail.get('message', '')}".strip()
    )


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return None
