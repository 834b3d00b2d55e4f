"""Server tests: the API in-process (FastAPI TestClient) against a real PostgreSQL (H1's ``pg`` fixture)."""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from safetydesk.core.sync import protocol
from safetydesk.server import admin
from safetydesk.server.app import create_app
from safetydesk.server.config import ServerConfig
from tests.integration.conftest import (  # noqa: F401 - fixtures
    _isolated_sync_env,
    _server_dir,
    _thread_errors,
    pg,
    s3,
    signing_key,
)
from tests.integration.servers import PgCluster, WeedS3

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@dataclass
class Device:
    client: TestClient
    id: str
    tenant_id: str
    token: str
    local_seq: int = 0
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.headers = {
            "Authorization": f"Bearer {self.token}",
            protocol.SCHEMA_HEADER: str(protocol.SCHEMA_CURRENT),
        }

    def hlc(self, ms: int, counter: int = 0) -> str:
        return protocol.make_hlc(ms, counter, self.id)

    def change(
        self,
        entity: str,
        record_id: str,
        fields: dict[str, Any],
        *,
        ms: int,
        op: str = "upsert",
        base: dict[str, int] | None = None,
        base_seq: int = 0,
        local_seq: int | None = None,
    ) -> dict[str, Any]:
        if local_seq is None:
            self.local_seq += 1
            local_seq = self.local_seq
        return {
            "change_id": str(uuid.uuid4()),
            "local_seq": local_seq,
            "entity": entity,
            "record_id": record_id,
            "op": op,
            "hlc": self.hlc(ms),
            "fields": fields,
            "base": base or {},
            "base_seq": base_seq,
        }

    def push(
        self, changes: list[dict[str, Any]], audit: list[dict[str, Any]] | None = None, **headers: str
    ) -> httpx.Response:
        body = {"schema_version": protocol.SCHEMA_CURRENT, "changes": changes, "audit": audit or []}
        return self.client.post("/v1/push", json=body, headers={**self.headers, **headers})

    def pull(self, since: int = 0, limit: int = 1000) -> httpx.Response:
        return self.client.get(f"/v1/pull?since={since}&limit={limit}", headers=self.headers)

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path, headers=self.headers)


def make_config(cluster: PgCluster, weed: WeedS3 | None = None, **overrides: Any) -> ServerConfig:
    values: dict[str, Any] = {
        "dsn": cluster.app_dsn,
        "owner_dsn": cluster.owner_dsn,
        "test_hooks": True,
        "pool_max": 6,
    }
    if weed is not None:
        values.update(
            s3_endpoint=weed.endpoint,
            s3_bucket=weed.bucket,
            s3_key=weed.access_key,
            s3_secret=weed.secret_key,
            s3_region=weed.region,
        )
    values.update(overrides)
    return ServerConfig(**values)


@pytest.fixture
def make_client(pg: PgCluster) -> Iterator[Callable[..., TestClient]]:  # noqa: F811
    clients: list[TestClient] = []

    def factory(config: ServerConfig | None = None) -> TestClient:
        client = TestClient(create_app(config or make_config(pg)))
        client.__enter__()
        clients.append(client)
        return client

    try:
        yield factory
    finally:
        for c in clients:
            c.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


@pytest.fixture
def enrol(pg: PgCluster) -> Callable[..., Device]:  # noqa: F811
    def factory(client: TestClient, tenant_id: str | None = None, name: str = "pc") -> Device:
        tenant = tenant_id or admin.create_tenant(pg.owner_dsn, f"firm-{uuid.uuid4().hex[:6]}")
        code = admin.create_enrolment_code(pg.owner_dsn, tenant, hours=1)
        r = client.post("/v1/devices/enroll", json={"code": code, "device_name": name})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["tenant_id"] == tenant
        return Device(client, body["device_id"], tenant, body["token"])

    return factory
