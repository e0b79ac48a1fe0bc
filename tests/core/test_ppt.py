"""Personal targets from pain thresholds: the tolerance formula, its guarantees, and the
inputs it refuses."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotmeter.core.config import RANGE_FRACTION
from knotmeter.core.ppt import (
    PptError,
    ceiling_cap_n,
    contact_area_cm2,
    personal_targets,
    ppt_floor_n,
    ramp_target_n_per_s,
    targets_from_ppt,
)
from knotmeter.core.regions import get_region, load_regions
from knotmeter.core.tools import Tool

TRAPS = get_region("upper-trapezius")  # defaults 40-65 N, ceiling 110 N, ball 7 cm²

regions = st.sampled_from(sorted(load_regions()))
tools = st.sampled_from(list(Tool))
ranges = st.none() | st.floats(min_value=20.0, max_value=1000.0)


def test_the_first_press_is_dropped_and_the_band_runs_to_midway_to_tolerance() -> None:
    targets = personal_targets(TRAPS, [80.0, 44.0, 46.0], measured_on=date(2026, 12, 2))
    tolerance = 1.2 * 45.0 + 4.7 * math.sqrt(7.0)  # 66.4 N
    assert targets.ppt_n == pytest.approx(45.0)
    assert (targets.band_low_n, targets.band_high_n) == pytest.approx((45.0, (45 + tolerance) / 2))
    assert targets.ceiling_n == pytest.approx(tolerance)
    assert (targets.region_id, targets.tool) == ("upper-trapezius", "ball")
    assert targets.trials == (80.0, 44.0, 46.0)
    assert targets.measured_on == date(2026, 12, 2)


def test_a_high_ppt_widens_the_band_downward_and_lifts_the_ceiling_to_15_percent() -> None:
    targets = targets_from_ppt(get_region("gluteus-medius"), Tool.BALL, 100.0)  # ceiling 220 N
    high = (100.0 + 1.2 * 100.0 + 4.7 * math.sqrt(7.0)) / 2
    assert targets.band_high_n == pytest.approx(high)  # the top stays the midpoint
    assert targets.band_low_n == pytest.approx(high * 0.9 / 1.1)  # under the PPT
    assert targets.ceiling_n == pytest.approx(1.15 * high)  # above the tolerance


def test_the_ramp_and_the_tolerance_scale_with_the_tools_contact() -> None:
    assert ramp_target_n_per_s(TRAPS, Tool.BALL) == pytest.approx(5 * math.sqrt(7))
    assert ramp_target_n_per_s(TRAPS, Tool.HOOK) == pytest.approx(5 * math.sqrt(2))
    masseter = get_region("masseter")  # fingertips, 1 cm²: a thumb is no bigger there
    assert contact_area_cm2(masseter, Tool.THUMB) == 1.0
    assert ceiling_cap_n(TRAPS, Tool.HOOK) == pytest.approx(110 * math.sqrt(2 / 7))
    assert ceiling_cap_n(TRAPS, Tool.BALL, full_scale_n=100.0) == pytest.approx(85.0)


@given(region_id=regions, tool=tools, ppt=st.floats(0.0, 400.0), full_scale=ranges)
def test_targets_keep_every_rule_or_are_refused(
    region_id: str, tool: Tool, ppt: float, full_scale: float | None
) -> None:
    region = get_region(region_id)
    try:
        targets = targets_from_ppt(region, tool, ppt, full_scale_n=full_scale)
    except PptError:
        return
    low, high, ceiling = targets.band_low_n, targets.band_high_n, targets.ceiling_n
    middle = (low + high) / 2
    assert 0 < low < high < ceiling
    assert (high - low) / 2 >= 0.10 * middle * (1 - 1e-9)  # ±10 % of its middle
    assert ceiling >= 1.15 * high * (1 - 1e-9)  # 15 % above the band's top
    assert ceiling <= ceiling_cap_n(region, tool) * (1 + 1e-9)  # the region's, for the tool
    if full_scale is not None:
        assert ceiling <= RANGE_FRACTION * full_scale * (1 + 1e-9)  # inside the range
    assert ppt >= ppt_floor_n(region, tool)
    assert low <= targets.ppt_n == ppt


@given(region_id=regions, tool=tools, ppt=st.floats(0.0, 400.0), full_scale=ranges)
def test_a_refused_ppt_breaks_a_named_rule(
    region_id: str, tool: Tool, ppt: float, full_scale: float | None
) -> None:
    region = get_region(region_id)
    too_low = ppt < ppt_floor_n(region, tool)
    high = (ppt + 1.2 * ppt + 4.7 * math.sqrt(contact_area_cm2(region, tool))) / 2
    no_room = 1.15 * high > ceiling_cap_n(region, tool, full_scale) * (1 + 1e-9)
    if too_low:
        with pytest.raises(PptError, match="failed measurement"):
            targets_from_ppt(region, tool, ppt, full_scale_n=full_scale)
    elif no_room:
        with pytest.raises(PptError, match="leaves no room"):
            targets_from_ppt(region, tool, ppt, full_scale_n=full_scale)


@pytest.mark.parametrize(
    ("taps", "message"),
    [
        ([40.0, 41.0], "3 presses are needed, 2 so far"),
        ([40.0, 2.0, 2.0], "2 N is under the 20 N a threshold on Upper trapezius can be"),
        ([300.0, 44.0, 46.0], "300 N is at or past the Upper trapezius ceiling"),
        ([60.0, 5.0, 80.0], "5 N is under the 20 N"),
        ([60.0, 40.0, 80.0], "differ by more than 25%: retake one press"),
        ([40.0, 90.0, 95.0], "leaves no room under the Upper trapezius ceiling"),
    ],
)
def test_taps_that_cannot_give_targets_say_why(taps: list[float], message: str) -> None:
    with pytest.raises(PptError, match=message):
        personal_targets(TRAPS, taps)


def test_a_retake_uses_the_last_two_presses() -> None:
    assert personal_targets(TRAPS, [60.0, 40.0, 80.0, 76.0]).ppt_n == pytest.approx(78.0)
