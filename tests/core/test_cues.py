"""Eyes-free cues: a parking-sensor rhythm decided from sample time, never silent while
the force is over the ceiling."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from knotmeter.core.config import PipelineConfig
from knotmeter.core.cues import REPEAT_S, CueSchedule, level_cue
from knotmeter.core.events import AlarmKind, Cue, Zone
from knotmeter.core.pipeline import Pipeline
from knotmeter.core.state import CoachState

BASE = Pipeline(PipelineConfig.for_region("upper-trapezius")).state
SAMPLE_S = 1 / 80


def state(t: float, zone: Zone, *, too_hard: bool = False) -> CoachState:
    alarms = frozenset({AlarmKind.OVER_CEILING}) if too_hard else frozenset()
    return dataclasses.replace(BASE, t=t, zone=zone, alarms=alarms)


def test_a_press_through_the_band_to_the_ceiling_and_back() -> None:
    schedule = CueSchedule()
    script = [
        (0.0, Zone.BELOW, False, False, None),
        (0.5, Zone.IN_BAND, False, False, Cue.IN_BAND),
        (1.0, Zone.IN_BAND, False, False, None),
        (1.2, Zone.OVER_BAND, False, False, Cue.OVER_BAND),
        (1.3, Zone.OVER_BAND, True, False, Cue.TOO_HARD),  # the raw-force alarm leads
        (1.5, Zone.OVER_CEILING, True, False, None),
        (1.55, Zone.OVER_CEILING, True, False, Cue.TOO_HARD),  # 0.25 s on: again
        (2.0, Zone.IN_BAND, False, True, Cue.HOLD_COMPLETE),
        (2.1, Zone.RELEASED, False, False, None),
    ]
    heard = [
        schedule.update(state(t, zone, too_hard=hard), hold_completed=done)
        for t, zone, hard, done, _ in script
    ]
    assert heard == [cue for *_, cue in script]


levels = st.sampled_from(
    [(Zone.RELEASED, False), (Zone.BELOW, False), (Zone.IN_BAND, False),
     (Zone.OVER_BAND, False), (Zone.OVER_BAND, True), (Zone.OVER_CEILING, True)]
)  # fmt: skip
steps = st.lists(
    st.tuples(st.floats(min_value=SAMPLE_S, max_value=0.5), levels, st.booleans()), max_size=200
)


@given(steps)
def test_over_the_ceiling_is_never_quiet_for_longer_than_its_repeat(
    script: list[tuple[float, tuple[Zone, bool], bool]],
) -> None:
    schedule = CueSchedule()
    t = 0.0
    last_too_hard: float | None = None
    for dt, (zone, hard), done in script:
        t += dt
        now = state(t, zone, too_hard=hard)
        cue = schedule.update(now, hold_completed=done)
        if not hard:
            last_too_hard = None
            assert cue is not Cue.TOO_HARD
            if level_cue(now) is None and not done:
                assert cue is None, "below the band or released: quiet, unless a hold completed"
            continue
        assert cue is not Cue.HOLD_COMPLETE, "nothing talks over the ceiling alarm"
        if last_too_hard is None:
            assert cue is Cue.TOO_HARD, "the first sample over the ceiling is heard at once"
        elif t - last_too_hard >= REPEAT_S[Cue.TOO_HARD]:
            assert cue is Cue.TOO_HARD
        if cue is Cue.TOO_HARD:
            last_too_hard = t
