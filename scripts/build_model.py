#!/usr/bin/env python3
"""Build the shipped hazard model: ``resources/ml/hazard_model`` plus the training data it came from.

The installer build and ``scripts/bootstrap`` run this. It trains the hazard reader on the shipped
data (OSHA abstracts from ``../shared/data``, the bilingual catalogue, the template questions),
evaluates it (the metrics travel in the bundle's metadata and show on the Model screen) and copies
the OSHA file with its data card to ``resources/ml/training`` so the installed app can retrain
offline on a workspace's own labels.

The result is reused while its recipe is unchanged: the sha256 of the training files, of the model
code and the scikit-learn version are kept in ``recipe.sha256`` next to the bundle.

    scripts/build_model.py [--out DIR] [--no-evaluate] [--force]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
ML_CODE = ("hazard_model.py", "hazard_data.py", "hazard_eval.py", "bundle.py")


def recipe(csv: Path, evaluate: bool) -> str:
    import sklearn

    digest = hashlib.sha256()
    files = [csv, RESOURCES / "ml" / "hazard_catalogue.toml", RESOURCES / "ml" / "korean_eval.toml"]
    files += sorted((RESOURCES / "templates").glob("*.json"))
    files += [ROOT / "src" / "safetydesk" / "core" / "ml" / name for name in ML_CODE]
    for path in files:
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    digest.update(f"sklearn {sklearn.__version__}; evaluate {evaluate}".encode())
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=RESOURCES / "ml" / "hazard_model")
    parser.add_argument("--no-evaluate", action="store_true", help="skip the evaluation (no metrics)")
    parser.add_argument("--force", action="store_true", help="train even if the recipe is unchanged")
    args = parser.parse_args(argv)

    source = ROOT.parent / "shared" / "data" / "osha_imis_2015_2017"
    csv = source / "osha_accident_abstracts_2015_2017.csv"
    if not csv.is_file():
        print(f"build_model: the training data {csv} is not there; the shipped model cannot be built.")
        return 2
    training = RESOURCES / "ml" / "training"
    training.mkdir(parents=True, exist_ok=True)
    for name in (csv.name, "DATA_CARD.md"):
        if (source / name).is_file():
            shutil.copy2(source / name, training / name)

    evaluate = not args.no_evaluate
    wanted = recipe(csv, evaluate)
    stamp = args.out / "recipe.sha256"
    if not args.force and stamp.is_file() and stamp.read_text().strip() == wanted:
        print(f"build_model: {args.out} is up to date")
        return 0

    from safetydesk.core.ml.bundle import train_bundle
    from safetydesk.core.ml.hazard_data import load_korean_eval, load_library, load_osha
    from safetydesk.core.ml.hazard_eval import evaluate as run_evaluation

    started = time.perf_counter()
    metrics: dict[str, object] = {}
    if evaluate:
        print("build_model: evaluating (holdouts, bootstrap intervals)…", flush=True)
        metrics = run_evaluation(load_osha(csv), load_library(), load_korean_eval())
    evaluated = time.perf_counter() - started
    tmp = args.out.with_name(args.out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    meta = train_bundle(tmp, osha_csv=csv, metrics=metrics)
    (tmp / "recipe.sha256").write_text(wanted + "\n")
    shutil.rmtree(args.out, ignore_errors=True)
    tmp.replace(args.out)
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(
        f"build_model: {meta.version} in {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}"
        f" ({size / 1e6:.1f} MB; evaluation {evaluated:.0f} s, total {time.perf_counter() - started:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
