"""Sessions a week against the plan's frequency, and the retest's tally.

A plan advises ``per_week`` sessions for a chronic complaint (``plans.toml``: 3-4,
tapering to weekly; a fresh flare is 1-2 a day for 3-5 days instead). The rate is
counted over whole weeks back from ``today`` (at most ``WEEKS`` of them, never before
the first session), as sessions, one date per session (REFERENCE §7: count sessions,
not days with a rating): two sittings on one day are two sessions.

>>> from datetime import date
>>> days = [date(2026, 11, d) for d in (2, 4, 6, 9, 11, 13)]
>>> per_week = sessions_per_week(days, date(2026, 11, 15))
>>> round(per_week, 1), frequency_note(per_week, (3, 4))
(3.0, None)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from knotmeter.core.scores import Outcome, Retest

WEEKS = 2
"""The rate looks back this many weeks: the plan's first fortnight."""


def sessions_per_week(days: Iterable[date], today: date) -> float:
    """Sessions a week (one date per session) over the last ``WEEKS`` weeks up to ``today``.

    Counted from the first session if that is more recent (a one-week-old plan is
    judged on its one week), and over at least one week.
    """
    window_start = today - timedelta(days=7 * WEEKS - 1)
    seen = [day for day in days if window_start <= day <= today]
    if not seen:
        return 0.0
    span_days = max(7, (today - max(window_start, min(seen))).days + 1)
    return len(seen) * 7 / span_days


def frequency_note(per_week: float, advised: tuple[int, int]) -> str | None:
    """One line when the rate is off the plan's, else ``None``."""
    low, high = advised
    if per_week < low:
        return f"{per_week:.1f} sessions a week, fewer than the plan's {low}-{high}"
    if per_week > high:
        return (
            f"{per_week:.1f} sessions a week, more than the plan's {low}-{high}: "
            "the tissue needs the days between"
        )
    return None


def retest_tally(outcomes: Sequence[Outcome]) -> dict[Retest, int]:
    """How many retests came out better, same and worse (every kind present, maybe 0)."""
    counts = Counter(o.retest for o in outcomes if o.retest is not None)
    return {kind: counts[kind] for kind in Retest}
