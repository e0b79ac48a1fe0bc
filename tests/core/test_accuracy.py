"""The hold timer against ground truth: a clean 70 s press in the middle of each band."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from knotmeter.core import HoldEnded, Pipeline, PipelineConfig, SampleBatch, load_regions

Press = Callable[..., SampleBatch]


def true_in_band_s(knots: list[tuple[float, float]], low: float, high: float) -> float:
    """Time the noiseless piecewise-linear force spends in [low, high], on a 0.1 ms grid."""
    times, forces = zip(*knots, strict=True)
    t = np.arange(times[0], times[-1], 1e-4)
    force = np.interp(t, times, forces)
    return float(np.count_nonzero((force >= low) & (force <= high))) * 1e-4


@pytest.mark.parametrize("region_id", list(load_regions()))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_in_band_time_is_within_half_a_second_of_the_truth(
    press: Press, region_id: str, seed: int
) -> None:
    config = PipelineConfig.for_region(region_id)
    middle = (config.band_low_n + config.band_high_n) / 2
    knots = [(0.0, 0.0), (2.0, 0.0), (4.0, middle), (74.0, middle), (76.0, 0.0), (80.0, 0.0)]
    events = Pipeline(config).feed(press(knots, noise_n=1.0, seed=seed))
    (hold,) = [e for e in events if isinstance(e, HoldEnded)]
    truth = true_in_band_s(knots, config.band_low_n, config.band_high_n)
    assert hold.in_band_s == pytest.approx(truth, abs=0.5)
