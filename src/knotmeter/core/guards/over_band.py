"""``over_band``: pressing above the band for longer than a settling overshoot.

Brief overshoots while settling into the band are normal; ``after_s`` above it is
not. Judged on the smoothed zone; clears the moment the force is back in or under
the band.

>>> from knotmeter.core.zones import IN_BAND, OVER_BAND
>>> guard = OverBandAlarm(after_s=0.5)
>>> [guard.update(t / 4, OVER_BAND) for t in range(4)] + [guard.update(1.0, IN_BAND)]
[None, None, None, True, False]
"""

from __future__ import annotations

from knotmeter.core.zones import OVER_BAND


class OverBandAlarm:
    __slots__ = ("_since", "active", "after_s")

    def __init__(self, *, after_s: float) -> None:
        self.after_s = after_s
        self._since: float | None = None
        self.active = False

    def update(self, t: float, zone: int) -> bool | None:
        if zone < OVER_BAND:
            self._since = None
            if self.active:
                self.active = False
                return False
            return None
        if self._since is None:
            self._since = t
        if not self.active and t - self._since > self.after_s:
            self.active = True
            return True
        return None
