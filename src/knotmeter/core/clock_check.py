"""Clock sanity: a source's stamped rate against the rate its samples really arrive at.

A text board read with ``time=us`` while it prints seconds stamps 80 samples a second
as 80 MHz: on that timeline a minute lasts 60 µs, so the smoother crawls (the zone
lags by many seconds), no hold ever reaches its limit and the pressing-time guard
never fires. The samples still arrive 80 a second, and that is the witness: once at
least ``WINDOW_S`` of arrivals are in, a stamped rate more than ``MAX_RATIO`` times
off the arrival rate (either way), or above ``MAX_STAMPED_HZ`` (no force tool samples
that fast), is judged wrong, for good. The caller names it and from then on times
the source by arrival (:class:`ArrivalClock`).

Time is injected: ``arrival_t`` is the host's clock when a batch came, in seconds.

>>> check = ClockCheck()
>>> verdict = [check.update(10, 10 * 1.25e-8, i * 0.125) for i in range(1, 20)][-1]
>>> rate_text(verdict.stamped_hz), rate_text(verdict.arrival_hz)
('80 MHz', '80 Hz')
>>> ClockCheck().update(10, 0.125, 3.0) is None  # the first batch: nothing to compare yet
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from knotmeter.core.samples import SampleBatch

WINDOW_S = 2.0
"""Arrivals watched before judging: long enough to average out a bursty link."""
MAX_RATIO = 5.0
"""Stamped and arrival rates may differ by this factor (a replay at speed is no tool)."""
MAX_STAMPED_HZ = 10_000.0
"""No force tool samples faster (load cells run at 10-1000 Hz)."""


@dataclass(slots=True, frozen=True)
class ClockVerdict:
    """The source's clock is wrong: what it stamps, and what really arrives."""

    stamped_hz: float
    arrival_hz: float


def rate_text(hz: float) -> str:
    """``80 MHz``, ``12 kHz``, ``80 Hz``: a rate in words a person reads at a glance."""
    for scale, unit in ((1e9, "GHz"), (1e6, "MHz"), (1e3, "kHz")):
        if hz >= scale:
            return f"{hz / scale:.3g} {unit}"
    return f"{hz:.3g} Hz"


class ClockCheck:
    """``update`` with each batch's size, stamped span and arrival; a verdict once wrong."""

    __slots__ = ("_first_arrival", "_n", "_stamped_s", "verdict")

    def __init__(self) -> None:
        self._first_arrival: float | None = None
        self._n = 0
        self._stamped_s = 0.0
        self.verdict: ClockVerdict | None = None

    def update(self, n: int, stamped_s: float, arrival_t: float) -> ClockVerdict | None:
        """``n`` samples whose stamps advanced ``stamped_s`` since the previous batch's
        last one came at ``arrival_t``; returns the verdict once the clock is wrong."""
        if self.verdict is not None:
            return self.verdict
        if self._first_arrival is None:  # the stream's first batch starts the window
            self._first_arrival = arrival_t
            return None
        self._n += n
        self._stamped_s += stamped_s
        arrival_s = arrival_t - self._first_arrival
        if arrival_s < WINDOW_S or self._n < 2:
            return None
        arrival_hz = self._n / arrival_s
        stamped_hz = self._n / self._stamped_s if self._stamped_s > 0 else float("inf")
        ratio = stamped_hz / arrival_hz
        if stamped_hz > MAX_STAMPED_HZ or not 1 / MAX_RATIO <= ratio <= MAX_RATIO:
            self.verdict = ClockVerdict(stamped_hz, arrival_hz)
        return self.verdict


class ArrivalClock:
    """Times a batch by its arrival: its samples spread evenly over the time since the
    previous arrival, carrying on from the last time handed out (never backwards).

    >>> clock = ArrivalClock(last_t=5.0, arrival_t=100.0)
    >>> clock.retime(SampleBatch.from_pairs([(1e-8, 1.0), (2e-8, 2.0)]), 100.5).t.tolist()
    [5.25, 5.5]
    """

    __slots__ = ("_arrival_t", "_last_t")

    MIN_STEP_S = 1e-6
    """Samples of one arrival are at least this far apart (time must move forward)."""

    def __init__(self, *, last_t: float, arrival_t: float) -> None:
        self._last_t = last_t
        self._arrival_t = arrival_t

    def retime(self, batch: SampleBatch, arrival_t: float) -> SampleBatch:
        n = len(batch)
        if n == 0:
            return batch
        step = max(self.MIN_STEP_S, (arrival_t - self._arrival_t) / n)
        t = self._last_t + step * np.arange(1, n + 1, dtype=np.float64)
        self._last_t, self._arrival_t = float(t[-1]), max(arrival_t, self._arrival_t)
        return SampleBatch(
            t, batch.force_n, seq0=batch.seq0, lost=batch.lost, saturated=batch.saturated
        )
