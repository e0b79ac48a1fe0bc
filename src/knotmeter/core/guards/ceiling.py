"""``over_ceiling``: too hard, now. The first safety promise.

Reads the spike-rejected force (median of 3), not the smoothed one: a one-sample spike
never passes, a real crossing does by its second sample. Clears below a fraction of
the ceiling, so a force hovering at the ceiling does not flicker the alarm.

>>> guard = CeilingAlarm(ceiling_n=110.0, clear_fraction=0.95)
>>> [guard.update(f) for f in (100.0, 110.0, 106.0, 104.0)]
[None, True, None, False]
"""

from __future__ import annotations


class CeilingAlarm:
    __slots__ = ("_clear_n", "active", "ceiling_n")

    def __init__(self, *, ceiling_n: float, clear_fraction: float) -> None:
        self.ceiling_n = ceiling_n
        self._clear_n = clear_fraction * ceiling_n
        self.active = False

    def update(self, force_n: float) -> bool | None:
        if self.active:
            if force_n < self._clear_n:
                self.active = False
                return False
        elif force_n >= self.ceiling_n:
            self.active = True
            return True
        return None
