"""Local calibration of a raw-count source: a known load gives newtons per count.

The Frez Dyno (protocol v1) and DIY boards printing counts report an ADC's raw
number; force is ``a x (raw - tare)`` with ``a`` per device (REFERENCE §3). The
vendor's apps fetch ``a`` from a cloud; knotmeter makes no network calls, so the
person calibrates once: the tool unloaded, then a known load (a weight, or a
bathroom scale's reading while pressing), and ``a = known_n / (loaded - tare)``.

A coefficient is refused, with the reason, when it cannot be trusted (rules ours,
[D]): a known load under 5 % of the tool's range (a small step magnifies every
count of noise and offset drift into the whole range), or a tool that was not still
(either window wavering by more than 3 % of the load's counts: the mean is then not
the load's reading).

>>> still = [1000.0, 1001.0, 999.0, 1000.0]
>>> loaded = [21000.0, 21010.0, 20990.0, 21000.0]
>>> calibrate_counts(CountCalibrationInput(still, loaded, known_n=98.0665, full_scale_n=1471.0))
CountCalibration(n_per_count=0.004903325, tare=1000.0)
>>> calibrate_counts(CountCalibrationInput(still, loaded, known_n=50.0, full_scale_n=1471.0)).reason
'a known load of 50 N is under 5 % of the 1471 N range: use at least 74 N'
>>> calibrate_counts(CountCalibrationInput(still, [20000.0, 23000.0], 98.0, 1471.0)).reason
'the tool was not still under the load: it wavered 7% of the load (at most 3%); hold it still'

"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MIN_LOAD_FRACTION = 0.05
"""The known load must be at least this share of the tool's range (issue 23)."""
STILL_FRACTION = 0.03
"""Either window's standard deviation over the load's counts above this: not still [D]."""


@dataclass(slots=True, frozen=True)
class CountCalibrationInput:
    """Everything one calibration reads: both windows of raw counts, the load, the range.

    ``full_scale_n`` is ``None`` when the tool cannot say (a DIY board without
    ``range=``): then only stillness and a change in counts are checked.
    """

    unloaded: Sequence[float]
    loaded: Sequence[float]
    known_n: float
    full_scale_n: float | None


@dataclass(slots=True, frozen=True)
class CountCalibration:
    """``force_n = n_per_count x (raw - tare)``; the tare is retaken each session."""

    n_per_count: float
    tare: float


@dataclass(slots=True, frozen=True)
class CalibrationRefused:
    reason: str


def calibrate_counts(given: CountCalibrationInput) -> CountCalibration | CalibrationRefused:
    """The coefficient the known load gives, or why it cannot be trusted."""
    if not (math.isfinite(given.known_n) and given.known_n > 0):
        return CalibrationRefused(f"the known load must be above 0 N (got {given.known_n:g})")
    full_scale = given.full_scale_n
    if full_scale is not None and given.known_n < MIN_LOAD_FRACTION * full_scale:
        least = math.ceil(MIN_LOAD_FRACTION * full_scale)
        return CalibrationRefused(
            f"a known load of {given.known_n:.4g} N is under 5 % of the "
            f"{full_scale:.0f} N range: use at least {least} N"
        )
    if not given.unloaded or not given.loaded:
        return CalibrationRefused("no samples to calibrate from")
    unloaded = np.asarray(given.unloaded, dtype=np.float64)
    loaded = np.asarray(given.loaded, dtype=np.float64)
    tare = float(unloaded.mean())
    step = float(loaded.mean()) - tare
    if step == 0.0:
        return CalibrationRefused("the reading did not change under the load")
    for name, window in (("unloaded", unloaded), ("under the load", loaded)):
        wobble = float(window.std()) / abs(step)
        if wobble > STILL_FRACTION:
            return CalibrationRefused(
                f"the tool was not still {name}: it wavered {wobble:.0%} of the load "
                f"(at most {STILL_FRACTION:.0%}); hold it still"
            )
    return CountCalibration(n_per_count=given.known_n / step, tare=tare)
