"""Flare and tender modes: lighter bands from the 3-6/10 scale, shorter holds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotmeter.core.config import PipelineConfig
from knotmeter.core.modes import Mode, apply_mode, at_levels, mode_targets, one_level_lighter
from knotmeter.core.regions import load_regions
from knotmeter.core.tools import Tool


def test_flare_presses_to_2_3_of_10_for_half_the_time() -> None:
    config = PipelineConfig.for_region("upper-trapezius")  # 40-65 N, 110 N, 60-90 s
    flare = apply_mode(config, Mode.FLARE)
    assert (flare.band_low_n, flare.band_high_n, flare.ceiling_n) == pytest.approx(
        (40 - 25 / 3, 40.0, 52.5)
    )
    assert (flare.hold_min_s, flare.cap_s, flare.target_s) == (30.0, 45.0, 30.0)


def test_tender_holds_20_to_30_s_lighter() -> None:
    config = PipelineConfig.for_region("upper-trapezius")
    tender = apply_mode(config, Mode.TENDER)
    assert (tender.band_low_n, tender.band_high_n, tender.ceiling_n) == pytest.approx(
        (40 - 25 / 3, 40 + 25 / 3, 40 + 2 * 25 / 3)
    )
    assert (tender.hold_min_s, tender.cap_s, tender.target_s) == (20.0, 30.0, 20.0)


def test_normal_changes_nothing() -> None:
    config = PipelineConfig.for_region("masseter", tool=Tool.THUMB)
    assert apply_mode(config, Mode.NORMAL) is config


bands = st.tuples(st.floats(1.0, 300.0), st.floats(1.01, 3.0), st.floats(1.01, 3.0)).map(
    lambda t: (t[0], t[0] * t[1], t[0] * t[1] * t[2])
)


@given(band=bands, mode=st.sampled_from([Mode.FLARE, Mode.TENDER]))
def test_a_mode_is_lighter_and_keeps_the_band_rules(
    band: tuple[float, float, float], mode: Mode
) -> None:
    low, high, ceiling = band
    t = mode_targets(low, high, ceiling, mode)
    middle = (t.band_low_n + t.band_high_n) / 2
    assert 0 < t.band_low_n < t.band_high_n < t.ceiling_n
    assert t.band_high_n <= high
    assert t.ceiling_n <= ceiling * (1 + 1e-12)
    assert (t.band_high_n - t.band_low_n) / 2 >= 0.1 * middle * (1 - 1e-9)
    assert t.ceiling_n >= 1.15 * t.band_high_n * (1 - 1e-9)


@given(
    region_id=st.sampled_from(sorted(load_regions())),
    tool=st.sampled_from(list(Tool)),
    mode=st.sampled_from(list(Mode)),
)
def test_every_point_can_be_coached_in_every_mode(region_id: str, tool: Tool, mode: Mode) -> None:
    config = PipelineConfig.for_region(region_id, tool=tool)
    adjusted = apply_mode(config, mode)
    assert adjusted.ceiling_n <= config.ceiling_n
    assert adjusted.cap_s <= config.cap_s
    assert adjusted.tool is tool


def test_after_a_painful_hold_the_next_starts_a_level_lower() -> None:
    config = PipelineConfig.for_region("upper-trapezius")  # 40-65 N: a level is 8.3 N
    lighter = one_level_lighter(config)
    assert (lighter.band_low_n, lighter.band_high_n, lighter.ceiling_n) == pytest.approx(
        (40 - 25 / 3, 65 - 25 / 3, 1.15 * (65 - 25 / 3))  # 15 % over the top beats 6/10
    )
    assert (lighter.hold_min_s, lighter.cap_s, lighter.target_s) == (
        config.hold_min_s,
        config.cap_s,
        config.target_s,
    )


@given(band=bands, levels=st.sampled_from([(2.0, 3.0, 4.5), (2.0, 4.0, 5.0), (2.0, 5.0, 6.0)]))
def test_any_levels_keep_the_band_rules(
    band: tuple[float, float, float], levels: tuple[float, float, float]
) -> None:
    low, high, ceiling = band
    t = at_levels(low, high, ceiling, levels)
    middle = (t.band_low_n + t.band_high_n) / 2
    assert 0 < t.band_low_n < t.band_high_n < t.ceiling_n <= ceiling * (1 + 1e-12)
    assert t.band_high_n <= high
    assert (t.band_high_n - t.band_low_n) / 2 >= 0.1 * middle * (1 - 1e-9)
    assert t.ceiling_n >= 1.15 * t.band_high_n * (1 - 1e-9)
