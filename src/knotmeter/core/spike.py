"""Spike rejection: the median of the last three samples.

A single-sample spike (a knock, an ADC glitch) never passes; a real crossing does by
its second sample. The alarms read this force, so it is the fast path to "too hard".

>>> spikes = SpikeFilter()
>>> [spikes.update(x) for x in (0.0, 150.0, 1.0, 50.0, 51.0)]
[0.0, 0.0, 1.0, 50.0, 50.0]
"""

from __future__ import annotations


class SpikeFilter:
    """Median of 3, starting from an unloaded tool (two zeros of history)."""

    __slots__ = ("_x1", "_x2")

    def __init__(self) -> None:
        self._x1 = 0.0
        self._x2 = 0.0

    def prime(self, x: float) -> None:
        """Take ``x`` as history without producing an output (the stream's first sample)."""
        self._x2, self._x1 = self._x1, x

    def update(self, x: float) -> float:
        x1, x2 = self._x1, self._x2
        if x1 > x2:
            m = x2 if x < x2 else (x1 if x > x1 else x)
        else:
            m = x1 if x < x1 else (x2 if x > x2 else x)
        self._x2, self._x1 = x1, x
        return m

    def shift(self, by_n: float) -> None:
        """The zero moved: move the history with it, so the output drops at once."""
        self._x1 -= by_n
        self._x2 -= by_n
