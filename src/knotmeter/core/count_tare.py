"""Tare for a raw-count source: the mean of its first ~100 unloaded samples.

A sensor that sends raw ADC counts (a Frez Dyno on protocol v1, a DIY HX711 board
printing counts) has no zero of its own. REFERENCE §3: the tare is the mean of the
first ~100 samples taken with the tool unloaded, again whenever a tare is asked for.
Until the window is full the running mean stands in, so readings flow from the first
sample and never jump by more than the window's own noise.

>>> tare = CountTare(window=4)
>>> tare.update([1000, 1002]).tolist()  # each less the running mean so far
[0.0, 1.0]
>>> tare.update([1001, 1001, 1500]).tolist()  # the window fills at 1001; 1500 is a load
[0.0, 0.0, 499.0]
>>> tare.ready, tare.offset
(True, 1001.0)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from knotmeter.core.samples import FloatArray

TARE_SAMPLES = 100
"""REFERENCE §3: the Dyno's tare is the mean of the first ~100 unloaded samples."""


class CountTare:
    """Raw counts in, counts above the tare out; :meth:`restart` takes a new tare."""

    __slots__ = ("_count", "_sum", "_window")

    def __init__(self, window: int = TARE_SAMPLES) -> None:
        if window < 1:
            raise ValueError(f"the tare window must hold at least one sample, got {window}")
        self._window = window
        self._count = 0
        self._sum = 0.0

    def restart(self) -> None:
        """Take the tare again from the next ``window`` samples (the tool unloaded)."""
        self._count = 0
        self._sum = 0.0

    @property
    def ready(self) -> bool:
        return self._count >= self._window

    @property
    def offset(self) -> float:
        """The tare in counts (the running mean while the window fills; 0 before any)."""
        return self._sum / self._count if self._count else 0.0

    def update(self, raw: Sequence[float] | FloatArray) -> FloatArray:
        """``raw - tare`` for each sample, taking the first ones into the window."""
        counts = np.asarray(raw, dtype=np.float64)
        out = np.empty_like(counts)
        start = 0
        while start < len(counts) and not self.ready:
            self._sum += float(counts[start])
            self._count += 1
            out[start] = counts[start] - self.offset
            start += 1
        out[start:] = counts[start:] - self.offset
        return out
