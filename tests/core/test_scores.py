"""Scores 0-10 (NPRS, PSFS), outcome records, change that counts, the week-two advice from
the plan's first rating, and the hold-pain rule (REFERENCE §7 "Holds and scores")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotmeter.core.scores import (
    PRESSURE_TOO_HIGH,
    RETEST_NOTES,
    WEEK_TWO_ADVICE,
    WORSE_ADVICE,
    Outcome,
    Retest,
    Score,
    ScoreError,
    hold_pain_advice,
    parse_score,
    trend,
    week_two_advice,
)

DAY = date(2026, 11, 1)
scores = st.integers(0, 10)


def rated(*entries: tuple[int, int, int]) -> list[Outcome]:
    """(day offset, pain, function) ratings."""
    return [Outcome(DAY + timedelta(days=n), Score(p), Score(f)) for n, p, f in entries]


@pytest.mark.parametrize(("text", "value"), [("0", 0), ("10", 10), (" 7 ", 7), ("05", 5)])
def test_0_to_10_is_enterable(text: str, value: int) -> None:
    assert parse_score(text) == Score(value)


@pytest.mark.parametrize("text", ["11", "", "7.5", "-3", "ten", "100", "1e1", "٣"])
def test_anything_else_is_refused_saying_what_to_type(text: str) -> None:
    with pytest.raises(ScoreError, match="from 0 to 10"):
        parse_score(text)


def test_a_score_object_checks_itself() -> None:
    with pytest.raises(ScoreError):
        Score(11)
    with pytest.raises(ScoreError):
        Score(True)


def test_pain_down_two_points_counts() -> None:
    assert week_two_advice(rated((0, 6, 4), (14, 4, 4))) is None


def test_pain_down_30_percent_counts_even_under_two_points() -> None:
    moved = trend(rated((0, 3, 5), (14, 2, 5)))  # 3 -> 2 is a third
    assert moved is not None
    assert moved.improving


def test_a_one_point_change_does_not_count() -> None:
    """Issue 21: "improving" used to mean a one-point change."""
    assert week_two_advice(rated((0, 6, 4), (14, 5, 5))) == WEEK_TWO_ADVICE


def test_function_down_two_overrides_less_pain() -> None:
    assert week_two_advice(rated((0, 6, 6), (5, 3, 4))) == WORSE_ADVICE


def test_pain_up_two_is_worse_at_once() -> None:
    assert week_two_advice(rated((0, 4, 5), (3, 6, 5))) == WORSE_ADVICE


def test_the_advice_reads_from_the_plans_first_rating() -> None:
    """Issue 21: a 14 x 24 h window dropped day 0; the first rating decides now."""
    ratings = rated((0, 6, 4), (1, 6, 4), (13, 6, 4), (14, 6, 4))
    assert week_two_advice(ratings) == WEEK_TWO_ADVICE
    assert week_two_advice(ratings[:-1]) is None  # day 13: not two weeks yet


@given(st.lists(st.tuples(st.integers(0, 30), scores, scores), min_size=2, max_size=20))
def test_the_advice_follows_the_definition(entries: list[tuple[int, int, int]]) -> None:
    outcomes = rated(*entries)
    ordered = sorted(outcomes, key=lambda o: o.on)
    first, last = ordered[0], ordered[-1]
    pain = last.pain.value - first.pain.value
    function = last.function.value - first.function.value
    worse = pain >= 2 or function <= -2
    counts = (
        -pain >= 2 or (first.pain.value > 0 and -pain >= 0.3 * first.pain.value)
    ) and not worse
    advice = week_two_advice(outcomes)
    if worse:
        assert advice == WORSE_ADVICE
    elif (last.on - first.on).days >= 14 and not counts:
        assert advice == WEEK_TWO_ADVICE
    else:
        assert advice is None


def test_retest_messages_stay_modest() -> None:
    assert "can fade" in RETEST_NOTES[Retest.BETTER]
    assert set(RETEST_NOTES) == set(Retest)


@given(st.lists(scores, max_size=30))
def test_hold_pain_averaging_7_says_the_pressure_is_too_high(values: list[int]) -> None:
    advice = hold_pain_advice([Score(v) for v in values])
    too_high = bool(values) and sum(values) / len(values) >= 7
    assert advice == (PRESSURE_TOO_HIGH if too_high else None)
