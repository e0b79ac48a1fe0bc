"""Force profiles for the core tests: piecewise-linear presses sampled like a tool."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest

from knotmeter.core import SampleBatch

PressMaker = Callable[..., SampleBatch]


def press_batch(
    knots: Sequence[tuple[float, float]],
    *,
    rate_hz: float = 80.0,
    noise_n: float = 0.0,
    seed: int = 0,
) -> SampleBatch:
    """Samples at ``rate_hz`` of the force through ``(t, force_n)`` knots, plus noise."""
    times, forces = zip(*knots, strict=True)
    t = np.arange(times[0], times[-1], 1.0 / rate_hz)
    force = np.interp(t, times, forces)
    if noise_n:
        force = force + np.random.default_rng(seed).normal(0.0, noise_n, t.size)
    return SampleBatch(t, force)


@pytest.fixture(scope="session")
def press() -> PressMaker:
    return press_batch
