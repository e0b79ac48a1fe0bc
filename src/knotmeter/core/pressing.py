"""Pressing time: how long one point has been under pressure, and ``long_hold`` at its cap.

The hold timer ends a hold on a 2 s dip, so a cap counted per hold is easy to defeat
(sagging every minute restarts it). Pressing time instead counts every interval that
began pressed (above the release level; dips below the band included, link gaps
included, since the press may well go on unseen) and forgets it only after the tool
has been released for ``rest_s`` without a break, or when the coach moves to the next
point. At ``cap_s`` (the point's longest hold) ``long_hold`` is raised and stays until
that rest is done: the person is told to get off the point, and to stay off.

Lift-off time itself does not add (nothing presses), but a lift-off shorter than the
rest does not reset the count either.

>>> pressing = PressingTime(cap_s=2.0, rest_s=1.0)
>>> [pressing.update(t / 2, 0.5, True, False) for t in range(1, 6)]
[None, None, None, True, None]
>>> [pressing.update(2.5 + t / 2, 0.5, False, True) for t in range(1, 4)]
[None, None, False]
"""

from __future__ import annotations

REST_S = 20.0
"""Released this long, a point counts as rested: its pressing time starts again from 0.
Our choice: several times the 2.5 s rests between a person's reps (REFERENCE §6), so
lifting off for a breath is not a rest, while moving on and coming back is."""


class PressingTime:
    """``pressed_s`` so far on this point; ``active`` while ``long_hold`` should be."""

    __slots__ = ("_released_since", "active", "cap_s", "pressed_s", "rest_s")

    def __init__(self, *, cap_s: float, rest_s: float = REST_S) -> None:
        self.cap_s = cap_s
        self.rest_s = rest_s
        self.pressed_s = 0.0
        self.active = False
        self._released_since: float | None = None

    def update(self, t: float, dt: float, was_pressed: bool, released: bool) -> bool | None:
        """Count the interval ``dt`` ending at ``t``; the new ``long_hold`` state on a change.

        Args:
            was_pressed: the force was above the release level over the interval.
            released: the force is under the release level now.
        """
        if was_pressed:
            self.pressed_s += dt
        if not released:
            self._released_since = None
        elif self._released_since is None:
            self._released_since = t
        elif t - self._released_since >= self.rest_s:
            self.pressed_s = 0.0
        on = self.pressed_s >= self.cap_s
        if on is self.active:
            return None
        self.active = on
        return on
