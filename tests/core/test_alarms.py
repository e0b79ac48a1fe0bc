"""The one table of alarm kinds: no kind may be one forgotten line away from silence."""

from __future__ import annotations

from knotmeter.core.alarms import ALARM_TABLE, ALARMS, HARD_ALARMS, PRIORITY, Severity, by_priority
from knotmeter.core.cues import REPEAT_S
from knotmeter.core.events import AlarmKind, Cue
from knotmeter.sound import NOTES


def test_every_kind_has_severity_priority_banner_and_cue() -> None:
    assert set(ALARM_TABLE) == set(AlarmKind)
    assert len(PRIORITY) == len(set(PRIORITY)) == len(AlarmKind)
    for spec in ALARMS:
        assert isinstance(spec.severity, Severity)
        assert spec.banner.strip()
        assert isinstance(spec.cue, Cue)
        assert spec.cue in NOTES  # the sound exists
        assert spec.cue in REPEAT_S  # and repeats while the state lasts


def test_hard_alarms_come_first_and_each_has_a_cue_of_its_own_kind() -> None:
    hard = [kind for kind in PRIORITY if kind in HARD_ALARMS]
    assert PRIORITY[: len(hard)] == tuple(hard)
    assert by_priority(frozenset(AlarmKind)) == list(PRIORITY)
    soft_cues = {ALARM_TABLE[kind].cue for kind in AlarmKind if kind not in HARD_ALARMS}
    hard_cues = {ALARM_TABLE[kind].cue for kind in HARD_ALARMS}
    assert not soft_cues & hard_cues  # a soft warning never sounds like a hard one
    assert {AlarmKind.OVER_CEILING, AlarmKind.SATURATION, AlarmKind.LONG_HOLD} <= HARD_ALARMS
    assert {AlarmKind.SIGNAL_LOST, AlarmKind.BAD_ZERO} <= HARD_ALARMS
