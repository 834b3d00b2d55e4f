"""Which hazard model a workspace uses, retraining it on the workspace's labels, and rolling back.

Two kinds of bundle exist:

- the **shipped** bundle, trained at build time from the shipped data (``resources/ml/hazard_model``;
  ``SAFETYDESK_MODEL_DIR`` points elsewhere, e.g. for tests);
- **workspace** bundles, retrained in the app on the shipped data plus the labels people confirmed
  in this workspace, kept side by side under ``<workspace>/models/hazard/<version>/``.

``<workspace>/models/hazard/active.json`` names the workspace bundle in use; without it the shipped
bundle is used. A workspace bundle that cannot be loaded (another scikit-learn, a damaged file) is
refused with a message and the shipped bundle is used instead, so a suggestion is never made by a
model this build cannot interpret.

Retraining runs in stages and checks ``cancelled()`` between them; the new bundle is written to a
temporary folder and only becomes active once it is complete, so a cancelled or failed retraining
leaves the model in use untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_
from safetydesk.core.workspace.workspace import Workspace

if TYPE_CHECKING:
    from safetydesk.core.ml.bundle import BundleMetadata
    from safetydesk.core.ml.hazard_model import HazardModel, Suggestion

ENV_MODEL_DIR: Final = "SAFETYDESK_MODEL_DIR"
ACTIVE_FILE: Final = "active.json"
MIN_TEXT: Final = 6  # characters; shorter text gets no suggestion
#: Retraining stages in order, for progress ("data" reads the files, "evaluate" scores the new model).
STAGES: Final = ("data", "group", "severity", "bands", "evaluate", "save")

Progress = Callable[[str, int, int], None]  # stage, step (1-based), steps


class TrainingCancelledError(Exception):
    """The user cancelled retraining; nothing was changed."""


@dataclass(frozen=True)
class ModelInfo:
    source: str  # shipped | workspace
    folder: Path
    meta: BundleMetadata


@dataclass(frozen=True)
class ModelStatus:
    active: ModelInfo | None  # None: no usable model at all
    shipped: ModelInfo | None
    workspace: tuple[ModelInfo, ...]  # newest first
    problems: tuple[UserError, ...]  # why a bundle was refused, in the user's language on display
    labels: dict[str, int]  # decisions stored: accepted / corrected / manual
    confirmed: int  # (text, group) pairs retraining would add
    training_data: Path | None  # the OSHA file retraining needs, None if this install lacks it
    pointer: str | None = None  # the workspace bundle active.json names (even if it was refused)

    @property
    def can_retrain(self) -> bool:
        return self.training_data is not None

    @property
    def can_roll_back(self) -> bool:
        return self.pointer is not None and self.shipped is not None


@dataclass
class ActiveModel:
    model: HazardModel
    info: ModelInfo
    problems: tuple[UserError, ...] = field(default_factory=tuple)


# -- where bundles live ------------------------------------------------------------------------------


def shipped_dir() -> Path:
    override = os.environ.get(ENV_MODEL_DIR)
    if override:
        return Path(override)
    from safetydesk.core.ml.bundle import shipped_bundle_dir

    return shipped_bundle_dir()


def workspace_models_dir(ws: Workspace) -> Path:
    return ws.path / "models" / "hazard"


def _active_name(ws: Workspace) -> str | None:
    path = workspace_models_dir(ws) / ACTIVE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return None  # unreadable pointer: the shipped model is used (status() reports no problem)
    name = data.get("folder") if isinstance(data, dict) else None
    return str(name) if name else None


def _write_active(ws: Workspace, name: str | None) -> None:
    folder = workspace_models_dir(ws)
    path = folder / ACTIVE_FILE
    if name is None:
        path.unlink(missing_ok=True)
        return
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"folder": name}) + "\n", encoding="utf-8")
    tmp.replace(path)


def _info(source: str, folder: Path) -> ModelInfo:
    from safetydesk.core.ml.bundle import read_metadata

    return ModelInfo(source, folder, read_metadata(folder))


def _workspace_infos(ws: Workspace) -> tuple[list[ModelInfo], list[UserError]]:
    from safetydesk.core.ml.bundle import METADATA_FILE, ModelBundleError

    infos: list[ModelInfo] = []
    problems: list[UserError] = []
    root = workspace_models_dir(ws)
    if root.is_dir():
        for folder in sorted(root.iterdir()):
            if folder.is_dir() and (folder / METADATA_FILE).is_file() and not folder.name.startswith("."):
                try:
                    infos.append(_info("workspace", folder))
                except ModelBundleError as exc:
                    problems.append(exc)
    infos.sort(key=lambda i: i.meta.created, reverse=True)
    return infos, problems


# -- loading ---------------------------------------------------------------------------------------

_cache_lock = threading.Lock()
_cache: dict[tuple[str, str], Any] = {}


def _load(folder: Path) -> tuple[HazardModel, BundleMetadata]:
    """Load a bundle once per process (keyed by folder and model hash)."""
    from safetydesk.core.ml.bundle import load_bundle, read_metadata

    key = (str(folder.resolve()), read_metadata(folder).model_sha256)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is None:
            hit = load_bundle(folder)
            _cache.clear()  # one model in memory at a time
            _cache[key] = hit
    model, meta = hit
    return model, meta


def active_model(ws: Workspace) -> ActiveModel:
    """The model suggestions come from; falls back to the shipped one when a workspace bundle fails."""
    from safetydesk.core.ml.bundle import ModelBundleError

    problems: list[UserError] = []
    name = _active_name(ws)
    if name is not None:
        folder = workspace_models_dir(ws) / name
        try:
            model, meta = _load(folder)
            return ActiveModel(model, ModelInfo("workspace", folder, meta))
        except ModelBundleError as exc:
            problems.append(exc)
    folder = shipped_dir()
    try:
        model, meta = _load(folder)
    except ModelBundleError as exc:
        raise _no_model(exc) from exc
    return ActiveModel(model, ModelInfo("shipped", folder, meta), tuple(problems))


def _no_model(exc: UserError) -> UserError:
    from safetydesk.core.ml.bundle import ModelBundleError

    return ModelBundleError(
        N_("No hazard model can be used: {problem}"),
        N_("Reinstall SafetyDesk to restore the shipped model."),
        problem=exc.message(),
    )


def suggest(ws: Workspace, text: str) -> Suggestion | None:
    """The active model's suggestion for ``text``; None for text too short to read."""
    if len(text.strip()) < MIN_TEXT:
        return None
    return active_model(ws).model.suggest(text)


def model_status(ws: Workspace) -> ModelStatus:
    from safetydesk.core.ml.bundle import ModelBundleError
    from safetydesk.core.queries.hazard_labels import confirmed_labels, label_counts

    problems: list[UserError] = []
    shipped: ModelInfo | None = None
    shipped_problem: UserError | None = None
    try:
        shipped = _info("shipped", shipped_dir())
    except ModelBundleError as exc:
        shipped_problem = ModelBundleError(
            N_("The shipped hazard model cannot be read: {problem}"),
            N_("Reinstall SafetyDesk to restore it; rolling back is not possible until then."),
            problem=exc.message(),
        )
    active: ModelInfo | None = None
    try:
        current = active_model(ws)
        active = current.info
        problems.extend(current.problems)
        if shipped_problem is not None:
            problems.append(shipped_problem)
    except ModelBundleError as exc:
        problems.append(exc)  # already names the shipped model's problem
    workspace, refused = _workspace_infos(ws)
    problems.extend(refused)
    with ws.reader() as conn:
        counts = label_counts(conn)
        confirmed = len(confirmed_labels(conn))
    return ModelStatus(
        active=active,
        shipped=shipped,
        workspace=tuple(workspace),
        problems=tuple(_unique(problems)),
        labels=counts,
        confirmed=confirmed,
        training_data=training_data(),
        pointer=_active_name(ws),
    )


def _unique(problems: list[UserError]) -> list[UserError]:
    seen: set[str] = set()
    out = []
    for p in problems:
        if p.message() not in seen:
            seen.add(p.message())
            out.append(p)
    return out


def training_data() -> Path | None:
    from safetydesk.core.ml.hazard_data import default_osha_csv

    path = default_osha_csv()
    return path if path.is_file() else None


# -- retraining and rolling back -------------------------------------------------------------------


def retrain(
    ws: Workspace,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    osha_csv: Path | None = None,
    evaluate_new: bool = True,
) -> ModelInfo:
    """Train on the shipped data plus this workspace's confirmed labels, then make it active.

    Raises ``TrainingCancelledError`` when ``cancelled()`` turns true between stages (within one
    stage, a few seconds at most); the model in use is not changed then, nor on any error.
    """
    from safetydesk.core.ml import hazard_data, hazard_model
    from safetydesk.core.ml.bundle import save_bundle
    from safetydesk.core.queries.hazard_labels import confirmed_labels

    def stage(name: str) -> None:
        if cancelled is not None and cancelled():
            raise TrainingCancelledError(name)
        if progress is not None:
            progress(name, STAGES.index(name) + 1, len(STAGES))

    csv = osha_csv or training_data()
    if csv is None or not Path(csv).is_file():
        raise UserError(
            N_("The training data is not installed with this copy of SafetyDesk."),
            N_("The shipped model stays in use. Install the full SafetyDesk package to retrain."),
        )
    stage("data")
    osha = hazard_data.load_osha(csv)
    library = hazard_data.load_library()
    with ws.reader() as conn:
        confirmed = confirmed_labels(conn)
    training = hazard_model.build_training_set(osha.cases, library, confirmed)

    def model_stage(name: str) -> None:
        stage(name if name in STAGES else "group")

    model = hazard_model.train_model(training, stage=model_stage)
    stage("evaluate")
    metrics: dict[str, Any] = {}
    if evaluate_new:
        metrics = _quick_metrics(model, confirmed)
    stage("save")
    root = workspace_models_dir(ws)
    root.mkdir(parents=True, exist_ok=True)
    base, n = model.version, 1
    while (root / model.version).exists():  # two retrainings within one second
        n += 1
        model.version = f"{base}-{n}"
    tmp = root / f".{model.version}.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    provenance = {
        "osha": osha.provenance(),
        "catalogue_sha256": hazard_data.file_sha256(hazard_data.catalogue_path()),
        "library_rows": len(library),
        "confirmed_labels": len(confirmed),
        "training_rows": training.counts,
        "recipe": "shipped data + this workspace's confirmed labels",
    }
    try:
        save_bundle(model, tmp, provenance=provenance, metrics=metrics)
        if cancelled is not None and cancelled():
            raise TrainingCancelledError("save")
        final = root / model.version
        shutil.rmtree(final, ignore_errors=True)
        tmp.replace(final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _write_active(ws, final.name)
    return _info("workspace", final)


def _quick_metrics(model: HazardModel, confirmed: list[tuple[str, str]]) -> dict[str, Any]:
    """What can be measured in seconds: the held-out Korean set (never trained on)."""
    from safetydesk.core.ml.hazard_data import load_korean_eval
    from safetydesk.core.ml.hazard_eval import korean_metrics

    korean = korean_metrics(model, load_korean_eval(), n_boot=200, seed=0)
    return {
        "korean_eval": korean,
        "note": "retrained in the app: the Korean held-out set only; the OSHA holdouts are in the shipped model's metrics",
        "confirmed_labels": len(confirmed),
    }


def roll_back(ws: Workspace) -> None:
    """Use the shipped model again; retrained bundles stay on disk for the record."""
    _write_active(ws, None)


def activate(ws: Workspace, version: str) -> ModelInfo:
    """Use a retrained bundle kept in the workspace (refused, like on load, if it does not fit)."""
    folder = workspace_models_dir(ws) / version
    _load(folder)  # raises ModelBundleError with the reason
    _write_active(ws, version)
    return _info("workspace", folder)
