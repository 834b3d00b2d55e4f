"""Hundreds of thousands of PySide6 calls must not exhaust the reference counts of None/True."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

import safetydesk.ui  # noqa: F401 - applies the work-around
from safetydesk.ui import qt_compat


class _Sender(QObject):
    value = Signal(object)


def test_many_calls_and_emits_do_not_crash_the_interpreter() -> None:
    sender = _Sender()
    received: list[object] = []
    sender.value.connect(received.append)
    for i in range(200_000):
        sender.setObjectName("x")  # a void method
        sender.value.emit(i)
    assert len(received) == 200_000
    if qt_compat.leaks():  # the buggy PySide6 is installed: the headroom must be in place
        assert sys.getrefcount(None) > qt_compat.HEADROOM // 2
        assert sys.getrefcount(True) > qt_compat.HEADROOM // 2
