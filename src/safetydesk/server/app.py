"""The sync API (SYNC.md §6): FastAPI over psycopg 3 and a connection pool.

Every request that needs the database runs one short transaction: authenticate the token through
``sync.auth_device`` (SECURITY DEFINER), scope the transaction with
``set_config('app.tenant_id', ..., true)`` so row-level security applies, do the work, commit.
Endpoints that touch object storage do so outside any transaction. The app holds no state a
request depends on except the per-device rate-limit buckets (per replica).
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from psycopg_pool import ConnectionPool
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from safetydesk.core.sync import protocol
from safetydesk.server import admin, audit
from safetydesk.server import push as push_mod
from safetydesk.server.blobs import BlobStore, StorageUnavailableError
from safetydesk.server.config import ServerConfig, default_config_dir
from safetydesk.server.errors import ApiError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TEST_SLEEP_COMMIT = "X-Test-Sleep-Before-Commit"
TEST_SLEEP_STORE = "X-Test-Sleep-Before-Store"
SHA_HEX = frozenset("0123456789abcdef")


def now_ms() -> int:
    return int(time.time() * 1000)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class ServerTimeAndLimits:
    """ASGI middleware: ``X-Server-Time-Ms`` on every response; 413 on a declared body over the cap."""

    def __init__(self, app: ASGIApp, *, max_body: int, max_blob: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_blob = max_blob

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_time(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((protocol.SERVER_TIME_HEADER.lower().encode(), str(now_ms()).encode()))
                message["headers"] = headers
            await send(message)

        length = None
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    length = None
        path = str(scope.get("path", ""))
        cap = self.max_blob if path.startswith(protocol.API_PREFIX + "/blobs/") else self.max_body
        if length is not None and length > cap:
            err = ApiError(413, protocol.ERR_TOO_LARGE, f"Request body over {cap} bytes")
            response = JSONResponse(err.body(), status_code=413)
            await response(scope, receive, send_with_time)
            return
        await self.app(scope, receive, send_with_time)


class RateLimiter:
    """A token bucket per device: ``per_minute`` requests, bursting up to the same number."""

    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(max(per_minute, 1))
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when allowed, else the seconds to wait."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate


@dataclass(frozen=True)
class Auth:
    device_id: str
    device_name: str
    tenant_id: str
    tenant_name: str
    head: int
    audit_seq: int


class Api:
    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.pool = ConnectionPool(
            config.dsn,
            min_size=config.pool_min,
            max_size=config.pool_max,
            open=False,
            check=ConnectionPool.check_connection,
            timeout=config.pool_timeout,  # a DB that is down answers 503 quickly, not after 30 s
            kwargs={"autocommit": False},
            name="safetydesk-sync",
        )
        self._open_lock = threading.Lock()
        self.blobs = BlobStore(config)
        self.limiter = RateLimiter(config.rate_per_minute)
        self.signing_key = audit.load_or_create_key(config.signing_key_path, default_config_dir())

    def open(self) -> None:
        if self.pool.closed:
            with self._open_lock:
                if self.pool.closed:
                    self.pool.open()

    def connection(self, timeout: float | None = None) -> Any:
        """A pooled connection (the pool opens on first use when no lifespan opened it)."""
        self.open()
        return self.pool.connection(timeout=timeout)

    # -- request scaffolding ------------------------------------------------------------------------

    def check_schema(self, request: Request, minimum: int | None = None) -> int:
        raw = request.headers.get(protocol.SCHEMA_HEADER, "")
        floor = max(self.config.min_schema, minimum or 0)
        try:
            value = int(raw)
        except ValueError:
            value = -1
        if value < floor:
            raise ApiError(
                426,
                protocol.ERR_UPGRADE_REQUIRED,
                f"This server needs SafetyDesk data schema {floor} or later; update SafetyDesk",
                min_schema=floor,
            )
        return value

    @contextmanager
    def tenant_tx(self, request: Request) -> Iterator[tuple[psycopg.Connection[Any], Auth]]:
        """One transaction authenticated by the bearer token and scoped to its tenant."""
        self.check_schema(request)
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, protocol.ERR_UNAUTHORIZED, "Missing device token")
        digest = admin.token_digest(token.strip())
        with self.connection() as conn, conn.transaction():
            # Authenticate and scope the transaction in one round trip.
            row = conn.execute(
                "SELECT device_id, tenant_id, set_config('app.tenant_id', tenant_id::text, true)"
                " FROM sync.auth_device(%s)",
                (digest,),
            ).fetchone()
            if row is None:
                raise ApiError(401, protocol.ERR_UNAUTHORIZED, "Unknown or revoked device token; enrol again")
            device_id, tenant_id = str(row[0]), str(row[1])
            info = conn.execute(
                "SELECT d.name, t.name, t.min_schema, t.head_seq, t.audit_seq FROM sync.device d"
                " JOIN sync.tenant t ON t.id = d.tenant_id WHERE d.id = %s",
                (device_id,),
            ).fetchone()
            if info is None:
                raise ApiError(401, protocol.ERR_UNAUTHORIZED, "Unknown device")
            if info[2] is not None:
                self.check_schema(request, int(info[2]))
            wait = self.limiter.take(device_id)
            if wait > 0:
                retry = max(1, math.ceil(wait))
                raise ApiError(
                    429,
                    protocol.ERR_RATE_LIMITED,
                    "Too many requests from this device; retry later",
                    headers={"Retry-After": str(retry)},
                    retry_after=retry,
                )
            yield conn, Auth(device_id, str(info[0]), tenant_id, str(info[1]), int(info[3]), int(info[4]))

    def hook_seconds(self, request: Request, header: str) -> float:
        if not self.config.test_hooks:
            return 0.0
        try:
            return max(0.0, float(request.headers.get(header, "0") or 0))
        except ValueError:
            return 0.0

    # -- endpoints (run in the threadpool) -------------------------------------------------------------

    def enroll(self, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        if protocol.SCHEMA_HEADER in request.headers:
            self.check_schema(request)
        code = str(body.get("code") or "")
        name = str(body.get("device_name") or "").strip()[:120]
        if not code or not name:
            raise ApiError(400, protocol.ERR_BAD_REQUEST, "code and device_name are required")
        token = secrets.token_urlsafe(32)  # 256 bits
        with self.connection() as conn, conn.transaction():
            row = conn.execute(
                "SELECT device_id, tenant_id, tenant_name, head FROM sync.enroll_device(%s, %s, %s)",
                (admin.code_digest(code), name, admin.token_digest(token)),
            ).fetchone()
        if row is None:
            raise ApiError(401, protocol.ERR_UNAUTHORIZED, "The enrolment code is wrong, used or expired")
        return {
            "device_id": str(row[0]),
            "tenant_id": str(row[1]),
            "tenant_name": row[2],
            "token": token,
            "head": int(row[3]),
        }

    def create_code(self, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        try:
            hours = int(body.get("hours", 24))
        except (TypeError, ValueError) as exc:
            raise ApiError(400, protocol.ERR_BAD_REQUEST, "hours must be an integer") from exc
        if not 1 <= hours <= admin.MAX_CODE_HOURS:
            raise ApiError(400, protocol.ERR_BAD_REQUEST, f"hours must be 1..{admin.MAX_CODE_HOURS}")
        with self.tenant_tx(request) as (conn, auth):
            code, expires = admin.insert_code(
                conn, auth.tenant_id, hours=hours, created_by=f"device:{auth.device_id}"
            )
        return {"code": code, "expires_at": _iso(expires)}

    def devices(self, request: Request) -> dict[str, Any]:
        with self.tenant_tx(request) as (conn, auth):
            rows = conn.execute(
                "SELECT id, name, last_seen_at, revoked_at FROM sync.device WHERE tenant_id = %s"
                " ORDER BY created_at",
                (auth.tenant_id,),
            ).fetchall()
        return {
            "devices": [
                {"id": str(r[0]), "name": r[1], "last_seen_at": _iso(r[2]), "revoked_at": _iso(r[3])}
                for r in rows
            ]
        }

    def revoke(self, request: Request, device_id: str) -> dict[str, Any]:
        with self.tenant_tx(request) as (conn, auth):
            cur = conn.execute(
                "UPDATE sync.device SET revoked_at = coalesce(revoked_at, now())"
                " WHERE id::text = %s AND tenant_id = %s",
                (device_id, auth.tenant_id),
            )
            if cur.rowcount != 1:
                raise ApiError(404, "not_found", "No such device in this firm")
        return {"revoked": True}

    def push(self, request: Request, raw: bytes) -> dict[str, Any]:
        if len(raw) > self.config.max_body:
            raise ApiError(413, protocol.ERR_TOO_LARGE, f"Request body over {self.config.max_body} bytes")
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise ApiError(400, protocol.ERR_BAD_REQUEST, "Body is not JSON") from exc
        if not isinstance(body, dict):
            raise ApiError(400, protocol.ERR_BAD_REQUEST, "Body must be an object")
        declared = body.get("schema_version")
        if isinstance(declared, int) and declared < self.config.min_schema:
            raise ApiError(
                426,
                protocol.ERR_UPGRADE_REQUIRED,
                f"This server needs SafetyDesk data schema {self.config.min_schema} or later; update SafetyDesk",
                min_schema=self.config.min_schema,
            )
        sleep = self.hook_seconds(request, TEST_SLEEP_COMMIT)
        with self.tenant_tx(request) as (conn, auth):
            return push_mod.push(
                conn, tenant_id=auth.tenant_id, device_id=auth.device_id, body=body, sleep_before_commit=sleep
            )

    def pull(self, request: Request, since: int, limit: int) -> bytes:
        """A page as JSON bytes: ``data``/``meta`` are spliced in as stored (json text), never parsed."""
        limit = max(1, min(limit, protocol.PULL_PAGE))
        since = max(0, since)
        with self.tenant_tx(request) as (conn, auth):
            if since > auth.head:
                raise ApiError(
                    409,
                    protocol.ERR_CURSOR_AHEAD,
                    "This PC has seen more than the server holds (the server was restored from a backup)",
                    head=auth.head,
                )
            rows = conn.execute(
                "SELECT entity, id, data::text, meta::text, deleted, server_seq FROM sync.record"
                " WHERE tenant_id = %s AND server_seq > %s ORDER BY server_seq LIMIT %s",
                (auth.tenant_id, since, limit),
            ).fetchall()
            head_row = conn.execute(
                "SELECT head_seq FROM sync.tenant WHERE id = %s", (auth.tenant_id,)
            ).fetchone()
        dumps = json.dumps
        parts = [
            f'{{"entity":{dumps(r[0], ensure_ascii=False)},"id":{dumps(r[1], ensure_ascii=False)},'
            f'"data":{r[2]},"meta":{r[3]},"deleted":{"true" if r[4] else "false"},"server_seq":{int(r[5])}}}'
            for r in rows
        ]
        nxt = int(rows[-1][5]) if rows else since
        head = max(int(head_row[0]) if head_row else auth.head, nxt)
        more = "true" if len(rows) == limit else "false"
        text = f'{{"records":[{",".join(parts)}],"next":{nxt},"more":{more},"head":{head}}}'
        return text.encode("utf-8")

    def status(self, request: Request) -> dict[str, Any]:
        with self.tenant_tx(request) as (conn, auth):
            conn.execute(  # never wait for this device's own push holding the row
                "UPDATE sync.device SET last_seen_at = now() WHERE id ="
                " (SELECT id FROM sync.device WHERE id = %s FOR UPDATE SKIP LOCKED)",
                (auth.device_id,),
            )
        return {
            "head": auth.head,
            "device_id": auth.device_id,
            "device_name": auth.device_name,
            "tenant_id": auth.tenant_id,
            "tenant_name": auth.tenant_name,
            "audit_seq": auth.audit_seq,
        }

    def blobs_missing(self, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        wanted = body.get("sha256") or []
        if not isinstance(wanted, list) or not all(isinstance(s, str) for s in wanted):
            raise ApiError(400, protocol.ERR_BAD_REQUEST, "sha256 must be a list of hex digests")
        wanted = [s.lower() for s in wanted]
        with self.tenant_tx(request) as (conn, auth):
            held = {
                r[0]
                for r in conn.execute(
                    "SELECT sha256 FROM sync.blob WHERE tenant_id = %s AND sha256 = ANY(%s)",
                    (auth.tenant_id, wanted),
                )
            }
        return {"missing": sorted({s for s in wanted if s not in held})}

    def blob_held(self, request: Request, sha256: str) -> tuple[Auth, dict[str, Any] | None]:
        with self.tenant_tx(request) as (conn, auth):
            row = conn.execute(
                "SELECT size, mime, name FROM sync.blob WHERE tenant_id = %s AND sha256 = %s",
                (auth.tenant_id, sha256),
            ).fetchone()
        if row is None:
            return auth, None
        return auth, {"size": int(row[0]), "mime": row[1], "name": row[2]}

    def store_blob(
        self, auth: Auth, sha256: str, spool: Any, size: int, mime: str | None, name: str | None, sleep: float
    ) -> None:
        if sleep > 0:
            time.sleep(sleep)  # test hook: the body is read and hashed, the S3 put has not started
        try:
            self.blobs.put(auth.tenant_id, sha256, spool, size, mime)
        except StorageUnavailableError as exc:
            raise ApiError(
                503, protocol.ERR_STORAGE_UNAVAILABLE, "Photo storage is unavailable; retry later"
            ) from exc
        with self.connection() as conn, conn.transaction():
            conn.execute("SELECT set_config('app.tenant_id', %s, true)", (auth.tenant_id,))
            conn.execute(
                "INSERT INTO sync.blob (tenant_id, sha256, size, mime, name) VALUES (%s, %s, %s, %s, %s)"
                " ON CONFLICT (tenant_id, sha256) DO NOTHING",
                (auth.tenant_id, sha256, size, mime, name),
            )

    def audit_verify(self, request: Request) -> dict[str, Any]:
        with self.tenant_tx(request) as (conn, auth):
            return audit.verify_chain(conn, auth.tenant_id)

    def audit_checkpoint(self, request: Request) -> dict[str, Any]:
        with self.tenant_tx(request) as (conn, auth):
            row = conn.execute(
                "SELECT audit_seq, audit_head FROM sync.tenant WHERE id = %s", (auth.tenant_id,)
            ).fetchone()
        assert row is not None
        seq, head_hex = int(row[0]), bytes(row[1]).hex()
        signed_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        message = audit.checkpoint_message(auth.tenant_id, seq, head_hex, signed_at)
        return {
            "tenant_id": auth.tenant_id,
            "audit_seq": seq,
            "head": head_hex,
            "signed_at": signed_at,
            "signature": self.signing_key.sign(message).hex(),
            "public_key": audit.public_key_hex(self.signing_key),
        }

    def health(self) -> dict[str, Any]:
        db = False
        try:
            with self.connection(timeout=2) as conn, conn.transaction():
                conn.execute("SELECT 1")
                db = True
        except Exception:
            db = False
        return {"ok": db, "db": db, "s3": self.blobs.healthy() if self.config.s3_endpoint else False}


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _valid_sha(sha256: str) -> bool:
    return len(sha256) == 64 and set(sha256) <= SHA_HEX


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = json.loads(raw or b"{}")
    except ValueError as exc:
        raise ApiError(400, protocol.ERR_BAD_REQUEST, "Body is not JSON") from exc
    if not isinstance(body, dict):
        raise ApiError(400, protocol.ERR_BAD_REQUEST, "Body must be an object")
    return body


def create_app(config: ServerConfig | None = None) -> FastAPI:
    cfg = config or ServerConfig.from_env()
    api = Api(cfg)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> Any:
        await run_in_threadpool(api.open)
        try:
            yield
        finally:
            api.pool.close()

    app = FastAPI(title="SafetyDesk sync", version="1", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.api = api

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        err = ApiError(
            400, protocol.ERR_BAD_REQUEST, "Invalid request parameters", errors=str(exc.errors())[:500]
        )
        return JSONResponse(err.body(), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = "not_found" if exc.status_code == 404 else f"http_{exc.status_code}"
        err = ApiError(exc.status_code, code, str(exc.detail))
        return JSONResponse(err.body(), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(psycopg.OperationalError)
    async def db_down(_request: Request, exc: psycopg.OperationalError) -> JSONResponse:
        err = ApiError(503, "unavailable", "The database is unavailable; retry later")
        return JSONResponse(err.body(), status_code=503)

    @app.exception_handler(Exception)
    async def crash(_request: Request, exc: Exception) -> JSONResponse:
        err = ApiError(500, "internal", "Internal server error")
        return JSONResponse(err.body(), status_code=500, headers={protocol.SERVER_TIME_HEADER: str(now_ms())})

    p = protocol.API_PREFIX

    @app.get(p + "/health")
    def health() -> JSONResponse:
        body = api.health()
        return JSONResponse(body, status_code=200 if body["db"] else 503)

    @app.post(p + "/devices/enroll")
    async def enroll(request: Request) -> dict[str, Any]:
        body = await _json_body(request)
        return await run_in_threadpool(api.enroll, request, body)

    @app.post(p + "/enrolment-codes")
    async def enrolment_codes(request: Request) -> dict[str, Any]:
        body = await _json_body(request)
        return await run_in_threadpool(api.create_code, request, body)

    @app.get(p + "/devices")
    def devices(request: Request) -> dict[str, Any]:
        return api.devices(request)

    @app.post(p + "/devices/{device_id}/revoke")
    def revoke(request: Request, device_id: str) -> dict[str, Any]:
        return api.revoke(request, device_id)

    @app.post(p + "/push")
    async def push(request: Request) -> Response:
        raw = await request.body()
        result = await run_in_threadpool(api.push, request, raw)
        return Response(_dumps(result), media_type="application/json")

    @app.get(p + "/pull")
    def pull(request: Request, since: int = 0, limit: int = protocol.PULL_PAGE) -> Response:
        return Response(api.pull(request, since, limit), media_type="application/json")

    @app.get(p + "/status")
    def status(request: Request) -> dict[str, Any]:
        return api.status(request)

    @app.post(p + "/blobs/missing")
    async def blobs_missing(request: Request) -> dict[str, Any]:
        body = await _json_body(request)
        return await run_in_threadpool(api.blobs_missing, request, body)

    @app.put(p + "/blobs/{sha256}")
    async def put_blob(request: Request, sha256: str) -> Response:
        sha256 = sha256.lower()
        if not _valid_sha(sha256):
            raise ApiError(400, protocol.ERR_BAD_REQUEST, "Not a SHA-256 hex digest")
        auth, held = await run_in_threadpool(api.blob_held, request, sha256)
        if held is not None:
            return JSONResponse({"sha256": sha256, "size": held["size"]}, status_code=200)
        declared = request.headers.get("content-length")
        hasher = hashlib.sha256()
        size = 0
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed below
        try:
            try:
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > cfg.max_blob:
                        raise ApiError(413, protocol.ERR_TOO_LARGE, f"Photo over {cfg.max_blob} bytes")
                    hasher.update(chunk)
                    spool.write(chunk)
            except ClientDisconnect as exc:
                raise ApiError(400, protocol.ERR_BAD_REQUEST, "Upload interrupted") from exc
            if declared is not None and declared.isdigit() and int(declared) != size:
                raise ApiError(
                    400, protocol.ERR_BAD_REQUEST, "Upload truncated: body shorter than Content-Length"
                )
            if hasher.hexdigest() != sha256:
                raise ApiError(400, protocol.ERR_BAD_REQUEST, "Body does not hash to the SHA-256 in the URL")
            mime = request.headers.get("content-type") or None
            name = request.headers.get(protocol.BLOB_NAME_HEADER)
            name = urllib.parse.unquote(name) if name else None
            sleep = api.hook_seconds(request, TEST_SLEEP_STORE)
            await run_in_threadpool(api.store_blob, auth, sha256, spool, size, mime, name, sleep)
        finally:
            spool.close()
        return JSONResponse({"sha256": sha256, "size": size}, status_code=201)

    @app.get(p + "/blobs/{sha256}")
    async def get_blob(request: Request, sha256: str) -> Response:
        sha256 = sha256.lower()
        auth, held = await run_in_threadpool(api.blob_held, request, sha256)
        if held is None or not _valid_sha(sha256):
            raise ApiError(404, "not_found", "This firm holds no photo with that hash")
        try:
            chunks, _size = await run_in_threadpool(api.blobs.open, auth.tenant_id, sha256)
        except StorageUnavailableError as exc:
            raise ApiError(
                503, protocol.ERR_STORAGE_UNAVAILABLE, "Photo storage is unavailable; retry later"
            ) from exc
        headers = {
            "Content-Length": str(held["size"]),
            "X-Checksum-Sha256": sha256,
        }
        if held["name"]:
            headers[protocol.BLOB_NAME_HEADER] = urllib.parse.quote(held["name"], safe="")
        return StreamingResponse(
            chunks, media_type=held["mime"] or "application/octet-stream", headers=headers
        )

    @app.get(p + "/audit/verify")
    def audit_verify(request: Request) -> dict[str, Any]:
        return api.audit_verify(request)

    @app.get(p + "/audit/checkpoint")
    def audit_checkpoint(request: Request) -> dict[str, Any]:
        return api.audit_checkpoint(request)

    app.add_middleware(ServerTimeAndLimits, max_body=cfg.max_body, max_blob=cfg.max_blob)
    return app
