"""Stand-ins for the board: MicroPython's tick counter and HX711s that need no wires."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

TICKS_PERIOD = 1 << 30
"""``time.ticks_us`` wraps here on rp2 and esp32 (``ticks_add``/``ticks_diff`` docs)."""

IDENTITY = ("knotmeter-mpy test", "KM-TEST-0042", "HX711")


class MicroTicks:
    """``time.ticks_us``/``ticks_diff`` with MicroPython's wrap, over any µs clock."""

    def __init__(self, clock_us: Callable[[], int]) -> None:
        self._clock_us = clock_us

    def ticks_us(self) -> int:
        return self._clock_us() % TICKS_PERIOD

    @staticmethod
    def ticks_diff(end: int, start: int) -> int:
        half = TICKS_PERIOD // 2
        return (end - start + half) % TICKS_PERIOD - half


class FakeAdc:
    """The ADC interface tool.py drives; records what the tool asked of the chip.

    Conversions are queued by the test (``pending``); ``rates`` is what the board's
    wiring allows (a breakout with RATE tied to a rail allows only one).
    """

    def __init__(self, rate_hz: int = 80, rates: tuple[int, ...] = (10, 80)) -> None:
        self.rate_hz = rate_hz
        self.rates = rates
        self.powered = True
        self.pending: deque[int] = deque()

    def ready(self) -> bool:
        return self.powered and bool(self.pending)

    def read(self) -> int:
        return self.pending.popleft()

    def set_rate(self, hz: int) -> bool:
        if hz not in self.rates:
            return False
        self.rate_hz = hz
        return True

    def power_down(self) -> None:
        self.powered = False

    def power_up(self) -> None:
        self.powered = True


class PressAdc(FakeAdc):
    """Converts on its own schedule, like the chip: a press ramping to ``peak_n`` and held.

    ``clock`` is seconds on any monotonic clock; a conversion is ready once its
    time has come, so the tool's loop polls it exactly as it polls DOUT.
    """

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        counts_per_n: float,
        offset_counts: int,
        peak_n: float = 30.0,
        ramp_s: float = 0.3,
    ) -> None:
        super().__init__()
        self._clock = clock
        self._counts_per_n = counts_per_n
        self._offset_counts = offset_counts
        self._peak_n = peak_n
        self._ramp_s = ramp_s
        self._t0 = clock()
        self._next_t = self._t0

    def ready(self) -> bool:
        return self.powered and self._clock() >= self._next_t

    def read(self) -> int:
        force_n = self._peak_n * min(1.0, (self._next_t - self._t0) / self._ramp_s)
        self._next_t += 1 / self.rate_hz
        return self._offset_counts + round(force_n * self._counts_per_n)

    def set_rate(self, hz: int) -> bool:
        if super().set_rate(hz):
            self._next_t = self._clock() + 1 / hz
            return True
        return False
