"""Hold credit by pressure (Hou 2002, Arch Phys Med Rehabil 83:1406; REFERENCE §7).

In the trial, pressure at the pain threshold needed 90 s to work; pressure at the
midpoint of threshold and tolerance worked at 60 or 90 s. The band runs from about the
threshold to that midpoint, so a hold earns its credit at the point's short hold only
when its mean in-band force is at or above the band's middle; otherwise it needs the
point's long hold. The mean is time-weighted over the in-band intervals only.

>>> credit = HoldCredit(short_s=60.0, long_s=90.0, mid_n=52.5)
>>> credit.update(55.0, 1.0).needed_s
60.0
>>> credit.update(40.0, 3.0).needed_s, round(credit.mean_n, 2)
(90.0, 43.75)
>>> credit.reached(75.0), credit.reached(90.0)
(False, True)
"""

from __future__ import annotations


class HoldCredit:
    """The in-band seconds one hold needs, from its mean in-band force so far.

    Args:
        short_s: the point's short hold (its target).
        long_s: the point's long hold (at least ``short_s``).
        mid_n: the band's middle.
    """

    __slots__ = ("_force_s", "_in_band_s", "long_s", "mid_n", "short_s")

    def __init__(self, *, short_s: float, long_s: float, mid_n: float) -> None:
        self.short_s = short_s
        self.long_s = max(long_s, short_s)
        self.mid_n = mid_n
        self._force_s = 0.0
        self._in_band_s = 0.0

    def update(self, force_n: float, dt: float) -> HoldCredit:
        """``dt`` seconds in band at ``force_n``."""
        self._force_s += force_n * dt
        self._in_band_s += dt
        return self

    @property
    def mean_n(self) -> float:
        """Mean in-band force so far (0 before any in-band time)."""
        return self._force_s / self._in_band_s if self._in_band_s > 0 else 0.0

    @property
    def short(self) -> bool:
        """The short hold applies: the mean in-band force is at or above the band's middle."""
        return self._in_band_s > 0 and self.mean_n >= self.mid_n

    @property
    def needed_s(self) -> float:
        """In-band seconds this hold needs now."""
        return self.short_s if self.short else self.long_s

    def reached(self, in_band_s: float) -> bool:
        """``in_band_s`` earns the credit."""
        return in_band_s >= self.needed_s
