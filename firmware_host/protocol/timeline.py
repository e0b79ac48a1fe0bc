"""Device and host clocks → one continuous, strictly increasing timeline per source.

One timeline class per clock kind, chosen by what a device supplies for time, not
by transport (each is kept across reconnects):

- :class:`FrameTimeline`: frames the device numbers (sequence mod 2**16) and stamps
  with a µs clock (mod 2**32) and a period: the knotmeter protocol, serial and BLE
  alike. Two independent witnesses, so gaps are counted as lost and a glitch in
  either is told from a restart.
- :class:`~firmware_host.ble.progressor_driver.StampTimeline`: a µs stamp per
  sample (mod 2**32) and no numbering, restarting with every stream: the Progressor
  and its dialects. Stamps are fine-grained, so one that does not advance means a
  restart, placed one period on; after a relink the host clock measures the outage.
- :class:`ClockTimeline`: a coarse clock in seconds per reading that may restart
  unannounced: a text board's ``t`` column; also the host's read time, one reading
  per line, for boards without one and polled gauges. A repeated stamp is normal
  there (lines read together) and is nudged, keeping the offset.
- :class:`~firmware_host.ble.arrival.ArrivalTimeline`: no device time at all, ``n``
  readings per notification at a nominal rate (Entralpi, Force Board, WH-C06):
  spread back from the arrival by the period.

The last two share the host clock but not its shape: a serial line is one reading
with its own read time, from a board that declares no rate to spread by (for one
reading per arrival the two place it alike); a notification is many readings with
one arrival. The Progressor's stamps and a board's ``t`` column are both device
clocks, but a repeated Progressor stamp means its stream restarted, while a repeated
``t`` means only that the board's clock is coarse.

Device µs clocks wrap at :data:`US_MOD` everywhere.

Frames: the device numbers samples modulo 2**16 and stamps them with a µs clock modulo 2**32;
this unwraps both and checks each frame against both: where they agree, the
frame is placed by the device clock and a forward gap is counted as lost samples;
a frame behind the stream (a duplicate, or one overtaken by a later frame) is
dropped, or trimmed to its new samples. Where they disagree, the clock is
believed if it puts the frame within :data:`REORDER_WINDOW` samples of where the
stream stands (a glitched sequence number), unless the sequence number says the
frame is exactly the next one; else the sequence number is, and the frame is
placed by order (a glitched clock); where neither does, the tool
restarted, and the frame is re-anchored on the host clock. A frame with period 0
borrows the last good period. The pipeline never sees time stand still, run
backwards or repeat.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmware_host.protocol.messages import SampleFrame
from knotmeter.core.samples import SampleBatch

SEQ_MOD = 1 << 16
US_MOD = 1 << 32
"""Device µs clocks (knotmeter frames, Progressor stamps) wrap at 2**32."""
CLOCK_TOLERANCE = 0.1
"""Relative mismatch allowed between the device clock and the sequence number's gap."""
REORDER_WINDOW = 1024
"""Samples (12.8 s at 80 Hz): how far from where the stream stands a frame may be,
by its clock when its sequence number disagrees (or the reverse), and still be
placed relative to the stream; frames behind it by up to this many samples are
dropped as stale. Lost counts are exact while sequence and clock agree; a gap
next to a glitched number is counted within ``CLOCK_TOLERANCE`` of its size (the
clock is allowed that drift); a frame whose number and clock are both off is
taken for a restart, with nothing counted lost."""


def _signed(value: int, modulus: int) -> int:
    """``value`` modulo ``modulus`` as the nearest signed distance."""
    return (value + modulus // 2) % modulus - modulus // 2


@dataclass(slots=True)
class TimelineStats:
    """What the timeline dropped or repaired, beyond lost samples.

    ``stale``: samples dropped because they were already handed out or overtaken
    (duplicated or reordered frames); ``stale_frames``: frames dropped whole for it;
    ``untimed``: frames dropped with period 0 before any good period was seen;
    ``retimed``: frames placed by order because their clock could not be;
    ``restarts``: frames where the tool's numbering and clock both started over.
    """

    stale: int = 0
    stale_frames: int = 0
    untimed: int = 0
    retimed: int = 0
    restarts: int = 0

    @property
    def dropped_frames(self) -> int:
        return self.stale_frames + self.untimed


class FrameTimeline:
    """Stateful converter; one per source, kept across reconnects.

    Sample times are seconds; the first sample ever is at ``t = 0``. ``seq0`` of
    each batch is the device's sequence number unwrapped (starting from the first
    frame seen) while sequence and clock agree; otherwise it keeps counting up
    from the last sample, so it never repeats.
    """

    def __init__(self) -> None:
        self.lost = 0
        self.stats = TimelineStats()
        self._started = False
        self._relinked = False
        self._period_us = 0  # the last non-zero period seen
        self._next_seq = 0  # device seq expected next, modulo 2**16
        self._next_seq0 = 0  # host-side unwrapped number of that sample
        self._next_us = 0  # device clock expected at the next sample, modulo 2**32
        self._next_us_total = 0  # the same, unwrapped
        self._origin_us = 0
        self._origin_t = 0.0
        self._last_t = -np.inf  # time of the newest sample handed out
        self._last_host_t = 0.0

    def relink(self) -> None:
        """The link dropped and came back: the next frame's clock must agree with its
        sequence number to be trusted (the tool may have rebooted)."""
        self._relinked = True

    def add(self, frame: SampleFrame, host_t: float) -> SampleBatch | None:
        """Place ``frame`` on the timeline; ``host_t`` is the host's monotonic clock (s).

        ``None`` for a heartbeat, a stale frame or one that cannot be timed.
        """
        n = len(frame.values)
        if n == 0:
            return None
        period_us = frame.period_us or self._period_us
        if period_us == 0:
            self.stats.untimed += 1
            return None
        self._period_us = period_us
        if not self._started:
            self._started = True
            self._next_seq0 = frame.seq
            return self._emit(frame, period_us, (frame.seq, frame.device_us), 0, host_t, 0.0)
        by_seq = _signed(frame.seq - self._next_seq, SEQ_MOD)
        by_clock = round(_signed(frame.device_us - self._next_us, US_MOD) / period_us)
        relinked, self._relinked = self._relinked, False
        if abs(by_clock - by_seq) <= CLOCK_TOLERANCE * abs(by_seq) + 2:
            if by_seq >= -REORDER_WINDOW:  # both agree: on, after a gap, or behind (stale)
                return self._place(frame, period_us, by_seq, host_t)
        elif not relinked and by_seq != 0 and abs(by_clock) <= REORDER_WINDOW:
            return self._place(frame, period_us, by_clock, host_t)  # a glitched seq: clock rules
        elif not relinked and abs(by_seq) <= REORDER_WINDOW:  # a glitched clock: place by order
            self.stats.retimed += 1
            anchor = self._last_t + (max(by_seq, 0) + 1) * period_us / 1e6
            return self._place(frame, period_us, by_seq, host_t, anchor)
        # Numbering and clock both started over: the tool restarted (or replays itself).
        self.stats.restarts += 1
        anchor = self._last_t + max(period_us / 1e6, host_t - self._last_host_t)
        return self._emit(frame, period_us, (frame.seq, frame.device_us), 0, host_t, anchor)

    def _place(
        self,
        frame: SampleFrame,
        period_us: int,
        gap: int,
        host_t: float,
        anchor_t: float | None = None,
    ) -> SampleBatch | None:
        """Drop what is stale (``gap < 0``), then emit the rest ``gap`` samples after the last,
        by the device clock, or by order from ``anchor_t``."""
        skip = max(0, -gap)
        if skip >= len(frame.values):
            self.stats.stale += len(frame.values)
            self.stats.stale_frames += 1
            return None
        self.stats.stale += skip
        start = ((frame.seq + skip) % SEQ_MOD, (frame.device_us + skip * period_us) % US_MOD)
        return self._emit(frame, period_us, start, max(gap, 0), host_t, anchor_t, skip)

    def _emit(
        self,
        frame: SampleFrame,
        period_us: int,
        start: tuple[int, int],
        lost: int,
        host_t: float,
        anchor_t: float | None,
        skip: int = 0,
    ) -> SampleBatch:
        """Hand out ``frame.values[skip:]``, whose first sample has number and clock ``start``;
        placed by that clock, unless ``anchor_t`` places it."""
        values = frame.values[skip:]
        n = len(values)
        first_seq, first_us = start
        if anchor_t is None:
            us_total = self._next_us_total + _signed(first_us - self._next_us, US_MOD)
        else:
            us_total = self._next_us_total
            self._origin_us, self._origin_t = us_total, anchor_t
        t0 = self._origin_t + (us_total - self._origin_us) / 1e6
        period_s = period_us / 1e6
        if t0 <= self._last_t:  # the clock did not advance: trust order, not stamp
            self.stats.retimed += 1
            self._origin_us, self._origin_t = us_total, self._last_t + period_s
            t0 = self._origin_t
        t = t0 + period_s * np.arange(n, dtype=np.float64)
        seq0 = self._next_seq0 + lost
        self._next_seq0 = seq0 + n
        self._next_seq = (first_seq + n) % SEQ_MOD
        self._next_us = (first_us + n * period_us) % US_MOD
        self._next_us_total = us_total + n * period_us
        self._last_t = float(t[-1])
        self._last_host_t = host_t
        self.lost += lost
        force = np.asarray(values, dtype=np.float64) * frame.resolution_n
        return SampleBatch(t=t, force_n=force, seq0=seq0, lost=lost, saturated=frame.saturated)


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
