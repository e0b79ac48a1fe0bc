"""``signal_lost``: the coach cannot see the force, so it must say so.

Raised by silence longer than ``lost_s`` (dated when the silence passed the limit, by
the late sample or by :meth:`Pipeline.tick`), by a sequence gap the source reports,
or by the link dropping. Cleared by the next sample that flows normally. The hold
timer does not count an interval across silence or an outage, however short.

Why 0.5 s: Progressor gaps of 23-34 ms are normal (REFERENCE §6); 0.5 s is 40
samples at 80 Hz and 5 at 10 Hz, and well inside the ~1 s a person notices.

A source heard from less often than that (whole frames of 76 samples at 80 Hz come
0.95 s apart) is allowed 1.5 of its own frame periods (``core/cadence.py``): the limit
is ``max(lost_s, 1.5 * frame_s)``, so its normal rhythm never raises the alarm while a
real gap is still caught within that.

>>> watch = SignalWatch(lost_s=0.5)
>>> watch.silence(0.6), watch.counts(0.6), watch.flowing()
(True, False, False)
>>> watch.allow(1.0)  # frames of a second
>>> watch.limit_s, watch.silence(1.2), watch.silence(2.0)
(1.5, None, True)
"""

from __future__ import annotations


class SignalWatch:
    __slots__ = ("_gap_pending", "_paused", "active", "engaged", "limit_s", "lost_s")

    FRAMES = 1.5
    """Frame periods of silence allowed: the next frame may come a little late."""

    def __init__(self, *, lost_s: float) -> None:
        self.lost_s = lost_s
        self.limit_s = lost_s
        """The silence allowed now: ``lost_s``, or 1.5 frame periods where longer."""
        self.active = False
        self.engaged = False
        """Raised or paused: the next sample must go through :meth:`counts` and
        :meth:`flowing` (otherwise a sample on time counts and changes nothing)."""
        self._paused = False
        self._gap_pending = False

    def allow(self, frame_s: float) -> None:
        """The source's frame period is ``frame_s`` (``core/cadence.py``)."""
        self.limit_s = max(self.lost_s, self.FRAMES * frame_s)

    def raise_(self) -> bool | None:
        if self.active:
            return None
        self.active = self.engaged = True
        return True

    def silence(self, dt: float) -> bool | None:
        """An interval of ``dt`` without samples: raised if it passed the limit."""
        return self.raise_() if dt > self.limit_s else None

    def link_down(self) -> bool | None:
        """The link dropped: raised now, and the interval spanning the outage won't count."""
        self._paused = self.engaged = True
        return self.raise_()

    def sequence_gap(self) -> bool | None:
        """The source numbered its samples and some never came: raised; the batch's first
        sample reveals the gap and so does not clear it."""
        self._gap_pending = True
        return self.raise_()

    def counts(self, dt: float) -> bool:
        """Whether the interval ending at this sample counts toward a hold."""
        counts = not (self._paused or dt > self.limit_s)
        self._paused = False
        return counts

    def flowing(self) -> bool | None:
        """A sample arrived normally: cleared (unless it revealed a gap)."""
        if self._gap_pending:
            self._gap_pending = False
            return None
        self.engaged = self._paused
        if not self.active:
            return None
        self.active = False
        return False
