"""Rank plant areas by risk for the coming weeks, with the reasons in plain words (issue 5 part B).

Three scorers share one feature set (``area_features``); each returns the expected number of
incidents and near misses in the next 30 days per area:

- ``baseline``: the plain historical rate (every event the area ever had, per month observed);
- ``fallback``: a transparent empirical-Bayes rate — each area's event rate over the last two years
  shrunk toward the plant rate (Gamma–Poisson, prior fitted by moments) — raised by fixed,
  documented weights on the leading indicators (``FALLBACK_WEIGHTS``);
- ``learned``: a ridge-penalised Poisson regression of next-month events on the indicators and the
  shrunk rate, trained on the workspace's own monthly history; used only with enough history.

``method="auto"`` keeps whichever scorer put more of the last ``AUTO_COMPARE_MONTHS`` months'
events in its top k — all three once there is enough history to train the learned one, otherwise the
fallback and the baseline (ties go to the fallback, the one a person can check by hand, then to the
learned one). ``area_backtest`` reports the same choice as ``kept``. The model suggests; a person decides (DESIGN.md §7).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final, Literal

import numpy as np
from numpy.typing import NDArray

from safetydesk.core.domain.plant import EXTRA_KINDS, HAZARD_TAG_LABELS
from safetydesk.core.i18n import N_, _
from safetydesk.core.ml.area_features import (
    FEATURE_NAMES,
    AreaFeatures,
    AreaHistory,
    feature_matrix,
    features_at,
    load_history,
)
from safetydesk.core.workspace.workspace import Workspace

Method = Literal["auto", "learned", "fallback", "baseline"]
F64 = NDArray[np.float64]

MONTH_DAYS: Final = 30
EB_WINDOW_DAYS: Final = 730
#: The learned scorer needs at least this much history to be trained at all.
MIN_TRAIN_MONTHS: Final = 12
MIN_TRAIN_EVENTS: Final = 20
#: Months before the ranking date on which ``auto`` compares the learned scorer with the fallback.
AUTO_COMPARE_MONTHS: Final = 24
RIDGE: Final = 3.0
#: Fallback: each unit of an indicator raises the area's shrunk event rate by this fraction.
FALLBACK_WEIGHTS: Final[Mapping[str, float]] = {
    "failed_weighted_30": 0.03,
    "failed_weighted_90": 0.01,
    "open_actions": 0.03,
    "overdue_actions": 0.08,
    "near_misses_90": 0.15,
    "incidents_365": 0.10,
    "unacceptable_risks": 0.10,
    "high_risk_equipment": 0.10,
    "high_risk_work": 0.10,
    "log_workers": 0.10,
    "inspection_gap": 0.05,
    "always_perfect": 0.10,
    "single_inspector": 0.10,
}

_KIND_LABELS: Final[dict[str, tuple[str, str]]] = {
    **HAZARD_TAG_LABELS,
    **{k.code: (k.label_ko, k.label_en) for k in EXTRA_KINDS},
    "shear": ("전단기", "Shear"),
    "industrial_robot": ("산업용 로봇", "Industrial robot"),
}


@dataclass(frozen=True)
class BiText:
    """A parameter that differs by language (an item's wording, a machine kind)."""

    ko: str
    en: str

    def get(self, lang: str) -> str:
        return self.ko if lang.lower().startswith("ko") else self.en


Param = int | float | str | BiText


@dataclass(frozen=True)
class Reason:
    """One plain-language reason: an English msgid (translated by the catalogue) and its parameters."""

    key: str  # the indicator it explains ("overdue_actions", "event_rate", ...)
    msgid: str
    params: Mapping[str, Param]
    weight: float  # share of the score it explains (for ordering and bar lengths)

    def render(self, lang: str | None = None) -> str:
        from safetydesk.core.i18n import current_language

        lang = lang or current_language()
        values = {k: (v.get(lang) if isinstance(v, BiText) else v) for k, v in self.params.items()}
        return _(self.msgid, lang).format(**values)

    def to_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "msgid": self.msgid,
            "params": {
                k: ({"ko": v.ko, "en": v.en} if isinstance(v, BiText) else v) for k, v in self.params.items()
            },
            "weight": round(self.weight, 4),
            "text_en": self.render("en"),
            "text_ko": self.render("ko"),
        }


@dataclass(frozen=True)
class AreaScore:
    area_id: str
    code: str
    name: str
    name_en: str
    score: float  # expected incidents + near misses in the next 30 days
    rank: int
    reasons: tuple[Reason, ...]  # why this score, strongest first
    method: str
    features: AreaFeatures = field(repr=False)
    #: Other leading indicators worth a look that the chosen scorer did not weigh (e.g. the historical
    #: baseline sees only past events), ordered by the fallback's weights.
    signals: tuple[Reason, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "area_id": self.area_id,
            "code": self.code,
            "name": self.name,
            "name_en": self.name_en,
            "score": round(self.score, 4),
            "rank": self.rank,
            "method": self.method,
            "reasons": [r.to_dict() for r in self.reasons],
            "signals": [r.to_dict() for r in self.signals],
        }


# --------------------------------------------------------------------------- rates


@dataclass(frozen=True)
class Rates:
    """Per-area event rates per month known on one day."""

    raw: F64  # the area's own rate over the empirical-Bayes window
    shrunk: F64  # empirical-Bayes posterior mean
    plant: float  # mean rate of an area
    counts: F64  # events in the window
    months: float  # window length
    all_time: F64  # every event before the day (historical-rate baseline)
    history_months: float  # months since the history starts


def rates_at(history: AreaHistory, as_of: date) -> Rates:
    n = history.n_areas
    hi = as_of.toordinal() + 1
    events = history.events()
    lo = max(hi - EB_WINDOW_DAYS, history.first_day)
    months = max(hi - lo, MONTH_DAYS) / MONTH_DAYS
    counts = events.window(n, lo, hi)
    all_time = events.window(n, history.first_day, hi)
    raw = counts / months
    plant = float(raw.mean()) if n else 0.0
    # Gamma prior by moments: between-area variance is what the Poisson noise does not explain.
    between = float(raw.var()) - plant / months if n > 1 else 0.0
    if plant <= 0:
        shrunk = np.full(n, 0.5 / (months * max(n, 1)))
    elif between <= 1e-9:
        shrunk = np.full(n, plant)
    else:
        alpha, beta = plant * plant / between, plant / between
        shrunk = (alpha + counts) / (beta + months)
    return Rates(
        raw, shrunk, plant, counts, months, all_time, max(hi - history.first_day, MONTH_DAYS) / MONTH_DAYS
    )


# --------------------------------------------------------------------------- learned scorer


@dataclass(frozen=True)
class PoissonModel:
    mean: F64
    scale: F64
    coef: F64  # intercept first
    rows: int
    events: int

    def design(self, x: F64) -> F64:
        return (x - self.mean) / self.scale

    def predict(self, x: F64) -> F64:
        z = self.design(x)
        return np.asarray(np.exp(np.clip(self.coef[0] + z @ self.coef[1:], -30, 30)), dtype=np.float64)

    def contributions(self, x: F64) -> F64:
        """Log-rate push of each column: only an indicator above the training average that raises risk.

        A below-average value of an indicator with a negative weight also raises the rate, but
        "fewer failed checks than usual" is no reason a person can act on, so it is not shown.
        """
        z = self.design(x)
        coef = self.coef[1:]
        return np.asarray(np.where((z > 0) & (coef > 0), z * coef, 0.0), dtype=np.float64)


def fit_poisson(x: F64, y: F64, ridge: float = RIDGE) -> PoissonModel:
    """Ridge Poisson regression by Newton's method (standardised columns, intercept not penalised)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    design = np.hstack([np.ones((len(z), 1)), z])
    penalty = np.full(design.shape[1], ridge)
    penalty[0] = 0.0
    coef = np.zeros(design.shape[1])
    coef[0] = np.log(max(float(y.mean()), 1e-3))
    for _step in range(50):
        mu = np.exp(np.clip(design @ coef, -30, 30))
        grad = design.T @ (y - mu) - penalty * coef
        hess = design.T @ (design * mu[:, None]) + np.diag(penalty) + 1e-9 * np.eye(len(coef))
        step = np.linalg.solve(hess, grad)
        coef = coef + step
        if float(np.abs(step).max()) < 1e-7:
            break
    return PoissonModel(mean, scale, coef, len(y), int(y.sum()))


def _with_rate(x: F64, rates: Rates) -> F64:
    return np.hstack([x, np.log(rates.shrunk + 1e-3)[:, None]])


LEARNED_COLUMNS: Final = (*FEATURE_NAMES, "event_rate")


# --------------------------------------------------------------------------- monthly panel


def month_starts(first: date, last: date) -> list[date]:
    """First days of every month after ``first`` up to ``last`` (inclusive)."""
    out: list[date] = []
    d = date(first.year, first.month, 1)
    while d <= last:
        if d > first:
            out.append(d)
        d = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return out


def next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


@dataclass(frozen=True)
class Snapshot:
    """Indicators on the day before ``start`` and the events of the month from ``start``."""

    start: date
    features: list[AreaFeatures]
    x: F64
    rates: Rates
    outcome: F64  # events per area in [start, next month start)
    observed: bool  # the whole month lies in the known history


def snapshot(history: AreaHistory, start: date, known_until: date) -> Snapshot:
    as_of = start - timedelta(days=1)
    features = features_at(history, as_of, with_items=False)
    end = next_month(start)
    outcome = history.events().window(history.n_areas, start.toordinal(), end.toordinal())
    return Snapshot(
        start,
        features,
        feature_matrix(features),
        rates_at(history, as_of),
        outcome,
        end <= known_until + timedelta(days=1),
    )


def panel(history: AreaHistory, known_until: date, warmup_days: int = 90) -> list[Snapshot]:
    """One snapshot per month start, from ``warmup_days`` after the history starts."""
    first = date.fromordinal(history.first_day + warmup_days)
    return [snapshot(history, s, known_until) for s in month_starts(first, known_until)]


def train(snapshots: Sequence[Snapshot], before: date) -> PoissonModel | None:
    """Fit on every fully observed month that ends by ``before``; None without enough history."""
    usable = [s for s in snapshots if s.observed and next_month(s.start) <= before]
    if len(usable) < MIN_TRAIN_MONTHS:
        return None
    x = np.vstack([_with_rate(s.x, s.rates) for s in usable])
    y = np.concatenate([s.outcome for s in usable])
    if y.sum() < MIN_TRAIN_EVENTS:
        return None
    return fit_poisson(x, y)


# --------------------------------------------------------------------------- scoring


def score_baseline(rates: Rates) -> F64:
    return np.asarray(rates.all_time / rates.history_months, dtype=np.float64)


def score_fallback(x: F64, rates: Rates) -> tuple[F64, F64]:
    """Scores and the per-indicator share of each (columns: FEATURE_NAMES then the base rate)."""
    w = np.asarray([FALLBACK_WEIGHTS[name] for name in FEATURE_NAMES])
    lift = x * w
    score = rates.shrunk * (1.0 + lift.sum(axis=1))
    parts = np.hstack([rates.shrunk[:, None] * lift, rates.shrunk[:, None]])
    return score, parts


def score_learned(model: PoissonModel, x: F64, rates: Rates) -> tuple[F64, F64]:
    full = _with_rate(x, rates)
    return model.predict(full), model.contributions(full)


def scores_for(
    method: Literal["learned", "fallback", "baseline"], snap: Snapshot, model: PoissonModel | None
) -> F64:
    if method == "baseline":
        return score_baseline(snap.rates)
    if method == "learned" and model is not None:
        return score_learned(model, snap.x, snap.rates)[0]
    return score_fallback(snap.x, snap.rates)[0]


def top_k_shares(scores: F64, k: int) -> F64:
    """How much of a top-k slot each area holds: 1 above the cut, a fair share when tied at the cut.

    Areas tied at the k-th score share the remaining slots evenly, so a scorer that cannot tell
    areas apart (all zeros early in the history) gets exactly chance, not lucky hits from a fixed order.
    """
    n = len(scores)
    if n == 0 or k <= 0:
        return np.zeros(n)
    if k >= n:
        return np.ones(n)
    cut = float(np.sort(scores)[::-1][k - 1])
    above = scores > cut + 1e-12
    tied = np.abs(scores - cut) <= 1e-12
    share = np.where(above, 1.0, 0.0)
    share[tied] = (k - int(above.sum())) / int(tied.sum())
    return share


def default_k(n_areas: int) -> int:
    return max(1, -(-n_areas // 4))


def hits(scores: F64, outcome: F64, k: int) -> tuple[float, int]:
    """(events that happened in the top-k areas, all events) for one month; ties count their share."""
    return float(top_k_shares(scores, k) @ outcome), int(outcome.sum())


#: When scorers back-test equally, keep the one a person can check by hand.
PREFERENCE: Final = ("fallback", "learned", "baseline")


def choose(totals: Mapping[str, tuple[float, int]]) -> str:
    """The scorer with the most hits (same events for all); ties go by ``PREFERENCE``."""
    usable = [name for name in PREFERENCE if totals.get(name, (0, 0))[1] > 0]
    if not usable:
        return "fallback"
    return max(usable, key=lambda name: (round(totals[name][0], 6), -PREFERENCE.index(name)))


def compare_recent(
    snapshots: Sequence[Snapshot],
    until: date,
    months: int = AUTO_COMPARE_MONTHS,
    *,
    with_learned: bool = True,
    k: int | None = None,
) -> dict[str, tuple[float, int]]:
    """Hits and events of the scorers over the last ``months`` observed months.

    With ``with_learned`` only the months the learned scorer could be trained for count, so all
    three are compared on the same events.
    """
    recent = [s for s in snapshots if s.observed and next_month(s.start) <= until + timedelta(days=1)]
    names: tuple[Literal["learned", "fallback", "baseline"], ...] = (
        ("learned", "fallback", "baseline") if with_learned else ("fallback", "baseline")
    )
    out: dict[str, tuple[float, int]] = dict.fromkeys(names, (0, 0))
    for snap in recent[-months:]:
        model = train(snapshots, snap.start) if with_learned else None
        if with_learned and model is None:
            continue
        for name in names:
            h, t = hits(scores_for(name, snap, model), snap.outcome, k or default_k(len(snap.outcome)))
            out[name] = (out[name][0] + h, out[name][1] + t)
    return out


def auto_choice(
    history: AreaHistory,
    as_of: date,
    snapshots: Sequence[Snapshot] | None = None,
    k: int | None = None,
) -> str:
    """The scorer ``method="auto"`` uses on ``as_of`` (see the module docstring); k: top-k compared."""
    snapshots = panel(history, as_of) if snapshots is None else snapshots
    learnable = train(snapshots, as_of + timedelta(days=1)) is not None
    return choose(compare_recent(snapshots, as_of, with_learned=learnable, k=k))


def rank_areas(
    ws: Workspace,
    as_of: date | None = None,
    *,
    method: Method = "auto",
    max_reasons: int = 4,
    history: AreaHistory | None = None,
    k: int | None = None,
) -> list[AreaScore]:
    """Every area, highest expected incidents + near misses in the next 30 days first.

    ``history`` reuses an already loaded ``AreaHistory``; ``k`` is the top-k that ``auto`` compares
    the scorers on (default: a quarter of the areas, rounded up).
    """
    as_of = as_of or date.today()
    history = history or load_history(ws, as_of)
    if not history.areas:
        return []
    features = features_at(history, as_of)
    x = feature_matrix(features)
    rates = rates_at(history, as_of)

    model: PoissonModel | None = None
    chosen: str = method
    if method in ("auto", "learned"):
        snapshots = panel(history, as_of)
        if method == "auto":
            chosen = auto_choice(history, as_of, snapshots, k)
        if chosen == "learned":
            model = train(snapshots, as_of + timedelta(days=1))
            chosen = "learned" if model is not None else "fallback"

    if chosen == "learned" and model is not None:
        scores, parts = score_learned(model, x, rates)
        columns: tuple[str, ...] = LEARNED_COLUMNS
    elif chosen == "baseline":
        scores = score_baseline(rates)
        parts = np.asarray(rates.all_time, dtype=np.float64)[:, None]
        columns = ("event_history",)
    else:
        chosen = "fallback"
        scores, parts = score_fallback(x, rates)
        columns = (*FEATURE_NAMES, "event_rate")

    fallback_parts = score_fallback(x, rates)[1]
    fallback_columns = (*FEATURE_NAMES, "event_rate")
    order = np.argsort(-scores, kind="stable")
    out: list[AreaScore] = []
    for rank, i in enumerate(order, start=1):
        f = features[int(i)]
        reasons = explain(f, rates, int(i), dict(zip(columns, parts[int(i)], strict=True)), max_reasons)
        shown = {r.key for r in reasons} | {"event_rate", "event_history"}
        signals = tuple(
            r
            for r in explain(
                f, rates, int(i), dict(zip(fallback_columns, fallback_parts[int(i)], strict=True)), 99
            )
            if r.key not in shown
        )[:max_reasons]
        out.append(
            AreaScore(
                area_id=f.area.id,
                code=f.area.code,
                name=f.area.name,
                name_en=f.area.name_en,
                score=float(scores[int(i)]),
                rank=rank,
                reasons=reasons,
                method=chosen,
                features=f,
                signals=signals,
            )
        )
    return out


# --------------------------------------------------------------------------- reasons


def _kinds(codes: Sequence[str]) -> BiText:
    labels = [_KIND_LABELS.get(c, (c, c)) for c in codes]
    return BiText(", ".join(ko for ko, _en in labels), ", ".join(en for _ko, en in labels))


def _candidates(f: AreaFeatures, rates: Rates, i: int) -> dict[str, Reason]:
    """The sentence each indicator would say about this area, if it says anything."""
    out: dict[str, Reason] = {}

    def add(key: str, msgid: str, **params: Param) -> None:
        out[key] = Reason(key, msgid, params, 0.0)

    top = f.top_failure
    for key, count, days in (
        ("failed_weighted_30", f.failed_30, 30),
        ("failed_weighted_90", f.failed_90, 90),
    ):
        if count and top is not None:
            item = BiText(top.question.text_ko, top.question.text_en)
            if top.days == days and top.count > 1:
                add(
                    key,
                    N_("{count} failed checks of “{item}” in {days} days ({total} failed items in all)"),
                    count=top.count,
                    item=item,
                    days=days,
                    total=count,
                )
            else:
                add(
                    key,
                    N_("{count} failed checklist items in {days} days, e.g. “{item}”")
                    if count > 1
                    else N_("1 failed checklist item in {days} days: “{item}”"),
                    count=count,
                    days=days,
                    item=item,
                )
    if f.open_actions:
        add(
            "open_actions",
            N_("{count} open corrective actions") if f.open_actions > 1 else N_("1 open corrective action"),
            count=f.open_actions,
        )
    if f.overdue_actions:
        add(
            "overdue_actions",
            N_("{count} overdue corrective actions")
            if f.overdue_actions > 1
            else N_("1 overdue corrective action"),
            count=f.overdue_actions,
        )
    if f.near_misses_90:
        add(
            "near_misses_90",
            N_("{count} near misses in {days} days")
            if f.near_misses_90 > 1
            else N_("1 near miss in {days} days"),
            count=f.near_misses_90,
            days=90,
        )
    if f.incidents_365:
        add(
            "incidents_365",
            N_("{count} incidents in {days} days")
            if f.incidents_365 > 1
            else N_("1 incident in {days} days"),
            count=f.incidents_365,
            days=365,
        )
    if f.unacceptable_risks:
        add(
            "unacceptable_risks",
            N_("{count} unacceptable risk-assessment items without completed controls")
            if f.unacceptable_risks > 1
            else N_("1 unacceptable risk-assessment item without completed controls"),
            count=f.unacceptable_risks,
        )
    if f.high_risk_equipment:
        add("high_risk_equipment", N_("High-risk equipment: {kinds}"), kinds=_kinds(f.high_risk_equipment))
    if f.high_risk_work:
        add("high_risk_work", N_("High-risk work: {kinds}"), kinds=_kinds(f.high_risk_work))
    if f.workers:
        add(
            "log_workers",
            N_("{count} workers exposed") if f.workers > 1 else N_("1 worker exposed"),
            count=f.workers,
        )
    if f.days_since_inspection is None:
        add("inspection_gap", N_("No inspection on record"))
    elif f.days_since_inspection > 45:
        add("inspection_gap", N_("No inspection for {days} days"), days=f.days_since_inspection)
    if f.inspections_90 >= 3 and (f.perfect_share_90 or 0.0) >= 0.999:
        add(
            "always_perfect",
            N_("All {count} inspections in {days} days scored 100%"),
            count=f.inspections_90,
            days=90,
        )
    if f.inspections_90 >= 3 and f.inspectors_90 == 1:
        add(
            "single_inspector",
            N_("All {count} inspections in {days} days by one inspector"),
            count=f.inspections_90,
            days=90,
        )
    if rates.all_time[i] > float(rates.all_time.mean()):
        add(
            "event_history",
            N_("{count} incidents and near misses on record (area average {average})"),
            count=int(rates.all_time[i]),
            average=round(float(rates.all_time.mean()), 1),
        )
    if rates.counts[i] > rates.plant * rates.months:
        add(
            "event_rate",
            N_("{count} incidents and near misses in {months} months (area average {average})"),
            count=int(rates.counts[i]),
            months=round(rates.months),
            average=round(rates.plant * rates.months, 1),
        )
    return out


def explain(
    f: AreaFeatures, rates: Rates, i: int, parts: Mapping[str, float], limit: int = 4
) -> tuple[Reason, ...]:
    """The area's strongest reasons: indicators that push its score up, largest push first."""
    candidates = _candidates(f, rates, i)
    if "failed_weighted_30" in candidates and "failed_weighted_90" in candidates:
        # one sentence about failed checks is enough; keep the window that pushes harder
        weaker = min(("failed_weighted_30", "failed_weighted_90"), key=lambda key: float(parts.get(key, 0.0)))
        candidates.pop(weaker)
    positive = {k: float(v) for k, v in parts.items() if k in candidates and float(v) > 0}
    total = sum(positive.values()) or 1.0
    ranked = sorted(positive, key=lambda k: -positive[k])[:limit]
    return tuple(
        Reason(key, candidates[key].msgid, candidates[key].params, positive[key] / total) for key in ranked
    )
