"""Work around a reference-count bug of PySide6 6.12.0 on Python 3.11.

PySide6 6.12.0 returns ``None`` (from every ``void`` method: ``setText``, ``processEvents``, …)
and ``True``/``False`` (from ``Signal.emit``) without taking a reference, as if they were immortal —
which they are only from Python 3.12 on (PEP 683). On 3.11 each call lowers the singleton's count
until the interpreter aborts with "none_dealloc: deallocating None" — after a few thousand calls:
paging a long list or a long test session was enough.

``apply()`` measures whether the installed PySide6 leaks. Only if it does, it raises the reference
counts of those singletons by 2**60, which is what PEP 683 does for them on 3.12: the leaked
decrements can then never reach zero. With a fixed PySide6 (or on 3.12+) nothing is touched.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

HEADROOM = 1 << 60
_SINGLETONS: tuple[object, ...] = (None, True, False, NotImplemented, Ellipsis)
_STATE = {"applied": False}


class _Probe(QObject):
    ping = Signal()


def leaks() -> bool:
    """True if void calls or emits from Python lower the count of None/True."""
    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(16):
        probe.setObjectName("probe")
        probe.ping.emit()
    return sys.getrefcount(None) < none_before - 8 or sys.getrefcount(True) < true_before - 8


def apply() -> bool:
    """Make the singletons effectively immortal when (and only when) PySide6 leaks them."""
    if _STATE["applied"]:
        return True
    if sys.version_info >= (3, 12) or not leaks():
        return False
    for obj in _SINGLETONS:
        ctypes.c_ssize_t.from_address(id(obj)).value += HEADROOM
    _STATE["applied"] = True
    return True
