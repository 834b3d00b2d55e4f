"""Training and evaluation data for the hazard reader (DESIGN.md §7).

Two sources: the OSHA IMIS accident abstracts 2015-2017 (English; only at training time, the
shipped app carries the trained bundle, not the CSV) and SafetyDesk's own bilingual hazard library
(``resources/ml/hazard_catalogue.toml`` plus template questions that carry a ``hazard_group``).

The OSHA data has two measured leakage traps (see its DATA_CARD): the year is confounded with
fatality, and outcome words ("killed", "amputated") give the severity label away. So every text is
date-masked, and severity is learnt and judged only on text with outcome sentences removed.
"""

from __future__ import annotations

import csv
import hashlib
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from safetydesk.core.forms.schema import HAZARD_GROUPS
from safetydesk.core.resources import resource_path, resources_dir

#: The groups the model predicts, in a fixed order (a subset of the form schema's groups).
#: ``fire_explosion`` is not used: IMIS has no such event type (fires sit in "Other"), so library
#: rows labelled ``fire_explosion`` are trained as ``other`` (see docs/model-card.md).
GROUPS: Final[tuple[str, ...]] = (
    "fall",
    "struck",
    "caught",
    "electrical",
    "chemical",
    "cardio_heat",
    "other",
)
assert set(GROUPS) <= set(HAZARD_GROUPS)

#: IMIS event type -> product group, as proposed by the DATA_CARD (chemical_exposure -> ``chemical``,
#: cardio_resp -> ``cardio_heat``). Anything not listed, except ``#N/A``, is ``other``.
IMIS_TO_GROUP: Final[dict[str, str]] = {
    "Fall (from elevation)": "fall",
    "Fall (same level)": "fall",
    "Struck-by": "struck",
    "Struck against": "struck",
    "Caught in or between": "caught",
    "Shock": "electrical",
    "Inhalation": "chemical",
    "Ingestion": "chemical",
    "Absorption": "chemical",
    "Card-vascular/resp. fail.": "cardio_heat",
}
#: Library groups folded into the model's groups.
LIBRARY_GROUP_ALIASES: Final[dict[str, str]] = {"fire_explosion": "other"}
_UNKNOWN_EVENT: Final = frozenset({"", "#N/A"})

OSHA_CSV_NAME: Final = "osha_accident_abstracts_2015_2017.csv"
OSHA_SOURCE: Final = (
    "US OSHA IMIS accident investigation abstracts 2015-2017 (public domain, 17 U.S.C. 105), copy from "
    "github.com/wtosborne03/HORSE_tests osha.csv @ 89c3d8787eec42a86c703f75e5450ed7e6093534"
)


def map_event_type(event_type: str) -> str | None:
    """The product group of an IMIS event type; ``None`` when the type is unknown (``#N/A``)."""
    event_type = event_type.strip()
    if event_type in _UNKNOWN_EVENT:
        return None
    return IMIS_TO_GROUP.get(event_type, "other")


# --- masking -------------------------------------------------------------------------------------

_MONTHS: Final = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAYS: Final = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_DATE_PATTERNS: Final = (
    re.compile(rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:\s*,\s*|\s+)(?:19|20)\d{{2}}\b", re.I),
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}(?:\s*,?\s*(?:19|20)\d{{2}})?\b", re.I),
    re.compile(rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?\b", re.I),
    re.compile(rf"\b{_MONTHS}\s*,?\s+(?:19|20)\d{{2}}\b", re.I),
    re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b"),
    re.compile(r"(?:19|20)\d{2}\s*년(?:\s*\d{1,2}\s*월)?(?:\s*\d{1,2}\s*일)?"),
    re.compile(r"\d{1,2}\s*월\s*\d{1,2}\s*일"),
    re.compile(rf"\b{_DAYS}\b", re.I),
)
_TIME_PATTERNS: Final = (
    re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:a\.?\s?m\.?|p\.?\s?m\.?)(?=\W|$)", re.I),
    re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b"),
    re.compile(r"\b\d{3,4}\s*hours?\b", re.I),
    re.compile(r"(?:오전|오후)\s*\d{1,2}\s*시(?:\s*\d{1,2}\s*분)?"),
)
_YEAR: Final = re.compile(r"\b(?:19|20)\d{2}\b")
_SPACES: Final = re.compile(r"[ \t]{2,}")


def mask_dates(text: str) -> str:
    """Remove dates, times of day, weekdays and years: the year alone predicts fatality here."""
    for pattern in (*_DATE_PATTERNS, *_TIME_PATTERNS, _YEAR):
        text = pattern.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


_OUTCOME: Final = re.compile(
    r"\b(?:kill\w*|died|dies|die|dead|deaths?|deceased|decedent|fatal\w*|amputat\w*|hospitali[sz]\w*"
    r"|succumb\w*|expired|autops\w*|coroner|medical examiner|pronounced|passed away|lost (?:his|her|their) life"
    r"|resuscitat\w*|cpr|life support|fractur\w*|lacerat\w*|contusion\w*|burns?|burned|injur\w*"
    r"|treated|treatment|admitted|emergency room|ambulance|ems|paramedic\w*|hospital|surgery|stitches"
    r"|severed|electrocut\w*|drown\w*|asphyxia\w*|suffocat\w*|unresponsive|unconscious\w*|not breathing"
    r"|no pulse|found|body|bodies|blunt|trauma\w*|broken|broke|sustain\w*|crushed|hurt|wound\w*|bleed\w*"
    r"|medical\w*|911|rescu\w*|recover(?:ed|y)|victim\w*|passed out|lost consciousness)\b",
    re.I,
)
_SENTENCE_SPLIT: Final = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_SPLIT.split(text.strip()) if s.strip()]


def has_outcome(sentence: str) -> bool:
    return _OUTCOME.search(sentence) is not None


def remove_outcome_sentences(text: str) -> str:
    """Keep only the sentences that say nothing of the outcome: a hazard is described before it happens."""
    return " ".join(s for s in split_sentences(text) if not has_outcome(s))


# --- OSHA ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OshaCase:
    summary_nr: str
    year: int
    event_type: str
    group: str
    text: str
    """Abstract with dates masked (outcome sentences still in: fine for the hazard group)."""
    title: str
    fatal: bool
    amputation: bool

    @property
    def severe(self) -> bool:
        """Amputation or worse: the severity-potential label."""
        return self.fatal or self.amputation

    @property
    def outcome_free(self) -> str:
        return remove_outcome_sentences(self.text)


@dataclass(frozen=True)
class OshaData:
    cases: tuple[OshaCase, ...]
    sha256: str
    rows_read: int
    duplicates_dropped: int
    unknown_dropped: int

    def provenance(self) -> dict[str, object]:
        return {
            "source": OSHA_SOURCE,
            "file": OSHA_CSV_NAME,
            "sha256": self.sha256,
            "rows_read": self.rows_read,
            "duplicates_dropped": self.duplicates_dropped,
            "unknown_event_type_dropped": self.unknown_dropped,
            "cases": len(self.cases),
        }


def default_osha_csv() -> Path:
    """The copy the build ships in ``resources/ml/training`` (so the app can retrain offline), else
    ``../shared/data/...`` beside the source checkout."""
    shipped = resources_dir() / "ml" / "training" / OSHA_CSV_NAME
    if shipped.is_file():
        return shipped
    return resources_dir().parent.parent / "shared" / "data" / "osha_imis_2015_2017" / OSHA_CSV_NAME


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


def _year(date: str) -> int:
    match = re.search(r"(?:19|20)\d{2}", date)
    if not match:
        raise ValueError(f"no year in event date {date!r}")
    return int(match.group())


def load_osha(path: str | Path | None = None) -> OshaData:
    """Read, map, mask and deduplicate the OSHA abstracts (first of each duplicate masked text kept)."""
    file = Path(path) if path is not None else default_osha_csv()
    raw = file.read_bytes()
    sha = hashlib.sha256(raw).hexdigest()
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    cases: list[OshaCase] = []
    seen_text: set[str] = set()
    seen_nr: set[str] = set()
    duplicates = unknown = 0
    for row in rows:
        group = map_event_type(row["Event type"])
        if group is None:
            unknown += 1
            continue
        nr = row["summary_nr"].strip()
        masked = mask_dates(row["Abstract Text"])
        key = _normalise(masked)  # texts that differ only by their date are duplicates too
        if not key or key in seen_text or nr in seen_nr:
            duplicates += 1
            continue
        seen_text.add(key)
        seen_nr.add(nr)
        cases.append(
            OshaCase(
                summary_nr=nr,
                year=_year(row["Event Date"]),
                event_type=row["Event type"].strip(),
                group=group,
                text=masked,
                title=mask_dates(row["Event Description"]),
                fatal=row["Degree of Injury"].strip().lower() == "fatal",
                amputation="amputation" in row["Nature of Injury"].lower(),
            )
        )
    return OshaData(tuple(cases), sha, len(rows), duplicates, unknown)


def case_in_test(summary_nr: str, test_fraction: float, seed: int = 0) -> bool:
    """Grouped split by case: a stable hash of ``summary_nr`` decides, so a case never straddles."""
    digest = hashlib.sha256(f"{seed}:{summary_nr}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < test_fraction


def split_by_case(
    cases: Sequence[OshaCase], test_fraction: float = 0.2, seed: int = 0
) -> tuple[list[OshaCase], list[OshaCase]]:
    train = [c for c in cases if not case_in_test(c.summary_nr, test_fraction, seed)]
    test = [c for c in cases if case_in_test(c.summary_nr, test_fraction, seed)]
    return train, test


def split_by_year(cases: Sequence[OshaCase], test_year: int = 2017) -> tuple[list[OshaCase], list[OshaCase]]:
    """The frozen later-year holdout: train on the years before ``test_year``, test on it."""
    return [c for c in cases if c.year < test_year], [c for c in cases if c.year == test_year]


# --- the bilingual library -----------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryRow:
    text: str
    group: str
    lang: str
    source: str
    severe: bool | None = None


def _library_group(group: str, where: str) -> str:
    group = LIBRARY_GROUP_ALIASES.get(group, group)
    if group not in GROUPS:
        raise ValueError(f"{where}: unknown hazard group {group!r}")
    return group


def _toml_items(path: Path) -> list[dict[str, object]]:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    items = data.get("items")
    if not isinstance(items, list):
        raise ValueError(f"{path}: expected an 'items' array")
    return items


def catalogue_path() -> Path:
    return resource_path("ml", "hazard_catalogue.toml")


def korean_eval_path() -> Path:
    return resource_path("ml", "korean_eval.toml")


def load_catalogue(path: str | Path | None = None) -> list[LibraryRow]:
    """Each catalogue item gives one Korean and one English row with the same label."""
    file = Path(path) if path is not None else catalogue_path()
    rows: list[LibraryRow] = []
    for i, item in enumerate(_toml_items(file)):
        group = _library_group(str(item["group"]), f"{file.name} item {i}")
        severe = item.get("severe")
        sev = bool(severe) if isinstance(severe, bool) else None
        for lang in ("ko", "en"):
            text = item.get(lang)
            if isinstance(text, str) and text.strip():
                rows.append(LibraryRow(text.strip(), group, lang, "catalogue", sev))
    return rows


def load_template_rows() -> list[LibraryRow]:
    """Questions of the shipped templates that carry a ``hazard_group``, in both languages."""
    from safetydesk.core.forms.library import load_shipped_templates

    rows: list[LibraryRow] = []
    for template in load_shipped_templates():
        for section in template.sections:
            for question in section.questions:
                if question.hazard_group is None:
                    continue
                group = _library_group(question.hazard_group, f"{template.code}/{question.key}")
                for lang in ("ko", "en"):
                    rows.append(LibraryRow(question.text.get(lang), group, lang, f"template:{template.code}"))
    return rows


def load_library() -> list[LibraryRow]:
    return [*load_catalogue(), *load_template_rows()]


@dataclass(frozen=True)
class EvalItem:
    text: str
    group: str
    severe: bool | None


def load_korean_eval(path: str | Path | None = None) -> list[EvalItem]:
    """The held-out Korean set: never used for training, only for the Korean evaluation."""
    file = Path(path) if path is not None else korean_eval_path()
    out: list[EvalItem] = []
    for i, item in enumerate(_toml_items(file)):
        group = _library_group(str(item["group"]), f"{file.name} item {i}")
        severe = item.get("severe")
        out.append(EvalItem(str(item["ko"]).strip(), group, severe if isinstance(severe, bool) else None))
    return out


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def library_texts_overlap(train: Iterable[str], held_out: Iterable[str]) -> set[str]:
    """Normalised texts present in both sets (must be empty: the Korean set is held out)."""
    return {_normalise(t) for t in train} & {_normalise(t) for t in held_out}
