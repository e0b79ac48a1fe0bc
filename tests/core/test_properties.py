"""Properties the coach must keep for every input, checked with hypothesis."""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from knotmeter.core import (
    AlarmKind,
    AlarmRaised,
    Event,
    HoldCompleted,
    HoldEnded,
    Pipeline,
    PipelineConfig,
    SampleBatch,
)

CONFIG = PipelineConfig.for_region("upper-trapezius")
CEILING = CONFIG.ceiling_n
# Auto-zero moves the zero, so after a while at rest the force the alarm judges is no
# longer the raw input; the alarm properties hold the zero still to compare the two.
FIXED_ZERO = dataclasses.replace(CONFIG, auto_zero_tau_s=math.inf)

# A press profile: knots of (seconds since the previous knot, force), sampled at 80 Hz.
knots = st.lists(st.tuples(st.floats(0.05, 6.0), st.floats(0.0, 150.0)), min_size=2, max_size=12)
# Dropouts: (where, seconds of silence) pushed into the sample times.
dropouts = st.lists(st.tuples(st.integers(0, 10_000), st.floats(0.0, 3.0)), max_size=3)


def sampled(
    profile: list[tuple[float, float]], noise_seed: int, gaps: list[tuple[int, float]]
) -> SampleBatch:
    times = np.cumsum([dt for dt, _ in profile])
    t = np.arange(times[0], times[-1], 0.0125)
    force = np.interp(t, times, [f for _, f in profile])
    force += np.random.default_rng(noise_seed).normal(0.0, 1.0, t.size)
    for where, silence in gaps:
        t[where % t.size :] += silence
    return SampleBatch(t, force)


def over_ceiling_alarms(events: list[Event]) -> list[AlarmRaised]:
    return [e for e in events if isinstance(e, AlarmRaised) and e.kind is AlarmKind.OVER_CEILING]


@given(
    profile=knots,
    seed=st.integers(0, 2**16),
    gaps=dropouts,
    cuts=st.lists(st.integers(0, 10_000)),
)
def test_any_split_into_batches_gives_the_same_events_and_state(
    profile: list[tuple[float, float]], seed: int, gaps: list[tuple[int, float]], cuts: list[int]
) -> None:
    whole = sampled(profile, seed, gaps)
    one = Pipeline(CONFIG)
    expected = one.feed(whole)
    split = Pipeline(CONFIG)
    bounds = [0, *sorted({c % (len(whole) + 1) for c in cuts}), len(whole)]
    got: list[Event] = []
    for start, stop in itertools.pairwise(bounds):
        got += split.feed(SampleBatch(whole.t[start:stop], whole.force_n[start:stop]))
    assert got == expected
    # Only the latch may differ: it counts from the end of the batch that revealed an
    # alarm (core/latch.py), so a person sees it for its whole hold time.
    assert dataclasses.replace(split.state, shown=()) == dataclasses.replace(one.state, shown=())


@given(
    base=st.lists(st.floats(0.0, 0.9 * CEILING), min_size=8, max_size=400),
    spikes=st.lists(st.tuples(st.integers(0, 10_000), st.floats(CEILING, 1e6)), max_size=20),
)
def test_a_single_sample_spike_never_alarms(
    base: list[float], spikes: list[tuple[int, float]]
) -> None:
    force = np.array(base, dtype=np.float64)
    taken: set[int] = set()
    for index, height in spikes:
        i = index % len(force)
        if taken.isdisjoint(range(i - 2, i + 3)):  # isolated: two normal samples between
            taken.add(i)
            force[i] = height
    events = Pipeline(FIXED_ZERO).feed(
        SampleBatch(np.arange(force.size, dtype=np.float64) * 0.0125, force)
    )
    assert over_ceiling_alarms(events) == []


@given(
    before=st.lists(st.floats(0.0, 0.9 * CEILING), max_size=200),
    crossing=st.lists(st.floats(CEILING, 1e6), min_size=2, max_size=50),
)
def test_a_sustained_crossing_alarms_by_its_second_sample(
    before: list[float], crossing: list[float]
) -> None:
    force = np.array(before + crossing, dtype=np.float64)
    t = np.arange(force.size, dtype=np.float64) * 0.0125
    alarms = over_ceiling_alarms(Pipeline(FIXED_ZERO).feed(SampleBatch(t, force)))
    assert alarms
    assert alarms[0].t == t[len(before) + 1]


@given(profile=knots, seed=st.integers(0, 2**16), gaps=dropouts, target=st.floats(0.5, 20.0))
def test_hold_times_are_consistent_and_events_come_in_time_order(
    profile: list[tuple[float, float]], seed: int, gaps: list[tuple[int, float]], target: float
) -> None:
    """In-band time never exceeds wall time; a hold is complete iff in-band >= the time
    the credit rule needed (the target, or the longest hold under the band's middle)."""
    config = PipelineConfig.for_region("upper-trapezius", target_s=target)
    pipeline = Pipeline(config)
    events = pipeline.feed(sampled(profile, seed, gaps)) + pipeline.stop_hold()
    completed = [e for e in events if isinstance(e, HoldCompleted)]
    ended = [e for e in events if isinstance(e, HoldEnded)]
    for hold in ended:
        assert 0.0 <= hold.in_band_s + hold.over_band_s <= hold.t - hold.start + 1e-9
        assert hold.needed_s in (target, config.cap_s)
        assert hold.complete == (hold.in_band_s >= hold.needed_s)
        assert hold.complete == any(hold.start <= c.t <= hold.t for c in completed)
    assert len(completed) == sum(hold.complete for hold in ended)
    times = [event.t for event in events]
    assert times == sorted(times)
