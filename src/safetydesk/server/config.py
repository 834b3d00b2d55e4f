"""Server configuration from the environment (see ``docs/deploy-sync.md``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from safetydesk.core.sync import protocol


def default_config_dir() -> Path:
    """Where the server keeps its generated signing key unless ``SYNC_SIGNING_KEY`` names one."""
    explicit = os.environ.get("SYNC_CONFIG_DIR")
    if explicit:
        return Path(explicit)
    from platformdirs import user_config_dir

    return Path(user_config_dir("safetydesk-server", appauthor=False))


@dataclass(frozen=True)
class ServerConfig:
    dsn: str  # the API's role (sync_app)
    owner_dsn: str = ""  # sync_owner, for migrations and admin commands
    s3_endpoint: str = ""
    s3_bucket: str = "attachments"
    s3_key: str = ""
    s3_secret: str = ""
    s3_region: str = "us-east-1"
    min_schema: int = protocol.SCHEMA_CURRENT - 1
    max_body: int = protocol.PUSH_BATCH_BYTES * 2
    max_blob: int = protocol.MAX_BLOB_BYTES
    rate_per_minute: int = 1200
    signing_key_path: str = ""  # a PEM file, or a 64-hex-digit raw Ed25519 key; "" = generated
    test_hooks: bool = False
    pool_min: int = 1
    pool_max: int = 10
    pool_timeout: float = 5.0  # seconds to wait for a pooled connection before answering 503

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> ServerConfig:
        e = dict(os.environ if env is None else env)

        def num(name: str, default: int) -> int:
            raw = e.get(name, "").strip()
            return int(raw) if raw else default

        return cls(
            dsn=e.get("SYNC_DSN", ""),
            owner_dsn=e.get("SYNC_OWNER_DSN", ""),
            s3_endpoint=e.get("S3_ENDPOINT", ""),
            s3_bucket=e.get("S3_BUCKET", "") or "attachments",
            s3_key=e.get("S3_ACCESS_KEY", ""),
            s3_secret=e.get("S3_SECRET_KEY", ""),
            s3_region=e.get("S3_REGION", "") or "us-east-1",
            min_schema=num("SYNC_MIN_SCHEMA", protocol.SCHEMA_CURRENT - 1),
            max_body=num("SYNC_MAX_BODY_BYTES", protocol.PUSH_BATCH_BYTES * 2),
            max_blob=num("SYNC_MAX_BLOB_BYTES", protocol.MAX_BLOB_BYTES),
            rate_per_minute=num("SYNC_RATE_PER_MINUTE", 1200),
            signing_key_path=e.get("SYNC_SIGNING_KEY", ""),
            test_hooks=e.get("SYNC_TEST_HOOKS", "") == "1",
            pool_min=num("SYNC_POOL_MIN", 1),
            pool_max=num("SYNC_POOL_MAX", 10),
        )
