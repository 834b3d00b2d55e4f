"""The hazard reader: training from the shipped data (target ≤ 60 s), bundle size (≤ 15 MB), load time,
and suggestion latency as the app calls it (p95 target ≤ 10 ms), each in a fresh child process.

Usage: ``bench_hazard.py [--runs 3]``. Prints numbers; not a pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap

TRAIN = """
import json, resource, time
from pathlib import Path
from safetydesk.core.ml.bundle import train_bundle
from safetydesk.core.ml.hazard_data import default_osha_csv
t = time.perf_counter()
meta = train_bundle(Path({out!r}), osha_csv=default_osha_csv())
seconds = time.perf_counter() - t
size = sum(p.stat().st_size for p in Path({out!r}).iterdir())
print(json.dumps({{"seconds": seconds, "bytes": size, "rows": meta.provenance["training_rows"],
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

SUGGEST = """
import json, resource, time
from pathlib import Path
t = time.perf_counter()
from safetydesk.core.ml.bundle import load_bundle
model, meta = load_bundle(Path({out!r}))
load_s = time.perf_counter() - t
from safetydesk.core.ml.hazard_data import load_korean_eval, load_osha, default_osha_csv
korean = [i.text for i in load_korean_eval()]
english = [c.text for c in load_osha(default_osha_csv()).cases[:300]]
t = time.perf_counter(); model.suggest(korean[0]); first_ms = (time.perf_counter() - t) * 1000
out = {{"load_s": load_s, "first_ms": first_ms}}
for name, texts in (("korean", korean), ("english", english)):
    times = []
    for text in texts:
        t = time.perf_counter(); model.suggest(text); times.append((time.perf_counter() - t) * 1000)
    times.sort()
    out[name] = {{"n": len(times), "p50_ms": times[len(times) // 2], "p95_ms": times[int(len(times) * 0.95)]}}
out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def child(code: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True
    )
    data: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        trainings = [child(TRAIN.format(out=f"{tmp}/bundle{i}")) for i in range(args.runs)]
        seconds = [float(t["seconds"]) for t in trainings]  # type: ignore[arg-type]
        print(
            f"training from the shipped data: median {statistics.median(seconds):.1f} s "
            f"(runs {', '.join(f'{s:.1f}' for s in seconds)}; target ≤ 60 s); "
            f"peak RSS {max(float(t['peak_rss_mb']) for t in trainings):.0f} MB"  # type: ignore[arg-type]
        )
        print(f"training rows: {trainings[0]['rows']}")
        print(f"bundle size: {int(trainings[0]['bytes']) / 1e6:.1f} MB (target ≤ 15 MB)")  # type: ignore[call-overload]
        use = child(SUGGEST.format(out=f"{tmp}/bundle0"))
        print(f"load in a fresh process (imports included): {float(use['load_s']):.2f} s")  # type: ignore[arg-type]
        print(f"first suggestion after load: {float(use['first_ms']):.1f} ms")  # type: ignore[arg-type]
        for name in ("korean", "english"):
            lat = use[name]
            assert isinstance(lat, dict)
            print(
                f"suggest, {name} ({lat['n']} texts): p50 {lat['p50_ms']:.1f} ms, "
                f"p95 {lat['p95_ms']:.1f} ms (target p95 ≤ 10 ms)"
            )
        print(f"process RSS with the model loaded: {float(use['rss_mb']):.0f} MB")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
