"""Add or update Korean translations in one topic catalogue.

Usage: python scripts/po_add.py resources/locale/ko/LC_MESSAGES/<topic>.po < pairs.tsv
where each input line is ``English msgid<TAB>Korean msgstr``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def main(target: Path) -> None:
    if target.exists():
        with target.open("rb") as fh:
            catalog = read_po(fh, locale="ko")
    else:
        catalog = Catalog(locale="ko", project="SafetyDesk")
    added = 0
    for line in sys.stdin.read().splitlines():
        if not line.strip():
            continue
        msgid, _tab, msgstr = line.partition("\t")
        if not msgstr:
            raise SystemExit(f"no Korean text for {msgid!r} (use a TAB between them)")
        catalog.add(msgid, msgstr)
        added += 1
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as fh:
        write_po(fh, catalog, width=0)
    print(f"{target}: {added} messages written, {len(catalog)} in the file")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
