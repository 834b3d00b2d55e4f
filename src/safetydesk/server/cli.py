"""``safetydesk-server``: install the schema, manage tenants, codes and devices, serve the API.

DSNs come from the environment (``SYNC_ADMIN_DSN`` for install, ``SYNC_OWNER_DSN`` for admin
commands, ``SYNC_DSN`` for serve) or from ``--dsn``. Output is JSON on stdout for scripts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from safetydesk.server import admin, audit


def _need(value: str | None, name: str) -> str:
    if not value:
        raise SystemExit(f"safetydesk-server: set {name} or pass --dsn")
    return value


def _print(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=1))


def _owner(args: argparse.Namespace) -> str:
    return _need(args.dsn or os.environ.get("SYNC_OWNER_DSN"), "SYNC_OWNER_DSN")


def cmd_install(args: argparse.Namespace) -> int:
    dsn = _need(args.dsn or os.environ.get("SYNC_ADMIN_DSN"), "SYNC_ADMIN_DSN")
    owner_pw = args.owner_password or os.environ.get("SYNC_OWNER_PASSWORD", "")
    app_pw = args.app_password or os.environ.get("SYNC_APP_PASSWORD", "")
    if not owner_pw or not app_pw:
        raise SystemExit("safetydesk-server install: set SYNC_OWNER_PASSWORD and SYNC_APP_PASSWORD")
    applied = admin.install(dsn, owner_password=owner_pw, app_password=app_pw)
    _print({"applied": applied})
    return 0


def cmd_tenant_create(args: argparse.Namespace) -> int:
    tenant_id = admin.create_tenant(_owner(args), args.name, min_schema=args.min_schema)
    _print({"tenant_id": tenant_id, "name": args.name})
    return 0


def cmd_code_create(args: argparse.Namespace) -> int:
    code = admin.create_enrolment_code(
        _owner(args), args.tenant, hours=args.hours, created_by=args.created_by
    )
    _print({"code": code, "hours": args.hours})
    return 0


def cmd_device_list(args: argparse.Namespace) -> int:
    _print({"devices": admin.list_devices(_owner(args), args.tenant)})
    return 0


def cmd_device_revoke(args: argparse.Namespace) -> int:
    admin.revoke_device(_owner(args), args.device)
    _print({"revoked": True, "device_id": args.device})
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    result = admin.verify_audit(_owner(args), args.tenant)
    _print(result)
    return 0 if result.get("ok") else 1


def cmd_keygen(args: argparse.Namespace) -> int:
    path = Path(args.out)
    if path.exists() and not args.force:
        raise SystemExit(f"safetydesk-server keygen: {path} exists (use --force to replace it)")
    key = audit.write_new_key(path)
    _print({"path": str(path), "public_key": audit.public_key_hex(key)})
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.dsn:
        os.environ["SYNC_DSN"] = args.dsn
    _need(os.environ.get("SYNC_DSN"), "SYNC_DSN")
    uvicorn.run(
        "safetydesk.server.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
        log_level=args.log_level,
        access_log=args.access_log,
        proxy_headers=True,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="safetydesk-server", description="SafetyDesk sync server")
    parser.add_argument("--dsn", help="database DSN (default from the environment)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("install", help="create or upgrade roles and schema (superuser DSN: SYNC_ADMIN_DSN)")
    p.add_argument("--owner-password", default="")
    p.add_argument("--app-password", default="")
    p.set_defaults(func=cmd_install)

    tenant = sub.add_parser("tenant", help="firms").add_subparsers(dest="tenant_command", required=True)
    p = tenant.add_parser("create")
    p.add_argument("name")
    p.add_argument("--min-schema", type=int, default=None)
    p.set_defaults(func=cmd_tenant_create)

    code = sub.add_parser("code", help="enrolment codes").add_subparsers(dest="code_command", required=True)
    p = code.add_parser("create")
    p.add_argument("--tenant", required=True)
    p.add_argument(
        "--hours", type=int, default=24, choices=range(1, admin.MAX_CODE_HOURS + 1), metavar="1..24"
    )
    p.add_argument("--created-by", default="admin")
    p.set_defaults(func=cmd_code_create)

    device = sub.add_parser("device", help="enrolled PCs").add_subparsers(
        dest="device_command", required=True
    )
    p = device.add_parser("list")
    p.add_argument("--tenant", required=True)
    p.set_defaults(func=cmd_device_list)
    p = device.add_parser("revoke")
    p.add_argument("device")
    p.set_defaults(func=cmd_device_revoke)

    aud = sub.add_parser("audit", help="the audit chain").add_subparsers(dest="audit_command", required=True)
    p = aud.add_parser("verify")
    p.add_argument("--tenant", required=True)
    p.set_defaults(func=cmd_audit_verify)

    p = sub.add_parser("keygen", help="write a new Ed25519 checkpoint signing key (PEM)")
    p.add_argument("--out", required=True)
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=cmd_keygen)

    p = sub.add_parser("serve", help="run the API with uvicorn")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8443)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--ssl-certfile", default=None)
    p.add_argument("--ssl-keyfile", default=None)
    p.add_argument("--log-level", default="info")
    p.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=True)
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except LookupError as exc:
        print(f"safetydesk-server: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
