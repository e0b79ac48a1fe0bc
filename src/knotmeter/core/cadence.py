"""How often a source's batches come: the silence a ``signal_lost`` must allow.

A tool that sends 76 samples a frame at 80 Hz is heard from every 0.95 s: judged by a
fixed 0.5 s, it would raise SIGNAL LOST (and its cue) about once a second. So the
silence limit stretches to 1.5 frame periods where the source's frames are longer
(``guards/signal.py``); a real 2 s gap is still caught within max(0.5 s, 1.5 periods).

The period is the larger of two readings, both on the source's own timeline:

- stated: a batch of ``n`` samples ``d`` apart covers ``n * d`` (the frame's size);
- observed: the 90th percentile of the last ``WINDOW`` intervals between batch ends
  (sources of one sample a batch, e.g. a WH-C06 scale at ~7 adverts a second whose
  adverts come unevenly); a percentile, so one real gap does not widen the allowance.

It never exceeds :data:`MAX_PERIOD_S`, the longest frame the protocol allows (76
samples at 10 Hz): no stream can talk its way out of the silence alarm.

>>> period = FramePeriod()
>>> period.update(0.0125, 0.95, 76)
0.95
>>> [period.update(t / 7, t / 7, 1) for t in (8, 9, 10, 11, 12)][-1]
0.95
>>> one_a_batch = FramePeriod()
>>> [round(one_a_batch.update(t / 7, t / 7, 1), 3) for t in range(1, 7)]
[0.0, 0.0, 0.0, 0.0, 0.0, 0.143]
"""

from __future__ import annotations

from collections import deque

MAX_PERIOD_S = 76 / 10.0
"""The longest frame there is: 76 samples (the protocol's most) at 10 Hz."""
WINDOW = 32
"""Batch intervals remembered for the observed period."""
MIN_INTERVALS = 5
"""Intervals needed before the observed period counts."""
EVERY = 8
"""The percentile is taken again every this many batches: cheap at 1 sample a batch."""


class FramePeriod:
    """``update`` with each batch's first and last sample times and its size."""

    __slots__ = ("_count", "_ends", "_last_t", "_observed_s", "_stated_s", "period_s")

    def __init__(self) -> None:
        self._ends: deque[float] = deque(maxlen=WINDOW)
        self._last_t: float | None = None
        self._stated_s = 0.0
        self._observed_s = 0.0
        self._count = 0
        self.period_s = 0.0

    def update(self, first_t: float, last_t: float, n: int) -> float:
        """The source's frame period after this batch (seconds, 0 before it is known)."""
        if n >= 2:
            self._stated_s = (last_t - first_t) * n / (n - 1)
        if self._last_t is not None:
            self._ends.append(last_t - self._last_t)
            self._count += 1
            if len(self._ends) >= MIN_INTERVALS and (
                len(self._ends) < WINDOW or self._count % EVERY == 0
            ):
                ordered = sorted(self._ends)
                self._observed_s = ordered[int(0.9 * (len(ordered) - 1))]
        self._last_t = last_t
        self.period_s = min(MAX_PERIOD_S, max(self._stated_s, self._observed_s))
        return self.period_s
