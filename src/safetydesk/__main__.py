"""``python -m safetydesk`` and the ``safetydesk`` console script."""

from __future__ import annotations

import sys


def main() -> int:
    from safetydesk.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
