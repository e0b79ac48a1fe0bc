"""Samples without device time → seconds on the host clock, the newest at its arrival.

Sensors such as the Entralpi, the Force Board and the WH-C06 stamp nothing: a
notification (or advertisement) brings ``n`` readings taken up to its arrival. The
newest is placed at the arrival, the others one nominal period apart before it,
closer together if the previous batch's newest would otherwise be overtaken, so
time stays strictly increasing however late or bunched the packets come.

>>> timeline = ArrivalTimeline(period_s=0.1)
>>> timeline.place(3, host_t=10.0).tolist()
[0.0, 0.1, 0.2]
>>> timeline.place(2, host_t=10.25).round(3).tolist()
[0.35, 0.45]
"""

from __future__ import annotations

import numpy as np

from knotmeter.core.samples import FloatArray

_MIN_STEP_S = 1e-6


class ArrivalTimeline:
    """One per source, kept across reconnects: the host clock keeps running through a drop."""

    def __init__(self, period_s: float) -> None:
        if not period_s > 0:
            raise ValueError(f"period_s must be > 0, got {period_s}")
        self._period_s = period_s
        self._origin: float | None = None
        self._last_t = -np.inf

    def place(self, n: int, host_t: float) -> FloatArray:
        """Times for ``n`` readings that arrived together at ``host_t`` (host seconds)."""
        if self._origin is None:
            self._origin = host_t - (n - 1) * self._period_s
        end = max(host_t - self._origin, self._last_t + n * _MIN_STEP_S)
        room = (end - self._last_t) / n
        step = min(self._period_s, room)
        times = end - step * np.arange(n - 1, -1, -1, dtype=np.float64)
        self._last_t = float(times[-1])
        return times
