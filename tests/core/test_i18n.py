"""Every message a person reads exists in Korean as well as English."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from safetydesk.core.errors import UserError
from safetydesk.core.i18n import _

ROOT = Path(__file__).resolve().parents[2]


def _load_extractor():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "extract_messages", ROOT / "scripts" / "extract_messages.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_has_a_korean_translation() -> None:
    extractor = _load_extractor()
    assert len(extractor.messages()) > 50
    assert extractor.missing() == []


def test_user_error_speaks_both_languages() -> None:
    err = UserError("Required field missing: {fields}.", "Fill in the field and save again.", fields="name")
    assert err.text("en") == "Required field missing: name.\nFill in the field and save again."
    assert err.text("ko") == "필수 항목이 비어 있습니다: name.\n항목을 입력한 뒤 다시 저장하세요."
    assert _("Home", "ko") == "홈"


def test_every_catalogue_passes_babels_checks() -> None:
    """The installer build refuses a catalogue Babel flags (e.g. "95% c" read as a %c placeholder)."""
    from babel.messages.pofile import read_po

    from safetydesk.core.resources import resources_dir

    problems = []
    for path in sorted((resources_dir() / "locale").glob("*/LC_MESSAGES/*.po")):
        with path.open("rb") as fh:
            catalog = read_po(fh)
        problems += [f"{path.name}: {m.id!r}: {e}" for m, errors in catalog.check() for e in errors]
    assert not problems
