"""Zones with hysteresis: where the smoothed force sits against release, band and ceiling.

``released`` < release level ≤ ``below`` < band low ≤ ``in_band`` < band high ≤
``over_band`` < ceiling ≤ ``over_ceiling``. A zone is left only half the hysteresis
width past its edges, so noise at an edge does not flicker the zone.

>>> gate = ZoneGate(release_n=16, low_n=40, high_n=65, ceiling_n=110, hysteresis_n=1.0)
>>> [gate.update(f) for f in (0.0, 39.8, 40.6, 39.8, 39.4)]
[0, 1, 2, None, 1]
"""

from __future__ import annotations

import math

from knotmeter.core.events import Zone

RELEASED, BELOW, IN_BAND, OVER_BAND, OVER_CEILING = range(5)
ZONES = (Zone.RELEASED, Zone.BELOW, Zone.IN_BAND, Zone.OVER_BAND, Zone.OVER_CEILING)
"""Zones by index: the pipeline compares indexes (cheap), events carry the ``Zone``."""


class ZoneGate:
    """The current zone index (``zone``); :meth:`update` says when it is re-judged."""

    __slots__ = ("_cur_hi", "_cur_lo", "_edges", "_hi", "_lo", "zone")

    def __init__(
        self, *, release_n: float, low_n: float, high_n: float, ceiling_n: float,
        hysteresis_n: float,
    ) -> None:  # fmt: skip
        self._edges = (release_n, low_n, high_n, ceiling_n)
        half = hysteresis_n / 2
        self._lo = (-math.inf, release_n - half, low_n - half, high_n - half, ceiling_n - half)
        self._hi = (release_n + half, low_n + half, high_n + half, ceiling_n + half, math.inf)
        self.zone = RELEASED
        self._cur_lo = math.inf
        self._cur_hi = math.inf

    def rejudge(self) -> None:
        """Judge the next force afresh (start-up, new targets): no hysteresis to leave."""
        self._cur_lo = math.inf

    def update(self, force_n: float) -> int | None:
        """The zone index when ``force_n`` made the gate re-judge, else ``None``.

        A re-judged zone may equal the old one (e.g. after :meth:`rejudge`).
        """
        if self._cur_lo <= force_n < self._cur_hi:
            return None
        release, low, high, ceiling = self._edges
        if force_n < release:
            new = RELEASED
        elif force_n < low:
            new = BELOW
        elif force_n < high:
            new = IN_BAND
        elif force_n < ceiling:
            new = OVER_BAND
        else:
            new = OVER_CEILING
        self._cur_lo, self._cur_hi = self._lo[new], self._hi[new]
        self.zone = new
        return new
