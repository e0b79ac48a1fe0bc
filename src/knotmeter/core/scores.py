"""Scores the person gives, and what they say over the weeks (REFERENCE §7 "Holds and scores").

Pain is 0-10 (NPRS: 0 none, 10 the worst imaginable); function is 0-10 on a
patient-specific scale (PSFS: 0 cannot do it, 10 as before the problem). A routine's
outcome is the complaint's pain and function and the retest (better, same or worse
than before the routine). Ratings stored on the old 1-10 scale stay as they were.

Change that counts, from the plan's *first* rating to its latest: pain down by at least
2 points or 30 % (Farrar 2001; minimal detectable change ~1.8) with function not worse;
worse is pain up by 2 or more, or function down by 2 or more, and overrides. Once the
first rating is 14 days old without a change that counts, the week-two advice says to
adjust the plan or see a professional; worse says so at once. Hold pain averaging 7
or more says the pressure is too high.

>>> parse_score("0"), parse_score("10")
(Score(value=0), Score(value=10))
>>> from datetime import timedelta
>>> day = date(2026, 12, 1)
>>> same = [Outcome(day + timedelta(n), Score(6), Score(4)) for n in (0, 14)]
>>> week_two_advice(same)[:26]
'Not improving by week two:'
>>> better = [Outcome(day, Score(6), Score(4)), Outcome(day + timedelta(14), Score(4), Score(4))]
>>> week_two_advice(better) is None
True
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from knotmeter.core.errors import CoachInputError

LOW, HIGH = 0, 10
MIN_POINTS = 2
"""Pain down (or up) by this many points counts (Farrar 2001; MDC ~1.8)."""
MIN_FRACTION = 0.30
"""Or pain down by this fraction of the first rating."""
WEEK_TWO_DAYS = 14
HOLD_PAIN_TOO_HIGH = 7.0
WEEK_TWO_ADVICE = (
    "Not improving by week two: adjust the plan (another routine, lighter or more often) "
    "or see a professional"
)
WORSE_ADVICE = "Worse since the plan's first rating: stop this plan and see a professional"
PRESSURE_TOO_HIGH = "Holds hurt 7/10 or more on average: the pressure is too high, go lighter"


class ScoreError(CoachInputError):
    """Text that is not a 0-10 score; ``str()`` says what to type."""


@dataclass(slots=True, frozen=True)
class Score:
    """One 0-10 rating."""

    value: int

    def __post_init__(self) -> None:
        if isinstance(self.value, bool) or not LOW <= self.value <= HIGH:
            raise ScoreError(f"a score is a whole number from {LOW} to {HIGH}, not {self.value!r}")


def parse_score(text: str) -> Score:
    """A score from what the person typed: "0" to "10".

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


RETEST_NOTES: dict[Retest, str] = {
    Retest.BETTER: "Better on the retest: a good sign, though one session's change can fade; "
    "the trend over two weeks is what counts",
    Retest.SAME: "The same on the retest: common after one session; keep to the plan and watch "
    "the trend",
    Retest.WORSE: "Worse on the retest: go lighter next time; if it stays worse, see a "
    "professional",
}
"""Modest words after a retest: compression raises the pressure threshold without a clear
effect on self-reported pain (2022 meta-analysis)."""


@dataclass(slots=True, frozen=True)
class Outcome:
    """One routine's outcome record: the complaint on ``on``, and the retest if done."""

    on: date
    pain: Score
    function: Score
    retest: Retest | None = None
    session: int | None = None
    """The stored session it was rated in (``None`` before it is stored)."""


@dataclass(slots=True, frozen=True)
class Trend:
    """How the complaint moved from the plan's first rating to its latest.

    ``pain_change`` is negative when pain fell; ``function_change`` positive when it rose.
    """

    days: int
    first_pain: int
    pain_change: float
    function_change: float

    @property
    def worse(self) -> bool:
        return self.pain_change >= MIN_POINTS or self.function_change <= -MIN_POINTS

    @property
    def improving(self) -> bool:
        """A change that counts: pain down 2 points or 30 %, function not worse."""
        fell = -self.pain_change
        counts = fell >= MIN_POINTS or (
            self.first_pain > 0 and fell >= MIN_FRACTION * self.first_pain
        )
        return counts and not self.worse


def trend(outcomes: Sequence[Outcome]) -> Trend | None:
    """The complaint's trend from the first rating to the latest (by day, then as given),
    ``None`` without two ratings."""
    if len(outcomes) < 2:
        return None
    ordered = sorted(outcomes, key=lambda o: o.on)  # stable: same-day ratings keep order
    first, last = ordered[0], ordered[-1]
    return Trend(
        (last.on - first.on).days,
        first.pain.value,
        last.pain.value - first.pain.value,
        last.function.value - first.function.value,
    )


def week_two_advice(outcomes: Sequence[Outcome]) -> str | None:
    """Worse (at once), or no change that counts 14 days after the first rating; else ``None``."""
    moved = trend(outcomes)
    if moved is None:
        return None
    if moved.worse:
        return WORSE_ADVICE
    if moved.days >= WEEK_TWO_DAYS and not moved.improving:
        return WEEK_TWO_ADVICE
    return None


def hold_pain_advice(hold_pain: Sequence[Score]) -> str | None:
    """ "The pressure is too high" when the holds' pain averages 7 or more."""
    if hold_pain and statistics.fmean(s.value for s in hold_pain) >= HOLD_PAIN_TOO_HIGH:
        return PRESSURE_TOO_HIGH
    return None
