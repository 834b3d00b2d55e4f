"""The completion rule and live rating of one KRAS item, without any I/O."""

from __future__ import annotations

from datetime import date

import pytest

from safetydesk.core.domain.risk import RiskInputError
from safetydesk.core.domain.risk_assessment import (
    Blocker,
    RiskItemData,
    completion_blockers,
    rate,
    safe_rate,
)
from safetydesk.core.legaldata import load_legal_data

KRAS = load_legal_data().risk_scale("kras_5x4", date(2026, 3, 2))
OPS = load_legal_data().risk_scale("ops", date(2026, 3, 2))


def test_rate_is_none_until_complete_and_raises_off_scale() -> None:
    assert rate(KRAS, likelihood=3) is None
    result = rate(KRAS, likelihood=3, severity=4)
    assert result is not None and result.score == 12 and not result.acceptable
    with pytest.raises(RiskInputError):
        rate(KRAS, likelihood=6, severity=1)
    assert safe_rate(KRAS, likelihood=6, severity=1) is None
    kept = rate(OPS, level="keep_current")
    assert kept is not None and kept.acceptable


def test_completion_blockers_follow_the_reduction_loop() -> None:
    base = RiskItemData(
        task="금형 교체", hazard_class="mechanical", situation="끼임", likelihood=3, severity=4
    )
    fine = RiskItemData(task="청소", hazard_class="other", situation="미끄러짐", likelihood=1, severity=1)
    measured = RiskItemData(**{**base.__dict__, "reduction_measures": "방호장치"})
    re_decided_bad = RiskItemData(**{**measured.__dict__, "residual_likelihood": 3, "residual_severity": 4})
    re_decided_ok = RiskItemData(**{**measured.__dict__, "residual_likelihood": 1, "residual_severity": 4})
    unrated = RiskItemData(task="운반", hazard_class="mechanical", situation="낙하")
    reasons = [
        b.reason
        for b in completion_blockers(KRAS, [base, fine, measured, re_decided_bad, re_decided_ok, unrated])
    ]
    assert reasons == [
        Blocker.NO_MEASURE,
        Blocker.NO_RESIDUAL,
        Blocker.RESIDUAL_UNACCEPTABLE,
        Blocker.NOT_RATED,
    ]
    numbers = [b.number for b in completion_blockers(KRAS, [fine, base])]
    assert numbers == [2]
