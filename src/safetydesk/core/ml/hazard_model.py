"""The hazard reader: hazard group and severity potential of a free-text description.

Two linear models over TF-IDF word (1-2) and character (2-5, within word boundaries) n-grams;
character n-grams let Korean work without a morphological analyser ("협착", "추락" match inside
"협착되어", "추락할"). The group model is a linear SVM whose scores are calibrated into probabilities
(sigmoid, cross-validated); the severity model is a logistic regression for "amputation or worse",
trained on OSHA text with dates masked and outcome sentences removed (preceded by the investigator's
one-line title when the title has no outcome word) plus the catalogue's own judgements. The model
suggests; a person decides (DESIGN.md §7).

The severity probability is on the OSHA scale: every OSHA abstract is an investigated serious
accident and ~73% ended in amputation or worse, so raw probabilities cluster around that base rate
and must not be shown as "x% chance of amputation". What users see is a relative **severity band**
(``low`` / ``medium`` / ``high``): where the text's score sits among the investigated serious
accidents the model was trained on (terciles of out-of-fold scores, computed in ``train_model``).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from safetydesk.core.ml.hazard_data import GROUPS, LibraryRow, OshaCase, has_outcome, mask_dates

#: Everything that decides what a feature means. A bundle trained under another schema is refused.
FEATURE_SCHEMA: Final[dict[str, Any]] = {
    "schema": 1,
    "groups": list(GROUPS),
    "preprocess": "mask_dates v1; severity: outcome sentences removed v2 (OSHA rows only)",
    "osha_group_text": "event description + '. ' + abstract",
    "word": {"ngram_range": [1, 2], "min_df": 2, "sublinear_tf": True, "lowercase": True},
    "char": {"analyzer": "char_wb", "ngram_range": [2, 5], "min_df": 2, "sublinear_tf": True},
    "group_max_features": {"word": 40000, "char": 80000},
    "severity_max_features": {"word": 20000, "char": 40000},
}

GROUP_C: Final = 0.2
#: Chosen on an inner validation split of the training cases (never the test split): ROC-AUC 0.741
#: at C = 4 (the earlier value), 0.746 at C = 1 and C = 2; C = 2 kept press/trip contrasts wider.
SEVERITY_C: Final = 2.0
_TOKEN: Final = re.compile(r"\w+")

#: Severity bands, lowest first. A text is ``low`` below the first cut, ``high`` at or above the second.
SEVERITY_BANDS: Final[tuple[str, str, str]] = ("low", "medium", "high")
#: Quantiles of the out-of-fold severity scores of the OSHA training texts that separate the bands.
SEVERITY_BAND_QUANTILES: Final[tuple[float, float]] = (1 / 3, 2 / 3)
#: Folds used to score the training texts out of fold for the band cuts.
SEVERITY_BAND_FOLDS: Final = 3
#: Fallbacks for a bundle saved before bands existed (its metadata has no ``severity`` entry): the
#: cuts and base rate measured on 2026-11-24 for the recipe of that time (one "amputation or worse"
#: head, C = 4, outcome-free abstracts of all OSHA cases + catalogue, seed 0): terciles of 3-fold
#: out-of-fold scores of the OSHA rows 0.686 / 0.868, positive share of those rows 0.712. Only
#: approximately right for a bundle trained on other data (e.g. with many confirmed labels).
LEGACY_SEVERITY_CUTS: Final[tuple[float, float]] = (0.686, 0.868)
LEGACY_SEVERITY_BASE_RATE: Final = 0.712

Stage = Callable[[str], None]


def feature_schema_hash() -> str:
    text = json.dumps(FEATURE_SCHEMA, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def make_vectorizer(max_word: int, max_char: int) -> FeatureUnion:
    word = FEATURE_SCHEMA["word"]
    char = FEATURE_SCHEMA["char"]
    return FeatureUnion(
        [
            (
                "word",
                TfidfVectorizer(
                    ngram_range=tuple(word["ngram_range"]),
                    min_df=word["min_df"],
                    sublinear_tf=word["sublinear_tf"],
                    max_features=max_word,
                    dtype=np.float32,
                ),
            ),
            (
                "char",
                TfidfVectorizer(
                    analyzer=char["analyzer"],
                    ngram_range=tuple(char["ngram_range"]),
                    min_df=char["min_df"],
                    sublinear_tf=char["sublinear_tf"],
                    max_features=max_char,
                    dtype=np.float32,
                ),
            ),
        ]
    )


def train_group_pipeline(texts: Sequence[str], labels: Sequence[str], seed: int = 0) -> Pipeline:
    sizes = FEATURE_SCHEMA["group_max_features"]
    svm = LinearSVC(C=GROUP_C, class_weight="balanced", random_state=seed)
    clf = CalibratedClassifierCV(svm, method="sigmoid", cv=3, ensemble=False)
    pipe = Pipeline([("features", make_vectorizer(sizes["word"], sizes["char"])), ("clf", clf)])
    pipe.fit(list(texts), list(labels))
    return pipe


def train_severity_pipeline(
    texts: Sequence[str], labels: Sequence[bool], seed: int = 0, c: float = SEVERITY_C
) -> Pipeline:
    sizes = FEATURE_SCHEMA["severity_max_features"]
    clf = LogisticRegression(C=c, max_iter=3000, random_state=seed)
    pipe = Pipeline([("features", make_vectorizer(sizes["word"], sizes["char"])), ("clf", clf)])
    pipe.fit(list(texts), [bool(v) for v in labels])
    return pipe


def group_decision(pipeline: Pipeline, x: Any) -> np.ndarray[Any, Any]:
    """Scores of the class-balanced SVM before calibration.

    The suggested group is the argmax of these, not of the calibrated probabilities: per-class
    sigmoid calibration pulls rare groups (chemical, cardio_heat) back towards their base rate and cost
    0.03 macro-F1 on the 2017 holdout. The calibrated probability of the chosen group is its confidence.
    """
    calibrated = pipeline.named_steps["clf"].calibrated_classifiers_[0]
    return np.asarray(calibrated.estimator.decision_function(x))


# --- training sets -------------------------------------------------------------------------------


def osha_group_text(case: OshaCase) -> str:
    return f"{case.title}. {case.text}" if case.title else case.text


def osha_severity_text(case: OshaCase, title: bool = True) -> str:
    """Outcome-free abstract, preceded by the one-line title when the title has no outcome word.

    (Titles such as "EMPLOYEE IS KILLED ..." or "... FINGER AMPUTATED" are dropped whole, the same
    rule as for the abstract's sentences.)
    """
    body = case.outcome_free
    if title and case.title and not has_outcome(case.title):
        return f"{case.title.strip().capitalize()}. {body}".strip()
    return body


@dataclass(frozen=True)
class TrainingSet:
    group_texts: list[str]
    group_labels: list[str]
    severity_texts: list[str]
    severity_labels: list[bool]
    """Amputation or worse."""
    counts: dict[str, int]
    severity_is_osha: list[bool] = field(default_factory=list)
    """Per severity row: does it come from an OSHA case (the population the bands are relative to)?"""


def build_training_set(
    cases: Sequence[OshaCase],
    library: Sequence[LibraryRow] = (),
    confirmed: Sequence[tuple[str, str]] = (),
) -> TrainingSet:
    """OSHA cases, library rows and the workspace's confirmed ``(text, group)`` labels."""
    group_texts = [osha_group_text(c) for c in cases]
    group_labels = [c.group for c in cases]
    severity_texts = [osha_severity_text(c) for c in cases]
    severity_labels = [c.severe for c in cases]
    severity_is_osha = [True] * len(cases)
    for row in library:
        group_texts.append(mask_dates(row.text))
        group_labels.append(row.group)
        if row.severe is not None:
            severity_texts.append(mask_dates(row.text))
            severity_labels.append(row.severe)
            severity_is_osha.append(False)
    for text, group in confirmed:
        if group not in GROUPS:
            raise ValueError(f"confirmed label {group!r} is not one of {', '.join(GROUPS)}")
        group_texts.append(mask_dates(text))
        group_labels.append(group)
    keep = [i for i, t in enumerate(severity_texts) if t.strip()]
    counts = {
        "osha_cases": len(cases),
        "library_rows": len(library),
        "confirmed_labels": len(confirmed),
        "group_rows": len(group_texts),
        "severity_rows": len(keep),
    }
    return TrainingSet(
        group_texts,
        group_labels,
        [severity_texts[i] for i in keep],
        [severity_labels[i] for i in keep],
        counts,
        [severity_is_osha[i] for i in keep],
    )


# --- the model -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermWeight:
    term: str
    weight: float


@dataclass(frozen=True)
class Suggestion:
    group: str
    confidence: float
    severity_probability: float
    top_terms: tuple[TermWeight, ...]
    model_version: str
    probabilities: dict[str, float] = field(default_factory=dict)
    severity_band: str = field(kw_only=True)
    """``low`` / ``medium`` / ``high``: where the text sits among investigated serious accidents.
    Show this, not ``severity_probability`` (which is on the OSHA scale, see the module docstring)."""
    severity_base_rate: float = field(kw_only=True)
    """Share of "amputation or worse" among the OSHA training cases (the scale of the probability)."""

    def to_dict(self) -> dict[str, object]:
        return {
            "group": self.group,
            "confidence": round(self.confidence, 4),
            "severity_probability": round(self.severity_probability, 4),
            "severity_band": self.severity_band,
            "severity_base_rate": round(self.severity_base_rate, 4),
            "top_terms": [{"term": t.term, "weight": round(t.weight, 4)} for t in self.top_terms],
            "model_version": self.model_version,
            "probabilities": {k: round(v, 4) for k, v in self.probabilities.items()},
        }


class HazardModel:
    """The two fitted pipelines plus what a suggestion needs to explain itself."""

    def __init__(
        self,
        group: Pipeline,
        severity: Pipeline,
        version: str,
        severity_cuts: tuple[float, float] | None = None,
        severity_base_rate: float | None = None,
    ) -> None:
        """``severity_cuts``/``severity_base_rate`` default to the legacy values (bundles saved
        before bands existed)."""
        self.group = group
        self.severity = severity
        self.version = version
        low, high = severity_cuts if severity_cuts is not None else LEGACY_SEVERITY_CUTS
        if not low <= high:
            raise ValueError(f"severity cuts must be ordered, got {low}, {high}")
        self.severity_cuts: tuple[float, float] = (float(low), float(high))
        self.severity_base_rate: float = float(
            severity_base_rate if severity_base_rate is not None else LEGACY_SEVERITY_BASE_RATE
        )
        self._names: np.ndarray[Any, Any] | None = None

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.group.named_steps["clf"].classes_]

    def estimators(self) -> dict[str, Pipeline]:
        return {"group": self.group, "severity": self.severity}

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        return np.asarray(self.group.predict_proba([mask_dates(t) for t in texts]))

    def decision(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        """Raw class scores; their argmax is the suggested group (see ``predict_group_indices``)."""
        x = self.group.named_steps["features"].transform([mask_dates(t) for t in texts])
        return group_decision(self.group, x)

    def predict_group_indices(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        indices: np.ndarray[Any, Any] = np.asarray(self.decision(texts)).argmax(axis=1)
        return indices

    def severity_proba(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        return np.asarray(self.severity.predict_proba([mask_dates(t) for t in texts]))[:, 1]

    def severity_band(self, probability: float) -> str:
        return severity_band(probability, self.severity_cuts)

    def severity_bands(self, texts: Sequence[str]) -> list[str]:
        return [self.severity_band(float(p)) for p in self.severity_proba(texts)]

    def _coef(self) -> np.ndarray[Any, Any]:
        calibrated = self.group.named_steps["clf"].calibrated_classifiers_[0]
        return np.asarray(calibrated.estimator.coef_)

    def _feature_names(self) -> np.ndarray[Any, Any]:
        if self._names is None:
            self._names = np.asarray(self.group.named_steps["features"].get_feature_names_out())
        return self._names

    def top_terms(self, text: str, class_index: int, limit: int = 5) -> tuple[TermWeight, ...]:
        """The words of ``text`` that pushed it towards the class, with their summed weights."""
        masked = mask_dates(text)
        x = self.group.named_steps["features"].transform([masked])
        return self._top_terms(masked, x, class_index, limit)

    def _top_terms(self, masked: str, x: Any, class_index: int, limit: int) -> tuple[TermWeight, ...]:
        """Word n-gram weights go to their words; character n-gram weights go to the words that
        contain them (split evenly), so a Korean word gets credit for its syllable n-grams."""
        x = x.tocsr()
        if x.nnz == 0:
            return ()
        coef = self._coef()
        row = coef[class_index] if coef.shape[0] > 1 else coef[0]
        names = self._feature_names()
        owners_of: dict[str, list[str]] = {}
        for word in dict.fromkeys(_TOKEN.findall(masked.lower())):
            owners_of.setdefault(word, []).append(word)
            padded = f" {word} "
            grams = {padded[i : i + n].strip() for n in range(2, 6) for i in range(len(padded) - n + 1)}
            for gram in grams:
                if gram and gram != word:
                    owners_of.setdefault(gram, []).append(word)
        contributions = np.asarray(x.data, dtype=np.float64) * row[x.indices]
        scores: dict[str, float] = {}
        for j, contribution in zip(x.indices, contributions, strict=True):
            kind, _, gram = str(names[j]).partition("__")
            if kind == "word":
                owners = [w for w in gram.split(" ") if w in owners_of]
            else:
                owners = owners_of.get(gram.strip(), [])
            for owner in owners:
                scores[owner] = scores.get(owner, 0.0) + float(contribution) / len(owners)
        ranked = sorted(((w, s) for w, s in scores.items() if s > 0), key=lambda ws: -ws[1])
        return tuple(TermWeight(w, s) for w, s in ranked[:limit])

    def suggest(self, text: str) -> Suggestion:
        masked = mask_dates(text)
        x = self.group.named_steps["features"].transform([masked])
        probs = np.asarray(self.group.named_steps["clf"].predict_proba(x))[0]
        best = int(np.argmax(group_decision(self.group, x)[0]))
        classes = self.classes
        severity = float(self.severity.predict_proba([masked])[0, 1])
        return Suggestion(
            group=classes[best],
            confidence=float(probs[best]),
            severity_probability=severity,
            top_terms=self._top_terms(masked, x, best, 5),
            model_version=self.version,
            probabilities={c: float(p) for c, p in zip(classes, probs, strict=True)},
            severity_band=self.severity_band(severity),
            severity_base_rate=self.severity_base_rate,
        )


def make_version(created: float | None = None) -> str:
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(created if created is not None else time.time()))
    return f"hazard-{stamp}-{feature_schema_hash()[:8]}"


def severity_band(probability: float, cuts: tuple[float, float]) -> str:
    low, high = cuts
    if probability < low:
        return SEVERITY_BANDS[0]
    if probability < high:
        return SEVERITY_BANDS[1]
    return SEVERITY_BANDS[2]


def out_of_fold_severity(
    texts: Sequence[str], labels: Sequence[bool], seed: int = 0, folds: int = SEVERITY_BAND_FOLDS
) -> np.ndarray[Any, Any] | None:
    """Severity scores of the training texts from models that did not see them (``None`` if too few).

    In-sample scores of the fitted model are pushed towards 0 and 1, so cuts taken from them would
    not describe how new text is scored.
    """
    y = np.asarray([bool(v) for v in labels])
    if len(y) < 2 * folds or min(int(y.sum()), int((~y).sum())) < folds:
        return None
    out = np.zeros(len(y))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for fit_idx, score_idx in splitter.split(np.zeros(len(y)), y):
        pipe = train_severity_pipeline([texts[i] for i in fit_idx], list(y[fit_idx]), seed)
        out[score_idx] = np.asarray(pipe.predict_proba([texts[i] for i in score_idx]))[:, 1]
    return out


def severity_cuts_from_training(
    training: TrainingSet, severity: Pipeline, seed: int = 0
) -> tuple[tuple[float, float], float]:
    """Band cuts (terciles) and base rate, relative to the OSHA training cases.

    Scores are 3-fold out of fold over all severity rows; the cuts and the base rate use the OSHA
    rows only (the investigated serious accidents), or every row when there are none. Falls back to
    in-sample scores of ``severity`` when the set is too small for cross-validation, and to the
    legacy values when there is no severity row at all.
    """
    texts, labels = training.severity_texts, training.severity_labels
    if not texts:
        return LEGACY_SEVERITY_CUTS, LEGACY_SEVERITY_BASE_RATE
    scores = out_of_fold_severity(texts, labels, seed)
    if scores is None:
        scores = np.asarray(severity.predict_proba(list(texts)))[:, 1]
    osha = np.asarray(training.severity_is_osha, dtype=bool)
    if len(osha) != len(scores) or not osha.any():
        osha = np.ones(len(scores), dtype=bool)
    low, high = np.quantile(scores[osha], SEVERITY_BAND_QUANTILES)
    base_rate = float(np.mean(np.asarray(labels, dtype=float)[osha]))
    return (float(low), float(high)), base_rate


def train_model(
    training: TrainingSet,
    version: str | None = None,
    seed: int = 0,
    stage: Stage | None = None,
) -> HazardModel:
    """Fit both pipelines and the severity bands.

    ``stage`` is called with ``"group"``, ``"severity"`` and ``"bands"`` before each step (progress
    and cancellation: an exception it raises propagates and nothing is returned).
    """
    if stage is not None:
        stage("group")
    group = train_group_pipeline(training.group_texts, training.group_labels, seed)
    if stage is not None:
        stage("severity")
    severity = train_severity_pipeline(training.severity_texts, training.severity_labels, seed)
    if stage is not None:
        stage("bands")
    cuts, base_rate = severity_cuts_from_training(training, severity, seed)
    return HazardModel(group, severity, version or make_version(), cuts, base_rate)
