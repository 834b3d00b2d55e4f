"""The sync API over TLS (SYNC.md §7): a pinned CA file syncs; without it the client refuses clearly.

The server is uvicorn with the harness's self-signed CA (``tls_files``); the client pins that CA with
``ca_file``. Without the CA the certificate check fails and the user sees a bilingual message that
names the certificate, not a traceback.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

pytestmark = pytest.mark.integration

from safetydesk.core.services import records  # noqa: E402
from safetydesk.core.sync import client as sync  # noqa: E402
from safetydesk.core.sync.errors import SyncCertificateError, SyncError  # noqa: E402
from safetydesk.core.sync.transport import RetryPolicy  # noqa: E402


def _no_wait() -> RetryPolicy:
    return RetryPolicy(max_attempts=2, base_delay=0.0, cap=0.0, sleep=lambda _s: None)


def _says_certificate(err: SyncError) -> None:
    en, ko = err.message("en") + " " + err.hint("en"), err.message("ko") + " " + err.hint("ko")
    assert "certificate" in en.lower(), en
    assert "인증서" in ko, ko
    assert "Traceback" not in en


@pytest.fixture
def tls_api(api_server: Any, tls_files: tuple[str, str, str]) -> Any:
    server = api_server(tls=tls_files)
    assert server.url.startswith("https://127.0.0.1:")
    return server


def test_pinned_ca_syncs_over_tls(
    make_tenant: Any, sync_ws: Any, tls_api: Any, tls_files: tuple[str, str, str]
) -> None:
    ca_file = tls_files[0]
    tenant = make_tenant("tls")
    pc1 = sync_ws(tenant, "pc1", api=tls_api, ca_file=ca_file)
    assert sync.status(pc1).ca_file == ca_file
    rid = records.create(pc1, "contractors", {"name": "한빛안전(주)"}).id
    report = sync.sync_now(pc1)
    assert report.pushed >= 1
    pc2 = sync_ws(tenant, "pc2", api=tls_api, ca_file=ca_file)
    sync.sync_now(pc2)
    with pc2.reader() as conn:
        name = conn.exec_driver_sql("SELECT name FROM contractors WHERE id = ?", (rid,)).scalar_one()
    assert name == "한빛안전(주)"

    # The same PC with its CA pin removed: the certificate check fails, nothing is lost.
    records.create(pc1, "contractors", {"name": "pending"})
    sync.configure(pc1, url=tls_api.url, ca_file=None)
    with pytest.raises(SyncCertificateError) as caught:
        sync.sync_now(pc1, retry=_no_wait())
    _says_certificate(caught.value)
    status = sync.status(pc1)
    assert status.pending_changes == 1
    last = status.last_error or ""
    assert "인증서" in last or "certificate" in last.lower(), last
    # Pinned again: it syncs.
    sync.configure(pc1, url=tls_api.url, ca_file=ca_file)
    assert sync.sync_now(pc1).pushed == 1


def test_enrol_without_ca_fails_with_certificate_message(
    make_tenant: Any, sync_ws: Any, tls_api: Any
) -> None:
    tenant = make_tenant("tls-noca")
    ws = sync_ws(tenant, "pc1", api=tls_api, enroll=False)
    code = tenant.code()
    t0 = time.perf_counter()
    with pytest.raises(SyncCertificateError) as caught:
        sync.enroll(ws, url=tls_api.url, code=code, device_name="no-ca")
    # Not retried: waiting never makes a certificate trusted (a retry would wait >= 1.5 s here).
    assert time.perf_counter() - t0 < 1.4
    _says_certificate(caught.value)
    assert not sync.status(ws).enabled
    # The code was never used (the request never reached the server): enrolling with the CA works.
    result = sync.enroll(ws, url=tls_api.url, code=code, device_name="with-ca", ca_file=tls_api.ca_file)
    assert result.mode == "first"
