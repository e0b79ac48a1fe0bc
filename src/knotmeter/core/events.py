"""What the pipeline tells its consumers: zone changes, holds and alarms.

Every consumer (UI, store, ``--json`` stream) sees the same events; they are plain
values with the trace time ``t`` (seconds) at which they happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Zone(StrEnum):
    """Where the smoothed force sits relative to the point's band and ceiling."""

    RELEASED = "released"
    BELOW = "below"
    IN_BAND = "in_band"
    OVER_BAND = "over_band"
    OVER_CEILING = "over_ceiling"


class AlarmKind(StrEnum):
    """Every warning the coach can raise; ``HARD`` ones ring the bell."""

    OVER_CEILING = "over_ceiling"
    OVER_BAND = "over_band"
    FAST_RAMP = "fast_ramp"
    SAWING = "sawing"
    LONG_HOLD = "long_hold"
    SIGNAL_LOST = "signal_lost"
    SATURATION = "saturation"
    BAD_ZERO = "bad_zero"


class Cue(StrEnum):
    """The sounds the coach makes (``core/cues.py`` decides when; ``sound.py`` plays)."""

    TOO_HARD = "too_hard"
    NO_DATA = "no_data"
    LONG_HOLD = "long_hold"
    BAD_ZERO = "bad_zero"
    HOLD_COMPLETE = "hold_complete"
    OVER_BAND = "over_band"
    IN_BAND = "in_band"


@dataclass(slots=True, frozen=True)
class ZoneChanged:
    t: float
    zone: Zone


@dataclass(slots=True, frozen=True)
class AlarmRaised:
    t: float
    kind: AlarmKind
    force_n: float


@dataclass(slots=True, frozen=True)
class AlarmCleared:
    t: float
    kind: AlarmKind


@dataclass(slots=True, frozen=True)
class HoldStarted:
    t: float


@dataclass(slots=True, frozen=True)
class HoldCompleted:
    """In-band time reached the target: the moment to tell the person "done"."""

    t: float
    in_band_s: float


@dataclass(slots=True, frozen=True)
class HoldEnded:
    t: float
    start: float
    in_band_s: float
    over_band_s: float
    peak_n: float
    mean_n: float
    complete: bool
    needed_s: float | None = None
    """In-band seconds the hold needed (``core/credit.py``): the point's short hold when
    its mean in-band force was at or above the band's middle, else its long hold."""


Event = ZoneChanged | AlarmRaised | AlarmCleared | HoldStarted | HoldCompleted | HoldEnded
