"""What double-clicking a SafetyDesk file does (`SafetyDesk.exe open "%1"`, the installer's file type).

A ``.sdpack`` (an encrypted portable copy of a workspace) is unpacked into a new folder next to the
user's workspaces — never over an existing one — after the password is checked, and that new
workspace is then opened. The flow is plain Python with the questions passed in, so the window can
ask them with dialogs and tests can answer them directly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_

MAX_TRIES = 3


def unpack_target(pack: Path, workspaces: Path) -> Path:
    """A new folder named after the package: ``<workspaces>/<name>``, ``<name>-2``, … (never reused)."""
    stem = pack.stem or "workspace"
    candidate = workspaces / stem
    n = 1
    while candidate.exists() and (not candidate.is_dir() or any(candidate.iterdir())):
        n += 1
        candidate = workspaces / f"{stem}-{n}"
    return candidate


def open_package(
    pack: Path,
    workspaces: Path,
    *,
    ask_password: Callable[[int], str | None],
    tell: Callable[[UserError], None],
) -> Path | None:
    """Unpack ``pack`` into a new workspace folder and return it; None if the user gave up.

    ``ask_password(attempt)`` returns the password (None: cancelled); a wrong password is told and
    asked again, up to ``MAX_TRIES`` times. A damaged package is told once. Nothing is written unless
    the whole package decrypts and verifies (``unpack_package``).
    """
    from safetydesk.core.workspace.pack import unpack_package

    if not pack.is_file():
        tell(
            UserError(
                N_("The file {path} is not there."),
                N_("Check where the package was saved, then open it again."),
                path=str(pack),
            )
        )
        return None
    target = unpack_target(pack, workspaces)
    for attempt in range(1, MAX_TRIES + 1):
        password = ask_password(attempt)
        if password is None:
            return None
        try:
            unpack_package(pack, target, password)
        except UserError as exc:
            tell(exc)
            if "password" not in exc.message("en").lower() or attempt == MAX_TRIES:
                return None
            continue
        return target
    return None


def require_package(path: Path) -> None:
    if path.suffix.lower() != ".sdpack":
        raise UserError(
            N_("SafetyDesk cannot open {name} this way."),
            N_("Double-click a .sdpack package, or open a workspace folder from SafetyDesk."),
            name=path.name,
        )
