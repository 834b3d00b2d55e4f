"""Photos in S3-compatible object storage: boto3, path-style, SigV4, ``x-amz-checksum-sha256``.

Object key ``<tenant_id>/<sha[:2]>/<sha>``: no deduplication across tenants. The API checks the
tenant's ``blob`` row before every read, and inserts that row only after a verified put.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from typing import IO, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from safetydesk.server.config import ServerConfig


class StorageUnavailableError(Exception):
    """The object store did not answer or refused the operation."""


def object_key(tenant_id: str, sha256: str) -> str:
    return f"{tenant_id}/{sha256[:2]}/{sha256}"


class BlobStore:
    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.bucket = config.s3_bucket
        self._client: Any = None
        self._probe: Any = None
        self._lock = threading.Lock()
        self._bucket_ok = False

    def _make_client(self, *, attempts: int, connect_timeout: float, read_timeout: float) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.config.s3_endpoint or None,
            aws_access_key_id=self.config.s3_key or None,
            aws_secret_access_key=self.config.s3_secret or None,
            region_name=self.config.s3_region,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                retries={"max_attempts": attempts, "mode": "standard"},
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )

    @property
    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = self._make_client(attempts=2, connect_timeout=3, read_timeout=30)
            return self._client

    @property
    def probe_client(self) -> Any:
        """Short timeouts, one attempt: for the health check."""
        with self._lock:
            if self._probe is None:
                self._probe = self._make_client(attempts=1, connect_timeout=1, read_timeout=2)
            return self._probe

    def _ensure_bucket(self, client: Any = None) -> None:
        if self._bucket_ok:
            return
        client = client or self.client
        try:
            client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code not in ("404", "NoSuchBucket", "NotFound"):
                raise
            client.create_bucket(Bucket=self.bucket)
        self._bucket_ok = True

    def put(self, tenant_id: str, sha256: str, body: IO[bytes], size: int, mime: str | None) -> None:
        """Store an object; S3 verifies the SHA-256 checksum. Raises StorageUnavailableError."""
        checksum = base64.b64encode(bytes.fromhex(sha256)).decode("ascii")
        try:
            self._ensure_bucket()
            body.seek(0)
            self.client.put_object(
                Bucket=self.bucket,
                Key=object_key(tenant_id, sha256),
                Body=body,
                ContentLength=size,
                ContentType=mime or "application/octet-stream",
                ChecksumSHA256=checksum,
            )
        except (BotoCoreError, ClientError) as exc:
            self._bucket_ok = False
            raise StorageUnavailableError(str(exc)) from exc

    def open(self, tenant_id: str, sha256: str) -> tuple[Iterator[bytes], int]:
        """The object's bytes in chunks, and its size. Raises StorageUnavailableError."""
        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=object_key(tenant_id, sha256))
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailableError(str(exc)) from exc
        stream = obj["Body"]

        def chunks() -> Iterator[bytes]:
            try:
                yield from stream.iter_chunks(chunk_size=256 * 1024)
            finally:
                stream.close()

        return chunks(), int(obj.get("ContentLength", 0))

    def healthy(self) -> bool:
        """The bucket answers (created on first use if missing, e.g. a fresh ``weed server -s3``)."""
        self._bucket_ok = False
        try:
            self._ensure_bucket(self.probe_client)
        except (BotoCoreError, ClientError):
            return False
        return True
