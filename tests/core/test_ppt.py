"""Personal targets from pain thresholds: the band follows the person, the ceiling never
rises above the region's."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotmeter.core.ppt import (
    CEILING_RATIO,
    TOLERANCE_RATIO,
    TRIALS,
    PptError,
    personal_targets,
)
from knotmeter.core.regions import get_region, load_regions

TRAPS = get_region("upper-trapezius")  # defaults 40-65 N, ceiling 110 N

forces = st.floats(min_value=0.5, max_value=300.0, allow_nan=False)


def test_the_first_press_is_dropped_and_the_band_runs_to_midway_to_tolerance() -> None:
    targets = personal_targets(TRAPS, [80.0, 44.0, 46.0])
    assert targets.ppt_n == pytest.approx(45.0)
    assert (targets.band_low_n, targets.band_high_n) == pytest.approx((45.0, 49.5))
    assert targets.ceiling_n == pytest.approx(63.0)  # 1.4 x PPT, under the region's 110 N
    assert targets.region_id == "upper-trapezius"


@given(region_id=st.sampled_from(sorted(load_regions())), taps=st.lists(forces, min_size=3))
def test_targets_are_ordered_and_never_exceed_the_regions_ceiling(
    region_id: str, taps: list[float]
) -> None:
    region = get_region(region_id)
    ppt = sum(taps[1:TRIALS]) / (TRIALS - 1)
    if (1 + TOLERANCE_RATIO) / 2 * ppt >= region.ceiling_n:
        # the band's top would reach the region's ceiling: refused, never stretched
        with pytest.raises(PptError, match="ceiling"):
            personal_targets(region, taps)
        return
    targets = personal_targets(region, taps)
    assert 0 < targets.band_low_n < targets.band_high_n < targets.ceiling_n
    assert targets.ceiling_n <= region.ceiling_n
    assert targets.ceiling_n <= CEILING_RATIO * ppt * (1 + 1e-12)
    assert targets.ppt_n == pytest.approx(ppt)


@pytest.mark.parametrize(
    ("taps", "message"),
    [
        ([40.0, 41.0], "3 presses are needed, 2 so far"),
        ([40.0, 0.0, 41.0], "a tap with no force on the tool"),
        ([40.0, 105.0, 108.0], "leaves no room under the Upper trapezius ceiling (110 N)"),
    ],
)
def test_taps_that_cannot_give_targets_say_why(taps: list[float], message: str) -> None:
    with pytest.raises(PptError, match=message.replace("(", r"\(").replace(")", r"\)")):
        personal_targets(TRAPS, taps)
