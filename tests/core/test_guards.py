"""The safety guards hold for every input: properties over random presses and tares.

"True newtons" are what the tool reports, whose zero is right at the start: whatever
tares happen, a press at the ceiling in true newtons is "too hard", a tool at full
scale is "too hard", and a point pressed past its longest hold is told so.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from knotmeter.core import AlarmKind, Pipeline, PipelineConfig, SampleBatch
from knotmeter.core.alarms import ALARM_TABLE, HARD_ALARMS, most_urgent
from knotmeter.core.events import Cue
from knotmeter.core.tools import Tool

REGIONS = ["upper-trapezius", "masseter", "gluteus-medius", "levator-scapulae"]
# A press profile: knots of (seconds since the previous knot, force), sampled at 80 Hz.
knots = st.lists(st.tuples(st.floats(0.05, 8.0), st.floats(-20.0, 260.0)), min_size=2, max_size=10)


def sampled(profile: list[tuple[float, float]], seed: int) -> tuple[list[float], list[float]]:
    times = np.cumsum([dt for dt, _ in profile])
    t = np.arange(times[0], times[-1], 0.0125)
    force = np.interp(t, times, [f for _, f in profile])
    force += np.random.default_rng(seed).normal(0.0, 0.3, t.size)
    return t.tolist(), force.tolist()


def median3(a: float, b: float, c: float) -> float:
    return sorted((a, b, c))[1]


@settings(max_examples=60, deadline=None)
@given(
    profile=knots,
    seed=st.integers(0, 2**16),
    region=st.sampled_from(REGIONS),
    tool=st.sampled_from(list(Tool)),
    full_scale=st.one_of(st.none(), st.floats(120.0, 500.0)),
    tare_every=st.integers(5, 400),
)
def test_too_hard_is_never_missed_whatever_the_tares(
    profile: list[tuple[float, float]],
    seed: int,
    region: str,
    tool: Tool,
    full_scale: float | None,
    tare_every: int,
) -> None:
    config = PipelineConfig.for_region(region, tool=tool, full_scale_n=full_scale)
    pipeline = Pipeline(config)
    t, force = sampled(profile, seed)
    history = [0.0, 0.0]  # the spike filter starts from an unloaded tool
    at_scale = 0
    for i, (ti, fi) in enumerate(zip(t, force, strict=True)):
        pipeline.feed(SampleBatch(np.array([ti]), np.array([fi])))
        if i % tare_every == tare_every - 1:
            pipeline.tare()
        true_median = median3(history[-2], history[-1], fi)
        history.append(fi)
        at_scale = at_scale + 1 if full_scale is not None and fi >= 0.98 * full_scale else 0
        if i == 0:
            continue  # the first sample only fills the filter's history
        alarms = pipeline.state.alarms
        if true_median >= config.ceiling_n or at_scale >= 2:
            hard = frozenset(alarms & HARD_ALARMS)
            assert AlarmKind.OVER_CEILING in alarms or AlarmKind.SATURATION in alarms, (ti, fi)
            lead = most_urgent(hard)
            assert lead is not None
            assert ALARM_TABLE[lead].cue is Cue.TOO_HARD


@settings(max_examples=60, deadline=None)
@given(profile=knots, seed=st.integers(0, 2**16), region=st.sampled_from(REGIONS))
def test_pressing_time_never_passes_the_cap_without_long_hold(
    profile: list[tuple[float, float]], seed: int, region: str
) -> None:
    config = dataclasses.replace(
        PipelineConfig.for_region(region), cap_s=10.0, rest_s=4.0, target_s=5.0, hold_min_s=5.0
    )
    pipeline = Pipeline(config)
    t, force = sampled(profile * 3, seed)
    for start in range(0, len(t), 7):
        pipeline.feed(
            SampleBatch(np.array(t[start : start + 7]), np.array(force[start : start + 7]))
        )
        state = pipeline.state
        assert state.pressing_s < config.cap_s or AlarmKind.LONG_HOLD in state.alarms


@settings(max_examples=80, deadline=None)
@given(
    profile=knots,
    seed=st.integers(0, 2**16),
    tare_every=st.integers(3, 120),
)
def test_no_tare_lowers_readings_by_more_than_the_window(
    profile: list[tuple[float, float]], seed: int, tare_every: int
) -> None:
    config = PipelineConfig.for_region("upper-trapezius")
    pipeline = Pipeline(config)
    t, force = sampled(profile, seed)
    start_offset = pipeline.calibration.offset_n
    lowest = start_offset
    for i in range(0, len(t), 4):
        pipeline.feed(SampleBatch(np.array(t[i : i + 4]), np.array(force[i : i + 4])))
        if (i // 4) % tare_every == 0:
            bad_zero = AlarmKind.BAD_ZERO in pipeline.state.alarms
            before = pipeline.calibration.offset_n
            result = pipeline.tare()
            after = pipeline.calibration.offset_n
            window = config.zero_window_n + 1e-9
            if not result.ok:
                assert after == before
            else:
                assert after - before <= window
                # Only a tool that read impossibly low for 2 s may move the zero further down.
                assert before - after <= window or bad_zero
        lowest = min(lowest, pipeline.calibration.offset_n)
        assert pipeline.calibration.offset_n - lowest <= config.zero_window_n + 1e-6


def test_a_loaded_tare_is_refused_so_a_hard_press_still_rings() -> None:
    """Finding 1: tare during a steady 60 N press, then press 160 N."""
    pipeline = Pipeline(PipelineConfig.for_region("upper-trapezius"))
    t = np.arange(0.0, 3.0, 0.0125)
    pipeline.feed(SampleBatch(t, np.full(t.size, 60.0)))
    assert not pipeline.tare().ok
    t2 = np.arange(3.0, 5.0, 0.0125)
    pipeline.feed(SampleBatch(t2, np.full(t2.size, 160.0)))
    assert AlarmKind.OVER_CEILING in pipeline.state.alarms


def test_a_zero_far_below_the_window_is_bad_zero_then_tare_fixes_it() -> None:
    pipeline = Pipeline(PipelineConfig.for_region("upper-trapezius"))
    t = np.arange(0.0, 1.9, 0.0125)
    pipeline.feed(SampleBatch(t, np.full(t.size, -60.0)))
    assert AlarmKind.BAD_ZERO not in pipeline.state.alarms  # not yet 2 s
    t2 = np.arange(1.9, 2.6, 0.0125)
    pipeline.feed(SampleBatch(t2, np.full(t2.size, -60.0)))
    assert AlarmKind.BAD_ZERO in pipeline.state.alarms
    assert pipeline.tare().ok
    t3 = np.arange(2.6, 3.0, 0.0125)
    pipeline.feed(SampleBatch(t3, np.full(t3.size, -60.0)))
    assert AlarmKind.BAD_ZERO not in pipeline.state.alarms
    assert math.isclose(pipeline.state.force_n, 0.0, abs_tol=0.5)


def test_the_ramp_limit_follows_the_point() -> None:
    """Finding 5: masseter 0 -> 22 N at 30 N/s is too fast; upper trapezius at 30 N/s is not."""
    for region, top, expected in (("masseter", 22.0, True), ("upper-trapezius", 55.0, False)):
        pipeline = Pipeline(PipelineConfig.for_region(region))
        t = np.arange(0.0, 4.0, 0.0125)
        force = np.clip((t - 1.0) * 30.0, 0.0, top)
        events = pipeline.feed(SampleBatch(t, force))
        fast = [e for e in events if getattr(e, "kind", None) is AlarmKind.FAST_RAMP]
        assert bool(fast) is expected, region


def test_a_hook_on_levator_gets_the_hook_limits() -> None:
    """Finding 6 and REFERENCE §2: a hook on levator scapulae: band ~18-30 N, ceiling ~50 N."""
    config = PipelineConfig.for_region("levator-scapulae", tool=Tool.HOOK)
    assert 17.0 < config.band_low_n < 20.0
    assert 27.0 < config.band_high_n < 31.0
    assert 45.0 < config.ceiling_n < 51.0
    jaw = PipelineConfig.for_region("masseter", tool=Tool.THUMB)
    assert jaw.ceiling_n == 20.0  # never raised above the row (REFERENCE §7: 20 N)


def test_the_ceiling_stays_under_the_tools_range() -> None:
    config = PipelineConfig.for_region("gluteus-medius", full_scale_n=196.0)
    assert config.ceiling_capped
    assert config.ceiling_n < 0.9 * 196.0
    assert config.ceiling_n >= 1.15 * config.band_high_n - 1e-9
