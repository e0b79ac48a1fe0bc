"""NaN and infinite forces are dropped and counted before a batch leaves a source."""

from __future__ import annotations

import math

import numpy as np

from firmware_host.protocol.finite import drop_non_finite
from knotmeter.core.samples import SampleBatch


def test_non_finite_samples_are_dropped_and_counted() -> None:
    batch = SampleBatch.from_pairs(
        [(0.0, math.nan), (0.1, 1.0), (0.2, math.inf), (0.3, 2.0), (math.nan, 3.0), (0.5, -1e308)],
        seq0=10,
    )
    kept, dropped = drop_non_finite(batch)
    assert dropped == 4
    assert kept is not None
    np.testing.assert_array_equal(kept.t, [0.1, 0.3])
    np.testing.assert_array_equal(kept.force_n, [1.0, 2.0])
    assert kept.seq0 == 11


def test_a_batch_of_nothing_but_nan_is_none_and_a_clean_one_passes_as_is() -> None:
    assert drop_non_finite(SampleBatch.from_pairs([(0.0, -math.inf)])) == (None, 1)
    clean = SampleBatch.from_pairs([(0.0, 1.0)])
    assert drop_non_finite(clean) == (clean, 0)
