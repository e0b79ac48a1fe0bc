"""One prescription: every combination of its parts gives sane targets or a refusal."""

from __future__ import annotations

import doctest
import itertools
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotmeter.core import prescription
from knotmeter.core.config import BAND_HEADROOM, RANGE_FRACTION
from knotmeter.core.modes import Mode
from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.prescription import Prescription, Refused, Rx, prescribe
from knotmeter.core.regions import load_regions
from knotmeter.core.screening import LIGHT_CEILING_FACTOR, LightProfile
from knotmeter.core.tools import Tool

LIGHT = LightProfile(because=("bruising",))
RANGES: dict[str, float | None] = {"none": None, "small": 40.0, "big": 500.0}


def personal_for(region_id: str, tool: Tool) -> PersonalTargets:
    """A measured band a little under the point's default, as a PPT gives."""
    base = prescribe(Rx(region_id, tool=tool))
    assert isinstance(base, Prescription)
    low, high = 0.9 * base.config.band_low_n, 0.9 * base.config.band_high_n
    return PersonalTargets(region_id, low, low, high, 0.9 * base.config.ceiling_n, tool.value)


def check(rx: Rx) -> Prescription | Refused:
    """The invariants every prescription keeps; returns it for more checks."""
    got = prescribe(rx)
    if isinstance(got, Refused):
        assert got.reason
        return got
    config = got.config
    if rx.full_scale_n is not None:
        assert config.ceiling_n <= RANGE_FRACTION * rx.full_scale_n + 1e-9
        assert config.full_scale_n == rx.full_scale_n
    assert 0 < config.band_low_n < config.band_high_n
    assert config.band_high_n <= config.ceiling_n / BAND_HEADROOM + 1e-9
    assert config.ceiling_n <= got.provenance.unlit_ceiling_n + 1e-9
    assert config.tool is rx.tool
    assert got.provenance.band == ("default" if rx.personal is None else "yours")
    return got


CASES = list(
    itertools.product(load_regions(), Tool, RANGES, Mode, (False, True), (False, True), (0, 1))
)


@pytest.mark.parametrize(
    ("region_id", "tool", "range_name", "mode", "light", "personal", "lighter"), CASES
)
def test_every_combination(
    region_id: str,
    tool: Tool,
    range_name: str,
    mode: Mode,
    light: bool,
    personal: bool,
    lighter: int,
) -> None:
    rx = Rx(
        region_id,
        tool=tool,
        full_scale_n=RANGES[range_name],
        mode=mode,
        light=LIGHT if light else None,
        personal=personal_for(region_id, tool) if personal else None,
        lighter=lighter,
    )
    got = check(rx)
    if isinstance(got, Refused):
        # the only refusals: the light profile's neck and face, or a range too small
        assert (light and not LIGHT.allows(region_id)) or range_name == "small", got.reason
        if range_name == "small" and LIGHT.allows(region_id):
            assert "range is too small" in got.reason
        return
    # the light profile halves what the same prescription gives without it
    if light:
        unlit = prescribe(replace(rx, light=None))
        assert isinstance(unlit, Prescription)
        assert got.config.ceiling_n == pytest.approx(unlit.config.ceiling_n * LIGHT_CEILING_FACTOR)
        assert got.config.band_high_n == pytest.approx(
            unlit.config.band_high_n * LIGHT_CEILING_FACTOR
        )
    # the lighter step is applied exactly once: one step from the same Rx at 0
    if lighter:
        from knotmeter.core.modes import one_level_lighter

        before = prescribe(replace(rx, lighter=0))
        assert isinstance(before, Prescription)
        once = one_level_lighter(before.config)
        assert (got.config.band_low_n, got.config.band_high_n, got.config.ceiling_n) == (
            pytest.approx((once.band_low_n, once.band_high_n, once.ceiling_n))
        )
        assert got.config.ceiling_n < before.config.ceiling_n


def test_matrix_covers_every_part() -> None:
    assert len(CASES) == len(load_regions()) * 3 * 3 * 3 * 2 * 2 * 2


@given(
    region_id=st.sampled_from(list(load_regions())),
    tool=st.sampled_from(list(Tool)),
    full_scale_n=st.none() | st.floats(5.0, 2000.0),
    mode=st.sampled_from(list(Mode)),
    light=st.booleans(),
    lighter=st.integers(0, 3),
    override_s=st.none() | st.floats(5.0, 120.0),
)
def test_any_prescription_is_sane_or_refused(
    region_id: str,
    tool: Tool,
    full_scale_n: float | None,
    mode: Mode,
    light: bool,
    lighter: int,
    override_s: float | None,
) -> None:
    rx = Rx(
        region_id,
        tool=tool,
        full_scale_n=full_scale_n,
        mode=mode,
        light=LIGHT if light else None,
        lighter=lighter,
        override_s=override_s,
    )
    got = check(rx)
    if isinstance(got, Prescription) and lighter:
        fewer = prescribe(replace(rx, lighter=lighter - 1))
        assert isinstance(fewer, Prescription)
        assert got.config.ceiling_n <= fewer.config.ceiling_n


def test_refusals_name_the_case() -> None:
    assert prescribe(Rx("upper-trapezius", full_scale_n=30.0)) == Refused(
        "this tool's 30 N range is too small for the upper trapezius: band 40-65 N; use a "
        "tool with a larger range (a ceiling must stay under 25.5 N)"
    )
    masseter = prescribe(Rx("masseter", override_s=80.0))
    assert isinstance(masseter, Refused)
    assert "80 s is longer than the longest hold for Masseter (30-60 s)" in masseter.reason
    neck = prescribe(Rx("suboccipitals", light=LIGHT))
    assert isinstance(neck, Refused)
    assert "neck or face point" in neck.reason


def test_lighter_under_the_light_profile_lightens_once() -> None:
    """Issue 28: the rhomboids under the light profile after a 7/10: 32.6 N, not 16.3 N."""
    got = prescribe(Rx("rhomboids", light=LIGHT, lighter=1))
    assert isinstance(got, Prescription)
    assert got.config.ceiling_n == pytest.approx(32.6, abs=0.05)


def test_targets_measured_elsewhere_are_not_used() -> None:
    other = personal_for("rhomboids", Tool.BALL)
    got = prescribe(Rx("rhomboids", tool=Tool.HOOK, personal=other))
    assert isinstance(got, Prescription)
    assert got.provenance.band == "default"


def test_docstring_examples() -> None:
    result = doctest.testmod(prescription, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
