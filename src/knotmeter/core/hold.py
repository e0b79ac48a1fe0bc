"""The hold timer: one continuous press on one point, and the in-band time it earned.

A hold starts when the smoothed force enters the band. Only in-band time accrues
toward the target (over-band time is kept apart), and the target is the credit rule's
(``core/credit.py``, Hou 2002): the short hold with a mean in-band force at or above the
band's middle, else the long hold; a dip below the band shorter than
the grace keeps the hold, and so does a lift-off shorter than ``release_s``. The
interval since the previous sample belongs to the zone the force was in.

>>> from knotmeter.core.zones import BELOW, IN_BAND
>>> timer, events = HoldTimer(target_s=1.0, grace_s=2.0, release_s=1.0), []
>>> timer.on_zone(0.0, BELOW, IN_BAND, 50.0, events)
>>> for i in range(1, 11):
...     timer.accrue(i * 0.125, 0.125, True, IN_BAND, 50.0, events)
>>> [type(e).__name__ for e in events], timer.complete
(['HoldStarted', 'HoldCompleted'], True)
"""

from __future__ import annotations

from knotmeter.core.credit import HoldCredit
from knotmeter.core.events import Event, HoldCompleted, HoldEnded, HoldStarted
from knotmeter.core.state import HoldState
from knotmeter.core.zones import IN_BAND, RELEASED


class HoldTimer:
    """Times the hold in progress and remembers the last one for the screen."""

    __slots__ = (
        "_count", "_credit", "_credited_s", "_left_t", "_released_t", "_total", "active", "cap_s",
        "complete", "grace_s", "in_band_s", "last", "mid_n", "over_band_s", "peak_n",
        "release_s", "start", "target_s",
    )  # fmt: skip

    def __init__(
        self,
        *,
        target_s: float,
        grace_s: float,
        release_s: float,
        cap_s: float = 90.0,
        mid_n: float = 0.0,
    ) -> None:
        self.target_s = target_s
        self.cap_s = cap_s
        self.mid_n = mid_n  # the band's middle: the credit rule's line (0: short hold always)
        self._credit = HoldCredit(short_s=target_s, long_s=cap_s, mid_n=mid_n)
        self._credited_s = target_s  # what the hold needed when it completed
        self.grace_s = grace_s
        self.release_s = release_s
        self.active = False
        self.start = 0.0
        self.in_band_s = 0.0
        self.over_band_s = 0.0
        self.peak_n = 0.0
        self.complete = False
        self.last: HoldState | None = None
        self._total = 0.0
        self._count = 0
        self._left_t = 0.0  # when the force last fell below the band during the hold
        self._released_t = 0.0  # when it last fell under the release level

    def accrue(
        self, t: float, dt: float, counts: bool, zone: int, force_n: float, events: list[Event]
    ) -> None:
        """The interval ``dt`` ending at ``t`` was spent in ``zone`` (``counts``: not a gap)."""
        if not self.active:
            return
        if counts:
            if zone == IN_BAND:
                self.in_band_s += dt
                self._credit.update(force_n, dt)
                if not self.complete and self._credit.reached(self.in_band_s):
                    self.complete = True
                    needed = self._credited_s = self._credit.needed_s
                    events.append(HoldCompleted(t - min(dt, self.in_band_s - needed), needed))
            elif zone > IN_BAND:
                self.over_band_s += dt
        if zone != RELEASED:
            if force_n > self.peak_n:
                self.peak_n = force_n
            self._total += force_n
            self._count += 1

    def on_zone(self, t: float, old: int, new: int, force_n: float, events: list[Event]) -> None:
        """The zone was re-judged from ``old`` to ``new``: start a hold, or note a dip."""
        if new >= IN_BAND:
            if not self.active:
                self.active, self.start, self.complete = True, t, False
                self.in_band_s = self.over_band_s = self._total = 0.0
                self.peak_n, self._count = force_n, 0
                self._credit = HoldCredit(
                    short_s=self.target_s, long_s=self.cap_s, mid_n=self.mid_n
                )
                events.append(HoldStarted(t))
        elif old >= IN_BAND:
            self._left_t = t
        if new == RELEASED:
            self._released_t = t

    def due_to_end(self, t: float, zone: int) -> bool:
        """Below the band past the grace, or released for ``release_s``."""
        return (
            self.active
            and zone < IN_BAND
            and (
                t - self._left_t > self.grace_s
                or (zone == RELEASED and t - self._released_t >= self.release_s)
            )
        )

    def end(self, t: float, events: list[Event]) -> None:
        """Close the hold at ``t`` (decided end, next point, or the stream's end)."""
        mean = self._total / self._count if self._count else self.peak_n
        events.append(
            HoldEnded(
                t=t,
                start=self.start,
                in_band_s=self.in_band_s,
                over_band_s=self.over_band_s,
                peak_n=self.peak_n,
                mean_n=mean,
                complete=self.complete,
                needed_s=self._credited_s if self.complete else self._credit.needed_s,
            )
        )
        self.active = False
        self.last = self._state()

    def snapshot(self) -> HoldState:
        """The hold in progress, else the last one, else an empty one: what the screen shows."""
        if self.active:
            return self._state()
        if self.last is not None:
            return self.last
        return HoldState(False, None, 0.0, 0.0, self.target_s, self.cap_s, 0.0, False)

    def _state(self) -> HoldState:
        return HoldState(
            active=self.active,
            started_t=self.start,
            in_band_s=self.in_band_s,
            over_band_s=self.over_band_s,
            target_s=self._credit.needed_s if self.in_band_s > 0 else self.target_s,
            cap_s=self.cap_s,
            peak_n=self.peak_n,
            complete=self.complete,
        )
