"""Personal targets from pain thresholds (REFERENCE §2, §7 "Personal band"): the tolerance
formula, a low repeatable threshold as a result, the session's ceiling as the cap, and
the inputs refused."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotmeter.core.ppt import (
    LOW_BAND,
    MIN_PPT_N,
    PptError,
    contact_area_cm2,
    low_ppt_n,
    personal_targets,
    ramp_target_n_per_s,
    remeasure_due,
    targets_from_ppt,
)
from knotmeter.core.regions import get_region, load_regions
from knotmeter.core.tools import Tool

TRAPS = get_region("upper-trapezius")  # defaults 40-65 N, ceiling 110 N, ball 7 cm²
CAP = 110.0

regions = st.sampled_from(sorted(load_regions()))
tools = st.sampled_from(list(Tool))
caps = st.floats(min_value=5.0, max_value=300.0)


def test_the_first_press_is_dropped_and_the_band_runs_to_midway_to_tolerance() -> None:
    targets = personal_targets(TRAPS, [80.0, 44.0, 46.0], cap_n=CAP, measured_on=date(2026, 12, 2))
    tolerance = 1.2 * 45.0 + 4.7 * math.sqrt(7.0)  # 66.4 N
    assert targets.ppt_n == pytest.approx(45.0)
    assert (targets.band_low_n, targets.band_high_n) == pytest.approx((45.0, (45 + tolerance) / 2))
    assert targets.ceiling_n == pytest.approx(tolerance)
    assert targets.trials == (80.0, 44.0, 46.0)
    assert not targets.low


def test_a_low_repeatable_ppt_is_a_result_at_or_under_it() -> None:
    """Issue 21: 17 N presses on the upper trapezius used to leave the band at 40-65 N."""
    targets = personal_targets(TRAPS, [18.0, 17.0, 17.0], cap_n=CAP)
    assert targets.low
    assert (targets.band_low_n, targets.band_high_n) == pytest.approx((0.8 * 17.0, 17.0))
    assert targets.band_high_n <= targets.ppt_n
    assert targets.ceiling_n >= 1.15 * targets.band_high_n


def test_under_5_n_is_noise_not_a_threshold() -> None:
    with pytest.raises(PptError, match="under the 5 N"):
        personal_targets(TRAPS, [6.0, 4.0, 4.5], cap_n=CAP)


def test_the_cap_is_the_sessions_ceiling_not_the_regions() -> None:
    """Under the light profile the upper trapezius ceiling is 55 N, not 110 N."""
    with pytest.raises(PptError, match="at or past your ceiling on Upper trapezius \\(55 N\\)"):
        personal_targets(TRAPS, [50.0, 60.0, 58.0], cap_n=55.0)
    targets = personal_targets(TRAPS, [40.0, 30.0, 31.0], cap_n=55.0)
    assert targets.ceiling_n <= 55.0


def test_the_ramp_and_the_tolerance_scale_with_the_tools_contact() -> None:
    assert ramp_target_n_per_s(TRAPS, Tool.BALL) == pytest.approx(5 * math.sqrt(7))
    assert ramp_target_n_per_s(TRAPS, Tool.HOOK) == pytest.approx(5 * math.sqrt(2))
    assert contact_area_cm2(get_region("masseter"), Tool.THUMB) == 1.0


@given(region_id=regions, tool=tools, ppt=st.floats(0.0, 400.0), cap=caps)
def test_targets_keep_every_rule_or_are_refused(
    region_id: str, tool: Tool, ppt: float, cap: float
) -> None:
    region = get_region(region_id)
    try:
        targets = targets_from_ppt(region, tool, ppt, cap_n=cap)
    except PptError:
        assert ppt < MIN_PPT_N or 1.15 * ppt * LOW_BAND[1] > cap * 0.999 or ppt * 1.15 > cap / 2
        return
    low, high, ceiling = targets.band_low_n, targets.band_high_n, targets.ceiling_n
    assert 0 < low < high < ceiling <= cap * (1 + 1e-9)
    assert ceiling >= 1.15 * high * (1 - 1e-9)
    assert ppt >= MIN_PPT_N
    if ppt < low_ppt_n(region, tool):  # never a band above a low measured PPT
        assert high <= ppt * (1 + 1e-9)
        assert targets.low
    else:
        assert low <= ppt <= high


@pytest.mark.parametrize(
    ("taps", "message"),
    [
        ([40.0, 41.0], "3 presses are needed, 2 so far"),
        ([40.0, 2.0, 2.0], "2 N is under the 5 N"),
        ([300.0, 44.0, 46.0], "300 N is at or past your ceiling"),
        ([60.0, 40.0, 80.0], "differ by more than 25%: retake one press"),
        ([40.0, 90.0, 95.0], "leaves no room under your ceiling"),
    ],
)
def test_taps_that_cannot_give_targets_say_why(taps: list[float], message: str) -> None:
    with pytest.raises(PptError, match=message):
        personal_targets(TRAPS, taps, cap_n=CAP)


def test_a_retake_uses_the_last_two_presses() -> None:
    assert personal_targets(TRAPS, [60.0, 40.0, 80.0, 76.0], cap_n=CAP).ppt_n == pytest.approx(78)


def test_a_measured_band_is_offered_again_after_14_days_or_a_flare() -> None:
    targets = personal_targets(TRAPS, [50.0, 44.0, 46.0], cap_n=CAP, measured_on=date(2026, 12, 1))
    assert remeasure_due(targets, date(2026, 12, 14), flare=False) is None
    assert "14 days" in (remeasure_due(targets, date(2026, 12, 15), flare=False) or "")
    assert "flare" in (remeasure_due(targets, date(2026, 12, 2), flare=True) or "")
