"""Recorded traces for session and replay tests: real CSV files in the analyze format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from knotmeter.core.samples import FloatArray, SampleBatch
from knotmeter.traces import TraceWriter

RATE_HZ = 80.0

Press = tuple[float, float, float]
"""(start s, length s, plateau N) of one press: 0.5 s ramps either side of the plateau."""


def press_force(t: FloatArray, presses: list[Press]) -> FloatArray:
    """Noiseless force of trapezoid presses at times ``t``."""
    force = np.zeros_like(t)
    for start, length, plateau in presses:
        rise = np.clip((t - start) / 0.5, 0.0, 1.0)
        fall = np.clip((start + length - t) / 0.5, 0.0, 1.0)
        force = np.maximum(force, plateau * np.minimum(rise, fall))
    return force


def write_trace(path: Path, duration_s: float, presses: list[Press]) -> SampleBatch:
    """Write an analyze-format CSV (``t_s,force_n``) and return what it holds."""
    t = np.arange(int(duration_s * RATE_HZ)) / RATE_HZ
    trace = SampleBatch(t=t, force_n=press_force(t, presses))
    with TraceWriter(path) as writer:
        writer.write(trace)
    return trace


TraceMaker = Callable[[float, list[Press]], tuple[Path, SampleBatch]]


@pytest.fixture
def trace_file(tmp_path: Path) -> TraceMaker:
    """``make(duration_s, presses)`` writes ``trace.csv`` and returns (path, contents)."""

    def make(duration_s: float, presses: list[Press]) -> tuple[Path, SampleBatch]:
        path = tmp_path / "trace.csv"
        return path, write_trace(path, duration_s, presses)

    return make
