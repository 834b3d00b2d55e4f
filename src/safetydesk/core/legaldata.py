"""Read the shipped legal data (``resources/legal/*.toml``) into a ``LegalData``.

This is the I/O half of ``core.domain.legal``: the domain parses mappings, this module finds and reads the
files, and names the file in every error so a broken release is diagnosed at a glance.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import TypeVar

from safetydesk.core.domain.legal import (
    LegalData,
    parse_education,
    parse_periods,
    parse_retention,
    parse_risk_scales,
    parse_statutory_inspections,
    parse_thresholds,
)
from safetydesk.core.domain.provenance import LegalDefinitionError
from safetydesk.core.resources import resource_path

T = TypeVar("T")

RISK_SCALES = "risk_scales.toml"
RETENTION = "retention.toml"
PERIODS = "periods.toml"
EDUCATION = "education.toml"
STATUTORY_INSPECTIONS = "statutory_inspections.toml"
THRESHOLDS = "thresholds.toml"
FILES = (RISK_SCALES, RETENTION, PERIODS, EDUCATION, STATUTORY_INSPECTIONS, THRESHOLDS)


class LegalDataError(Exception):
    """A legal data file is missing or malformed: an installation or editing bug, never a user mistake."""

    def __init__(self, file: str, key: str, message: str) -> None:
        where = f"{file}: {key}" if key else file
        super().__init__(f"{where}: {message}")
        self.file = file
        self.key = key
        self.message = message
        self.message_ko = f"법령 데이터 파일 오류 ({where}): {message}"
        self.message_en = f"Legal data file error ({where}): {message}"


@cache
def load_legal_data() -> LegalData:
    """The shipped legal data, read once per process."""
    return load_legal_data_from(resource_path("legal"))


def load_legal_data_from(folder: Path) -> LegalData:
    """Read every legal file in ``folder``; tests point this at a copy with a deliberate fault."""
    return LegalData(
        risk_scales=_parse(folder, RISK_SCALES, parse_risk_scales),
        retention=_parse(folder, RETENTION, parse_retention),
        periods=_parse(folder, PERIODS, parse_periods),
        education=_parse(folder, EDUCATION, parse_education),
        inspections=_parse(folder, STATUTORY_INSPECTIONS, parse_statutory_inspections),
        thresholds=_parse(folder, THRESHOLDS, parse_thresholds),
    )


def _parse(folder: Path, name: str, parser: Callable[[Mapping[str, object]], T]) -> T:
    path = folder / name
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise LegalDataError(name, "", f"file not found in {folder}") from None
    except tomllib.TOMLDecodeError as exc:
        raise LegalDataError(name, "", f"not valid TOML: {exc}") from exc
    try:
        return parser(document)
    except LegalDefinitionError as exc:
        raise LegalDataError(name, exc.key, exc.message) from exc
