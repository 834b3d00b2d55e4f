"""Fixtures for the sync integration tests: real PostgreSQL, SeaweedFS and sync API processes (SYNC.md §9).

Session scope: ``pg`` (a fresh cluster with ``admin.install`` run), ``s3`` (``weed mini`` on free ports),
``signing_key``. Function scope: ``api_server`` (factory of API processes), ``api`` (one default API),
``make_tenant`` (factory of tenants), ``sync_ws`` (factory of enrolled workspaces).

Every fixture is a plain module-level function so other test folders may import them: by name, or all
of them with ``from tests.integration.conftest import *`` (``__all__`` lists them, including the autouse
``_isolated_sync_env`` and ``_thread_errors`` and the ``_server_dir`` the API fixtures need). A missing
binary fails the fixture with a clear message; nothing here skips. Every process is stopped by PID in
teardown, logs go to files (``pg.log``, ``s3.log``, ``api.log`` attributes), never pipes.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from safetydesk.core.workspace.workspace import Workspace, open_workspace
from tests.integration.servers import (
    ApiProcess,
    PgCluster,
    WeedS3,
    make_tls,
    server_env,
)

__all__ = [  # every fixture, for ``from tests.integration.conftest import *`` in other test folders
    "Tenant",
    "_isolated_sync_env",
    "_server_dir",
    "_thread_errors",
    "api",
    "api_server",
    "make_tenant",
    "make_tls",
    "pg",
    "s3",
    "signing_key",
    "sync_ws",
    "tls_files",
]

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(autouse=True)
def _thread_errors() -> Iterator[None]:
    """Fail a test whose worker thread died, even if someone relaxes ``filterwarnings = error``.

    (With the project's settings pytest already turns the unhandled-thread-exception warning into an
    error; this guard also names the thread and keeps the original traceback.)
    """
    errors: list[threading.ExceptHookArgs] = []
    previous = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        errors.append(args)
        previous(args)

    threading.excepthook = hook
    try:
        yield
    finally:
        threading.excepthook = previous
    if errors:
        first = errors[0]
        name = first.thread.name if first.thread else "?"
        pytest.fail(f"unhandled exception in thread {name}: {first.exc_type.__name__}: {first.exc_value}")


# -- servers ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg() -> Iterator[PgCluster]:
    """A fresh PostgreSQL 15 cluster on a free port with the sync schema installed (``admin.install``)."""
    cluster = PgCluster.create()
    try:
        cluster.install()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="session")
def s3() -> Iterator[WeedS3]:
    """``weed mini`` with a generated S3 key; ``stop()``/``start()`` keep its data (both idempotent)."""
    weed = WeedS3.create()
    try:
        yield weed
    finally:
        weed.destroy()


@pytest.fixture(scope="session")
def _server_dir() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="sd-api-"))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _isolated_sync_env(_server_dir: Path) -> Iterator[None]:
    """Tokens in a temp dir, never the OS keyring; the server's config dir in a temp dir too.

    Set in ``os.environ`` so API and client subprocesses inherit it.
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SAFETYDESK_SYNC_KEYRING", "0")
        mp.setenv("SAFETYDESK_SYNC_TOKEN_DIR", str(_server_dir / "tokens"))
        mp.setenv("SYNC_CONFIG_DIR", str(_server_dir / "server-config"))
        yield


@pytest.fixture(scope="session")
def signing_key(_server_dir: Path) -> Path:
    """The server's Ed25519 checkpoint key (PKCS#8 PEM), shared by every API process of the session."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = _server_dir / "signing.pem"
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.write_bytes(pem)
    path.chmod(0o600)
    return path


@pytest.fixture(scope="session")
def tls_files(_server_dir: Path) -> tuple[str, str, str]:
    """(ca_file, cert_file, key_file) for an API on https://127.0.0.1 (``api_server(tls=tls_files)``)."""
    return make_tls(_server_dir / "tls")


@pytest.fixture
def api_server(
    pg: PgCluster, s3: WeedS3, signing_key: Path, tmp_path: Path
) -> Iterator[Callable[..., ApiProcess]]:
    """Factory: ``api_server(tls=None, start=True, **env_overrides) -> ApiProcess``.

    Each process gets its own free port and log file (``tmp_path/api-N.log``); SYNC_TEST_HOOKS=1.
    All of them are stopped by PID at teardown.
    """
    started: list[ApiProcess] = []

    def factory(*, tls: tuple[str, str, str] | None = None, start: bool = True, **env: str) -> ApiProcess:
        proc = ApiProcess(
            env=server_env(pg, s3, signing_key, **{k: str(v) for k, v in env.items()}),
            log=tmp_path / f"api-{len(started) + 1}.log",
            tls=tls,
        )
        started.append(proc)
        if start:
            proc.start()
        return proc

    try:
        yield factory
    finally:
        for proc in started:
            proc.stop()


@pytest.fixture
def api(api_server: Callable[..., ApiProcess]) -> ApiProcess:
    """One default API process (http://127.0.0.1:<free port>)."""
    return api_server()


# -- tenants and workspaces ------------------------------------------------------------------------


@dataclass
class Tenant:
    id: str
    name: str
    owner_dsn: str

    def code(self, hours: int = 24) -> str:
        """A fresh single-use enrolment code for this tenant."""
        from safetydesk.server import admin

        return admin.create_enrolment_code(self.owner_dsn, self.id, hours=hours, created_by="test")


@pytest.fixture
def make_tenant(pg: PgCluster) -> Callable[..., Tenant]:
    """Factory: ``make_tenant(name=None, min_schema=None) -> Tenant(id, name, code())``."""
    from safetydesk.server import admin

    counter = iter(range(1, 10_000))

    def factory(name: str | None = None, *, min_schema: int | None = None) -> Tenant:
        name = name or f"firm-{next(counter)}"
        tenant_id = admin.create_tenant(pg.owner_dsn, name, min_schema=min_schema)
        return Tenant(tenant_id, name, pg.owner_dsn)

    return factory


@pytest.fixture
def sync_ws(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Workspace]]:
    """Factory: ``sync_ws(tenant, name="pc1", *, api=None, ca_file=None, enroll=True) -> Workspace``.

    A fresh empty workspace in ``tmp_path/<name>`` enrolled with ``client.enroll`` against ``api.url``
    (the default ``api`` fixture unless one is given; its CA file if it serves TLS). ``enroll=False``
    returns the bare workspace. Every workspace is closed at teardown.
    """
    opened: list[Workspace] = []

    def factory(
        tenant: Tenant | None,
        name: str = "pc1",
        *,
        api: ApiProcess | None = None,
        ca_file: str | None = None,
        enroll: bool = True,
        device_name: str | None = None,
    ) -> Workspace:
        path = tmp_path / name
        if path.exists():
            raise ValueError(f"workspace {name!r} already made in this test")
        ws = open_workspace(path)
        opened.append(ws)
        if enroll:
            from safetydesk.core.sync import client as sync

            assert tenant is not None, "enrolling needs a tenant"
            server = api or request.getfixturevalue("api")
            sync.enroll(
                ws,
                url=server.url,
                code=tenant.code(),
                device_name=device_name or name,
                ca_file=ca_file or server.ca_file,
            )
        return ws

    try:
        yield factory
    finally:
        for ws in opened:
            ws.close()
