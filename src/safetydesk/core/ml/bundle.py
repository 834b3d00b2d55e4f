"""A model bundle: the estimators saved with ``skops`` (never pickle) plus JSON metadata.

Folder layout::

    <bundle>/model.skops      the fitted pipelines; TF-IDF vocabularies stored as arrays
    <bundle>/metadata.json    version, created, library versions, feature-schema hash,
                              training-data provenance, metrics, sha256 of model.skops,
                              severity band cuts and base rate ("severity"; absent in bundles
                              saved before bands existed, which then get the legacy defaults)

Loading refuses a bundle made with another scikit-learn version or feature schema (the numbers
would silently mean something else), so the caller can fall back to the shipped model.

skops serialises a Python dict entry by entry, which for a 100k-term vocabulary takes minutes and
tens of megabytes; the vocabularies therefore travel as two numpy arrays and are rebuilt on load.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from zipfile import ZIP_DEFLATED

import numpy as np

from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_
from safetydesk.core.ml.hazard_model import (
    LEGACY_SEVERITY_BASE_RATE,
    LEGACY_SEVERITY_CUTS,
    SEVERITY_BANDS,
    HazardModel,
    feature_schema_hash,
)
from safetydesk.core.resources import resource_path

BUNDLE_FORMAT: Final = 1
BUNDLE_KIND: Final = "hazard-reader"
MODEL_FILE: Final = "model.skops"
METADATA_FILE: Final = "metadata.json"
#: Types a bundle may contain beyond skops' defaults; anything else is refused, not executed.
_ALLOWED_PREFIXES: Final = ("sklearn.", "numpy.", "scipy.", "builtins.")


class ModelBundleError(UserError):
    """The bundle cannot be used; the caller falls back to the shipped model."""


@dataclass(frozen=True)
class BundleMetadata:
    version: str
    created: str
    sklearn_version: str
    feature_schema_hash: str
    provenance: dict[str, Any]
    metrics: dict[str, Any]
    model_sha256: str
    format: int = BUNDLE_FORMAT
    kind: str = BUNDLE_KIND
    skops_version: str = ""
    numpy_version: str = ""
    severity: dict[str, Any] | None = None
    """``{"cuts": [low, high], "base_rate": r, "bands": [...]}``; ``None`` in bundles saved before bands."""

    def severity_cuts(self) -> tuple[float, float] | None:
        if not self.severity:
            return None
        low, high = self.severity["cuts"]
        return float(low), float(high)

    def severity_base_rate(self) -> float | None:
        if not self.severity or self.severity.get("base_rate") is None:
            return None
        return float(self.severity["base_rate"])

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": self.format,
            "kind": self.kind,
            "version": self.version,
            "created": self.created,
            "sklearn_version": self.sklearn_version,
            "skops_version": self.skops_version,
            "numpy_version": self.numpy_version,
            "feature_schema_hash": self.feature_schema_hash,
            "model_sha256": self.model_sha256,
            "provenance": self.provenance,
            "metrics": self.metrics,
        }
        if self.severity is not None:
            out["severity"] = self.severity
        return out


def shipped_bundle_dir() -> Path:
    """Where the build puts the model trained from the shipped data."""
    return resource_path("ml", "hazard_model")


def _library_versions() -> tuple[str, str, str]:
    import sklearn
    import skops

    return sklearn.__version__, skops.__version__, np.__version__


def _vectorizers(model: HazardModel) -> Iterator[tuple[str, Any]]:
    for name, pipeline in model.estimators().items():
        for part, vectorizer in pipeline.named_steps["features"].transformer_list:
            yield f"{name}.{part}", vectorizer


def save_bundle(
    model: HazardModel,
    folder: str | Path,
    *,
    provenance: Mapping[str, Any],
    metrics: Mapping[str, Any],
) -> BundleMetadata:
    import skops.io as sio

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    vocabularies: dict[str, np.ndarray[Any, Any]] = {}
    saved: dict[str, dict[str, int]] = {}
    for key, vectorizer in _vectorizers(model):
        vocab: dict[str, int] = vectorizer.vocabulary_
        terms = np.empty(len(vocab), dtype=object)
        for term, index in vocab.items():
            terms[index] = term
        vocabularies[key] = np.asarray(terms.tolist(), dtype=str)
        saved[key] = vocab
        vectorizer.vocabulary_ = {}
    try:
        payload = {"estimators": model.estimators(), "vocabularies": vocabularies}
        model_path = target / MODEL_FILE
        tmp = model_path.with_suffix(".tmp")
        sio.dump(payload, tmp, compression=ZIP_DEFLATED)
        tmp.replace(model_path)
    finally:
        for key, vectorizer in _vectorizers(model):
            vectorizer.vocabulary_ = saved[key]
    sklearn_version, skops_version, numpy_version = _library_versions()
    meta = BundleMetadata(
        version=model.version,
        created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        sklearn_version=sklearn_version,
        skops_version=skops_version,
        numpy_version=numpy_version,
        feature_schema_hash=feature_schema_hash(),
        provenance=dict(provenance),
        metrics=dict(metrics),
        model_sha256=hashlib.sha256(model_path.read_bytes()).hexdigest(),
        severity={
            "cuts": list(model.severity_cuts),
            "base_rate": model.severity_base_rate,
            "bands": list(SEVERITY_BANDS),
            "meaning": "terciles of out-of-fold severity scores of the OSHA training cases "
            "(investigated serious accidents); relative, not a probability of harm",
        },
    )
    (target / METADATA_FILE).write_text(
        json.dumps(meta.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return meta


def train_bundle(
    folder: str | Path,
    *,
    osha_csv: str | Path | None = None,
    confirmed: Sequence[tuple[str, str]] = (),
    metrics: Mapping[str, Any] | None = None,
    version: str | None = None,
    stage: Callable[[str], None] | None = None,
) -> BundleMetadata:
    """The reproducible training recipe: all OSHA cases + the bilingual library + confirmed labels.

    ``metrics`` should come from ``hazard_eval.evaluate`` run on the same data (the CLI runs both).
    ``stage`` is called with ``"data"``, then ``"group"``, ``"severity"``, ``"bands"`` (from
    ``train_model``) and ``"save"`` before each step; an exception it raises cancels the training
    and propagates (nothing is written when it is raised before ``"save"`` returns).
    """
    from safetydesk.core.ml.hazard_data import catalogue_path, file_sha256, load_library, load_osha
    from safetydesk.core.ml.hazard_model import build_training_set, train_model

    if stage is not None:
        stage("data")
    osha = load_osha(osha_csv)
    library = load_library()
    training = build_training_set(osha.cases, library, confirmed)
    started = time.perf_counter()
    model = train_model(training, version=version, stage=stage)
    provenance = {
        "osha": osha.provenance(),
        "catalogue_sha256": file_sha256(catalogue_path()),
        "library_rows": len(library),
        "confirmed_labels": len(confirmed),
        "training_rows": training.counts,
        "training_seconds": round(time.perf_counter() - started, 2),
    }
    if stage is not None:
        stage("save")
    return save_bundle(model, folder, provenance=provenance, metrics=metrics or {})


def _severity_entry(raw: Any) -> dict[str, Any] | None:
    """The metadata's severity entry, checked (``None`` when absent: a bundle from before bands)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise TypeError("severity entry is not an object")
    low, high = (float(v) for v in raw["cuts"])
    if not low <= high:
        raise ValueError("severity cuts are not ordered")
    entry = dict(raw)
    entry["cuts"] = [low, high]
    if entry.get("base_rate") is not None:
        entry["base_rate"] = float(entry["base_rate"])
    return entry


def read_metadata(folder: str | Path) -> BundleMetadata:
    path = Path(folder) / METADATA_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return BundleMetadata(
            version=str(data["version"]),
            created=str(data["created"]),
            sklearn_version=str(data["sklearn_version"]),
            skops_version=str(data.get("skops_version", "")),
            numpy_version=str(data.get("numpy_version", "")),
            feature_schema_hash=str(data["feature_schema_hash"]),
            provenance=dict(data.get("provenance", {})),
            metrics=dict(data.get("metrics", {})),
            model_sha256=str(data["model_sha256"]),
            format=int(data["format"]),
            kind=str(data["kind"]),
            severity=_severity_entry(data.get("severity")),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelBundleError(
            N_("The model bundle at {path} cannot be read ({problem})."),
            N_("SafetyDesk uses the shipped model instead; retrain to replace the bundle."),
            path=str(folder),
            problem=type(exc).__name__,
        ) from exc


def check_compatible(meta: BundleMetadata) -> None:
    """Refuse a bundle this build cannot interpret the same way it was trained."""
    sklearn_version, _, _ = _library_versions()
    hint = N_("SafetyDesk uses the shipped model instead; retrain the model to make a matching one.")
    if meta.kind != BUNDLE_KIND or meta.format != BUNDLE_FORMAT:
        raise ModelBundleError(
            N_("The model bundle is of an unknown kind or format ({kind}, format {format})."),
            hint,
            kind=meta.kind,
            format=meta.format,
        )
    if meta.sklearn_version != sklearn_version:
        raise ModelBundleError(
            N_("The model {version} was made with scikit-learn {theirs}, but this SafetyDesk has {ours}."),
            hint,
            version=meta.version,
            theirs=meta.sklearn_version,
            ours=sklearn_version,
        )
    if meta.feature_schema_hash != feature_schema_hash():
        raise ModelBundleError(
            N_(
                "The model {version} reads text differently from this SafetyDesk (feature schema {theirs}, expected {ours})."
            ),
            hint,
            version=meta.version,
            theirs=meta.feature_schema_hash,
            ours=feature_schema_hash(),
        )


def load_bundle(folder: str | Path) -> tuple[HazardModel, BundleMetadata]:
    import skops.io as sio

    source = Path(folder)
    meta = read_metadata(source)
    check_compatible(meta)
    hint = N_("SafetyDesk uses the shipped model instead; retrain to replace the bundle.")
    try:
        raw = (source / MODEL_FILE).read_bytes()
    except OSError as exc:
        raise ModelBundleError(
            N_("The model file of {version} is missing."), hint, version=meta.version
        ) from exc
    if hashlib.sha256(raw).hexdigest() != meta.model_sha256:
        raise ModelBundleError(
            N_("The model file of {version} does not match its metadata (damaged or replaced)."),
            hint,
            version=meta.version,
        )
    untrusted = sio.get_untrusted_types(data=raw)
    refused = [t for t in untrusted if not t.startswith(_ALLOWED_PREFIXES)]
    if refused:
        raise ModelBundleError(
            N_("The model file of {version} contains code SafetyDesk does not trust: {types}."),
            hint,
            version=meta.version,
            types=", ".join(refused),
        )
    payload = sio.loads(raw, trusted=untrusted)
    estimators = payload["estimators"]
    # Bundles saved before severity bands have no cuts: HazardModel falls back to
    # LEGACY_SEVERITY_CUTS / LEGACY_SEVERITY_BASE_RATE (measured for that recipe).
    model = HazardModel(
        estimators["group"],
        estimators["severity"],
        meta.version,
        meta.severity_cuts() or LEGACY_SEVERITY_CUTS,
        meta.severity_base_rate() or LEGACY_SEVERITY_BASE_RATE,
    )
    vocabularies = payload["vocabularies"]
    for key, vectorizer in _vectorizers(model):
        vectorizer.vocabulary_ = {str(term): i for i, term in enumerate(vocabularies[key])}
    return model, meta
