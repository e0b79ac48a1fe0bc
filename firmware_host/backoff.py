"""When to try the next reconnect: quick at first, then a steady slow retry forever.

A BLE tool that dropped out of range usually comes back within seconds; one that went
to sleep may take minutes. Retrying every 30 s after the first two tries costs little
radio time and never gives up. A serial port costs nothing to try, so its schedule
doubles from a tenth of a second to a second (:func:`doubling`).
"""

from __future__ import annotations

from collections.abc import Sequence

DEFAULT_SCHEDULE_S: tuple[float, ...] = (1.0, 5.0, 30.0)
"""Delays before retries 1, 2 and 3; every later retry waits the last one."""


def reconnect_delay(attempt: int, schedule: Sequence[float] = DEFAULT_SCHEDULE_S) -> float:
    """Seconds to wait before reconnect ``attempt`` (0 = the first retry after a drop)."""
    if attempt < 0:
        raise ValueError(f"attempt must be >= 0, got {attempt}")
    if not schedule:
        raise ValueError("the reconnect schedule needs at least one delay")
    return float(schedule[min(attempt, len(schedule) - 1)])


def doubling(first_s: float, cap_s: float) -> tuple[float, ...]:
    """A schedule that doubles from ``first_s`` up to ``cap_s``, which then repeats.

    >>> doubling(0.1, 1.0)
    (0.1, 0.2, 0.4, 0.8, 1.0)
    """
    if not 0 < first_s <= cap_s:
        raise ValueError(f"need 0 < first_s <= cap_s, got {first_s} and {cap_s}")
    delays = [first_s]
    while delays[-1] < cap_s:
        delays.append(min(delays[-1] * 2, cap_s))
    return tuple(delays)
