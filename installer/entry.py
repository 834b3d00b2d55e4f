"""What PyInstaller freezes: the ``safetydesk`` console script, unchanged."""

import multiprocessing
import sys

from safetydesk.__main__ import main


def _attach_console() -> None:
    """Windows: ``SafetyDesk.exe`` is a window program and has no console of its own. When it is
    started from a command prompt with a command (``SafetyDesk.exe verify``), write to that prompt.
    Output redirected to a file or pipe (``> out.txt``, CI) already works and is left alone."""
    if sys.platform != "win32" or sys.stdout is not None or len(sys.argv) < 2:
        return
    try:
        import ctypes

        if ctypes.windll.kernel32.AttachConsole(-1):  # ATTACH_PARENT_PROCESS
            sys.stdout = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115 (lives as long as the process)
            sys.stderr = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115
    except OSError:
        pass


if __name__ == "__main__":
    _attach_console()
    # scikit-learn (joblib) may start worker processes; in a frozen app they must not rerun main().
    multiprocessing.freeze_support()
    sys.exit(main())
