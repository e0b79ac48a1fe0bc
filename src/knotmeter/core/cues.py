"""Eyes-free cues: which sound to make, from the coach's state, like a parking sensor.

A person pressing a ball against the wall behind their shoulder cannot see the
screen. Every hard alarm has a cue of its own that repeats while it lasts, so no
hard state is ever as quiet as "below the band"; under them, a short cue on reaching
the band, a steady slow one while over it and a rising one when the hold completes
let them press by ear. Pure and time-injected: the caller says what time it is, the
newest sample's time while samples flow and the source's "now" during a silence, so
the cue is decided in the same call that fed the sample or noticed the silence, never
by a timer of its own.

Rules, first match wins:

1. the most urgent shown *hard* alarm (``core/alarms.py``, in ``PRIORITY`` order; shown
   means active or latched after clearing, ``core/latch.py``, so a jab inside one batch
   is heard too) plays its cue at once and every ``REPEAT_S`` while it lasts; nothing
   softer is heard then (so the in-band cue stops while ``long_hold`` is active);
2. a completed hold is announced once;
3. the most urgent soft alarm's cue (``fast_ramp``, ``sawing``, ``over_band``: "ease off");
4. the smoothed zone: over the band (or the ceiling, should its alarm have cleared)
   every second, in the band every ten seconds; below the band and released are quiet.
"""

from __future__ import annotations

from knotmeter.core.alarms import ALARM_TABLE, HARD_ALARMS, by_priority, most_urgent
from knotmeter.core.events import AlarmKind, Cue, Zone
from knotmeter.core.state import CoachState

REPEAT_S: dict[Cue, float] = {
    Cue.TOO_HARD: 0.25,  # urgent: as fast as a cue can be told apart
    Cue.BAD_ZERO: 3.0,  # a nag until the tool is taken off and tared
    Cue.LONG_HOLD: 1.5,  # "let go": insistent, but slower than too hard
    Cue.NO_DATA: 2.0,  # a low "is anyone there?" while no reading arrives
    Cue.OVER_BAND: 1.0,
    Cue.IN_BAND: 10.0,  # a quiet "still there" every ten seconds of a hold
}
"""While a state lasts, its cue repeats this often (source time, seconds)."""

URGENCY: tuple[Cue, ...] = (
    *dict.fromkeys(ALARM_TABLE[kind].cue for kind in by_priority(HARD_ALARMS)),
    Cue.HOLD_COMPLETE,
    Cue.OVER_BAND,
    Cue.IN_BAND,
)
"""Most urgent first: a player lets a cue cut short a clip of one after it, never before."""

HARD_CUES = frozenset(ALARM_TABLE[kind].cue for kind in HARD_ALARMS)

_ZONE_CUES = {
    Zone.OVER_CEILING: Cue.OVER_BAND,
    Zone.OVER_BAND: Cue.OVER_BAND,
    Zone.IN_BAND: Cue.IN_BAND,
}


def alarm_cue(alarms: frozenset[AlarmKind]) -> Cue | None:
    """The cue of the most urgent hard alarm in ``alarms``; ``None`` if none is hard."""
    hard = [kind for kind in by_priority(alarms) if kind in HARD_ALARMS]
    return ALARM_TABLE[hard[0]].cue if hard else None


def level_cue(state: CoachState) -> Cue | None:
    """The cue that repeats while ``state`` lasts: a hard alarm's, else a soft alarm's
    (``fast_ramp`` and ``sawing`` sound "ease off" even inside the band), else the zone's."""
    lead = most_urgent(state.shown_alarms)
    if lead is not None:
        return ALARM_TABLE[lead].cue
    return _ZONE_CUES.get(state.zone)


class CueSchedule:
    """At most one cue per update: on entering a level, then every ``REPEAT_S`` at it.

    A short stream (80 Hz samples, then a silence the caller notices at 2.0 s)::

        >>> from dataclasses import replace
        >>> from knotmeter.core.config import PipelineConfig
        >>> from knotmeter.core.pipeline import Pipeline
        >>> calm = Pipeline(PipelineConfig.for_region("upper-trapezius")).state
        >>> schedule = CueSchedule()
        >>> def hear(t, zone, *alarms, now=None):
        ...     state = replace(calm, t=t, zone=zone, alarms=frozenset(alarms))
        ...     return schedule.update(state, t if now is None else now)
        >>> hear(0.0, Zone.IN_BAND), hear(5.0, Zone.IN_BAND), hear(10.0, Zone.IN_BAND)
        (<Cue.IN_BAND: 'in_band'>, None, <Cue.IN_BAND: 'in_band'>)
        >>> too_hard = (Zone.OVER_BAND, AlarmKind.OVER_CEILING)
        >>> hear(10.1, *too_hard), hear(10.2, *too_hard), hear(10.4, *too_hard)
        (<Cue.TOO_HARD: 'too_hard'>, None, <Cue.TOO_HARD: 'too_hard'>)
        >>> lost = (Zone.IN_BAND, AlarmKind.SIGNAL_LOST)
        >>> hear(10.5, *lost, now=11.0), hear(10.5, *lost, now=12.5), hear(10.5, *lost, now=13.0)
        (<Cue.NO_DATA: 'no_data'>, None, <Cue.NO_DATA: 'no_data'>)

    Time that steps back (a burst of older samples after a silence) restarts the
    count from there: the cue repeats at most ``REPEAT_S`` of the new timeline later.
    """

    def __init__(self) -> None:
        self._level: Cue | None = None
        self._last_t = 0.0

    def update(self, state: CoachState, t: float, *, hold_completed: bool = False) -> Cue | None:
        """The cue to play at time ``t`` (source timeline, ``>= state.t``) for ``state``.

        ``hold_completed``: a hold completed since the last update; it is announced
        unless a hard alarm is active, which it would otherwise talk over.
        """
        self._last_t = min(self._last_t, t)
        level = level_cue(state)
        if hold_completed and level not in HARD_CUES:
            self._level = level
            self._last_t = t
            return Cue.HOLD_COMPLETE
        if level is not self._level:
            self._level = level
            self._last_t = t
            return level
        if level is not None and t - self._last_t >= REPEAT_S[level]:
            self._last_t = t
            return level
        return None
