"""Two weeks of holds, per point and per day: the numbers a person tracks between sittings.

Trigger-point work is judged over days, not within one press: does the same point
need less force, hold in band longer, hurt less? These summaries answer that from
the stored holds; the store decides which holds count (a real tool's, by default).
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo

from knotmeter.core.adherence import frequency_note, retest_tally, sessions_per_week
from knotmeter.core.plans import Plan, UnknownPlan, get_plan
from knotmeter.core.scores import (
    HOLD_PAIN_TOO_HIGH,
    PRESSURE_TOO_HIGH,
    Outcome,
    Retest,
    trend,
    week_two_advice,
)
from knotmeter.core.sides import Side
from knotmeter.store import HoldRecord


@dataclass(slots=True, frozen=True)
class DayOfHolds:
    """One point on one local day.

    Means are over the holds that have the figure (a hold cut short by a crash has
    no in-band time; unrated holds have no pain); ``None`` when none has it.
    """

    region: str
    day: date
    holds: int
    complete: int
    in_band_s: float | None
    mean_n: float | None
    peak_n: float | None
    pain: float | None
    rated: int
    side: Side | None = None


@dataclass(slots=True, frozen=True)
class PainTrend:
    """Mean pain on the first and the last day a point was rated."""

    first_day: date
    first: float
    last_day: date
    last: float

    @property
    def change(self) -> float:
        return self.last - self.first


def days_of_holds(holds: Iterable[HoldRecord], tz: tzinfo | None = None) -> list[DayOfHolds]:
    """Group holds by point (region alphabetical, then left, right and no side said),
    then by local day in ``tz`` (oldest first).

    ``tz`` ``None`` is the machine's zone: a hold at 00:30 belongs to the evening the
    person remembers only if days are local.
    """

    def key(hold: HoldRecord) -> tuple[str, str, date]:
        return hold.region, _SIDE_ORDER[hold.side], hold.started_at.astimezone(tz).date()

    days = []
    for (region, _, day), group in itertools.groupby(sorted(holds, key=key), key=key):
        members = list(group)
        pains = [h.pain for h in members if h.pain is not None]
        peaks = [h.peak_n for h in members if h.peak_n is not None]
        days.append(
            DayOfHolds(
                region=region,
                day=day,
                holds=len(members),
                complete=sum(1 for h in members if h.complete),
                in_band_s=_mean(h.in_band_s for h in members),
                mean_n=_mean(h.mean_n for h in members),
                peak_n=max(peaks) if peaks else None,
                pain=statistics.fmean(pains) if pains else None,
                rated=len(pains),
                side=members[0].side,
            )
        )
    return days


def pain_trend(days: Iterable[DayOfHolds]) -> PainTrend | None:
    """First and last rated day of one region's days; ``None`` with fewer than two."""
    rated = [d for d in days if d.pain is not None]
    if len(rated) < 2:
        return None
    first, last = rated[0], rated[-1]
    assert first.pain is not None
    assert last.pain is not None
    return PainTrend(first.day, first.pain, last.day, last.pain)


HEADER = "day          holds  complete  in band/hold   mean force        peak  pain (n)"
"""``in band/hold``: seconds in band per hold, the mean over the day's holds (not a total)."""


def table_lines(days: Sequence[DayOfHolds], force_text: Callable[[float], str]) -> list[str]:
    """One region's days as text: the header, a row a day, and the pain trend if any.

    ``force_text`` formats newtons in the reader's unit; the CLI and the dashboard
    print the same table.
    """
    lines = [HEADER]
    for day in days:
        pain = None if day.pain is None else f"{day.pain:.1f} ({day.rated})"
        in_band = None if day.in_band_s is None else f"{day.in_band_s:.0f} s"
        mean = None if day.mean_n is None else force_text(day.mean_n)
        peak = None if day.peak_n is None else force_text(day.peak_n)
        lines.append(
            f"{day.day.isoformat()}  {day.holds:>5}  {f'{day.complete}/{day.holds}':>8}"
            f"  {in_band or '-':>12}  {mean or '-':>11}  {peak or '-':>10}  {pain or '-':>8}"
        )
    trend = pain_trend(days)
    if trend is not None:
        lines.append(
            f"pain {trend.first:.1f} on {trend.first_day.isoformat()} -> "
            f"{trend.last:.1f} on {trend.last_day.isoformat()} ({trend.change:+.1f})"
        )
    rated = sum(day.rated for day in days)
    if rated and sum(day.pain * day.rated for day in days if day.pain is not None) / rated >= (
        HOLD_PAIN_TOO_HIGH
    ):
        lines.append(PRESSURE_TOO_HIGH)
    return lines


def plan_lines(plan: Plan, outcomes: Sequence[Outcome], today: date) -> list[str]:
    """One plan's complaint over the weeks: pain and function trend, retests, sessions a
    week against the plan's, and the week-two advice when two weeks show no improvement."""
    ratings = "1 rating" if len(outcomes) == 1 else f"{len(outcomes)} ratings"
    lines = [f"{plan.name} ({plan.id}): {ratings} of the complaint"]
    moved = trend(outcomes)
    if moved is not None:
        first, last = outcomes[0], outcomes[-1]
        lines.append(
            f"complaint pain {first.pain.value} -> {last.pain.value} ({moved.pain_change:+.1f}), "
            f"function {first.function.value} -> {last.function.value} "
            f"({moved.function_change:+.1f}) over {moved.days} days"
        )
    tally = retest_tally(outcomes)
    if any(tally.values()):
        lines.append("retest " + ", ".join(f"{kind} {n}" for kind, n in tally.items()))
    sessions = {o.session if o.session is not None else id(o): o.on for o in outcomes}
    per_week = sessions_per_week(sessions.values(), today)  # sessions, not rated days
    low, high = plan.per_week
    lines.append(
        frequency_note(per_week, plan.per_week)
        or f"{per_week:.1f} sessions a week (the plan's {low}-{high})"
    )
    advice = week_two_advice(outcomes)
    if advice is not None:
        lines.append(advice)
    return lines


def rated_plans(
    complaints: Mapping[str, Sequence[Outcome]],
) -> list[tuple[Plan, Sequence[Outcome]]]:
    """Each plan with its ratings, leaving out a plan since removed: its ratings have
    nothing left to be judged by."""
    rated = []
    for plan_id, outcomes in complaints.items():
        try:
            rated.append((get_plan(plan_id), outcomes))
        except UnknownPlan:
            continue
    return rated


@dataclass(slots=True, frozen=True)
class DayOfRatings:
    """A plan's complaint on one day: the mean of the day's ratings (a routine is rated
    at its start and again at its retest), and the day's retests in order."""

    day: date
    pain: float
    function: float
    retests: tuple[Retest, ...]


def days_of_ratings(outcomes: Iterable[Outcome]) -> list[DayOfRatings]:
    """One plan's ratings grouped by day, oldest first."""
    days = []
    for day, group in itertools.groupby(sorted(outcomes, key=lambda o: o.on), lambda o: o.on):
        members = list(group)
        days.append(
            DayOfRatings(
                day,
                statistics.fmean(o.pain.value for o in members),
                statistics.fmean(o.function.value for o in members),
                tuple(o.retest for o in members if o.retest is not None),
            )
        )
    return days


def duration_text(duration_s: float) -> str:
    """A session's length as people say it: ``12m 05s``, or ``40s`` under a minute."""
    minutes, secs = divmod(round(duration_s), 60)
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


def by_point(days: Iterable[DayOfHolds]) -> list[tuple[tuple[str, Side | None], list[DayOfHolds]]]:
    """Days grouped per point (region and side), in the order the points first appear."""
    points: dict[tuple[str, Side | None], list[DayOfHolds]] = {}
    for day in days:
        points.setdefault((day.region, day.side), []).append(day)
    return list(points.items())


_SIDE_ORDER: Mapping[Side | None, str] = {Side.LEFT: "0", Side.RIGHT: "1", None: "2"}
"""Sort key of a side: left before right, then holds with no side said."""


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.fmean(present) if present else None
