"""``fast_ramp``: pressing in faster than the point can take.

Pressure pain thresholds are measured ramping at ~5 N/s per cm² (REFERENCE §2); a
controlled press on a ball (5-9 cm²) rises at ~11-15 N/s. A jab reaches the band in
well under a second, and overshoots it before the person can react. The limit
scales with the point, so a jaw (band from 10 N) is judged as strictly as a glute:

    limit = band low / ``REACH_S``  (upper trapezius: 40 N/s; masseter: 10 N/s)

i.e. "from rest to the band's low edge in under a second". Judged over the whole
rise, whenever the tool is pressed (above the release level), not only at band
entry; clears once the rate falls under a third of the limit.

>>> guard = FastRampAlarm(limit_n_per_s=10.0)
>>> [guard.update(r, True) for r in (5.0, 12.0, 8.0, 3.0)]
[None, True, None, False]
"""

from __future__ import annotations

REACH_S = 1.0
CLEAR_FRACTION = 1 / 3


def ramp_limit(band_low_n: float) -> float:
    """The point's fastest acceptable rise, N/s."""
    return band_low_n / REACH_S


class FastRampAlarm:
    __slots__ = ("_clear", "active", "limit_n_per_s")

    def __init__(self, *, limit_n_per_s: float) -> None:
        self.limit_n_per_s = limit_n_per_s
        self._clear = CLEAR_FRACTION * limit_n_per_s
        self.active = False

    def update(self, rate_n_per_s: float, pressed: bool) -> bool | None:
        if self.active:
            if rate_n_per_s < self._clear:
                self.active = False
                return False
        elif pressed and rate_n_per_s > self.limit_n_per_s:
            self.active = True
            return True
        return None
