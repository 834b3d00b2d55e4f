"""Loading template files and folders, and the model's helpers (Text, sha256)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from safetydesk.core.forms import (
    TemplateError,
    Text,
    load_template_file,
    load_templates_dir,
    template_sha256,
    validate_template,
)


def _data(code: str = "test.one", version: int = 1) -> dict[str, Any]:
    return {
        "format": 1,
        "code": code,
        "version": version,
        "kind": "inspection",
        "title": {"ko": "시험", "en": "Test"},
        "sections": [
            {
                "key": "checks",
                "title": {"ko": "점검", "en": "Checks"},
                "questions": [
                    {"key": "brake", "type": "yes_no_na", "text": {"ko": "브레이크", "en": "Brake"}}
                ],
            }
        ],
    }


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_load_template_file_accepts_utf8_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(_data(), ensure_ascii=False).encode("utf-8"))
    assert load_template_file(path).code == "test.one"


def test_non_utf8_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "cp949.json"
    path.write_bytes(json.dumps(_data(), ensure_ascii=False).encode("cp949"))
    with pytest.raises(TemplateError, match=r"cp949\.json: invalid form template: not UTF-8 text"):
        load_template_file(path)


def test_nan_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "nan.json"
    path.write_text(json.dumps(_data()).replace('"version": 1', '"version": NaN'), encoding="utf-8")
    with pytest.raises(TemplateError, match="NaN is not a number a template may hold"):
        load_template_file(path)


def test_load_templates_dir_reports_every_bad_file_by_name(tmp_path: Path) -> None:
    _write(tmp_path / "a.json", _data("test.a"))
    _write(tmp_path / "b.json", {**_data("test.b"), "kind": "nonsense"})
    (tmp_path / "c.json").write_text("{", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a template", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        load_templates_dir(tmp_path)
    problems = caught.value.problems
    assert len(problems) == 2
    assert problems[0].startswith("b.json: kind: unknown kind 'nonsense'")
    assert problems[1].startswith("c.json: invalid JSON at line 1, column 2")


def test_load_templates_dir_rejects_duplicate_code_and_version(tmp_path: Path) -> None:
    _write(tmp_path / "a.json", _data("test.same"))
    _write(tmp_path / "b.json", _data("test.same"))
    _write(tmp_path / "c.json", _data("test.same", version=2))
    with pytest.raises(
        TemplateError, match=r"b\.json: code 'test\.same' version 1 is already defined in a\.json"
    ):
        load_templates_dir(tmp_path)


def test_load_templates_dir_sorts_by_code(tmp_path: Path) -> None:
    _write(tmp_path / "z.json", _data("test.a"))
    _write(tmp_path / "a.json", _data("test.b"))
    assert [t.code for t in load_templates_dir(tmp_path)] == ["test.a", "test.b"]


def test_text_get_picks_language() -> None:
    text = Text(ko="점검", en="Check")
    assert text.get("ko") == "점검"
    assert text.get("ko_KR") == "점검"
    assert text.get("en") == "Check"
    assert text.get("fr") == "Check"


def test_template_sha256_is_canonical_json() -> None:
    data = _data()
    expected = hashlib.sha256(
        json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    assert template_sha256(data) == expected
    reordered = dict(reversed(list(data.items())))
    assert template_sha256(reordered) == expected
    assert template_sha256(validate_template(data)) == expected
    changed = _data()
    changed["sections"][0]["questions"][0]["text"]["ko"] = "제동장치"
    assert template_sha256(changed) != expected


def test_to_dict_is_canonical_and_stable() -> None:
    data = _data()
    data["sections"][0]["questions"][0]["required"] = True  # restates the default
    data["sections"][0]["questions"][0]["pass_value"] = "yes"
    template = validate_template(data)
    canonical = template.to_dict()
    assert "required" not in canonical["sections"][0]["questions"][0]  # type: ignore[index]
    assert validate_template(canonical) == template
    assert validate_template(canonical).to_dict() == canonical


def test_dataclasses_are_frozen() -> None:
    template = validate_template(_data())
    with pytest.raises(AttributeError):
        template.code = "other"  # type: ignore[misc]
