"""The zero: raw readings to tared newtons, and the slow auto-zero that follows drift.

``force = (reported - offset) * scale``. The offset moves by tare (``core/tare.py``
decides whether a tare may happen) and by a slow auto-zero while the tool rests. Either
may lower later readings only within ``window_n`` of the *anchor* — the lowest zero
the session has trusted — so no sequence of tares or drift can hide a press: readings
can be pushed up (safe: more warnings), never down by more than the window.

``lift_n`` is how far the zero sits above the anchor now (0 to the window): the
ceiling alarm adds it back, judging force from the lowest trusted zero, so a zero
moved within the window still cannot delay "too hard".

>>> zero = Zero(offset_n=0.0, scale=1.0, window_n=3.0)
>>> zero.shift_by(2.0), zero.shift_by(2.0)  # the second would reach 4 N past the anchor
(True, False)
>>> zero.apply(12.0)
10.0
"""

from __future__ import annotations


class Zero:
    """Offset and scale, bounded above by ``anchor + window`` (in newtons)."""

    __slots__ = ("anchor", "lift_n", "offset", "scale", "tau_s", "window_n", "zero_max_n")

    def __init__(
        self,
        *,
        offset_n: float,
        scale: float,
        window_n: float,
        tau_s: float = 10.0,
        zero_max_n: float = 3.0,
    ) -> None:
        self.offset = offset_n
        self.scale = scale
        self.window_n = window_n
        self.tau_s = tau_s
        self.zero_max_n = zero_max_n
        self.anchor = offset_n
        self.lift_n = 0.0

    def apply(self, reported: float) -> float:
        """The tared force of one reported value, newtons."""
        return (reported - self.offset) * self.scale

    def room_n(self) -> float:
        """How many newtons the zero may still rise before it would hide a press."""
        return self.window_n - self.lift_n

    def _moved(self) -> None:
        self.anchor = min(self.anchor, self.offset)
        self.lift_n = (self.offset - self.anchor) * self.scale

    def shift_by(self, force_n: float) -> bool:
        """Move the zero so that ``force_n`` now reads 0; ``False`` (unmoved) if that would
        lower readings past the window. A lower zero becomes the new anchor."""
        if force_n > self.room_n() + 1e-9:
            return False
        self.offset += force_n / self.scale
        self._moved()
        return True

    def follow_drift(self, residual_n: float, newest_n: float, dt: float) -> None:
        """Auto-zero: ease a small residual at rest toward 0 (time constant ``tau_s``).

        Called only while the tool is released and still; a residual (or a newest
        reading) over ``zero_max_n`` is a touch, not drift, and is left alone.
        """
        zmax = self.zero_max_n
        if -zmax < residual_n < zmax and -zmax < newest_n < zmax:
            step = residual_n * (dt / (self.tau_s + dt))
            if step <= 0.0 or step <= self.room_n():
                self.offset += step / self.scale
                self._moved()
