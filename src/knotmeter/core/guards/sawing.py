"""``sawing``: grinding the tool back and forth instead of holding still (REFERENCE §1).

Counts reversals of the smoothed force that swing by at least ``amplitude_n``; that
many within ``window_s`` during a hold is sawing. The slow ±10 % wander of a real
hold (REFERENCE §6) gives at most one reversal per window. Clears after a window
without a reversal, or when the hold ends.

>>> guard = SawingAlarm(amplitude_n=5.0, reversals=2, window_s=3.0)
>>> guard.start(50.0)
>>> [guard.update(t, f) for t, f in ((0.1, 56.0), (0.2, 50.0), (0.3, 56.0))]
[None, None, True]
"""

from __future__ import annotations


class SawingAlarm:
    __slots__ = ("_dir", "_ext", "_times", "active", "amplitude_n", "reversals", "window_s")

    def __init__(self, *, amplitude_n: float, reversals: int, window_s: float) -> None:
        self.amplitude_n = amplitude_n
        self.reversals = reversals
        self.window_s = window_s
        self.active = False
        self._dir = 1.0
        self._ext = 0.0
        self._times: list[float] = []

    def start(self, force_n: float) -> None:
        """A hold began at ``force_n``: count afresh."""
        self._dir, self._ext = 1.0, force_n
        self._times.clear()

    def update(self, t: float, force_n: float) -> bool | None:
        times = self._times
        if self._dir > 0.0:
            if force_n > self._ext:
                self._ext = force_n
            elif self._ext - force_n >= self.amplitude_n:
                self._dir, self._ext = -1.0, force_n
                times.append(t)
        elif force_n < self._ext:
            self._ext = force_n
        elif force_n - self._ext >= self.amplitude_n:
            self._dir, self._ext = 1.0, force_n
            times.append(t)
        if times and t - times[0] > self.window_s:
            del times[0]
            if self.active and not times:
                self.active = False
                return False
        if not self.active and len(times) >= self.reversals:
            self.active = True
            return True
        return None

    def stop(self) -> bool | None:
        """The hold ended: no sawing without a hold."""
        if self.active:
            self.active = False
            return False
        return None
