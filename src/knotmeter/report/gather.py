"""Everything the report shows, read once from the store through history's own functions.

Every number here comes from :mod:`knotmeter.history`, :mod:`knotmeter.store.reads`,
:mod:`knotmeter.core.scores` and :mod:`knotmeter.core.adherence`: the report lays out
what ``knotmeter history`` computes, so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from knotmeter.core.adherence import sessions_per_week
from knotmeter.core.alarms import alarm_words
from knotmeter.core.events import AlarmKind
from knotmeter.core.plans import Plan
from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.regions import UnknownRegion, get_region
from knotmeter.core.scores import Outcome
from knotmeter.core.sides import Side
from knotmeter.history import DayOfHolds, by_point, days_of_holds, rated_plans
from knotmeter.store import HoldRecord, ScreeningRecord, SessionStore, SourceKind
from knotmeter.store.reads import (
    DEVICE_ONLY,
    SessionSummary,
    alarms,
    days_before,
    outcomes,
    reading,
    sessions,
)

MATTERED: tuple[AlarmKind, ...] = (
    AlarmKind.OVER_CEILING,
    AlarmKind.SATURATION,
    AlarmKind.LONG_HOLD,
)
"""The alarms a clinician asks about: pressed too hard, and held past the point's limit."""


@dataclass(slots=True, frozen=True)
class Point:
    """One point (region and side) over the window: its days, holds and thresholds.

    ``band_n`` and ``ceiling_n`` are the region's defaults (``None`` for a region since
    removed); ``measurements`` are the PPT measurements on this side, oldest first.
    """

    region_id: str
    name: str
    side: Side | None
    days: tuple[DayOfHolds, ...]
    holds: tuple[HoldRecord, ...]
    band_n: tuple[float, float] | None
    ceiling_n: float | None
    measurements: tuple[PersonalTargets, ...]

    @property
    def key(self) -> str:
        """The point as an HTML id: ``upper-trapezius-left``."""
        return self.region_id if self.side is None else f"{self.region_id}-{self.side}"

    @property
    def title(self) -> str:
        return self.name if self.side is None else f"{self.name}, {self.side}"


@dataclass(slots=True, frozen=True)
class Asymmetry:
    """Left against right PPT on one region, each side's newest measurement in the window.

    The difference is left minus right in newtons, and in % of the higher side (our
    rule: the lower side is that much below the other; REFERENCE §7 puts PPT's day-to-
    day reliability at ICC ~0.76-0.79, so a small difference is within noise).
    """

    region_id: str
    name: str
    left: PersonalTargets
    right: PersonalTargets

    @property
    def difference_n(self) -> float:
        return self.left.ppt_n - self.right.ppt_n

    @property
    def percent(self) -> float:
        return 100.0 * abs(self.difference_n) / max(self.left.ppt_n, self.right.ppt_n)


@dataclass(slots=True, frozen=True)
class AlarmCount:
    """How often one alarm that matters was raised, and on which days."""

    kind: AlarmKind
    words: str
    count: int
    days: tuple[date, ...]


@dataclass(slots=True, frozen=True)
class Report:
    """What the report shows, over ``first``..``today`` (local days)."""

    today: date
    first: date
    days_back: float
    everything: bool
    sessions: tuple[SessionSummary, ...]
    per_week: float
    days: tuple[DayOfHolds, ...]
    points: tuple[Point, ...]
    plans: tuple[tuple[Plan, Sequence[Outcome]], ...]
    alarms: tuple[AlarmCount, ...]
    screening: ScreeningRecord | None
    asymmetry: tuple[Asymmetry, ...]

    @property
    def empty(self) -> bool:
        return not self.sessions and not self.plans

    @property
    def holds(self) -> int:
        return sum(day.holds for day in self.days)

    @property
    def complete(self) -> int:
        return sum(day.complete for day in self.days)

    @property
    def labelled(self) -> int:
        """Simulated and replayed sessions among those counted (only with ``--all``)."""
        return sum(1 for s in self.sessions if s.label is not None)


def gather(path: Path, *, days_back: float, everything: bool, now: float) -> Report:
    """Read the report's contents from the store at ``path`` (read-only), as of ``now``.

    The holds and ratings are the ones ``knotmeter history --days N [--all]`` reads.
    """
    kinds: Collection[SourceKind] = tuple(SourceKind) if everything else DEVICE_ONLY
    today = datetime.fromtimestamp(now).astimezone().date()
    first = (datetime.fromtimestamp(now).astimezone() - timedelta(days=days_back)).date()
    since = days_before(now, days_back)
    if not path.is_file():  # no session yet: a report that says so, and no store made
        return Report(today, first, days_back, everything, (), 0.0, (), (), (), (), None, ())
    with SessionStore(path, read_only=True, wall_clock=lambda: now) as store:
        holds = store.holds(days=days_back, kinds=kinds)
        screening = store.latest_screening()
        measured = store.measurements(days=days_back)
    with reading(path) as conn:
        found = tuple(sessions(conn, since=since, kinds=kinds))
        complaints = outcomes(conn, since, kinds)
        raised = [(a.kind, a.session_id) for a in alarms(conn, [s.id for s in found])]
    days = days_of_holds(holds)
    started = {s.id: s.started_at.astimezone().date() for s in found}
    return Report(
        today=today,
        first=first,
        days_back=days_back,
        everything=everything,
        sessions=found,
        per_week=sessions_per_week(started.values(), today),
        days=tuple(days),
        points=tuple(_points(days, holds, measured)),
        plans=tuple(rated_plans(complaints)),
        alarms=tuple(_alarm_counts(raised, started)),
        screening=screening,
        asymmetry=tuple(_asymmetry(measured)),
    )


def _points(
    days: Sequence[DayOfHolds], holds: Sequence[HoldRecord], measured: Sequence[PersonalTargets]
) -> list[Point]:
    points = []
    for (region_id, side), group in by_point(days):
        name, band, ceiling = _region(region_id)
        points.append(
            Point(
                region_id,
                name,
                side,
                tuple(group),
                tuple(h for h in holds if h.region == region_id and h.side is side),
                band,
                ceiling,
                tuple(m for m in measured if m.region_id == region_id and m.side is side),
            )
        )
    return points


def _region(region_id: str) -> tuple[str, tuple[float, float] | None, float | None]:
    try:
        region = get_region(region_id)
    except UnknownRegion:
        return region_id, None, None
    return region.name, (region.band_low_n, region.band_high_n), region.ceiling_n


def _alarm_counts(raised: Sequence[tuple[str, int]], started: dict[int, date]) -> list[AlarmCount]:
    counts = []
    for kind in MATTERED:
        on = sorted({started[sid] for k, sid in raised if k == kind.value})
        count = sum(1 for k, _ in raised if k == kind.value)
        if count:
            counts.append(AlarmCount(kind, alarm_words(kind), count, tuple(on)))
    return counts


def _asymmetry(measured: Sequence[PersonalTargets]) -> list[Asymmetry]:
    """Per region measured on both sides, the newest of each (``measured`` is oldest first)."""
    newest: dict[tuple[str, Side], PersonalTargets] = {}
    for m in measured:
        if m.side is not None:
            newest[(m.region_id, m.side)] = m
    found = []
    for region_id in sorted({region for region, _ in newest}):
        left, right = newest.get((region_id, Side.LEFT)), newest.get((region_id, Side.RIGHT))
        if left is not None and right is not None:
            found.append(Asymmetry(region_id, _region(region_id)[0], left, right))
    return found
