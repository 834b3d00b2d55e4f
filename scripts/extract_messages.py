"""List every translatable message in src/ (``_()``/``N_()``), and which lack a Korean translation.

Usage: python scripts/extract_messages.py [--missing]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PO_DIR = ROOT / "resources" / "locale" / "ko" / "LC_MESSAGES"
_CALL = re.compile(r"""\bN?_\(\s*(['"])((?:(?!\1).)+)\1\s*[,)]""")


def messages() -> list[str]:
    found: dict[str, None] = {}
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT / "src"), method_map=[("**.py", "python")], keywords={"_": None, "N_": None}
    ):
        if isinstance(message, str) and message:
            found.setdefault(message, None)
    # Babel does not look inside f-strings (f"{t(N_('Printed'))} …"); a plain scan finds those too.
    for path in sorted((ROOT / "src").rglob("*.py")):
        for match in _CALL.finditer(path.read_text(encoding="utf-8")):
            text = match.group(2)
            if "\\" not in text:
                found.setdefault(text, None)
    return list(found)


def missing() -> list[str]:
    have: set[object] = set()
    for po in sorted(PO_DIR.glob("*.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale="ko")
        have |= {m.id for m in catalog if m.id and m.string}
    return [m for m in messages() if m not in have]


if __name__ == "__main__":
    for msg in missing() if "--missing" in sys.argv else messages():
        print(msg)
