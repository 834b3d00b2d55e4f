"""The end-to-end tests here use H1's real-server harness (PostgreSQL, SeaweedFS, uvicorn)."""

from tests.integration.conftest import (  # noqa: F401 (fixtures)
    _isolated_sync_env,
    _server_dir,
    _thread_errors,
    api,
    api_server,
    make_tenant,
    pg,
    s3,
    signing_key,
    sync_ws,
)
