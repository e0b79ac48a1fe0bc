"""Eyes-free cues: which sound to make, from the coach's state, like a parking sensor.

A person pressing a ball against the wall behind their shoulder cannot see the
screen. A short cue on reaching the band, a steady slow one while over it, a fast
urgent one while over the ceiling and a rising one when the hold completes let them
press by ear. Pure and time-injected: the cue follows sample time, so it is decided
in the same call that fed the sample, not by a timer.
"""

from __future__ import annotations

from knotmeter.core.events import AlarmKind, Cue, Zone
from knotmeter.core.state import CoachState

REPEAT_S: dict[Cue, float] = {
    Cue.TOO_HARD: 0.25,  # urgent: as fast as a cue can be told apart
    Cue.OVER_BAND: 1.0,
    Cue.IN_BAND: 10.0,  # a quiet "still there" every ten seconds of a hold
}
"""While the force stays at a level, its cue repeats this often (sample time)."""


def level_cue(state: CoachState) -> Cue | None:
    """The cue the force's level calls for: the ceiling alarm (raw force, the fast path)
    first, then the smoothed zone; none below the band or released."""
    if AlarmKind.OVER_CEILING in state.alarms:
        return Cue.TOO_HARD
    return {Zone.OVER_BAND: Cue.OVER_BAND, Zone.IN_BAND: Cue.IN_BAND}.get(state.zone)


class CueSchedule:
    """At most one cue per update: on entering a level, then every ``REPEAT_S`` at it.

    A completed hold is announced once, unless the force is over the ceiling then.
    """

    def __init__(self) -> None:
        self._level: Cue | None = None
        self._last_t = 0.0

    def update(self, state: CoachState, *, hold_completed: bool = False) -> Cue | None:
        """The cue to play for the newest ``state`` (``hold_completed``: since the last)."""
        level = level_cue(state)
        if level is not self._level:
            self._level = level
            self._last_t = state.t
            if hold_completed and level is not Cue.TOO_HARD:
                return Cue.HOLD_COMPLETE
            return level
        if hold_completed and level is not Cue.TOO_HARD:
            self._last_t = state.t
            return Cue.HOLD_COMPLETE
        if level is not None and state.t - self._last_t >= REPEAT_S[level]:
            self._last_t = state.t
            return level
        return None
