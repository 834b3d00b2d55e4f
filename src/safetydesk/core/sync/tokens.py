"""The device token: in the OS credential store (``keyring``), else in a 0600 file.

Service ``SafetyDesk sync``, user = device id. When no keyring backend works (a headless Linux, a
locked-down Windows profile) the token goes to ``<user config dir>/SafetyDesk/sync-tokens/<device>``
with mode 0600. ``SAFETYDESK_SYNC_TOKEN_DIR`` moves that folder (tests), and
``SAFETYDESK_SYNC_KEYRING=0`` skips the keyring (tests and CI must never touch a real one).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

SERVICE = "SafetyDesk sync"


def _keyring_enabled() -> bool:
    return os.environ.get("SAFETYDESK_SYNC_KEYRING", "1") != "0"


def token_dir() -> Path:
    override = os.environ.get("SAFETYDESK_SYNC_TOKEN_DIR")
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir("SafetyDesk", "SafetyDesk")) / "sync-tokens"


def _file(device_id: str) -> Path:
    if not device_id or any(c in device_id for c in "/\\.:"):
        raise ValueError(f"not a device id: {device_id!r}")
    return token_dir() / device_id


def store(device_id: str, token: str) -> str:
    """Keep the token; returns where (``"keyring"`` or ``"file"``)."""
    if _keyring_enabled():
        try:
            import keyring

            keyring.set_password(SERVICE, device_id, token)
            if keyring.get_password(SERVICE, device_id) == token:
                _file(device_id).unlink(missing_ok=True)
                return "keyring"
        except Exception:  # no backend, locked, D-Bus missing: fall back to the file
            pass
    path = _file(device_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, token.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    tmp.replace(path)
    return "file"


def load(device_id: str) -> str | None:
    if not device_id:
        return None
    if _keyring_enabled():
        try:
            import keyring

            value = keyring.get_password(SERVICE, device_id)
            if value:
                return str(value)
        except Exception:
            pass
    try:
        return _file(device_id).read_text(encoding="utf-8").strip() or None
    except (OSError, ValueError):
        return None


def forget(device_id: str) -> None:
    if _keyring_enabled():
        try:
            import keyring

            keyring.delete_password(SERVICE, device_id)
        except Exception:
            pass
    with contextlib.suppress(ValueError):
        _file(device_id).unlink(missing_ok=True)
