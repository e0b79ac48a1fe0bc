"""How long a connected link has been silent, and what to do about it.

A link can stay up while nothing arrives (the sensor hung, BlueZ died and bleak
never heard of it): after ``no_data_s`` the app is told there is no data, after
``drop_s`` the link is dropped so the usual reconnect can bring the samples back.
Pure and clock-injected, so any transport's link loop can share it.

>>> now = [0.0]
>>> watch = SilenceWatch(no_data_s=1.0, drop_s=3.0, clock=lambda: now[0])
>>> watch.heard(); now[0] = 0.5; watch.verdict()
<Verdict.FLOWING: 'flowing'>
>>> now[0] = 1.5; watch.verdict()
<Verdict.NO_DATA: 'no_data'>
>>> now[0] = 3.5; watch.verdict()
<Verdict.DROP: 'drop'>
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

DEFAULT_DROP_S = 3.0
"""Silence on a connected link before it is dropped and reconnected."""


class Verdict(StrEnum):
    FLOWING = "flowing"
    NO_DATA = "no_data"
    DROP = "drop"


class SilenceWatch:
    """Reset by :meth:`heard` at connect and at every sample; asked by the link's watch loop."""

    def __init__(self, *, no_data_s: float, drop_s: float, clock: Callable[[], float]) -> None:
        if not 0 < no_data_s <= drop_s:
            raise ValueError(f"need 0 < no_data_s <= drop_s, got {no_data_s} and {drop_s}")
        self.no_data_s = no_data_s
        self.drop_s = drop_s
        self._clock = clock
        self._last = clock()

    def heard(self) -> None:
        self._last = self._clock()

    @property
    def silent_s(self) -> float:
        return self._clock() - self._last

    def verdict(self) -> Verdict:
        silent = self.silent_s
        if silent > self.drop_s:
            return Verdict.DROP
        if silent > self.no_data_s:
            return Verdict.NO_DATA
        return Verdict.FLOWING
