"""The frame period a source is allowed as silence (``core/cadence.py``)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotmeter.core.cadence import MAX_PERIOD_S, FramePeriod
from knotmeter.core.guards.signal import SignalWatch


@given(frame=st.integers(1, 76), rate_hz=st.sampled_from([10.0, 80.0]))
def test_stated_frames_give_their_own_period(frame: int, rate_hz: float) -> None:
    period, watch = FramePeriod(), SignalWatch(lost_s=0.5)
    for i in range(40):
        first = (i * frame + 1) / rate_hz
        watch.allow(period.update(first, first + (frame - 1) / rate_hz, frame))
    assert period.period_s == pytest.approx(frame / rate_hz)
    # The rhythm never raises; a 2 s gap past the limit does.
    assert watch.silence(frame / rate_hz * 1.2) is None
    assert watch.limit_s == pytest.approx(max(0.5, 1.5 * frame / rate_hz))
    assert watch.silence(max(2.0, watch.limit_s + 0.01)) is True


def test_whc06_adverts_one_sample_each_at_about_7_hz() -> None:
    """Uneven adverts, some missed, one real 2 s gap: the allowance stays 0.5 s (the
    scale's rhythm is well inside it) and the gap is still caught."""
    rng = random.Random(4)
    period, watch = FramePeriod(), SignalWatch(lost_s=0.5)
    t = 0.0
    for i in range(200):
        t += rng.uniform(0.11, 0.18) * (2 if rng.random() < 0.1 else 1)
        t += 2.0 if i == 100 else 0.0
        watch.allow(period.update(t, t, 1))
    assert 0.13 < period.period_s < 0.33
    assert watch.limit_s == 0.5
    assert watch.silence(2.0) is True


def test_no_stream_widens_the_allowance_past_the_longest_frame() -> None:
    period = FramePeriod()
    for i in range(10):
        period.update(i * 1000.0, i * 1000.0 + 999.0, 76)
    assert period.period_s == MAX_PERIOD_S
