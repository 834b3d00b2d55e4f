"""SIGKILL fault injection at scale: how many kills, how many mid-transaction, what was checked.

The same loop as ``tests/faults/test_sigkill.py`` (a writer recording inspections, corrective actions
and photos, killed at random 5–300 ms after it starts, the workspace checked after every kill), with
more kills than CI runs. ``python benchmarks/bench_kill.py [FORKED_KILLS [EXEC_KILLS]]``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.faults.test_sigkill import EXEC_KILLS, FORKED_KILLS, run_kills  # noqa: E402

from safetydesk.core.services.forms import install_shipped_templates  # noqa: E402
from safetydesk.core.workspace.workspace import open_workspace  # noqa: E402


def main(argv: list[str]) -> None:
    forked = int(argv[0]) if argv else FORKED_KILLS
    execs = int(argv[1]) if len(argv) > 1 else EXEC_KILLS
    with tempfile.TemporaryDirectory() as tmp:
        ws_path = Path(tmp) / "ws"
        with open_workspace(ws_path) as ws:
            install_shipped_templates(ws)
        summary = run_kills(ws_path, Path(tmp), forked=forked, execs=execs)
    width = max(len(k) for k in summary)
    for key, value in summary.items():
        print(f"{key:<{width}}  {value}")
    print(f"mid-transaction share: {summary['in_flight'] / summary['kills']:.0%}")


if __name__ == "__main__":
    main(sys.argv[1:])
