"""Scores 1-10, outcome records, and the week-two and hold-pain rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotmeter.core.scores import (
    PRESSURE_TOO_HIGH,
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


def daily(pains: list[int], functions: list[int]) -> list[Outcome]:
    return [
        Outcome(DAY + timedelta(days=n), Score(p), Score(f), Retest.SAME)
        for n, (p, f) in enumerate(zip(pains, functions, strict=True))
    ]


@pytest.mark.parametrize(("text", "value"), [("1", 1), ("10", 10), (" 7 ", 7), ("05", 5)])
def test_1_to_10_is_enterable(text: str, value: int) -> None:
    assert parse_score(text) == Score(value)


@pytest.mark.parametrize("text", ["0", "11", "", "7.5", "-3", "ten", "100", "1e1", "٣"])
def test_anything_else_is_refused_saying_what_to_type(text: str) -> None:
    with pytest.raises(ScoreError, match="from 1 to 10"):
        parse_score(text)


def test_a_score_object_checks_itself() -> None:
    with pytest.raises(ScoreError):
        Score(0)
    with pytest.raises(ScoreError):
        Score(True)


def test_fifteen_flat_days_give_the_week_two_advice() -> None:
    assert week_two_advice(daily([6] * 15, [4] * 15)) == WEEK_TWO_ADVICE


def test_pain_down_a_point_is_improving() -> None:
    assert week_two_advice(daily([6] * 8 + [5] * 7, [4] * 15)) is None


def test_function_up_a_point_is_improving() -> None:
    assert week_two_advice(daily([6] * 15, [4] * 8 + [5] * 7)) is None


def test_worse_says_stop_and_see_a_professional() -> None:
    assert week_two_advice(daily([5] * 8 + [7] * 7, [4] * 15)) == WORSE_ADVICE


def test_under_two_weeks_says_nothing_yet() -> None:
    assert week_two_advice(daily([6] * 14, [4] * 14)) is None  # day 0 to day 13
    assert week_two_advice([]) is None


def test_the_edges_average_three_days_so_one_odd_day_does_not_decide() -> None:
    pains = [6, 6, 6] + [6] * 9 + [6, 6, 4]  # one good last day: mean 5.33, not a point
    moved = trend(daily(pains, [4] * 15))
    assert moved is not None
    assert moved.days == 14
    assert moved.pain_change == pytest.approx(-2 / 3)
    assert week_two_advice(daily(pains, [4] * 15)) == WEEK_TWO_ADVICE


scores = st.integers(1, 10)


@given(
    st.lists(st.tuples(st.integers(0, 40), scores, scores), min_size=1, max_size=40),
)
def test_the_advice_follows_the_definition(entries: list[tuple[int, int, int]]) -> None:
    outcomes = [Outcome(DAY + timedelta(days=d), Score(p), Score(f)) for d, p, f in entries]
    moved = trend(outcomes)
    assert moved is not None
    advice = week_two_advice(outcomes)
    if moved.days < 14 or moved.improving:
        assert advice is None
    else:
        assert advice in (WEEK_TWO_ADVICE, WORSE_ADVICE)
    assert week_two_advice(list(reversed(outcomes))) == advice  # order does not matter


@given(st.lists(scores, max_size=30))
def test_hold_pain_averaging_7_says_the_pressure_is_too_high(values: list[int]) -> None:
    advice = hold_pain_advice([Score(v) for v in values])
    too_high = bool(values) and sum(values) / len(values) >= 7
    assert advice == (PRESSURE_TOO_HIGH if too_high else None)
