"""The measurement's state machine: separate presses, rest, ramp rate, retake, no pain."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knotmeter.core.ppt_measure import REST_S, PptMeasurement, PptPhase, PptView
from knotmeter.core.regions import get_region
from knotmeter.core.tools import Tool

TRAPS = get_region("upper-trapezius")  # ball: ramp ~13 N/s, floor 20 N, ceiling 110 N
RELEASE_N = 16.0
DAY = date(2026, 12, 2)


def measurement() -> PptMeasurement:
    return PptMeasurement(TRAPS, Tool.BALL, release_n=RELEASE_N, cap_n=110.0, measured_on=DAY)


def ramp(m: PptMeasurement, t: float, to_n: float, rate: float, hz: float = 20.0) -> float:
    """Press from zero to ``to_n`` at ``rate`` N/s, sampled at ``hz``; the end time."""
    steps = int(to_n / rate * hz)
    for k in range(steps + 1):
        m.feed(t + k / hz, to_n * k / steps)
    return t + steps / hz


def press(m: PptMeasurement, t: float, to_n: float, rate: float = 10.0) -> PptView:
    """One press to first pain, a tap, a lift-off and the full rest; the view after the tap."""
    end = ramp(m, t, to_n, rate)
    view = m.tap(end)
    m.feed(end + 0.5, 0.0)
    m.feed(end + 0.5 + REST_S, 0.0)
    return view


def test_three_separate_presses_give_targets_with_the_first_dropped() -> None:
    m = measurement()
    t = 0.0
    for force in (70.0, 44.0, 46.0):
        view = press(m, t, force)
        assert view.refusal is None
        t += 60.0
    view = m.view
    assert view.phase is PptPhase.DONE
    assert view.result is not None
    assert view.result.ppt_n == pytest.approx(45.0)
    assert view.result.trials == (70.0, 44.0, 46.0)
    assert view.result.measured_on == DAY


def test_taps_inside_one_press_are_refused_with_the_reason() -> None:
    m = measurement()
    end = ramp(m, 0.0, 45.0, 10.0)
    assert m.tap(end).refusal is None
    for extra in (0.5, 1.0):
        m.feed(end + extra, 50.0)  # still pressing: the same press
        view = m.tap(end + extra)
        assert view.refusal is not None
        assert view.refusal.startswith("one tap per press")
    assert view.trials_n == (45.0,)


def test_the_rest_counts_down_and_a_press_inside_it_does_not_count() -> None:
    m = measurement()
    end = ramp(m, 0.0, 45.0, 10.0)
    m.tap(end)
    assert m.feed(end + 1.0, 0.0).phase is PptPhase.REST
    assert m.feed(end + 11.0, 0.0).rest_left_s == pytest.approx(REST_S - 10.0)
    early = m.feed(end + 12.0, 40.0)  # pressing again during the rest
    assert early.phase is PptPhase.LIFT
    assert early.refusal is not None
    assert "rest" in early.refusal
    assert m.tap(end + 12.0).refusal is not None
    m.feed(end + 13.0, 0.0)  # lift-off restarts the rest
    assert m.feed(end + 13.0 + REST_S, 0.0).phase is PptPhase.READY
    assert m.view.trials_n == (45.0,)


def test_a_tap_while_lifted_off_is_refused() -> None:
    m = measurement()
    m.feed(0.0, 0.0)
    view = m.tap(0.0)
    assert view.refusal == "press into the point first: a tap counts while pressing"


def test_a_fast_ramp_shows_live_and_its_tap_is_refused() -> None:
    m = measurement()
    end = ramp(m, 0.0, 45.0, 40.0)  # ~3 x the ~13 N/s target
    assert m.view.too_fast
    assert m.view.ramp_n_per_s == pytest.approx(40.0, rel=0.1)
    view = m.tap(end)
    assert view.refusal is not None
    assert "too fast" in view.refusal
    assert view.trials_n == ()


def test_a_slow_ramp_is_not_too_fast() -> None:
    m = measurement()
    ramp(m, 0.0, 40.0, 10.0)
    assert not m.view.too_fast
    assert m.view.ramp_target_n_per_s == pytest.approx(13.2, abs=0.1)


def test_kept_presses_that_disagree_ask_for_a_retake_then_finish() -> None:
    m = measurement()
    t = 0.0
    for force in (60.0, 40.0, 80.0):
        press(m, t, force)
        t += 60.0
    assert m.view.phase is PptPhase.READY
    assert m.view.refusal is not None
    assert "retake" in m.view.refusal
    press(m, t, 76.0)
    result = m.view.result
    assert result is not None
    assert result.ppt_n == pytest.approx(78.0)


def test_presses_that_never_agree_fail_the_measurement() -> None:
    m = measurement()
    for n, force in enumerate((60.0, 30.0, 60.0, 30.0, 60.0)):
        press(m, 60.0 * n, force)
    assert m.view.phase is PptPhase.FAILED
    assert m.view.result is None


def test_a_low_repeatable_threshold_is_a_result_in_tender_mode() -> None:
    """REFERENCE §7: 17 N on the upper trapezius is a result, not a failed measurement."""
    m = PptMeasurement(TRAPS, Tool.BALL, release_n=2.0, cap_n=55.0, measured_on=DAY)
    t = 0.0
    for force in (18.0, 17.0, 17.0):
        assert press(m, t, force).refusal is None
        t += 60.0
    view = m.view
    assert view.phase is PptPhase.DONE
    assert view.result is not None
    assert view.result.low
    assert view.result.band_high_n <= 17.0
    assert "clinician" in view.message


def test_at_most_five_presses_refused_ones_included() -> None:
    m = PptMeasurement(TRAPS, Tool.BALL, release_n=2.0, cap_n=55.0, measured_on=DAY)
    t = 0.0
    for _ in range(5):
        press(m, t, 60.0)  # past the light ceiling: refused
        t += 60.0
    assert m.view.phase is PptPhase.FAILED
    assert "5 presses" in (m.view.refusal or "")


def test_a_tap_at_the_sessions_ceiling_is_refused() -> None:
    m = PptMeasurement(TRAPS, Tool.BALL, release_n=2.0, cap_n=55.0, measured_on=DAY)
    view = press(m, 0.0, 56.0)
    assert "at or past your ceiling on Upper trapezius (55 N)" in (view.refusal or "")
    assert view.trials_n == ()


def test_no_pain_keeps_the_defaults_and_says_so() -> None:
    m = measurement()
    ramp(m, 0.0, 100.0, 10.0)
    view = m.no_pain(10.0)
    assert view.phase is PptPhase.KEPT_DEFAULTS
    assert view.result is None
    assert "your targets stay" in view.message
    assert m.tap(11.0).phase is PptPhase.KEPT_DEFAULTS  # finished: nothing more counts


@settings(max_examples=50, deadline=None)
@given(
    actions=st.lists(
        st.tuples(st.sampled_from(["tap", "feed", "no_pain"]), st.floats(0.0, 150.0)),
        max_size=60,
    )
)
def test_any_input_sequence_gives_rule_abiding_targets_or_none(
    actions: list[tuple[str, float]],
) -> None:
    m = measurement()
    for n, (action, force) in enumerate(actions):
        t = 5.0 * n
        match action:
            case "tap":
                view = m.tap(t)
            case "feed":
                view = m.feed(t, force)
            case _:
                view = m.no_pain(t)
        assert view.rest_left_s >= 0
        assert (view.result is not None) == (view.phase is PptPhase.DONE)
    result = m.view.result
    if result is not None:
        assert len(result.trials) >= 3
        assert result.band_low_n < result.band_high_n < result.ceiling_n <= 110.0


def test_a_press_already_on_when_the_measurement_opens_does_not_count() -> None:
    m = measurement()
    assert m.feed(0.0, 40.0).phase is PptPhase.LIFT
    assert m.tap(0.0).refusal == "lift off fully first: a press counts from a lift-off"
    assert m.feed(1.0, 0.0).phase is PptPhase.READY  # nothing tapped: no rest needed
    assert m.view.trials_n == ()
