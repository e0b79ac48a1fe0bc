"""The alarm latch: a jab inside one batch is shown and heard, whatever the frame size."""

from __future__ import annotations

import doctest
import itertools
from types import ModuleType

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knotmeter.core import (
    AlarmKind,
    Pipeline,
    PipelineConfig,
    SampleBatch,
    cadence,
    clock_check,
    latch,
)
from knotmeter.core.cues import CueSchedule
from knotmeter.core.events import AlarmCleared, AlarmRaised, Cue, Zone
from knotmeter.core.guards import signal
from knotmeter.core.latch import HARD_HOLD_S, SOFT_HOLD_S

CONFIG = PipelineConfig.for_region("upper-trapezius")  # band 40-65 N, ceiling 110 N
RATE_HZ = 80.0


def jab_stream(jab_s: float, start_s: float = 3.0, total_s: float = 8.0) -> SampleBatch:
    """In the band (52 N), a jab 30 % over the ceiling for ``jab_s``, back in the band."""
    t = np.arange(0.0, total_s, 1 / RATE_HZ)
    force = np.where(t < 1.0, 52.0 * t, 52.0)
    force[(t >= start_s) & (t < start_s + jab_s)] = 1.3 * CONFIG.ceiling_n
    return SampleBatch(t, force)


@settings(max_examples=150, deadline=None)
@given(frame=st.integers(1, 76), jab_s=st.floats(0.05, 1.0), offset=st.integers(0, 75))
def test_every_jab_is_shown_and_cued_whatever_the_frame(
    frame: int, jab_s: float, offset: int
) -> None:
    """Fed in frames of 1-76 samples, as a screen and the sound see it (the state at each
    batch's end): the jab shows in the banner's alarms, as TOO HARD, with its force, for
    at least 1.5 s after it cleared, and the too-hard cue sounds."""
    stream = jab_stream(jab_s)
    pipeline, schedule = Pipeline(CONFIG), CueSchedule()
    raised: list[AlarmRaised] = []
    cleared_at: float | None = None
    shown_t: list[float] = []
    gone_t: float | None = None  # the first batch's end that no longer shows it
    cues: list[Cue] = []
    peaks: list[float] = []
    bounds = [0, *range(offset % frame or frame, len(stream), frame), len(stream)]
    for start, stop in itertools.pairwise(bounds):
        events = pipeline.feed(SampleBatch(stream.t[start:stop], stream.force_n[start:stop]))
        raised += [e for e in events if isinstance(e, AlarmRaised)]
        for event in events:
            if isinstance(event, AlarmCleared) and event.kind is AlarmKind.OVER_CEILING:
                cleared_at = event.t
        state = pipeline.state
        cue = schedule.update(state, state.t)
        if cue is not None:
            cues.append(cue)
        if AlarmKind.OVER_CEILING in state.shown_alarms:
            shown_t.append(state.t)
            assert state.shown_zone is Zone.OVER_CEILING
            peaks.append(state.shown_force_n)
        elif shown_t and gone_t is None:
            gone_t = state.t
    assert any(e.kind is AlarmKind.OVER_CEILING for e in raised)
    assert cleared_at is not None
    assert shown_t, "the jab was never shown"
    assert Cue.TOO_HARD in cues
    assert max(peaks) >= CONFIG.ceiling_n  # the force that raised it, not the calm after
    # On screen from the batch that revealed it until the batch after 1.5 s have passed
    # both since then and since it cleared (the stream goes on long enough to see it go).
    assert gone_t is not None
    assert gone_t - shown_t[0] >= HARD_HOLD_S
    assert gone_t >= cleared_at + HARD_HOLD_S
    assert AlarmKind.OVER_CEILING not in pipeline.state.shown_alarms  # and then it goes


def test_a_latched_alarm_outlasts_the_batch_that_revealed_it_by_its_hold() -> None:
    """A frame of 76 samples (0.95 s) revealing a jab: shown for 1.5 s from its end."""
    stream = jab_stream(0.2, start_s=3.0)
    pipeline = Pipeline(CONFIG)
    pipeline.feed(SampleBatch(stream.t[:232], stream.force_n[:232]))  # to 2.9 s
    pipeline.feed(SampleBatch(stream.t[232:308], stream.force_n[232:308]))  # to 3.8375 s
    state = pipeline.state
    (latched,) = [a for a in state.shown if a.kind is AlarmKind.OVER_CEILING]
    assert latched.cleared_t is not None
    assert latched.cleared_t < state.t
    assert state.shown_force_n >= CONFIG.ceiling_n > state.force_n
    end = state.t
    pipeline.tick(end + HARD_HOLD_S - 0.01)
    assert AlarmKind.OVER_CEILING in pipeline.state.shown_alarms
    pipeline.tick(end + HARD_HOLD_S)
    assert AlarmKind.OVER_CEILING not in pipeline.state.shown_alarms


def test_soft_alarms_latch_for_a_second() -> None:
    assert SOFT_HOLD_S == 1.0 < HARD_HOLD_S == 1.5


@pytest.mark.parametrize("module", [latch, cadence, clock_check, signal])
def test_docstring_streams(module: ModuleType) -> None:
    """The example streams in the latch's, cadence's, clock check's and signal's docs."""
    result = doctest.testmod(module)
    assert result.failed == 0
    assert result.attempted > 0
