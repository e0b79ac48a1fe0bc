"""Progressor stamps → one strictly increasing timeline, across wraps and restarts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmware_host.ble.progressor_driver import StampTimeline


def test_stamps_become_seconds_from_the_first_sample() -> None:
    timeline = StampTimeline()
    t = timeline.place([5_000_000, 5_012_500, 5_025_000], host_t=100.0)
    assert t.tolist() == [0.0, 0.0125, 0.025]


def test_the_32_bit_wrap_is_unwrapped() -> None:
    timeline = StampTimeline()
    first = timeline.place([2**32 - 10_000], host_t=0.0)
    after = timeline.place([2_500], host_t=0.0125)
    assert first.tolist() == [0.0]
    assert after.tolist() == [0.0125]


def test_a_restarted_stream_ends_at_its_arrival_after_the_outage() -> None:
    timeline = StampTimeline(nominal_period_s=0.0125)
    timeline.place([900_000, 912_500], host_t=50.0)
    timeline.relink()
    t = timeline.place([0, 12_500, 25_000], host_t=53.0)  # stamps restart, ~3 s down
    assert t.tolist() == pytest.approx([2.9875, 3.0, 3.0125])  # the newest: 3 s after 0.0125


def test_a_relink_adds_no_time_that_did_not_pass() -> None:
    """15 drops of a 15-sample stream: the span stays the device's own, not 14 samples more."""
    timeline = StampTimeline(nominal_period_s=0.0114)
    period_us, placed, device_us = 11_400, [], 0
    for drop in range(16):
        if drop:
            timeline.relink()
            device_us += 200_000  # the link was down 0.2 s; the device clock ran on
        for _ in range(10):
            stamps = [device_us + i * period_us for i in range(15)]
            device_us = stamps[-1] + period_us
            placed.extend(timeline.place(stamps, host_t=stamps[-1] / 1e6 + 0.004).tolist())
    assert placed[-1] - placed[0] == pytest.approx((device_us - period_us) / 1e6, abs=1e-6)


def test_a_stamp_that_runs_backwards_never_moves_time_back() -> None:
    timeline = StampTimeline(nominal_period_s=0.0125)
    t = timeline.place([100_000, 112_500, 50_000, 62_500], host_t=1.0)
    assert t.tolist() == pytest.approx([0.0, 0.0125, 0.025, 0.0375])


@given(
    st.lists(
        st.tuples(
            st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=15),
            st.floats(0.0, 5.0),
            st.booleans(),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_time_is_strictly_increasing_whatever_the_stamps(
    notifications: list[tuple[list[int], float, bool]],
) -> None:
    timeline = StampTimeline()
    host_t = 0.0
    placed: list[float] = []
    for stamps, host_step, relink in notifications:
        if relink:
            timeline.relink()
        host_t += host_step
        placed.extend(timeline.place(stamps, host_t).tolist())
    assert bool(np.all(np.diff(placed) > 0))
