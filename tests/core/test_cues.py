"""Eyes-free cues: a parking-sensor rhythm decided from source time, and no hard state
ever as quiet as "below the band"."""

from __future__ import annotations

import dataclasses
import doctest

from hypothesis import given
from hypothesis import strategies as st

from knotmeter.core import cues
from knotmeter.core.alarms import ALARM_TABLE, HARD_ALARMS
from knotmeter.core.config import PipelineConfig
from knotmeter.core.cues import HARD_CUES, REPEAT_S, URGENCY, CueSchedule, alarm_cue, level_cue
from knotmeter.core.events import AlarmKind, Cue, Zone
from knotmeter.core.pipeline import Pipeline
from knotmeter.core.state import CoachState

BASE = Pipeline(PipelineConfig.for_region("upper-trapezius")).state
SAMPLE_S = 1 / 80


def state(t: float, zone: Zone, *alarms: AlarmKind) -> CoachState:
    return dataclasses.replace(BASE, t=t, zone=zone, alarms=frozenset(alarms))


def test_the_docstring_stream() -> None:
    assert doctest.testmod(cues).failed == 0


def test_every_hard_alarm_has_a_repeating_cue_that_outranks_every_soft_cue() -> None:
    assert sorted(URGENCY) == sorted(Cue), "every cue ranked once"
    for kind in HARD_ALARMS:
        assert ALARM_TABLE[kind].cue in REPEAT_S
    assert set(URGENCY[: len(HARD_CUES)]) == HARD_CUES
    assert URGENCY[0] is Cue.TOO_HARD


def test_a_press_through_the_band_to_the_ceiling_and_back() -> None:
    schedule = CueSchedule()
    over = AlarmKind.OVER_CEILING
    script: list[tuple[CoachState, bool, Cue | None]] = [
        (state(0.0, Zone.BELOW), False, None),
        (state(0.5, Zone.IN_BAND), False, Cue.IN_BAND),
        (state(1.0, Zone.IN_BAND), False, None),
        (state(1.2, Zone.OVER_BAND), False, Cue.OVER_BAND),
        (state(1.3, Zone.OVER_BAND, over), False, Cue.TOO_HARD),  # the raw-force alarm leads
        (state(1.5, Zone.OVER_CEILING, over), False, None),
        (state(1.55, Zone.OVER_CEILING, over), False, Cue.TOO_HARD),  # 0.25 s on: again
        (state(2.0, Zone.IN_BAND), True, Cue.HOLD_COMPLETE),
        (state(2.1, Zone.RELEASED), False, None),
    ]
    heard = [schedule.update(now, now.t, hold_completed=done) for now, done, _ in script]
    assert heard == [cue for *_, cue in script]


def test_a_silence_is_heard_at_once_and_every_two_seconds_while_it_lasts() -> None:
    """The session calls with the last sample's state and the source's "now": the
    link-down report at once, then the silence watchdog every 0.5 s."""
    schedule = CueSchedule()
    assert schedule.update(state(10.0, Zone.IN_BAND), 10.0) is Cue.IN_BAND
    lost = state(10.0, Zone.IN_BAND, AlarmKind.SIGNAL_LOST)
    ticks = [10.3 + 0.5 * k for k in range(12)]
    heard = [now for now in ticks if schedule.update(lost, now) is Cue.NO_DATA]
    assert heard == [10.3, 12.3, 14.3]
    assert schedule.update(state(16.0, Zone.IN_BAND), 16.0) is Cue.IN_BAND, "back: said so"


def test_the_in_band_cue_stops_at_the_hold_limit() -> None:
    schedule = CueSchedule()
    long_hold = [state(t, Zone.IN_BAND, AlarmKind.LONG_HOLD) for t in range(90, 130)]
    heard = {schedule.update(now, now.t) for now in long_hold}
    assert heard == {Cue.LONG_HOLD, None}


def test_time_stepping_back_restarts_the_repeat_instead_of_silencing_it() -> None:
    schedule = CueSchedule()
    over = (Zone.OVER_CEILING, AlarmKind.OVER_CEILING)
    assert schedule.update(state(5.0, *over), 7.0) is Cue.TOO_HARD  # noticed late
    assert schedule.update(state(5.1, *over), 5.1) is None  # a burst from before
    assert schedule.update(state(5.35, *over), 5.35) is Cue.TOO_HARD


def test_saturation_sounds_too_hard_and_outranks_the_others() -> None:
    everything = frozenset(AlarmKind) - {AlarmKind.OVER_CEILING}
    assert alarm_cue(everything) is Cue.TOO_HARD
    assert alarm_cue(frozenset({AlarmKind.OVER_BAND, AlarmKind.SAWING})) is None


alarm_sets = st.frozensets(st.sampled_from(list(AlarmKind)), max_size=4)
steps = st.lists(
    st.tuples(
        st.floats(min_value=SAMPLE_S / 4, max_value=0.6),  # time to this update
        st.booleans(),  # silent: no new sample, only time passed
        st.sampled_from(list(Zone)),
        alarm_sets,
        st.booleans(),  # a hold completed
    ),
    max_size=300,
)


@given(steps)
def test_a_hard_state_is_heard_at_once_repeats_and_is_never_talked_over(
    script: list[tuple[float, bool, Zone, frozenset[AlarmKind], bool]],
) -> None:
    """So the gap between two cues of a hard state never exceeds its period plus one
    update, whatever the zones, holds and other alarms do meanwhile."""
    schedule = CueSchedule()
    now = sample_t = 0.0
    due: Cue | None = None  # the hard cue of the previous update
    last_heard = 0.0
    for dt, silent, zone, alarms, done in script:
        now += dt
        sample_t = sample_t if silent else now
        current = state(sample_t, zone, *alarms)
        cue = schedule.update(current, now, hold_completed=done)
        hard = alarm_cue(alarms)
        if hard is None:
            assert cue not in HARD_CUES
            if level_cue(current) is None and not done:
                assert cue is None, "below the band or released: quiet, unless a hold completed"
        else:
            assert cue in (hard, None), "nothing else is heard over a hard alarm"
            if hard is not due:
                assert cue is hard, "a new hard state is heard at once"
            elif now - last_heard >= REPEAT_S[hard]:
                assert cue is hard, "and again every REPEAT_S while it lasts"
            if AlarmKind.LONG_HOLD in alarms:
                assert cue is not Cue.IN_BAND
        if cue is not None:
            last_heard = now
        due = hard
