"""Events as plain JSON-ready dicts: one schema for every ``--json`` stream.

Times are rounded to the microsecond and forces to the millinewton: finer digits
are float noise, and stable output lets people diff two runs.
"""

from __future__ import annotations

from knotmeter.core.alarms import severity
from knotmeter.core.events import (
    AlarmCleared,
    AlarmRaised,
    Event,
    HoldCompleted,
    HoldEnded,
    HoldStarted,
    ZoneChanged,
)

JsonValue = str | float | bool


def seconds(value: float) -> float:
    return round(value, 6)


def newtons(value: float) -> float:
    return round(value, 3)


def event_record(event: Event) -> dict[str, JsonValue]:
    """The JSON-lines form of ``event``: always ``"event"`` and ``"t"``, then its fields."""
    match event:
        case ZoneChanged(t, zone):
            return {"event": "zone", "t": seconds(t), "zone": zone.value}
        case AlarmRaised(t, kind, force_n):
            return {
                "event": "alarm",
                "t": seconds(t),
                "kind": kind.value,
                "severity": severity(kind).value,
                "force_n": newtons(force_n),
            }
        case AlarmCleared(t, kind):
            return {
                "event": "alarm_cleared",
                "t": seconds(t),
                "kind": kind.value,
                "severity": severity(kind).value,
            }
        case HoldStarted(t):
            return {"event": "hold_started", "t": seconds(t)}
        case HoldCompleted(t, in_band_s):
            return {"event": "hold_completed", "t": seconds(t), "in_band_s": seconds(in_band_s)}
        case HoldEnded():
            return {
                "event": "hold_ended",
                "t": seconds(event.t),
                "start": seconds(event.start),
                "in_band_s": seconds(event.in_band_s),
                "over_band_s": seconds(event.over_band_s),
                "peak_n": newtons(event.peak_n),
                "mean_n": newtons(event.mean_n),
                "complete": event.complete,
            }
