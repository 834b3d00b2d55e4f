"""``.sdpack``: a password-encrypted ``.sdbackup`` for carrying a workspace between offline PCs.

Layout (all integers big-endian)::

    header  = b"SDPACK\\r\\n" | version u8 (=1) | kdf u8 (1 = scrypt) | log2(N) u8 | r u8 | p u8
              | salt (16) | nonce prefix (7) | chunk size u32
    chunks  = AES-256-GCM(key, nonce = prefix | counter u32 | last u8, plaintext, aad = header)

The key comes from the password with scrypt and the header's parameters. Every chunk is authenticated
together with the whole header, carries its index in the nonce (chunks cannot be reordered or
dropped) and the last one is flagged (a file cut at a chunk boundary is detected). All chunks but the
last are exactly ``chunk size`` long, so the reader knows which chunk is last without trusting any
length field. Nothing is written to the destination until every chunk has been verified.
"""

from __future__ import annotations

import os
import shutil
import struct
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from safetydesk.core.errors import UserError, ValidationError
from safetydesk.core.i18n import N_, _
from safetydesk.core.workspace.archive import RestoreInfo, create_backup, restore_backup
from safetydesk.core.workspace.workspace import Workspace

MAGIC = b"SDPACK\r\n"
VERSION = 1
KDF_SCRYPT = 1
DEFAULT_LOG2_N = 17  # 128 MiB, ~0.3 s: slow for a password guesser, fine once per export
HEADER = struct.Struct(">8sBBBBB16s7sI")
CHUNK = 1 << 20
TAG = 16
MIN_PASSWORD = 8
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PackInfo:
    path: Path
    size: int
    attachments: int


class PackRefusedError(UserError):
    """A package was refused; ``reason`` is itself a message id and is translated too."""

    def message(self, lang: str | None = None) -> str:
        return _(self.message_id, lang).format(reason=_(str(self.params["reason"]), lang))


def _refused(reason: str) -> UserError:
    return PackRefusedError(
        N_("This package cannot be opened: {reason}."),
        N_("Nothing was written. Check the password, or copy the package again from the other PC."),
        reason=reason,
    )


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(
            N_("The password must have at least {n} characters."),
            N_("Use a phrase you can tell the other PC's user in person; it is not stored anywhere."),
            n=MIN_PASSWORD,
        )


def _key(password: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=1 << log2_n, r=r, p=p).derive(password.encode("utf-8"))


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


def encrypt_stream(src: BinaryIO, dst: BinaryIO, password: str, *, log2_n: int = DEFAULT_LOG2_N) -> None:
    salt, prefix = os.urandom(16), os.urandom(7)
    header = HEADER.pack(MAGIC, VERSION, KDF_SCRYPT, log2_n, 8, 1, salt, prefix, CHUNK)
    aead = AESGCM(_key(password, salt, log2_n, 8, 1))
    dst.write(header)
    counter = 0
    block = _read_exact(src, CHUNK)
    while True:
        following = _read_exact(src, CHUNK) if len(block) == CHUNK else b""
        last = len(block) < CHUNK  # a full last block is followed by an empty final chunk
        dst.write(aead.encrypt(_nonce(prefix, counter, last), block, header))
        if last:
            return
        counter += 1
        block = following


def _read_exact(src: BinaryIO, size: int) -> bytes:
    data = b""
    while len(data) < size:
        more = src.read(size - len(data))
        if not more:
            break
        data += more
    return data


def decrypt_stream(src: BinaryIO, dst: BinaryIO, password: str) -> None:
    header = _read_exact(src, HEADER.size)
    if len(header) < HEADER.size or not header.startswith(MAGIC):
        raise _refused(N_("it is not a SafetyDesk package (.sdpack)"))
    _magic, version, kdf, log2_n, r, p, salt, prefix, chunk = HEADER.unpack(header)
    if version != VERSION or kdf != KDF_SCRYPT:
        raise _refused(N_("it was made by a newer SafetyDesk"))
    if not (14 <= log2_n <= 22 and 1 <= r <= 16 and 1 <= p <= 4 and 1 << 12 <= chunk <= 1 << 26):
        raise _refused(N_("its header is damaged"))
    aead = AESGCM(_key(password, salt, log2_n, r, p))
    counter = 0
    while True:
        sealed = _read_exact(src, chunk + TAG)
        if len(sealed) < TAG:
            raise _refused(N_("the file is incomplete (it was cut short while copying)"))
        last = len(sealed) < chunk + TAG
        try:
            plain = aead.decrypt(_nonce(prefix, counter, last), sealed, header)
        except InvalidTag as exc:
            if counter == 0:
                raise _refused(N_("the password is wrong or the file is damaged")) from exc
            if not last:
                raise _refused(N_("the file is damaged")) from exc
            raise _refused(N_("the file is damaged or incomplete")) from exc
        dst.write(plain)
        if last:
            if src.read(1):
                raise _refused(N_("the file has extra data after its end"))
            return
        counter += 1


def pack_workspace(ws: Workspace, out: Path, password: str, *, log2_n: int = DEFAULT_LOG2_N) -> PackInfo:
    """Back up ``ws`` (online, while it stays usable) and encrypt the backup into ``out``."""
    check_password(password)
    out = out.expanduser()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="sdpack-") as tmp:
        info = create_backup(ws, Path(tmp) / "pack.sdbackup")
        try:
            with info.path.open("rb") as src, partial.open("wb") as dst:
                encrypt_stream(src, dst, password, log2_n=log2_n)
                dst.flush()
                os.fsync(dst.fileno())
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
    return PackInfo(out, out.stat().st_size, info.attachments)


def decrypt_package(pack: Path, out: Path, password: str) -> Path:
    """Decrypt ``pack`` into the ``.sdbackup`` file ``out``; on any failure ``out`` does not exist."""
    try:
        src = pack.open("rb")
    except OSError as exc:
        raise _refused(exc.strerror or str(exc)) from exc
    partial = out.with_name(out.name + ".partial")
    try:
        with src, partial.open("wb") as dst:
            decrypt_stream(src, dst, password)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return out


def unpack_package(pack: Path, workspace: Path, password: str) -> RestoreInfo:
    """Decrypt, verify and restore ``pack`` as a new workspace in an empty (or new) folder."""
    workspace = workspace.expanduser().resolve()
    if workspace.exists() and (not workspace.is_dir() or any(workspace.iterdir())):
        raise UserError(
            N_("The folder {path} is not empty."),
            N_("Unpack into a new or empty folder; an existing workspace is never overwritten."),
            path=str(workspace),
        )
    created = not workspace.exists()
    with tempfile.TemporaryDirectory(prefix="sdunpack-") as tmp:
        backup = decrypt_package(pack, Path(tmp) / "pack.sdbackup", password)
        try:
            return restore_backup(backup, workspace)
        except BaseException:
            if created:
                shutil.rmtree(workspace, ignore_errors=True)
            else:
                for child in workspace.iterdir():
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
            raise
