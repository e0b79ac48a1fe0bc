"""``saturation``: the tool is at the end of its range, so it cannot say how hard this is.

A clipped reading hides the real force: a person pressing 250 N on a 200 N cell reads
200 N. So two samples in a row at ``ALARM_FRACTION`` of full scale (the reported
reading, before tare: it is the cell that clips) is "too hard", like the ceiling; so
is a batch the ADC itself flagged. Clears when a sample is back under
``CLEAR_FRACTION`` and no flag is set.

>>> guard = FullScaleAlarm(full_scale_n=200.0)
>>> [guard.update(f, False) for f in (150.0, 197.0, 199.0, 195.0, 180.0)]
[None, None, True, None, False]
"""

from __future__ import annotations

import math

ALARM_FRACTION = 0.98
CLEAR_FRACTION = 0.95
SAMPLES = 2
"""Consecutive samples at full scale that make a clip (one is a spike)."""


class FullScaleAlarm:
    __slots__ = ("_alarm_n", "_clear_n", "_run", "active")

    def __init__(self, *, full_scale_n: float | None) -> None:
        scale = math.inf if full_scale_n is None else full_scale_n
        self._alarm_n = ALARM_FRACTION * scale
        self._clear_n = CLEAR_FRACTION * scale
        self._run = 0
        self.active = False

    def update(self, reported_n: float, flagged: bool) -> bool | None:
        """One sample's reading (newtons as the tool reports them) and its batch's flag."""
        level = reported_n if reported_n >= 0.0 else -reported_n
        self._run = self._run + 1 if level >= self._alarm_n else 0
        on = flagged or self._run >= SAMPLES or (self.active and level >= self._clear_n)
        if on is self.active:
            return None
        self.active = on
        return on
