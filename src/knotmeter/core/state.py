"""The snapshot of the coach that screens read at their own frame rate."""

from __future__ import annotations

from dataclasses import dataclass

from knotmeter.core.events import AlarmKind, Zone
from knotmeter.core.latch import LatchedAlarm

FORCE_ALARMS = (AlarmKind.OVER_CEILING, AlarmKind.SATURATION)
"""Alarms about how hard the press is: while one is shown, the digits show its force."""
_ZONE_ORDER = tuple(Zone)
_ALARM_ZONES = {
    AlarmKind.OVER_CEILING: Zone.OVER_CEILING,
    AlarmKind.SATURATION: Zone.OVER_CEILING,
    AlarmKind.OVER_BAND: Zone.OVER_BAND,
}


@dataclass(slots=True, frozen=True)
class HoldState:
    """The current (or last) hold, as the person should see it."""

    active: bool
    started_t: float | None
    in_band_s: float
    over_band_s: float
    target_s: float
    cap_s: float
    peak_n: float
    complete: bool


@dataclass(slots=True, frozen=True)
class CoachState:
    """Everything a consumer needs to draw one frame; cheap to copy, never mutated.

    Attributes:
        t: time of the newest sample (source timeline, seconds).
        raw_n: newest spike-rejected, tared force (what the alarms see).
        force_n: newest smoothed force (what the gauge and zones see).
        rate_n_per_s: smoothed rate of rise, for live ramp feedback.
        zone: zone of the smoothed force.
        band_low_n, band_high_n, ceiling_n, release_n: the active targets.
        hold: the current or most recent hold.
        alarms: alarms active right now.
        samples: samples processed so far; lost: samples known lost.
        tool: what the person presses with (``ball``, ``hook``, ``thumb``).
        full_scale_n: the tool's measuring range, when the source said it.
        ceiling_capped: the ceiling was lowered to stay inside the tool's range.
        pressing_s: how long this point has been pressed, short dips included.
        pressing_cap_s: the point's longest hold; ``long_hold`` fires there.
        advised_hold_s: the point's advised hold range (min, max) in seconds.
        shown: the alarms to show and sound now, most urgent first: the active ones
            and those latched after clearing (``core/latch.py``).
    """

    t: float
    raw_n: float
    force_n: float
    rate_n_per_s: float
    zone: Zone
    band_low_n: float
    band_high_n: float
    ceiling_n: float
    release_n: float
    hold: HoldState
    alarms: frozenset[AlarmKind]
    samples: int
    lost: int
    tool: str = "ball"
    full_scale_n: float | None = None
    ceiling_capped: bool = False
    pressing_s: float = 0.0
    pressing_cap_s: float = 90.0
    advised_hold_s: tuple[float, float] = (60.0, 90.0)
    shown: tuple[LatchedAlarm, ...] = ()

    @property
    def shown_alarms(self) -> frozenset[AlarmKind]:
        """The alarms a screen shows and the sound plays: active or latched."""
        if not self.shown:
            return self.alarms
        return self.alarms | {alarm.kind for alarm in self.shown}

    @property
    def shown_force_n(self) -> float:
        """The force the digits show: the peak of a too-hard alarm that has cleared but
        is still shown (the force that raised it), else the smoothed force."""
        peaks = [a.peak_n for a in self.shown if a.kind in FORCE_ALARMS and a.cleared_t is not None]
        if peaks and not any(a.kind in FORCE_ALARMS and a.cleared_t is None for a in self.shown):
            return max(self.force_n, *peaks)
        return self.force_n

    @property
    def shown_zone(self) -> Zone:
        """The zone the zone word says: the smoothed zone, or higher while an alarm
        about it is shown (a jab over the ceiling reads TOO HARD while it is latched)."""
        zone = self.zone
        for kind in self.shown_alarms:
            implied = _ALARM_ZONES.get(kind)
            if implied is not None and _ZONE_ORDER.index(implied) > _ZONE_ORDER.index(zone):
                zone = implied
        return zone
