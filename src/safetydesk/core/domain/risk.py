"""Risk-assessment scales and the one engine that scores them.

No scale is fixed by law (MOEL notice §9②): each site may choose a method and its acceptable level, so
scales are data (``resources/legal/risk_scales.toml``) and this module only checks and applies them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import pairwise

from safetydesk.core.domain.provenance import (
    Confidence,
    Fields,
    LegalDefinitionError,
    read_common,
)

_CODE = re.compile(r"[a-z][a-z0-9_]*\Z")


class ScaleMethod(StrEnum):
    MATRIX = "matrix"  # likelihood × severity, banded by the product
    LEVELS = "levels"  # a level judged directly (상/중/하)
    CHECKLIST = "checklist"  # 적정 / 보완
    OPS = "ops"  # One Point Sheet: keep current measures / extra measures needed


class RiskInputError(ValueError):
    """The person entered something the scale cannot score; the message is shown to them."""

    def __init__(self, message_ko: str, message_en: str) -> None:
        super().__init__(f"{message_en} / {message_ko}")
        self.message_ko = message_ko
        self.message_en = message_en


@dataclass(frozen=True)
class ScaleLevel:
    code: str
    value: int
    label_ko: str
    label_en: str
    description_ko: str
    description_en: str


@dataclass(frozen=True)
class RiskBand:
    """A contiguous range of scores (inclusive) with its label, required action and acceptability."""

    code: str
    min_score: int
    max_score: int
    label_ko: str
    label_en: str
    action_ko: str
    action_en: str
    acceptable: bool

    def contains(self, score: int) -> bool:
        return self.min_score <= score <= self.max_score


@dataclass(frozen=True)
class RiskResult:
    """What a record stores: the scale version keeps an old assessment readable after the scale changes.

    ``level_code`` is the chosen level, or ``L<likelihood>xS<severity>`` for a matrix.
    """

    scale_code: str
    scale_version: int
    score: int | None
    level_code: str
    band_code: str
    label_ko: str
    label_en: str
    acceptable: bool
    action_ko: str
    action_en: str


@dataclass(frozen=True)
class RiskScale:
    code: str
    version: int
    method: ScaleMethod
    label_ko: str
    label_en: str
    rationale_ko: str
    rationale_en: str
    acceptable_up_to: str
    bands: tuple[RiskBand, ...]
    likelihood: tuple[ScaleLevel, ...]
    severity: tuple[ScaleLevel, ...]
    levels: tuple[ScaleLevel, ...]
    effective_from: date
    effective_to: date | None
    source: str
    confidence: Confidence
    note: str = ""

    @property
    def score_range(self) -> tuple[int, int]:
        return _value_range(self.method, self.likelihood, self.severity, self.levels)

    def band_for(self, score: int) -> RiskBand:
        for band in self.bands:
            if band.contains(score):
                return band
        low, high = self.score_range
        raise RiskInputError(
            f"점수 {score}은(는) 척도 {self.code}의 범위({low}–{high})를 벗어납니다.",
            f"Score {score} is outside scale {self.code} ({low}–{high}).",
        )

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], key: str = "scale") -> RiskScale:
        """Build and check one ``[[scale]]`` table; bands must tile every possible score exactly once."""
        f = Fields(data, key)
        code = f.text("code")
        if not _CODE.match(code):
            raise LegalDefinitionError(f.path("code"), f"{code!r} must be lower_snake_case")
        label = f"scale {code!r}"
        version = f.integer("version", minimum=1)
        method = ScaleMethod(f.choice("method", [m.value for m in ScaleMethod]))
        common = read_common(f)
        matrix = method is ScaleMethod.MATRIX
        for axis, wanted in (("likelihood", matrix), ("severity", matrix), ("level", not matrix)):
            if f.has(axis) != wanted:
                need = "needs" if wanted else "must not have"
                raise LegalDefinitionError(f.path(axis), f"{label}: a {method.value} scale {need} [[{axis}]]")
        likelihood = _read_levels(f, "likelihood", label) if matrix else ()
        severity = _read_levels(f, "severity", label) if matrix else ()
        levels = () if matrix else _read_levels(f, "level", label)
        low, high = _value_range(method, likelihood, severity, levels)
        acceptable_up_to = f.text("acceptable_up_to")
        bands = _read_bands(f, label, low, high, acceptable_up_to)
        scale = cls(
            code=code,
            version=version,
            method=method,
            label_ko=f.text("label_ko"),
            label_en=f.text("label_en"),
            rationale_ko=f.text("rationale_ko"),
            rationale_en=f.text("rationale_en"),
            acceptable_up_to=acceptable_up_to,
            bands=bands,
            likelihood=likelihood,
            severity=severity,
            levels=levels,
            effective_from=common.effective_from,
            effective_to=common.effective_to,
            source=common.source,
            confidence=common.confidence,
            note=common.note,
        )
        f.finish()
        return scale


def _value_range(
    method: ScaleMethod,
    likelihood: tuple[ScaleLevel, ...],
    severity: tuple[ScaleLevel, ...],
    levels: tuple[ScaleLevel, ...],
) -> tuple[int, int]:
    if method is ScaleMethod.MATRIX:
        lv = [lvl.value for lvl in likelihood]
        sv = [lvl.value for lvl in severity]
        return min(lv) * min(sv), max(lv) * max(sv)
    values = [lvl.value for lvl in levels]
    return min(values), max(values)


def _read_levels(f: Fields, name: str, label: str) -> tuple[ScaleLevel, ...]:
    out: list[ScaleLevel] = []
    for entry in f.tables(name):
        level = ScaleLevel(
            code=entry.text("code"),
            value=entry.integer("value", minimum=1),
            label_ko=entry.text("label_ko"),
            label_en=entry.text("label_en"),
            description_ko=entry.text("description_ko"),
            description_en=entry.text("description_en"),
        )
        entry.finish()
        if any(o.code == level.code for o in out):
            raise LegalDefinitionError(entry.path("code"), f"{label}: duplicate {name} code {level.code!r}")
        if any(o.value == level.value for o in out):
            raise LegalDefinitionError(entry.path("value"), f"{label}: duplicate {name} value {level.value}")
        out.append(level)
    return tuple(sorted(out, key=lambda lvl: lvl.value))


def _read_bands(f: Fields, label: str, low: int, high: int, acceptable_up_to: str) -> tuple[RiskBand, ...]:
    raw: list[tuple[Fields, int, int]] = []
    for entry in f.tables("band"):
        lo = entry.integer("min")
        hi = entry.integer("max")
        if hi < lo:
            raise LegalDefinitionError(entry.path("max"), f"{label}: band max {hi} is below min {lo}")
        raw.append((entry, lo, hi))
    raw.sort(key=lambda item: item[1])
    if raw[0][1] != low:
        raise LegalDefinitionError(
            f.path("band"), f"{label}: bands start at {raw[0][1]} but the lowest possible score is {low}"
        )
    if raw[-1][2] != high:
        raise LegalDefinitionError(
            f.path("band"), f"{label}: bands end at {raw[-1][2]} but the highest possible score is {high}"
        )
    for (_, _, prev_hi), (entry, lo, _) in pairwise(raw):
        if lo > prev_hi + 1:
            raise LegalDefinitionError(
                entry.path("min"), f"{label}: gap — {_scores(prev_hi + 1, lo - 1)} in no band"
            )
        if lo <= prev_hi:
            raise LegalDefinitionError(
                entry.path("min"), f"{label}: overlap — {_scores(lo, prev_hi)} in two bands"
            )
    codes = [entry.text("code") for entry, _, _ in raw]
    if len(set(codes)) != len(codes):
        raise LegalDefinitionError(f.path("band"), f"{label}: duplicate band codes")
    if acceptable_up_to not in codes:
        raise LegalDefinitionError(
            f.path("acceptable_up_to"), f"{label}: {acceptable_up_to!r} is not one of the band codes"
        )
    cut = codes.index(acceptable_up_to)
    bands: list[RiskBand] = []
    for index, (entry, lo, hi) in enumerate(raw):
        bands.append(
            RiskBand(
                code=codes[index],
                min_score=lo,
                max_score=hi,
                label_ko=entry.text("label_ko"),
                label_en=entry.text("label_en"),
                action_ko=entry.text("action_ko"),
                action_en=entry.text("action_en"),
                acceptable=index <= cut,
            )
        )
        entry.finish()
    return tuple(bands)


def _scores(low: int, high: int) -> str:
    return f"score {low} falls" if low == high else f"scores {low}–{high} fall"


def _resolve(
    scale: RiskScale, levels: tuple[ScaleLevel, ...], given: int | str, name_ko: str, name_en: str
) -> ScaleLevel:
    if not isinstance(given, bool):  # True == 1 in Python; a checkbox value is not a level
        for level in levels:
            if given in (level.value, level.code):
                return level
    allowed = ", ".join(f"{lvl.value} {lvl.label_ko}" for lvl in levels)
    allowed_en = ", ".join(f"{lvl.value} {lvl.label_en}" for lvl in levels)
    raise RiskInputError(
        f"{name_ko} {given!r}은(는) 척도 {scale.code}에 없습니다. 가능한 값: {allowed}",
        f"{name_en} {given!r} is not on scale {scale.code}. Allowed: {allowed_en}",
    )


def evaluate(
    scale: RiskScale,
    *,
    likelihood: int | str | None = None,
    severity: int | str | None = None,
    level: int | str | None = None,
) -> RiskResult:
    """Score one hazard. Inputs are level values (int) or level codes (str)."""
    if scale.method is ScaleMethod.MATRIX:
        if level is not None:
            raise RiskInputError(
                f"척도 {scale.code}은(는) 가능성(빈도)과 중대성(강도)으로 평가합니다.",
                f"Scale {scale.code} is scored by likelihood and severity, not by a level.",
            )
        if likelihood is None or severity is None:
            raise RiskInputError(
                "가능성(빈도)과 중대성(강도)을 모두 입력하십시오.",
                "Enter both a likelihood and a severity.",
            )
        like = _resolve(scale, scale.likelihood, likelihood, "가능성(빈도)", "Likelihood")
        sev = _resolve(scale, scale.severity, severity, "중대성(강도)", "Severity")
        score = like.value * sev.value
        band = scale.band_for(score)
        return _result(scale, score, f"L{like.value}xS{sev.value}", band)
    if likelihood is not None or severity is not None:
        raise RiskInputError(
            f"척도 {scale.code}은(는) 단계를 직접 선택합니다. 가능성·중대성은 쓰지 않습니다.",
            f"Scale {scale.code} is scored by choosing a level, not by likelihood and severity.",
        )
    if level is None:
        raise RiskInputError("평가 단계를 선택하십시오.", "Choose a level.")
    chosen = _resolve(scale, scale.levels, level, "단계", "Level")
    return _result(scale, None, chosen.code, scale.band_for(chosen.value))


def _result(scale: RiskScale, score: int | None, level_code: str, band: RiskBand) -> RiskResult:
    return RiskResult(
        scale_code=scale.code,
        scale_version=scale.version,
        score=score,
        level_code=level_code,
        band_code=band.code,
        label_ko=band.label_ko,
        label_en=band.label_en,
        acceptable=band.acceptable,
        action_ko=band.action_ko,
        action_en=band.action_en,
    )
