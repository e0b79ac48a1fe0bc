"""Sessions a week against the plan, and the retest tally."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotmeter.core.adherence import frequency_note, retest_tally, sessions_per_week
from knotmeter.core.scores import Outcome, Retest, Score

TODAY = date(2026, 12, 2)


def ago(*days: int) -> list[date]:
    return [TODAY - timedelta(days=d) for d in days]


def test_alternate_days_for_two_weeks_is_3_5_a_week() -> None:
    assert sessions_per_week(ago(*range(1, 14, 2)), TODAY) == pytest.approx(3.5)


def test_sessions_count_not_days() -> None:
    """REFERENCE §7: a flare's two sittings a day are two sessions."""
    assert sessions_per_week(ago(0, 0, 2), TODAY) == pytest.approx(3.0)  # one week old


def test_a_new_plan_is_judged_on_the_days_it_has_had() -> None:
    assert sessions_per_week(ago(0, 2, 4, 6, 8), TODAY) == pytest.approx(5 * 7 / 9)
    assert sessions_per_week(ago(30, 40), TODAY) == 0.0  # older than the window
    assert sessions_per_week([], TODAY) == 0.0


def test_the_note_says_when_the_rate_is_off_the_plan() -> None:
    assert frequency_note(3.5, (3, 4)) is None
    assert frequency_note(1.0, (3, 4)) == "1.0 sessions a week, fewer than the plan's 3-4"
    note = frequency_note(7.0, (3, 4))
    assert note is not None
    assert note.startswith("7.0 sessions a week, more than")


@given(st.lists(st.integers(-5, 60), max_size=40))
def test_the_rate_counts_every_session_in_the_window(offsets: list[int]) -> None:
    rate = sessions_per_week(ago(*offsets), TODAY)
    inside = [d for d in offsets if 0 <= d < 14]
    assert 0.0 <= rate <= len(inside) * 7 / 7


def test_the_retest_tally_counts_each_kind() -> None:
    outcomes = [
        Outcome(TODAY, Score(5), Score(5), retest)
        for retest in (Retest.BETTER, Retest.BETTER, Retest.WORSE, None)
    ]
    assert retest_tally(outcomes) == {Retest.BETTER: 2, Retest.SAME: 0, Retest.WORSE: 1}
