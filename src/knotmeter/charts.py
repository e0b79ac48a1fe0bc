"""History as charts, drawn once for both the terminal and the app.

Each chart is a function that draws on a plotext figure. The app shows it in a
``textual-plotext`` widget (whose ``plt`` is such a figure); ``knotmeter history
--chart`` builds the same figure as text. One plotting library behind both means
the two never disagree. Without colour (``NO_COLOR``, a pipe) series differ by
their marker characters and the legend names them, so a printout still reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

import numpy as np
from rich.text import Text
from textual_plotext.plot import Plot

from knotmeter.core.regions import UnknownRegion, get_region
from knotmeter.core.samples import SampleBatch
from knotmeter.core.scores import Retest
from knotmeter.core.units import Unit
from knotmeter.history import DayOfHolds, DayOfRatings

MAX_DAY_TICKS = 8
PAIN_MAX = 10


@dataclass(slots=True, frozen=True)
class ChartStyle:
    """How to tell series apart: by colour, or (plain text) by marker alone."""

    color: bool = True

    def marker(self, rich: str, plain: str) -> str:
        return rich if self.color else plain

    def tint(self, name: str) -> str | None:
        return name if self.color else None


@dataclass(slots=True, frozen=True)
class PointDays:
    """One point's days over the window a chart spans (``first``..``last``, both local)."""

    region_id: str
    name: str
    days: Sequence[DayOfHolds]
    first: date
    last: date
    band_n: tuple[float, float] | None = None

    def x(self, day: date) -> int:
        return (day - self.first).days


@dataclass(slots=True, frozen=True)
class PlanDays:
    """One plan's rated days over the window a chart spans (``first``..``last``, both local)."""

    name: str
    days: Sequence[DayOfRatings]
    first: date
    last: date


class DaySpan(Protocol):
    """The days a chart spans, first and last included (local dates)."""

    @property
    def first(self) -> date: ...

    @property
    def last(self) -> date: ...


class ForceScale(Protocol):
    """The reader's force unit (the app's ``ForceFormat``): newtons in, that unit out."""

    @property
    def unit(self) -> Unit: ...

    def value(self, force_n: float) -> float: ...


def region_band(region_id: str) -> tuple[float, float] | None:
    """A region's default band, to chart against when the person's own is not known;
    ``None`` for a region that has left the region list since it was stored."""
    try:
        region = get_region(region_id)
    except UnknownRegion:
        return None
    return region.band_low_n, region.band_high_n


Draw = Callable[[Plot], None]
"""Draws one chart on the figure it is given (the app's widget, or a text build)."""


def _day_axis(plt: Plot, days: DaySpan) -> None:
    span = (days.last - days.first).days
    step = max(1, -(-(span + 1) // MAX_DAY_TICKS))
    ticks = list(range(0, span + 1, step))
    plt.xticks(
        [float(t) for t in ticks],
        [(days.first + timedelta(days=t)).strftime("%m-%d") for t in ticks],
    )
    plt.xlim(-0.5, span + 0.5)


def _per_day(
    point: PointDays, values: Sequence[float | None], scale: Callable[[float], float] = float
) -> tuple[list[float], list[float]]:
    """x (day number) and y of the days that have a value; days without one are gaps."""
    known = [(d, v) for d, v in zip(point.days, values, strict=True) if v is not None]
    return [float(point.x(d.day)) for d, _ in known], [scale(v) for _, v in known]


def in_band_chart(plt: Plot, point: PointDays, style: ChartStyle) -> None:
    """Seconds in band per hold (the day's mean): is the point holding longer?"""
    x, y = _per_day(point, [d.in_band_s for d in point.days])
    plt.title(f"{point.name}: seconds in band per hold (mean of the day)")
    if x:
        plt.bar(x, y, marker=style.marker("hd", "#"), color=style.tint("green"), width=0.4)
    _day_axis(plt, point)
    plt.ylim(0, max([*y, 10.0]) * 1.1)


def force_chart(plt: Plot, point: PointDays, style: ChartStyle, scale: ForceScale) -> None:
    """Mean and peak force per day against the band: pressing inside it, or past it?"""
    plt.title(f"{point.name}: mean and peak force ({scale.unit}) against the band")
    for label, plain, color, values in (
        ("mean", "o", "cyan", [d.mean_n for d in point.days]),
        ("peak", "^", "magenta", [d.peak_n for d in point.days]),
    ):
        x, y = _per_day(point, values, scale.value)
        if x:
            plt.plot(
                x, y, marker=style.marker("braille", plain), color=style.tint(color), label=label
            )
    band = point.band_n or (0.0, 0.0)
    for edge in point.band_n or ():
        plt.hline(scale.value(edge), style.tint("green"))
    top = max([d.peak_n or 0.0 for d in point.days] + [band[1]])
    plt.ylim(0, scale.value(top) * 1.2)
    _day_axis(plt, point)


def pain_chart(plt: Plot, point: PointDays, style: ChartStyle) -> None:
    """Mean pain rating per day, 1-10: is the point easing?"""
    x, y = _per_day(point, [d.pain for d in point.days])
    plt.title(f"{point.name}: mean pain (1-10)")
    if x:
        marker = style.marker("braille", "*")
        plt.plot(x, y, marker=marker, color=style.tint("orange"), label="pain")
    else:
        _say_empty(plt, point, "no pain ratings yet: rate a hold with its pain key", PAIN_MAX)
    _day_axis(plt, point)
    plt.ylim(0, PAIN_MAX)


def _say_empty(plt: Plot, point: PointDays, words: str, top: float) -> None:
    """Words in the middle of an empty chart, so a blank box is never left to guess at."""
    middle = (point.last - point.first).days / 2
    plt.text(words, middle, top / 2, alignment="center")


def point_charts(point: PointDays, style: ChartStyle, scale: ForceScale) -> list[Draw]:
    """One point's charts, in the order the app and ``history --chart`` show them."""
    return [
        lambda plt: in_band_chart(plt, point, style),
        lambda plt: force_chart(plt, point, style, scale),
        lambda plt: pain_chart(plt, point, style),
    ]


RETEST_MARKS: dict[Retest, tuple[str, str | None]] = {
    Retest.BETTER: ("b", "green"),
    Retest.SAME: ("s", None),
    Retest.WORSE: ("w", "red"),
}
RETEST_ROW = 0.0
"""Where the retests are lettered: below the lowest score (1), so they never cover one."""


def plan_chart(plt: Plot, plan: PlanDays, style: ChartStyle) -> None:
    """The complaint's pain and function per day (the mean of the day's ratings, 1-10),
    each retest lettered on its day along the bottom: is the plan working?"""
    plt.title(f"{plan.name}: the complaint's pain and function (1-10), and retests")
    x = [float((d.day - plan.first).days) for d in plan.days]
    for label, plain, color, values in (
        ("pain", "*", "orange", [d.pain for d in plan.days]),
        ("function", "+", "cyan", [d.function for d in plan.days]),
    ):
        if x:
            marker = style.marker("braille", plain)
            plt.plot(x, values, marker=marker, color=style.tint(color), label=label)
    for day_x, day in zip(x, plan.days, strict=True):
        if day.retests:
            letters = "".join(RETEST_MARKS[r][0] for r in day.retests)
            last = RETEST_MARKS[day.retests[-1]][1]  # the day's last retest colours them
            tint = None if last is None else style.tint(last)
            plt.text(letters, day_x, RETEST_ROW, color=tint)
    plt.xlabel("retest: b better, s same, w worse (after the routine, against before it)")
    _day_axis(plt, plan)
    plt.ylim(RETEST_ROW - 0.5, PAIN_MAX + 0.5)
    plt.yticks([float(n) for n in range(2, PAIN_MAX + 1, 2)])


def plan_charts(plan: PlanDays, style: ChartStyle) -> list[Draw]:
    """One plan's charts, as the app and ``history --chart`` show them after its lines."""
    return [lambda plt: plan_chart(plt, plan, style)]


@dataclass(slots=True, frozen=True)
class Zones:
    """The band and ceiling a press was coached against."""

    band_n: tuple[float, float]
    ceiling_n: float


@dataclass(slots=True, frozen=True)
class HoldMark:
    """One hold on the trace, with its own point's zones (a routine moves between points)."""

    start_t: float
    end_t: float | None  # None: cut short (the trace's end closes it)
    zones: Zones


@dataclass(slots=True, frozen=True)
class TraceMarks:
    """What to mark on a session's force trace: each hold against its point's zones, or,
    in a session without holds, the zones of the point it started on."""

    zones: Zones
    holds: Sequence[HoldMark]


LEGEND_HEADROOM = 1.4
"""The trace's y axis reaches this far over its highest line: the legend's rows."""


def trace_chart(
    plt: Plot,
    trace: SampleBatch,
    marks: TraceMarks,
    style: ChartStyle,
    scale: ForceScale,
    *,
    width: int = 200,
) -> None:
    """One session's force over time with the band, the ceiling and its holds marked.

    The trace is cut into ``width`` slices and each slice drawn at its highest
    force, so a brief spike past the ceiling is never thinned away.
    """
    plt.title(f"force ({scale.unit}) over the session; band, ceiling and holds marked")
    if len(trace):
        t, f = trace.t, trace.force_n
        edges = np.linspace(t[0], t[-1], min(width, len(t)) + 1)
        slot = np.clip(np.searchsorted(edges, t, side="right") - 1, 0, len(edges) - 2)
        peak = np.full(len(edges) - 1, -np.inf)
        np.maximum.at(peak, slot, f)
        keep = np.isfinite(peak)
        plt.plot(
            edges[:-1][keep].tolist(),
            [scale.value(v) for v in peak[keep].tolist()],
            marker=style.marker("braille", "."),
            color=style.tint("cyan"),
            label="force",
        )
    # Headroom over the highest line, so the legend's corner never covers the trace.
    forces = trace.force_n if len(trace) else np.zeros(1)
    ceilings = [marks.zones.ceiling_n, *(hold.zones.ceiling_n for hold in marks.holds)]
    top, bottom = max(*ceilings, float(forces.max())), min(0.0, float(forces.min()))
    plt.ylim(scale.value(bottom), scale.value(float(top)) * LEGEND_HEADROOM)
    if not marks.holds:
        for edge in marks.zones.band_n:
            plt.hline(scale.value(edge), style.tint("green"))
        plt.hline(scale.value(marks.zones.ceiling_n), style.tint("red"))
    last_t = float(trace.t[-1]) if len(trace) else 0.0
    for number, hold in enumerate(marks.holds, start=1):
        end = last_t if hold.end_t is None else hold.end_t
        lines = (*hold.zones.band_n, hold.zones.ceiling_n)
        for edge, name, plain, color in zip(
            lines, ("band", None, "ceiling"), "==!", ("green", "green", "red"), strict=True
        ):
            plt.plot(
                [hold.start_t, end],
                [scale.value(edge)] * 2,
                marker=style.marker("braille", plain),
                color=style.tint(color),
                label=name if number == 1 else None,
            )
        plt.vline(hold.start_t, style.tint("yellow"))
        plt.vline(end, style.tint("yellow"))
        # The number sits mid-hold on the ceiling line, clear of the legend's corner.
        middle, ceiling = (hold.start_t + end) / 2, scale.value(hold.zones.ceiling_n)
        plt.text(f"hold {number}", middle, ceiling, color=style.tint("yellow"))
    plt.xlabel("seconds")


def render_text(draw: Draw, width: int, height: int, style: ChartStyle) -> str:
    """A chart as terminal text: ANSI colours only when ``style.color``."""
    plt = Plot()
    plt.plotsize(width, height)
    plt.theme("clear")
    draw(plt)
    built = plt.build()
    return built if style.color else Text.from_ansi(built).plain
