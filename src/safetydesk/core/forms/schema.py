"""Form templates: the JSON format, its validator and the pure scoring of answers.

Checklists, pre-work checks, permits, TBM minutes and drill records are data, not code
(DESIGN.md §3), so one engine must be able to trust any template it is handed — shipped or
copied and edited by a user. The validator therefore reports *every* problem with a JSON path
instead of stopping at the first.

Format 1 (documented for template authors in ``resources/templates/README.md``)::

    {"format": 1, "code": "prework.press", "version": 1,
     "kind": "inspection" | "prework_check" | "permit" | "tbm" | "drill" | "minutes" | "evaluation",
     "title": {"ko": "...", "en": "..."},
     "description": {"ko", "en"},            optional
     "legal_basis": {"ko", "en"},            optional
     "retention": "safety_measure_record",   optional retention code (resources/legal)
     "equipment_kinds": ["press", "shear"],  required for prework_check, optional otherwise
     "sections": [{"key": "...", "title": {"ko", "en"}, "description": {"ko", "en"} (opt),
                   "questions": [QUESTION, ...]}, ...]}

    QUESTION = {"key": "...", "type": TYPE, "text": {"ko", "en"},
        "required": bool        default true for yes_no_na, false for the other types
        "help": {"ko", "en"}    optional
        "legal_ref": "안전보건규칙 제35조 별표3"   optional
        "hazard_group": fall | struck | caught | electrical | chemical | cardio_heat
                        | fire_explosion | other   optional
        yes_no_na:    "pass_value": "yes" | "no"   (default "yes")
        number:       "unit", "min", "max", "max_exclusive" (default false; true means value < max)
        choice:       "options": [{"value", "label"}, ...] (>= 2, unique), "multiple" (default false)
        gas_readings: "columns": [{"key", "label", "unit", "min", "max", "max_exclusive"}, ...] (>= 1)
        yes_no_na / number with a limit / gas_readings:
                      "rules": [{"when": "fail", "require_photo": bool, "create_finding": bool,
                                 "severity": "high" | "medium" | "low"}]}

    TYPE = yes_no_na | number | text | date | datetime | person | people | signature | photo
           | choice | gas_readings

Keys (sections, questions, options, gas columns) match ``^[a-z][a-z0-9_]*$``; section keys and
question keys are each unique in the whole template. Unknown fields are errors, so typos surface.
``to_dict`` writes the canonical form: fields equal to their default are left out.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal, cast, get_args

FORMAT_VERSION: Final = 1

Kind = Literal["inspection", "prework_check", "permit", "tbm", "drill", "minutes", "evaluation"]
QuestionType = Literal[
    "yes_no_na",
    "number",
    "text",
    "date",
    "datetime",
    "person",
    "people",
    "signature",
    "photo",
    "choice",
    "gas_readings",
]
HazardGroup = Literal[
    "fall", "struck", "caught", "electrical", "chemical", "cardio_heat", "fire_explosion", "other"
]
Severity = Literal["high", "medium", "low"]
RuleTrigger = Literal["fail"]
PassValue = Literal["yes", "no"]
Outcome = Literal["pass", "fail", "na"]

KINDS: Final[tuple[str, ...]] = get_args(Kind)
QUESTION_TYPES: Final[tuple[str, ...]] = get_args(QuestionType)
HAZARD_GROUPS: Final[tuple[str, ...]] = get_args(HazardGroup)
SEVERITIES: Final[tuple[str, ...]] = get_args(Severity)
RULE_TRIGGERS: Final[tuple[str, ...]] = get_args(RuleTrigger)
PASS_VALUES: Final[tuple[str, ...]] = get_args(PassValue)

#: Question types that can end in pass or fail (a number only when it has a limit).
SCORED_TYPES: Final = ("yes_no_na", "number", "gas_readings")

_KEY_RE: Final = re.compile(r"[a-z][a-z0-9_]*")
_CODE_RE: Final = re.compile(r"[a-z][a-z0-9_.-]*")

_TEMPLATE_REQUIRED: Final = ("format", "code", "version", "kind", "title", "sections")
_TEMPLATE_OPTIONAL: Final = ("description", "legal_basis", "retention", "equipment_kinds")
_SECTION_REQUIRED: Final = ("key", "title", "questions")
_SECTION_OPTIONAL: Final = ("description",)
_QUESTION_REQUIRED: Final = ("key", "type", "text")
_QUESTION_COMMON: Final = ("required", "help", "legal_ref", "hazard_group")
#: Fields that only make sense for some question types.
_TYPE_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "pass_value": ("yes_no_na",),
    "unit": ("number",),
    "min": ("number",),
    "max": ("number",),
    "max_exclusive": ("number",),
    "options": ("choice",),
    "multiple": ("choice",),
    "columns": ("gas_readings",),
    "rules": SCORED_TYPES,
}
_TYPE_REQUIRED_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "choice": ("options",),
    "gas_readings": ("columns",),
}


class TemplateError(ValueError):
    """A template is unusable; ``problems`` lists every reason, each led by its JSON path."""

    def __init__(self, problems: Sequence[str], source: str | None = None) -> None:
        self.problems: list[str] = list(problems)
        self.source = source
        super().__init__(self._message())

    def _message(self) -> str:
        head = f"{self.source}: " if self.source else ""
        if len(self.problems) == 1:
            return f"{head}invalid form template: {self.problems[0]}"
        lines = "".join(f"\n  - {problem}" for problem in self.problems)
        return f"{head}invalid form template ({len(self.problems)} problems):{lines}"


# --------------------------------------------------------------------------- template model


@dataclass(frozen=True)
class Text:
    """A string a person reads, always in both Korean and English (DESIGN.md §9)."""

    ko: str
    en: str

    def get(self, lang: str) -> str:
        """Korean for any ``ko*`` locale (``ko``, ``ko_KR``, ``ko-KR``), English otherwise."""
        return self.ko if lang.lower().startswith("ko") else self.en

    def to_dict(self) -> dict[str, str]:
        return {"ko": self.ko, "en": self.en}


@dataclass(frozen=True)
class Choice:
    value: str
    label: Text

    def to_dict(self) -> dict[str, object]:
        return {"value": self.value, "label": self.label.to_dict()}


def _within(value: float, low: float | None, high: float | None, high_exclusive: bool) -> bool:
    if low is not None and value < low:
        return False
    if high is not None:
        return value < high if high_exclusive else value <= high
    return True


def _limits_dict(low: float | None, high: float | None, high_exclusive: bool) -> dict[str, object]:
    out: dict[str, object] = {}
    if low is not None:
        out["min"] = low
    if high is not None:
        out["max"] = high
    if high_exclusive:
        out["max_exclusive"] = True
    return out


@dataclass(frozen=True)
class GasColumn:
    """One measured gas; ``max_exclusive`` expresses the law's "미만" (e.g. H₂S below 10 ppm)."""

    key: str
    label: Text
    unit: str
    min: float | None = None
    max: float | None = None
    max_exclusive: bool = False

    def within(self, value: float) -> bool:
        return _within(value, self.min, self.max, self.max_exclusive)

    def to_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "label": self.label.to_dict(),
            "unit": self.unit,
            **_limits_dict(self.min, self.max, self.max_exclusive),
        }


@dataclass(frozen=True)
class Rule:
    """What a failed answer sets off: a photo as evidence and/or a finding to fix (Art. 35③)."""

    when: RuleTrigger = "fail"
    require_photo: bool = False
    create_finding: bool = False
    severity: Severity | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"when": self.when}
        if self.require_photo:
            out["require_photo"] = True
        if self.create_finding:
            out["create_finding"] = True
        if self.severity is not None:
            out["severity"] = self.severity
        return out


def default_required(question_type: str) -> bool:
    """Check items must be answered; free-form fields are optional unless the author says so."""
    return question_type == "yes_no_na"


@dataclass(frozen=True)
class Question:
    key: str
    type: QuestionType
    text: Text
    required: bool
    help: Text | None = None
    pass_value: PassValue | None = None
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    max_exclusive: bool = False
    options: tuple[Choice, ...] = ()
    multiple: bool = False
    columns: tuple[GasColumn, ...] = ()
    legal_ref: str | None = None
    hazard_group: HazardGroup | None = None
    rules: tuple[Rule, ...] = ()

    @property
    def scored(self) -> bool:
        """Whether the question can pass or fail; a number without limits is just a reading."""
        if self.type == "number":
            return self.min is not None or self.max is not None
        return self.type in SCORED_TYPES

    @property
    def fail_rule(self) -> Rule | None:
        return next((rule for rule in self.rules if rule.when == "fail"), None)

    def within_limits(self, value: float) -> bool:
        return _within(value, self.min, self.max, self.max_exclusive)

    def column(self, key: str) -> GasColumn:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"key": self.key, "type": self.type, "text": self.text.to_dict()}
        if self.required != default_required(self.type):
            out["required"] = self.required
        if self.help is not None:
            out["help"] = self.help.to_dict()
        if self.pass_value is not None and self.pass_value != "yes":
            out["pass_value"] = self.pass_value
        if self.unit is not None:
            out["unit"] = self.unit
        out.update(_limits_dict(self.min, self.max, self.max_exclusive))
        if self.options:
            out["options"] = [option.to_dict() for option in self.options]
        if self.multiple:
            out["multiple"] = True
        if self.columns:
            out["columns"] = [column.to_dict() for column in self.columns]
        if self.legal_ref is not None:
            out["legal_ref"] = self.legal_ref
        if self.hazard_group is not None:
            out["hazard_group"] = self.hazard_group
        if self.rules:
            out["rules"] = [rule.to_dict() for rule in self.rules]
        return out


@dataclass(frozen=True)
class Section:
    key: str
    title: Text
    questions: tuple[Question, ...]
    description: Text | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"key": self.key, "title": self.title.to_dict()}
        if self.description is not None:
            out["description"] = self.description.to_dict()
        out["questions"] = [question.to_dict() for question in self.questions]
        return out


@dataclass(frozen=True)
class FormTemplate:
    code: str
    version: int
    kind: Kind
    title: Text
    sections: tuple[Section, ...]
    description: Text | None = None
    legal_basis: Text | None = None
    retention: str | None = None
    equipment_kinds: tuple[str, ...] = ()
    format: int = FORMAT_VERSION

    def questions(self) -> Iterator[tuple[Section, Question]]:
        for section in self.sections:
            for question in section.questions:
                yield section, question

    def question(self, key: str) -> Question:
        for _, question in self.questions():
            if question.key == key:
                return question
        raise KeyError(key)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "format": self.format,
            "code": self.code,
            "version": self.version,
            "kind": self.kind,
            "title": self.title.to_dict(),
        }
        if self.description is not None:
            out["description"] = self.description.to_dict()
        if self.legal_basis is not None:
            out["legal_basis"] = self.legal_basis.to_dict()
        if self.retention is not None:
            out["retention"] = self.retention
        if self.equipment_kinds:
            out["equipment_kinds"] = list(self.equipment_kinds)
        out["sections"] = [section.to_dict() for section in self.sections]
        return out


def canonical_json(data: object) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def template_sha256(data: Mapping[str, object] | FormTemplate) -> str:
    """Fingerprint of a template so a completed record can prove which version it was filled in."""
    plain = data.to_dict() if isinstance(data, FormTemplate) else data
    return hashlib.sha256(canonical_json(plain).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- validation


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _listing(values: Sequence[str]) -> str:
    return ", ".join(values)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class _Checker:
    """Collects problems while the parse carries on with placeholders."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(f"{path or '(root)'}: {message}")

    def fields(
        self,
        obj: Mapping[str, object],
        path: str,
        required: Sequence[str],
        optional: Sequence[str],
    ) -> None:
        allowed = (*required, *optional)
        for name in obj:
            if name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                self.add(_join(path, name), f"unknown field '{name}' ({hint}allowed: {_listing(allowed)})")
        for name in required:
            if name not in obj:
                self.add(_join(path, name), "required field is missing")

    def mapping(self, value: object, path: str, what: str) -> dict[str, object] | None:
        if isinstance(value, dict):
            return cast(dict[str, object], value)
        self.add(path, f"{what} must be a JSON object, got {_json_type(value)}")
        return None

    def array(self, value: object, path: str, what: str) -> list[object]:
        if isinstance(value, list):
            return cast(list[object], value)
        self.add(path, f"{what} must be a JSON array, got {_json_type(value)}")
        return []

    def string(self, value: object, path: str, what: str) -> str:
        if not isinstance(value, str):
            self.add(path, f"{what} must be a string, got {_json_type(value)}")
            return ""
        if not value.strip():
            self.add(path, f"{what} is empty")
        return value

    def key(self, value: object, path: str, what: str) -> str:
        if not isinstance(value, str):
            self.add(path, f"{what} must be a string, got {_json_type(value)}")
            return ""
        if not _KEY_RE.fullmatch(value):
            self.add(path, f"{what} {value!r} must match ^[a-z][a-z0-9_]*$")
        return value

    def boolean(self, value: object, path: str) -> bool:
        if isinstance(value, bool):
            return value
        self.add(path, f"must be true or false, got {_json_type(value)}")
        return False

    def number(self, value: object, path: str) -> float | None:
        if _is_number(value):
            return cast(float, value)
        self.add(path, f"must be a finite number, got {_json_type(value)}")
        return None

    def one_of(self, value: object, path: str, what: str, allowed: Sequence[str]) -> str:
        if not isinstance(value, str) or value not in allowed:
            shown = repr(value) if isinstance(value, str) else _json_type(value)
            self.add(path, f"unknown {what} {shown} (allowed: {_listing(allowed)})")
            return allowed[0]
        return value

    def text(self, value: object, path: str) -> Text:
        obj = self.mapping(value, path, 'text ({"ko": ..., "en": ...})')
        if obj is None:
            return Text("", "")
        for name in obj:
            if name not in ("ko", "en"):
                self.add(_join(path, name), f"unknown language '{name}' (allowed: ko, en)")
        parts: list[str] = []
        for lang, language in (("ko", "Korean"), ("en", "English")):
            if lang not in obj:
                self.add(_join(path, lang), f"missing {language} text")
                parts.append("")
            else:
                parts.append(self.string(obj[lang], _join(path, lang), f"{language} text"))
        return Text(parts[0], parts[1])

    def optional_text(self, obj: Mapping[str, object], name: str, path: str) -> Text | None:
        return self.text(obj[name], _join(path, name)) if name in obj else None

    def limits(self, obj: Mapping[str, object], path: str) -> tuple[float | None, float | None, bool]:
        low = self.number(obj["min"], _join(path, "min")) if "min" in obj else None
        high = self.number(obj["max"], _join(path, "max")) if "max" in obj else None
        exclusive = (
            self.boolean(obj["max_exclusive"], _join(path, "max_exclusive"))
            if "max_exclusive" in obj
            else False
        )
        if exclusive and "max" not in obj:
            self.add(_join(path, "max_exclusive"), "max_exclusive needs a 'max'")
        if low is not None and high is not None:
            if low > high:
                self.add(path, f"min ({low:g}) is greater than max ({high:g})")
            elif exclusive and low == high:
                self.add(path, f"no value can pass: min is {low:g} and values must stay below {high:g}")
        return low, high, exclusive


def validate_template(data: object) -> FormTemplate:
    """Turn parsed JSON into a ``FormTemplate`` or raise ``TemplateError`` listing every problem."""
    check = _Checker()
    root = check.mapping(data, "", "a form template")
    if root is None:
        raise TemplateError(check.problems)
    check.fields(root, "", _TEMPLATE_REQUIRED, _TEMPLATE_OPTIONAL)

    if "format" in root and (type(root["format"]) is not int or root["format"] != FORMAT_VERSION):
        check.add("format", f"unsupported format {root['format']!r} (this version reads format 1)")

    code = ""
    if "code" in root:
        value = root["code"]
        if not isinstance(value, str) or not _CODE_RE.fullmatch(value):
            shown = repr(value) if isinstance(value, str) else _json_type(value)
            check.add("code", f"template code {shown} must match ^[a-z][a-z0-9_.-]*$")
        else:
            code = value

    version = 1
    if "version" in root:
        value = root["version"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            shown = repr(value) if _is_number(value) else _json_type(value)
            check.add("version", f"version must be a positive integer, got {shown}")
        else:
            version = value

    kind = check.one_of(root["kind"], "kind", "kind", KINDS) if "kind" in root else KINDS[0]
    title = check.text(root["title"], "title") if "title" in root else Text("", "")
    description = check.optional_text(root, "description", "")
    legal_basis = check.optional_text(root, "legal_basis", "")
    retention = check.key(root["retention"], "retention", "retention code") if "retention" in root else None
    equipment_kinds = _equipment_kinds(check, root, kind)

    sections: list[Section] = []
    if "sections" in root:
        raw_sections = check.array(root["sections"], "sections", "sections")
        if isinstance(root["sections"], list) and not raw_sections:
            check.add("sections", "a template needs at least one section")
        section_keys: dict[str, str] = {}
        question_keys: dict[str, str] = {}
        for index, raw in enumerate(raw_sections):
            section = _section(check, raw, f"sections[{index}]", section_keys, question_keys)
            if section is not None:
                sections.append(section)

    if check.problems:
        raise TemplateError(check.problems)
    return FormTemplate(
        code=code,
        version=version,
        kind=cast(Kind, kind),
        title=title,
        sections=tuple(sections),
        description=description,
        legal_basis=legal_basis,
        retention=retention,
        equipment_kinds=equipment_kinds,
    )


def _equipment_kinds(check: _Checker, root: Mapping[str, object], kind: str) -> tuple[str, ...]:
    if "equipment_kinds" not in root:
        if kind == "prework_check":
            check.add("equipment_kinds", "a prework_check must name the equipment kinds it is for")
        return ()
    raw = check.array(root["equipment_kinds"], "equipment_kinds", "equipment_kinds")
    if isinstance(root["equipment_kinds"], list) and not raw:
        check.add("equipment_kinds", "list at least one equipment kind or leave the field out")
    kinds: list[str] = []
    for index, value in enumerate(raw):
        path = f"equipment_kinds[{index}]"
        name = check.key(value, path, "equipment kind")
        if name and name in kinds:
            check.add(path, f"duplicate equipment kind '{name}'")
        kinds.append(name)
    return tuple(kinds)


def _unique(check: _Checker, seen: dict[str, str], key: str, path: str, what: str) -> None:
    if not key:
        return
    if key in seen:
        check.add(_join(path, "key"), f"duplicate {what} key '{key}' (first used at {seen[key]})")
    else:
        seen[key] = path


def _section(
    check: _Checker,
    raw: object,
    path: str,
    section_keys: dict[str, str],
    question_keys: dict[str, str],
) -> Section | None:
    obj = check.mapping(raw, path, "a section")
    if obj is None:
        return None
    check.fields(obj, path, _SECTION_REQUIRED, _SECTION_OPTIONAL)
    key = check.key(obj["key"], _join(path, "key"), "section key") if "key" in obj else ""
    _unique(check, section_keys, key, path, "section")
    title = check.text(obj["title"], _join(path, "title")) if "title" in obj else Text("", "")
    description = check.optional_text(obj, "description", path)
    questions: list[Question] = []
    if "questions" in obj:
        questions_path = _join(path, "questions")
        raw_questions = check.array(obj["questions"], questions_path, "questions")
        if isinstance(obj["questions"], list) and not raw_questions:
            check.add(questions_path, "a section needs at least one question")
        for index, raw_question in enumerate(raw_questions):
            question = _question(check, raw_question, f"{questions_path}[{index}]", question_keys)
            if question is not None:
                questions.append(question)
    return Section(key=key, title=title, questions=tuple(questions), description=description)


def _question(check: _Checker, raw: object, path: str, question_keys: dict[str, str]) -> Question | None:
    obj = check.mapping(raw, path, "a question")
    if obj is None:
        return None
    qtype: str | None = None
    if "type" in obj:
        value = obj["type"]
        if isinstance(value, str) and value in QUESTION_TYPES:
            qtype = value
        else:
            shown = repr(value) if isinstance(value, str) else _json_type(value)
            check.add(
                _join(path, "type"), f"unknown question type {shown} (allowed: {_listing(QUESTION_TYPES)})"
            )

    typed = tuple(_TYPE_FIELDS)
    check.fields(obj, path, _QUESTION_REQUIRED, (*_QUESTION_COMMON, *typed))
    if qtype is not None:
        for name in typed:
            if name in obj and qtype not in _TYPE_FIELDS[name]:
                _wrong_type_field(check, path, name, qtype)
        for name in _TYPE_REQUIRED_FIELDS.get(qtype, ()):
            if name not in obj:
                check.add(_join(path, name), f"a {qtype} question needs '{name}'")

    def present(name: str) -> bool:
        return name in obj and (qtype is None or qtype in _TYPE_FIELDS.get(name, QUESTION_TYPES))

    key = check.key(obj["key"], _join(path, "key"), "question key") if "key" in obj else ""
    _unique(check, question_keys, key, path, "question")
    text = check.text(obj["text"], _join(path, "text")) if "text" in obj else Text("", "")
    the_type = qtype or "text"
    required = (
        check.boolean(obj["required"], _join(path, "required"))
        if "required" in obj
        else default_required(the_type)
    )
    help_text = check.optional_text(obj, "help", path)
    legal_ref = (
        check.string(obj["legal_ref"], _join(path, "legal_ref"), "legal_ref") if "legal_ref" in obj else None
    )
    hazard_group = (
        check.one_of(obj["hazard_group"], _join(path, "hazard_group"), "hazard group", HAZARD_GROUPS)
        if "hazard_group" in obj
        else None
    )

    pass_value: str | None = "yes" if the_type == "yes_no_na" else None
    if present("pass_value"):
        pass_value = check.one_of(obj["pass_value"], _join(path, "pass_value"), "pass_value", PASS_VALUES)

    unit = check.string(obj["unit"], _join(path, "unit"), "unit") if present("unit") else None
    low, high, exclusive = check.limits(obj, path) if the_type == "number" else (None, None, False)

    options: tuple[Choice, ...] = ()
    if present("options"):
        options = _options(check, obj["options"], _join(path, "options"))
    multiple = check.boolean(obj["multiple"], _join(path, "multiple")) if present("multiple") else False

    columns: tuple[GasColumn, ...] = ()
    if present("columns"):
        columns = _columns(check, obj["columns"], _join(path, "columns"))

    rules: tuple[Rule, ...] = ()
    if present("rules"):
        if the_type == "number" and "min" not in obj and "max" not in obj:
            check.add(
                _join(path, "rules"),
                "rules on a number question need a 'min' or 'max' to fail against",
            )
        rules = _rules(check, obj["rules"], _join(path, "rules"))

    return Question(
        key=key,
        type=cast(QuestionType, the_type),
        text=text,
        required=required,
        help=help_text,
        pass_value=cast(PassValue | None, pass_value),
        unit=unit,
        min=low,
        max=high,
        max_exclusive=exclusive,
        options=options,
        multiple=multiple,
        columns=columns,
        legal_ref=legal_ref,
        hazard_group=cast(HazardGroup | None, hazard_group),
        rules=rules,
    )


def _wrong_type_field(check: _Checker, path: str, name: str, qtype: str) -> None:
    if name == "rules":
        check.add(
            _join(path, "rules"),
            f"rules only apply to questions that can fail ({_listing(SCORED_TYPES)}); "
            f"a {qtype} question cannot fail",
        )
        return
    owners = _TYPE_FIELDS[name]
    check.add(
        _join(path, name),
        f"'{name}' only applies to type {' or '.join(repr(t) for t in owners)}, not {qtype!r}",
    )


def _options(check: _Checker, value: object, path: str) -> tuple[Choice, ...]:
    raw = check.array(value, path, "options")
    if isinstance(value, list) and len(raw) < 2:
        check.add(path, f"a choice needs at least 2 options, got {len(raw)}")
    seen: dict[str, str] = {}
    options: list[Choice] = []
    for index, item in enumerate(raw):
        item_path = f"{path}[{index}]"
        obj = check.mapping(item, item_path, "an option")
        if obj is None:
            continue
        check.fields(obj, item_path, ("value", "label"), ())
        option_value = (
            check.key(obj["value"], _join(item_path, "value"), "option value") if "value" in obj else ""
        )
        if option_value in seen:
            check.add(
                _join(item_path, "value"),
                f"duplicate option value '{option_value}' (first used at {seen[option_value]})",
            )
        elif option_value:
            seen[option_value] = item_path
        label = check.text(obj["label"], _join(item_path, "label")) if "label" in obj else Text("", "")
        options.append(Choice(option_value, label))
    return tuple(options)


def _columns(check: _Checker, value: object, path: str) -> tuple[GasColumn, ...]:
    raw = check.array(value, path, "columns")
    if isinstance(value, list) and not raw:
        check.add(path, "a gas_readings table needs at least one column")
    seen: dict[str, str] = {}
    columns: list[GasColumn] = []
    for index, item in enumerate(raw):
        item_path = f"{path}[{index}]"
        obj = check.mapping(item, item_path, "a gas column")
        if obj is None:
            continue
        check.fields(obj, item_path, ("key", "label", "unit"), ("min", "max", "max_exclusive"))
        key = check.key(obj["key"], _join(item_path, "key"), "column key") if "key" in obj else ""
        _unique(check, seen, key, item_path, "column")
        label = check.text(obj["label"], _join(item_path, "label")) if "label" in obj else Text("", "")
        unit = check.string(obj["unit"], _join(item_path, "unit"), "unit") if "unit" in obj else ""
        low, high, exclusive = check.limits(obj, item_path)
        if "min" not in obj and "max" not in obj:
            check.add(item_path, "a gas column needs a 'min' or 'max' limit")
        columns.append(GasColumn(key, label, unit, low, high, exclusive))
    return tuple(columns)


def _rules(check: _Checker, value: object, path: str) -> tuple[Rule, ...]:
    raw = check.array(value, path, "rules")
    triggers: set[str] = set()
    rules: list[Rule] = []
    for index, item in enumerate(raw):
        item_path = f"{path}[{index}]"
        obj = check.mapping(item, item_path, "a rule")
        if obj is None:
            continue
        check.fields(obj, item_path, ("when",), ("require_photo", "create_finding", "severity"))
        when = (
            check.one_of(obj["when"], _join(item_path, "when"), "rule trigger", RULE_TRIGGERS)
            if "when" in obj
            else "fail"
        )
        if "when" in obj and when in triggers:
            check.add(_join(item_path, "when"), f"a second rule for when '{when}'; merge them into one")
        triggers.add(when)
        photo = (
            check.boolean(obj["require_photo"], _join(item_path, "require_photo"))
            if "require_photo" in obj
            else False
        )
        finding = (
            check.boolean(obj["create_finding"], _join(item_path, "create_finding"))
            if "create_finding" in obj
            else False
        )
        severity: str | None = None
        if "severity" in obj:
            severity = check.one_of(obj["severity"], _join(item_path, "severity"), "severity", SEVERITIES)
            if not finding:
                check.add(_join(item_path, "severity"), "severity only applies when create_finding is true")
        elif finding:
            check.add(
                _join(item_path, "severity"), f"create_finding needs a severity ({_listing(SEVERITIES)})"
            )
        if not photo and not finding:
            check.add(item_path, "the rule does nothing: set require_photo or create_finding to true")
        rules.append(
            Rule(
                when=cast(RuleTrigger, when),
                require_photo=photo,
                create_finding=finding,
                severity=cast(Severity | None, severity),
            )
        )
    return tuple(rules)


# --------------------------------------------------------------------------- answers and scoring

RESULT_VALUES: Final = ("yes", "no", "pass", "fail", "na")


@dataclass(frozen=True)
class GasRow:
    """One round of measurements: a value per column key (``None`` = not measured)."""

    readings: tuple[tuple[str, float | None], ...]
    taken_at: str | None = None

    @classmethod
    def of(cls, readings: Mapping[str, float | None], taken_at: str | None = None) -> GasRow:
        return cls(tuple(readings.items()), taken_at)

    def value(self, key: str) -> float | None:
        return next((value for name, value in self.readings if name == key), None)


@dataclass(frozen=True)
class AnswerValue:
    """What a person entered for one question.

    ``result`` holds the tick of a yes_no_na question (``yes``/``no``/``na``; ``pass``/``fail``
    are accepted when the caller has already judged it) and ``na`` for any other question marked
    not applicable. Numbers go in ``number``; text, dates and a single person or choice in
    ``text``; several people or choices in ``values``; photo and signature files (content hashes)
    in ``attachments``; gas measurements in ``rows``.
    """

    result: str | None = None
    number: float | None = None
    text: str | None = None
    attachments: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    rows: tuple[GasRow, ...] = ()

    def __post_init__(self) -> None:
        if self.result is not None and self.result not in RESULT_VALUES:
            raise ValueError(f"answer result {self.result!r} is not one of {_listing(RESULT_VALUES)}")
        if self.number is not None and not _is_number(self.number):
            raise ValueError(f"answer number must be a finite number, got {self.number!r}")


@dataclass(frozen=True)
class Score:
    passed: int
    failed: int
    not_applicable: int
    unanswered_required: tuple[str, ...]
    percent: float | None
    failed_keys: tuple[str, ...]
    findings_to_create: tuple[str, ...]
    photo_required_missing: tuple[str, ...]


def judge_answer(question: Question, answer: AnswerValue | None) -> Outcome | None:
    """Pass, fail or N/A for a scored question; ``None`` when there is nothing to judge yet."""
    if not question.scored or answer is None:
        return None
    if answer.result == "na":
        return "na"
    if question.type == "yes_no_na":
        if answer.result in ("yes", "no"):
            return "pass" if answer.result == question.pass_value else "fail"
        return cast(Outcome | None, answer.result)
    if question.type == "number":
        if answer.number is not None:
            return "pass" if question.within_limits(answer.number) else "fail"
        return cast(Outcome | None, answer.result)
    # gas_readings: one reading out of limits fails the table; a gap leaves it incomplete
    if not answer.rows:
        return cast(Outcome | None, answer.result)
    complete = True
    for row in answer.rows:
        for column in question.columns:
            value = row.value(column.key)
            if value is None:
                complete = False
            elif not column.within(value):
                return "fail"
    return "pass" if complete else None


def is_answered(question: Question, answer: AnswerValue | None) -> bool:
    if answer is None:
        return False
    if question.scored:
        return judge_answer(question, answer) is not None
    if answer.result == "na":
        return True
    match question.type:
        case "number":
            return answer.number is not None
        case "people" | "choice":
            return bool(answer.values) or bool(answer.text and answer.text.strip())
        case "signature" | "photo":
            return bool(answer.attachments)
        case _:
            return bool(answer.text and answer.text.strip())


def _check_answer_fits(question: Question, answer: AnswerValue) -> None:
    """Reject answers no screen should produce; they mean a bug, not a user mistake."""
    result = answer.result
    if result in ("yes", "no") and question.type != "yes_no_na":
        raise ValueError(f"answer for '{question.key}': {result!r} only fits a yes_no_na question")
    if result in ("pass", "fail") and not question.scored:
        raise ValueError(f"answer for '{question.key}': a {question.type} question cannot {result}")
    if question.type == "choice":
        allowed = {option.value for option in question.options}
        picked = [*answer.values, *([answer.text] if answer.text else [])]
        unknown = [value for value in picked if value not in allowed]
        if unknown:
            raise ValueError(f"answer for '{question.key}': unknown option(s) {_listing(unknown)}")
        if not question.multiple and len(picked) > 1:
            raise ValueError(f"answer for '{question.key}': only one option may be chosen")
    if question.type == "gas_readings":
        allowed = {column.key for column in question.columns}
        for row in answer.rows:
            unknown = [name for name, _ in row.readings if name not in allowed]
            if unknown:
                raise ValueError(f"answer for '{question.key}': unknown gas column(s) {_listing(unknown)}")


def score_answers(template: FormTemplate, answers: Mapping[str, AnswerValue]) -> Score:
    """Count outcomes and list what the record still needs; pure, so the UI can call it per keystroke.

    Raises ``ValueError`` for answers to keys the template does not have or values that cannot
    belong to the question (wrong option, unknown gas column).
    """
    known = {question.key for _, question in template.questions()}
    strangers = sorted(set(answers) - known)
    if strangers:
        raise ValueError(
            f"answers for keys not in template {template.code} v{template.version}: {_listing(strangers)}"
        )
    passed = failed = not_applicable = 0
    unanswered: list[str] = []
    failed_keys: list[str] = []
    findings: list[str] = []
    photos_missing: list[str] = []
    for _, question in template.questions():
        answer = answers.get(question.key)
        if answer is not None:
            _check_answer_fits(question, answer)
        if question.required and not is_answered(question, answer):
            unanswered.append(question.key)
        outcome = judge_answer(question, answer)
        if outcome == "pass":
            passed += 1
        elif outcome == "na":
            not_applicable += 1
        elif outcome == "fail":
            failed += 1
            failed_keys.append(question.key)
            rule = question.fail_rule
            if rule is not None and rule.create_finding:
                findings.append(question.key)
            if rule is not None and rule.require_photo and (answer is None or not answer.attachments):
                photos_missing.append(question.key)
    judged = passed + failed
    return Score(
        passed=passed,
        failed=failed,
        not_applicable=not_applicable,
        unanswered_required=tuple(unanswered),
        percent=passed * 100.0 / judged if judged else None,
        failed_keys=tuple(failed_keys),
        findings_to_create=tuple(findings),
        photo_required_missing=tuple(photos_missing),
    )
