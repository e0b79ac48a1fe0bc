"""Raw counts to newtons: the count tare and the known-load calibration, by example and
by property (issue 23)."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotmeter.core import count_calibration, count_tare
from knotmeter.core.count_calibration import (
    CalibrationRefused,
    CountCalibration,
    CountCalibrationInput,
    calibrate_counts,
)
from knotmeter.core.count_tare import CountTare

counts = st.floats(-2e6, 2e6, allow_nan=False)


@pytest.mark.parametrize("module", [count_tare, count_calibration])
def test_docstring_examples(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert (result.failed, result.attempted > 0) == (0, True)


@given(st.lists(counts, min_size=1, max_size=300), st.integers(1, 120), st.integers(1, 50))
def test_the_tare_is_the_mean_of_the_first_window_however_the_batches_fall(
    raw: list[float], window: int, batch: int
) -> None:
    tare = CountTare(window)
    out = np.concatenate([tare.update(raw[i : i + batch]) for i in range(0, len(raw), batch)])
    if len(raw) >= window:
        expected = float(np.mean(raw[:window]))
        assert tare.ready
        assert tare.offset == pytest.approx(expected, abs=1e-6)
        np.testing.assert_allclose(out[window:], np.asarray(raw[window:]) - expected, atol=1e-6)
    else:
        assert not tare.ready


def test_a_tare_on_request_starts_a_new_window() -> None:
    tare = CountTare(2)
    tare.update([10.0, 10.0, 50.0])
    tare.restart()
    assert tare.update([50.0, 50.0, 60.0]).tolist() == [0.0, 0.0, 10.0]


@given(
    zero=st.floats(-1e6, 1e6),
    per_n=st.floats(1.0, 1e3).flatmap(lambda v: st.sampled_from([v, -v])),
    known_n=st.floats(10.0, 500.0),
)
def test_a_still_known_load_gives_the_coefficient_that_reads_it_back(
    zero: float, per_n: float, known_n: float
) -> None:
    jitter = 0.005 * known_n * abs(per_n)  # a still tool: well inside 3 % of the load
    unloaded = [zero, zero + jitter, zero - jitter]
    loaded = [zero + known_n * per_n + d for d in (jitter, -jitter, 0.0)]
    result = calibrate_counts(CountCalibrationInput(unloaded, loaded, known_n, 200.0))
    assert isinstance(result, CountCalibration)
    assert result.n_per_count == pytest.approx(1.0 / per_n, rel=1e-3)
    assert result.n_per_count * (np.mean(loaded) - result.tare) == pytest.approx(known_n)


@given(full_scale=st.floats(100.0, 20_000.0), share=st.floats(0.001, 0.0499))
def test_a_known_load_under_5_percent_of_the_range_is_refused(
    full_scale: float, share: float
) -> None:
    known = share * full_scale
    result = calibrate_counts(CountCalibrationInput([0.0], [1e5], known, full_scale))
    assert isinstance(result, CalibrationRefused)
    assert "under 5 %" in result.reason


@pytest.mark.parametrize(
    ("unloaded", "loaded", "why"),
    [
        ([0.0, 900.0, -900.0], [20_000.0] * 3, "not still unloaded"),
        ([0.0] * 3, [15_000.0, 25_000.0, 20_000.0], "not still under the load"),
        ([5.0] * 3, [5.0] * 3, "did not change"),
        ([], [1.0], "no samples"),
    ],
)
def test_an_implausible_calibration_is_refused_with_its_reason(
    unloaded: list[float], loaded: list[float], why: str
) -> None:
    result = calibrate_counts(CountCalibrationInput(unloaded, loaded, 98.0, None))
    assert isinstance(result, CalibrationRefused)
    assert why in result.reason
