"""Photos through the API into SeaweedFS (H1's ``s3`` fixture): hash checks, tenant scoping, outages."""

from __future__ import annotations

import hashlib
import io
import os
import urllib.parse
import uuid
from collections.abc import Callable

import pytest

from safetydesk.core.sync import protocol
from safetydesk.server import blobs
from tests.integration.servers import PgCluster, WeedS3, free_port
from tests.server.conftest import Device, TestClient, make_config

pytestmark = pytest.mark.integration  # real PostgreSQL (and SeaweedFS for blobs)


def test_upload_download_scoping_and_bad_bodies(
    make_client: Callable[..., TestClient], enrol: Callable[..., Device], pg: PgCluster, s3: WeedS3
) -> None:
    client = make_client(make_config(pg, s3))
    a = enrol(client)
    other = enrol(client)
    data = os.urandom(2 * 1024 * 1024 + 17)
    sha = hashlib.sha256(data).hexdigest()
    name = "현장 사진 1.jpg"
    put_headers = {
        **a.headers,
        "Content-Type": "image/jpeg",
        protocol.BLOB_NAME_HEADER: urllib.parse.quote(name, safe=""),
    }
    assert client.post("/v1/blobs/missing", json={"sha256": [sha]}, headers=a.headers).json() == {
        "missing": [sha]
    }
    # Wrong body, truncated body: 400 and nothing stored.
    r = client.put(f"/v1/blobs/{sha}", content=data[:-1] + b"x", headers=put_headers)
    assert r.status_code == 400 and r.json()["detail"]["code"] == protocol.ERR_BAD_REQUEST
    r = client.put(
        f"/v1/blobs/{sha}", content=data[:1000], headers={**put_headers, "Content-Length": str(len(data))}
    )
    assert r.status_code == 400
    assert pg.scalar("SELECT count(*) FROM sync.blob") == 0
    # A push that references it is refused until it is uploaded.
    link = a.change("attachment_links", str(uuid.uuid4()), {"sha256": sha}, ms=1_763_900_000_000)
    assert a.push([link]).status_code == 409
    r = client.put(f"/v1/blobs/{sha}", content=data, headers=put_headers)
    assert r.status_code == 201 and r.json() == {"sha256": sha, "size": len(data)}
    assert client.put(f"/v1/blobs/{sha}", content=data, headers=put_headers).status_code == 200
    assert client.post("/v1/blobs/missing", json={"sha256": [sha, "00" * 32]}, headers=a.headers).json() == {
        "missing": ["00" * 32]
    }
    assert a.push([link]).status_code == 200
    got = client.get(f"/v1/blobs/{sha}", headers=a.headers)
    assert got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == sha
    assert got.headers["content-type"] == "image/jpeg"
    assert urllib.parse.unquote(got.headers[protocol.BLOB_NAME_HEADER]) == name
    assert got.headers["x-checksum-sha256"] == sha
    # The object key is per tenant: the other firm gets 404 and cannot probe the hash.
    assert client.get(f"/v1/blobs/{sha}", headers=other.headers).status_code == 404
    assert client.post("/v1/blobs/missing", json={"sha256": [sha]}, headers=other.headers).json() == {
        "missing": [sha]
    }
    store = blobs.BlobStore(make_config(pg, s3))
    head = store.client.head_object(Bucket=s3.bucket, Key=blobs.object_key(a.tenant_id, sha))
    assert head["ContentLength"] == len(data)
    assert client.get("/v1/health").json() == {"ok": True, "db": True, "s3": True}


def test_storage_down_gives_503_and_no_row(
    make_client: Callable[..., TestClient], enrol: Callable[..., Device], pg: PgCluster
) -> None:
    config = make_config(pg, s3_endpoint=f"http://127.0.0.1:{free_port()}", s3_key="k", s3_secret="s")
    client = make_client(config)
    a = enrol(client)
    data = b"photo" * 100
    sha = hashlib.sha256(data).hexdigest()
    r = client.put(f"/v1/blobs/{sha}", content=data, headers={**a.headers, "Content-Type": "image/png"})
    assert r.status_code == 503 and r.json()["detail"]["code"] == protocol.ERR_STORAGE_UNAVAILABLE
    assert pg.scalar("SELECT count(*) FROM sync.blob WHERE tenant_id = %s", (a.tenant_id,)) == 0
    assert client.get("/v1/health").json()["s3"] is False


def test_blob_size_limit(
    make_client: Callable[..., TestClient], enrol: Callable[..., Device], pg: PgCluster
) -> None:
    client = make_client(make_config(pg, max_blob=1000))
    a = enrol(client)
    data = b"x" * 1001
    r = client.put(f"/v1/blobs/{hashlib.sha256(data).hexdigest()}", content=data, headers=a.headers)
    assert r.status_code == 413 and r.json()["detail"]["code"] == protocol.ERR_TOO_LARGE


def test_object_store_verifies_the_sha256_checksum(pg: PgCluster, s3: WeedS3) -> None:
    store = blobs.BlobStore(make_config(pg, s3))
    data = b"evidence photo"
    wrong = hashlib.sha256(b"something else").hexdigest()
    with pytest.raises(blobs.StorageUnavailableError, match=r"BadDigest|[Cc]hecksum"):
        store.put("t-check", wrong, io.BytesIO(data), len(data), "image/jpeg")
    right = hashlib.sha256(data).hexdigest()
    store.put("t-check", right, io.BytesIO(data), len(data), "image/jpeg")
    chunks, size = store.open("t-check", right)
    assert b"".join(chunks) == data and size == len(data)
