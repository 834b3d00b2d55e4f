"""Reading template files: the shipped library in ``resources/templates`` and user copies.

Template authors edit JSON by hand (often in Notepad on Windows), so file problems are reported
with the file name and line, a UTF-8 byte-order mark is tolerated, and JSON's silent
"last duplicate key wins" is turned into an error.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NoReturn

from safetydesk.core.forms.schema import FormTemplate, TemplateError, validate_template
from safetydesk.core.resources import resource_path


class _DuplicateKeyError(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, value in pairs:
        if name in out:
            raise _DuplicateKeyError(name)
        out[name] = value
    return out


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a number a template may hold")


def parse_template_json(text: str, source: str) -> FormTemplate:
    """Decode and validate JSON text; ``source`` names it in every message."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        problem = f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise TemplateError([problem], source=source) from None
    except _DuplicateKeyError as exc:
        raise TemplateError([f"invalid JSON: the key '{exc}' appears twice in one object"], source) from None
    except ValueError as exc:
        raise TemplateError([f"invalid JSON: {exc}"], source=source) from None
    try:
        return validate_template(data)
    except TemplateError as exc:
        raise TemplateError(exc.problems, source=source) from None


def load_template_file(path: str | os.PathLike[str]) -> FormTemplate:
    """Read one template file; a bad file raises ``TemplateError`` naming it."""
    file = Path(path)
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = f"not UTF-8 text (bad byte at offset {exc.start}); save the file as UTF-8"
        raise TemplateError([problem], source=str(file)) from None
    return parse_template_json(text, str(file))


def templates_dir() -> Path:
    return resource_path("templates")


def load_templates_dir(directory: str | os.PathLike[str]) -> list[FormTemplate]:
    """Load every ``*.json`` in a folder, reporting all bad files at once, sorted by code."""
    problems: list[str] = []
    templates: list[FormTemplate] = []
    seen: dict[tuple[str, int], str] = {}
    for file in sorted(Path(directory).glob("*.json")):
        try:
            template = load_template_file(file)
        except TemplateError as exc:
            problems.extend(f"{file.name}: {problem}" for problem in exc.problems)
            continue
        ident = (template.code, template.version)
        if ident in seen:
            problems.append(
                f"{file.name}: code '{template.code}' version {template.version} "
                f"is already defined in {seen[ident]}"
            )
            continue
        seen[ident] = file.name
        templates.append(template)
    if problems:
        raise TemplateError(problems, source=str(directory))
    return sorted(templates, key=lambda t: (t.code, t.version))


def load_shipped_templates() -> list[FormTemplate]:
    return load_templates_dir(templates_dir())
