"""Frames and clocks onto one strictly increasing timeline: wraps, gaps, reboots."""

from __future__ import annotations

import numpy as np
import pytest

from firmware_host.protocol.messages import SampleFrame
from firmware_host.protocol.timeline import ClockTimeline, FrameTimeline

PERIOD = 12_500


def frame(seq: int, device_us: int, n: int = 1, flags: int = 0) -> SampleFrame:
    return SampleFrame(seq % 65536, device_us % 2**32, PERIOD, 0.001, tuple(range(n)), flags)


def test_samples_within_a_frame_are_one_period_apart_and_scaled() -> None:
    batch = FrameTimeline().add(SampleFrame(0, 0, PERIOD, 0.01, (100, -50, 7)), host_t=0.0)
    assert batch is not None
    np.testing.assert_allclose(batch.t, [0.0, 0.0125, 0.025])
    np.testing.assert_allclose(batch.force_n, [1.0, -0.5, 0.07])


def test_sequence_and_clock_wraps_are_unwrapped() -> None:
    timeline = FrameTimeline()
    start_seq, start_us = 65530, 2**32 - 3 * PERIOD
    times, seqs = [], []
    for k in range(12):
        batch = timeline.add(frame(start_seq + k, start_us + k * PERIOD), host_t=k * 0.0125)
        assert batch is not None
        times.append(float(batch.t[0]))
        seqs.append(batch.seq0)
    np.testing.assert_allclose(np.diff(times), 0.0125)
    assert seqs == [start_seq + k for k in range(12)]  # unwrapped past 65535
    assert timeline.lost == 0


def test_a_sequence_gap_counts_lost_samples_and_keeps_device_time() -> None:
    timeline = FrameTimeline()
    timeline.add(frame(0, 0, n=4), host_t=0.0)
    batch = timeline.add(frame(10, 10 * PERIOD, n=4), host_t=0.2)
    assert batch is not None
    assert batch.lost == 6
    assert batch.seq0 == 10
    assert batch.t[0] == pytest.approx(0.125)
    assert timeline.lost == 6


def test_saturation_flag_reaches_the_batch() -> None:
    batch = FrameTimeline().add(frame(0, 0, flags=1), host_t=0.0)
    assert batch is not None
    assert batch.saturated


def test_after_relink_a_consistent_clock_is_trusted_and_the_gap_counted() -> None:
    timeline = FrameTimeline()
    timeline.add(frame(0, 0), host_t=0.0)
    timeline.relink()
    batch = timeline.add(frame(80, 80 * PERIOD), host_t=1.0)
    assert batch is not None
    assert batch.lost == 79
    assert batch.t[0] == pytest.approx(1.0)


def test_a_rebooted_tool_is_reanchored_after_the_last_sample_by_host_time() -> None:
    timeline = FrameTimeline()
    for k in range(100):
        timeline.add(frame(k, 5_000_000 + k * PERIOD), host_t=k * 0.0125)
    timeline.relink()
    batch = timeline.add(frame(0, 0), host_t=99 * 0.0125 + 3.0)  # rebooted: seq and clock at 0
    assert batch is not None
    assert batch.t[0] == pytest.approx(99 * 0.0125 + 3.0)
    assert batch.lost == 0
    assert batch.seq0 == 100


def test_time_never_runs_backwards_even_when_the_device_clock_does() -> None:
    timeline = FrameTimeline()
    timeline.add(frame(0, 1_000_000), host_t=0.0)
    batch = timeline.add(frame(1, 900_000), host_t=0.0125)
    assert batch is not None
    assert batch.t[0] > 0.0


def test_clock_timeline_nudges_equal_stamps_and_reanchors_a_restart() -> None:
    clock = ClockTimeline()
    assert clock.place(100.0, host_t=5.0) == 0.0
    assert clock.place(100.0, host_t=5.0) == pytest.approx(ClockTimeline.MIN_STEP_S)
    assert clock.place(100.5, host_t=5.5) == pytest.approx(0.5)
    assert clock.place(0.0, host_t=7.5) == pytest.approx(2.5)  # board rebooted: host gap
    assert clock.place(0.1, host_t=7.6) == pytest.approx(2.6)
