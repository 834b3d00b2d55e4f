"""Back-test of the area ranking on the workspace's own history (issue 5 part B).

For each past month: rank the areas with only the data known the day before the month starts, then
count how many of that month's incidents and near misses happened in the top-k areas. A scorer that
knows nothing puts ``k / areas`` of the events in its top k (chance). The learned scorer is retrained
for each month on the months that ended before it, so no month is scored by a model that saw it; in
months before there is enough history to train it, it scores as the fallback (as ``rank_areas``
does) and ``learned_months`` says how many months it really scored. Areas tied at the cut share
the remaining top-k slots (``areas.top_k_shares``), so hits can be fractional and a scorer that
cannot tell areas apart scores exactly chance.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Final, Literal

from safetydesk.core.ml.area_features import load_history
from safetydesk.core.ml.areas import (
    AUTO_COMPARE_MONTHS,
    auto_choice,
    default_k,
    hits,
    next_month,
    panel,
    scores_for,
    train,
)
from safetydesk.core.workspace.workspace import Workspace

Scorer = Literal["baseline", "fallback", "learned"]
SCORERS: Final[tuple[Scorer, ...]] = ("baseline", "fallback", "learned")


def wilson(hit: float, total: int, z: float = 1.96) -> tuple[float, float] | None:
    """95 % Wilson interval of a hit rate (events treated as independent, which flatters it a little)."""
    if total <= 0:
        return None
    p = hit / total
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return (round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4))


def backtest(
    ws: Workspace, as_of: date | None = None, *, months: int | None = 24, k: int | None = None
) -> dict[str, object]:
    """Hit rate at top-k of every scorer over the last ``months`` complete months (None: all of them).

    Returns a JSON-able dict: ``summary`` per scorer (hits, events, hit_rate, ci95, lift over chance),
    ``chance``, ``kept`` (the scorer ``rank_areas(method="auto", k=k)`` uses on ``as_of``: the best at
    this k on the last ``AUTO_COMPARE_MONTHS`` months, see ``areas.auto_choice``) and ``points`` per
    month for a small chart.
    """
    as_of = as_of or date.today()
    history = load_history(ws, as_of)
    n_areas = history.n_areas
    k = min(k or default_k(n_areas), max(n_areas, 1))
    snapshots = panel(history, as_of)
    observed = [s for s in snapshots if s.observed and next_month(s.start) <= as_of + timedelta(days=1)]
    if months is not None:
        observed = observed[-months:]

    totals: dict[str, list[float]] = {name: [0.0, 0.0] for name in SCORERS}
    learned_months = 0
    points: list[dict[str, object]] = []
    for snap in observed:
        model = train(snapshots, snap.start)
        learned_months += model is not None
        point_hits: dict[str, float] = {}
        events = int(snap.outcome.sum())
        for name in SCORERS:
            h, t = hits(scores_for(name, snap, model), snap.outcome, k)
            point_hits[name] = round(h, 4)
            totals[name][0] += h
            totals[name][1] += t
        points.append(
            {
                "month": snap.start.strftime("%Y-%m"),
                "events": events,
                "hits": point_hits,
                "hit_rate": {n: (round(h / events, 4) if events else None) for n, h in point_hits.items()},
                "learned_trained": model is not None,
            }
        )

    chance = k / n_areas if n_areas else 0.0
    summary: dict[str, dict[str, object]] = {}
    for scorer, (hit_sum, event_sum) in totals.items():
        rate = hit_sum / event_sum if event_sum else None
        summary[scorer] = {
            "hits": round(hit_sum, 4),
            "events": int(event_sum),
            "hit_rate": None if rate is None else round(rate, 4),
            "ci95": wilson(hit_sum, int(event_sum)),
            "lift": None if rate is None or not chance else round(rate / chance, 3),
        }
    kept = auto_choice(history, as_of, snapshots, k)
    return {
        "as_of": as_of.isoformat(),
        "areas": n_areas,
        "k": k,
        "chance": round(chance, 4),
        "months": len(observed),
        "learned_months": learned_months,
        "events": int(totals["baseline"][1]),
        "summary": summary,
        "kept": kept,
        "kept_over_months": AUTO_COMPARE_MONTHS,
        "points": points,
    }
