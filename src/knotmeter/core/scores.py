"""Scores the person gives, and what two weeks of them say.

Every rating is 1-10 (REFERENCE §1 "keep a 1-10 pain and function score"): pain 1 is
barely there and 10 the worst; function 1 is "can hardly use it" and 10 "does all I
need". A routine's outcome is the complaint's pain and function and the retest
(better, same or worse than before the routine).

"Improving" (our rule, from "better by 10-30 % = working"): on a 1-10 scale 10 % is one
point, so the complaint improves when, between the first three days of scores and the
last three, the mean pain falls by at least ``MIN_CHANGE`` (1 point) or the mean function
rises by at least that much. Two weeks of outcomes (``WEEK_TWO_DAYS``) without that,
or with either getting worse by that much, give the week-two advice: adjust the plan
or see a professional. Hold pain (the pressure itself, rated after a hold) averaging
7 or more says the pressure is too high.

>>> parse_score("10")
Score(value=10)
>>> day = date(2026, 12, 1)
>>> same = [Outcome(day + timedelta(n), Score(6), Score(4)) for n in (0, 14)]
>>> week_two_advice(same)[:26]
'Not improving by week two:'
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from knotmeter.core.errors import CoachInputError

LOW, HIGH = 1, 10
MIN_CHANGE = 1.0
"""A change of one point (10 % of the scale) is the smallest that counts."""
WEEK_TWO_DAYS = 14
EDGE_DAYS = 3
"""The first and last this-many days of scores are averaged, so one odd day cannot decide."""
HOLD_PAIN_TOO_HIGH = 7.0
WEEK_TWO_ADVICE = (
    "Not improving by week two: adjust the plan (another routine, lighter or more often) "
    "or see a professional"
)
WORSE_ADVICE = "Worse after two weeks: stop this plan and see a professional"
PRESSURE_TOO_HIGH = "Holds hurt 7/10 or more on average: the pressure is too high, go lighter"


class ScoreError(CoachInputError):
    """Text that is not a 1-10 score; ``str()`` says what to type."""


@dataclass(slots=True, frozen=True)
class Score:
    """One 1-10 rating."""

    value: int

    def __post_init__(self) -> None:
        if isinstance(self.value, bool) or not LOW <= self.value <= HIGH:
            raise ScoreError(f"a score is a whole number from {LOW} to {HIGH}, not {self.value!r}")


def parse_score(text: str) -> Score:
    """A score from what the person typed: "1" to "10".

    Raises:
        ScoreError: anything else, naming what to type.
    """
    stripped = text.strip()
    if not (stripped.isascii() and stripped.isdigit()) or len(stripped) > 2:
        raise ScoreError(f"type a whole number from {LOW} to {HIGH}, not {text.strip()!r}")
    return Score(int(stripped))


class Retest(StrEnum):
    """The limited motion after the routine, against before it."""

    BETTER = "better"
    SAME = "same"
    WORSE = "worse"


@dataclass(slots=True, frozen=True)
class Outcome:
    """One routine's outcome record: the complaint on ``on``, and the retest if done."""

    on: date
    pain: Score
    function: Score
    retest: Retest | None = None


@dataclass(slots=True, frozen=True)
class Trend:
    """How the complaint moved between the first and last days of the scores.

    ``pain_change`` is negative when pain fell; ``function_change`` positive when it rose.
    """

    days: int
    pain_change: float
    function_change: float

    @property
    def improving(self) -> bool:
        return self.pain_change <= -MIN_CHANGE or self.function_change >= MIN_CHANGE

    @property
    def worse(self) -> bool:
        return self.pain_change >= MIN_CHANGE or self.function_change <= -MIN_CHANGE


def _edge_means(outcomes: Sequence[Outcome], start: date, end: date) -> tuple[float, float]:
    window = [o for o in outcomes if start <= o.on <= end]
    return (
        statistics.fmean(o.pain.value for o in window),
        statistics.fmean(o.function.value for o in window),
    )


def trend(outcomes: Sequence[Outcome]) -> Trend | None:
    """The complaint's trend over the outcomes (any order), ``None`` if there are none."""
    if not outcomes:
        return None
    first = min(o.on for o in outcomes)
    last = max(o.on for o in outcomes)
    edge = timedelta(days=EDGE_DAYS - 1)
    pain_0, function_0 = _edge_means(outcomes, first, first + edge)
    pain_1, function_1 = _edge_means(outcomes, last - edge, last)
    return Trend((last - first).days, pain_1 - pain_0, function_1 - function_0)


def week_two_advice(outcomes: Sequence[Outcome]) -> str | None:
    """The advice once the outcomes span two weeks without improving, else ``None``."""
    moved = trend(outcomes)
    if moved is None or moved.days < WEEK_TWO_DAYS:
        return None
    if moved.worse and not moved.improving:
        return WORSE_ADVICE
    return None if moved.improving else WEEK_TWO_ADVICE


def hold_pain_advice(hold_pain: Sequence[Score]) -> str | None:
    """ "The pressure is too high" when the holds' pain averages 7 or more."""
    if hold_pain and statistics.fmean(s.value for s in hold_pain) >= HOLD_PAIN_TOO_HIGH:
        return PRESSURE_TOO_HIGH
    return None
