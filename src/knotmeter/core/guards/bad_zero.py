"""``bad_zero``: the tool reads well below zero, so its zero is wrong.

A load cell under a ball or hook is only ever pushed: a reading below minus the tare
window for over ``AFTER_S`` means the zero was taken under load (or the tool slipped
in its mount), and every press now reads too light. Hard, because a wrong zero hides
"too hard": the person is told to take the tool off and tare. Clears once the
reading is back above half the window below zero.

>>> guard = BadZeroAlarm(window_n=4.0)
>>> [guard.update(t * 0.5, -10.0) for t in range(6)]
[None, None, None, None, None, True]
>>> guard.update(3.0, -1.0)
False
"""

from __future__ import annotations

AFTER_S = 2.0


class BadZeroAlarm:
    __slots__ = ("_since", "active", "window_n")

    def __init__(self, *, window_n: float) -> None:
        self.window_n = window_n
        self._since: float | None = None
        self.active = False

    def update(self, t: float, force_n: float) -> bool | None:
        if force_n < -self.window_n:
            if self._since is None:
                self._since = t
        elif force_n > -self.window_n / 2:
            self._since = None
        on = self._since is not None and (self.active or t - self._since > AFTER_S)
        if on is self.active:
            return None
        self.active = on
        return on
