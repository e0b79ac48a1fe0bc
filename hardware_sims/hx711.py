"""An HX711-like load-cell ADC: 10 or 80 samples/s, 24-bit two's-complement counts.

It adds what real boards show (REFERENCE §5-6): white noise, a zero offset, a
slow temperature drift of that offset as the board warms up, and clipping at the
24-bit rails, which the firmware reports as saturation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

RATES_HZ = (10.0, 80.0)
COUNTS_MAX = (1 << 23) - 1
COUNTS_MIN = -(1 << 23)


@dataclass(slots=True, frozen=True)
class Hx711Config:
    """Defaults model a 50 kg bar load cell at gain 128: about 500 N to the rail, so
    every default ceiling (at most 220 N) sits under 90 % of the range with margin."""

    counts_per_n: float = 16_000.0
    offset_counts: int = 400_000
    noise_n: float = 0.06
    warmup_drift_n: float = 0.8
    warmup_tau_s: float = 300.0

    @property
    def full_scale_n(self) -> float:
        """The most force it reads before the upper rail clips it."""
        return (COUNTS_MAX - self.offset_counts) / self.counts_per_n


@dataclass(slots=True, frozen=True)
class Reading:
    counts: int
    saturated: bool


class Hx711:
    """Converts force to counts; deterministic for a seed and the same sequence of calls."""

    def __init__(self, config: Hx711Config | None = None, *, seed: int = 0) -> None:
        self.config = config or Hx711Config()
        self._rng = np.random.default_rng(seed)

    def read(self, force_n: float, t: float) -> Reading:
        """One conversion of ``force_n`` at ``t`` seconds after power-on."""
        c = self.config
        drift_n = c.warmup_drift_n * (1.0 - math.exp(-t / c.warmup_tau_s))
        noise_n = float(self._rng.normal(0.0, c.noise_n))
        counts = round(c.offset_counts + (force_n + drift_n + noise_n) * c.counts_per_n)
        clipped = min(max(counts, COUNTS_MIN), COUNTS_MAX)
        return Reading(clipped, saturated=clipped != counts or clipped in (COUNTS_MIN, COUNTS_MAX))
