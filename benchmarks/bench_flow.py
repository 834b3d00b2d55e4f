"""Longest GUI-thread stall during the whole inspection → action → dashboard flow (tests/e2e)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "stall"
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SAFETYDESK_STALL_OUT": str(out)}
        runs = []
        for _ in range(3):
            subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/e2e"],
                env=env,
                check=True,
                capture_output=True,
            )
            runs.append(int(out.read_text()))
    print(f"longest GUI-thread stall during the whole flow: {max(runs)} ms (runs: {runs})")


if __name__ == "__main__":
    main()
