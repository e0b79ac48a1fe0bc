"""Sample frames → :class:`SampleBatch` on one continuous, strictly increasing timeline.

Shared by every transport that carries :class:`SampleFrame` (serial, BLE). The
device numbers samples modulo 2**16 and stamps them with a µs clock modulo 2**32;
this unwraps both, counts sequence gaps as lost samples and, when the device
clock cannot be trusted (it rebooted, or time ran backwards), re-anchors on the
host clock so the pipeline never sees time stand still or run backwards.
"""

from __future__ import annotations

import numpy as np

from firmware_host.protocol.messages import SampleFrame
from knotmeter.core.samples import SampleBatch

SEQ_MOD = 1 << 16
US_MOD = 1 << 32
CLOCK_TOLERANCE = 0.1
"""Relative mismatch allowed between the device clock and ``seq x period`` across a relink."""


class FrameTimeline:
    """Stateful converter; one per source, kept across reconnects.

    Sample times are seconds; the first sample ever is at ``t = 0``. ``seq0`` of
    each batch is the device's sequence number unwrapped (starting from the first
    frame seen) while the device clock is continuous; after a re-anchor it keeps
    counting up from the last sample, so it never repeats.
    """

    def __init__(self) -> None:
        self.lost = 0
        self._started = False
        self._relinked = False
        self._next_seq = 0  # device seq expected next, modulo 2**16
        self._next_seq0 = 0  # host-side unwrapped number of that sample
        self._last_us = 0  # device clock at the last frame's first sample
        self._us_total = 0  # the same, unwrapped
        self._origin_us = 0
        self._origin_t = 0.0
        self._last_n = 0  # samples in the last frame
        self._last_t = -np.inf  # time of the newest sample handed out
        self._last_host_t = 0.0

    def relink(self) -> None:
        """The link dropped and came back: check the next frame before trusting its clock."""
        self._relinked = True

    def add(self, frame: SampleFrame, host_t: float) -> SampleBatch | None:
        """Place ``frame`` on the timeline; ``host_t`` is the host's monotonic clock (s)."""
        n = len(frame.values)
        if n == 0:
            return None
        period_s = frame.period_us / 1e6
        gap = (frame.seq - self._next_seq) % SEQ_MOD
        d_us = (frame.device_us - self._last_us) % US_MOD
        lost = 0
        if not self._started:
            self._anchor(frame, 0.0)
            self._next_seq0 = frame.seq
        elif self._continuous(frame, gap, d_us):
            lost = gap
            self._us_total += d_us
        else:
            host_gap = host_t - self._last_host_t
            self._anchor(frame, self._last_t + max(period_s, host_gap))
        self._relinked = False
        self._last_us = frame.device_us
        t0 = self._origin_t + (self._us_total - self._origin_us) / 1e6
        t = t0 + period_s * np.arange(n, dtype=np.float64)
        if t[0] <= self._last_t:
            # the device stamped this frame no later than the last one: trust order, not stamp
            self._anchor(frame, self._last_t + period_s)
            t = self._origin_t + period_s * np.arange(n, dtype=np.float64)
        seq0 = self._next_seq0 + lost
        self._next_seq0 = seq0 + n
        self._next_seq = (frame.seq + n) % SEQ_MOD
        self._last_n = n
        self._last_t = float(t[-1])
        self._last_host_t = host_t
        self.lost += lost
        force = np.asarray(frame.values, dtype=np.float64) * frame.resolution_n
        return SampleBatch(t=t, force_n=force, seq0=seq0, lost=lost, saturated=frame.saturated)

    def _continuous(self, frame: SampleFrame, gap: int, d_us: int) -> bool:
        if gap >= SEQ_MOD // 2:
            return False  # sequence ran backwards: the device restarted or replayed
        if not self._relinked:
            return True
        expected_us = (self._last_n + gap) * frame.period_us
        return abs(d_us - expected_us) <= CLOCK_TOLERANCE * expected_us + 2 * frame.period_us

    def _anchor(self, frame: SampleFrame, t: float) -> None:
        self._started = True
        self._us_total = 0
        self._origin_us = 0
        self._origin_t = t
        self._last_us = frame.device_us


class ClockTimeline:
    """Times from a clock that may restart (a board's ``t`` column, the host clock) → timeline.

    The first time maps to ``t = 0``. Equal or slightly earlier stamps (lines
    arriving in one read) are nudged forward by ``MIN_STEP_S``; a clock that runs
    back by more than a second restarted, and is re-anchored after the last
    sample by the host time that passed.
    """

    MIN_STEP_S = 1e-4
    RESTART_S = 1.0

    def __init__(self) -> None:
        self._offset: float | None = None
        self._last_t = -np.inf
        self._last_host_t = 0.0

    def place(self, clock_t: float, host_t: float) -> float:
        if self._offset is None:
            self._offset = -clock_t
        t = clock_t + self._offset
        if t <= self._last_t:
            if self._last_t - t > self.RESTART_S:
                step = max(self.MIN_STEP_S, host_t - self._last_host_t)
                self._offset = self._last_t + step - clock_t
                t = clock_t + self._offset
            else:
                t = self._last_t + self.MIN_STEP_S
        self._last_t = t
        self._last_host_t = host_t
        return t
