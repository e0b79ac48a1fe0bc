"""The One Euro smoother (Casiez, Roussel, Vogel, CHI 2012) and the rate of rise.

Its cutoff rises with the speed of the force: steady at rest, quick on a press
(``tests/bench/bench_filters.py``: 3.8x noise reduction with 4x less delay than a
10-sample average). The gauge, zones and hold timer read its output; ``rate`` is the
smoothed slope people see while ramping and the rate guard judges.

>>> smooth = OneEuro(min_cutoff_hz=1.5, beta=0.05, d_cutoff_hz=1.0)
>>> y = [smooth.update(40.0, 0.0125) for _ in range(160)][-1]
>>> round(y, 1), smooth.rate > 0
(40.0, True)
"""

from __future__ import annotations

import math

_TWO_PI = 2.0 * math.pi


class OneEuro:
    """Adaptive low-pass; ``value`` is the output, ``rate`` its smoothed slope (N/s)."""

    __slots__ = ("_dx", "_w_beta", "_w_d", "_w_min", "rate", "value")

    def __init__(self, *, min_cutoff_hz: float, beta: float, d_cutoff_hz: float) -> None:
        self._w_min = _TWO_PI * min_cutoff_hz
        self._w_beta = _TWO_PI * beta
        self._w_d = _TWO_PI * d_cutoff_hz
        self._dx = 0.0  # the filter's own derivative estimate, N/s
        self.value = 0.0
        self.rate = 0.0

    def update(self, x: float, dt: float) -> float:
        r = self._w_d * dt
        a_d = r / (r + 1.0)
        y = self.value
        dx = self._dx + a_d * ((x - y) / dt - self._dx)
        self._dx = dx
        r = (self._w_min + self._w_beta * (dx if dx > 0.0 else -dx)) * dt
        y_new = y + r / (r + 1.0) * (x - y)
        # The slope of the output is far steadier at rest than the filter's own dx.
        self.rate += a_d * ((y_new - y) / dt - self.rate)
        self.value = y_new
        return y_new

    def prime(self, x: float) -> None:
        """Start at ``x`` (the stream's first sample), not at 0: a tool already pressed
        when the stream starts is not a rise from nothing, nor a fast ramp."""
        self.value = x

    def shift(self, by_n: float) -> None:
        """The zero moved: move the output with it (no ramp to the new zero)."""
        self.value -= by_n
