"""The report's charts as inline SVG, drawn with matplotlib's SVG backend.

Printed in black and white, series must differ without colour: each has its own
marker and line style, the band is a light grey area and the ceiling a dashed line,
and every chart has a legend naming them. Text stays text in the SVG (``svg.fonttype
none``), so the file stays small and the words stay selectable.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import matplotlib as mpl
import numpy as np
import numpy.typing as npt
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.typing import RcKeyType

from knotmeter.core.scores import HIGH, LOW
from knotmeter.report.gather import Point

WIDTH_IN = 6.7
"""An A4 page's width inside 2 cm margins (170 mm)."""
PANEL_HEIGHT_IN = 2.0
STYLE: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "knotmeter",  # the same data draws the same file
    "font.size": 8,
    "font.family": "sans-serif",
    "axes.edgecolor": "black",
    "axes.prop_cycle": cycler(color=["black"]),
    "lines.linewidth": 1.2,
    "lines.markersize": 4,
    "legend.frameon": False,
    "legend.fontsize": 7,
}
DayArray = npt.NDArray[np.datetime64]
BAND_GREY = "0.85"
MARKERS = 40
NO_METADATA: dict[str, str | None] = {"Date": None, "Creator": None, "Format": None, "Type": None}
"""No RDF block: it names outside vocabularies by URL, and a date makes runs differ."""


@contextmanager
def _figure(rows: int) -> Iterator[tuple[Figure, list[Axes]]]:
    with mpl.rc_context(STYLE):
        fig = Figure(figsize=(WIDTH_IN, PANEL_HEIGHT_IN * rows), layout="constrained")
        axes = [fig.add_subplot(rows, 1, row + 1) for row in range(rows)]
        yield fig, axes


def _svg(fig: Figure, prefix: str) -> str:
    """The figure as an ``<svg>`` element, without the XML prologue (it goes inline).

    matplotlib numbers its ids per figure (``axes_1``...); inline, every figure shares
    one document, so each id and each reference to one gets ``prefix``.
    """
    out = io.StringIO()
    with mpl.rc_context(STYLE):
        fig.savefig(out, format="svg", metadata=NO_METADATA)
    text = out.getvalue()
    return _REFERENCE.sub(rf"\1{prefix}-", text[text.index("<svg") :])


_REFERENCE = re.compile(r'(\bid="|url\(#|href="#)')


def _day_axis(ax: Axes, first: date, last: date) -> None:
    margin = timedelta(days=1)  # a bar on the first or last day is drawn whole
    ax.set_xlim(first - margin, last + margin)  # type: ignore[arg-type]  # it takes dates
    locator = AutoDateLocator(maxticks=8)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    ax.grid(axis="y", color="0.8", linewidth=0.5)


def point_svg(point: Point, first: date, last: date) -> str:
    """One point's charts: holds and seconds in band per day; mean and peak force
    against band and ceiling; pain of each hold; and its PPT over time if measured."""
    rows = 4 if point.measurements else 3
    with _figure(rows) as (fig, axes):
        _holds_panel(axes[0], point, first, last)
        _force_panel(axes[1], point)
        _pain_panel(axes[2], point)
        if point.measurements:
            _ppt_panel(axes[3], point)
        for ax in axes:
            _day_axis(ax, first, last)
        return _svg(fig, point.key)


def _holds_panel(ax: Axes, point: Point, first: date, last: date) -> None:
    """Holds and complete holds a day as two stepped areas (a day without holds is 0):
    one outline each however many days, where bars would be an element a day."""
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    by_day = {d.day: d for d in point.days}
    holds = [by_day[day].holds if day in by_day else 0 for day in days]
    complete = [by_day[day].complete if day in by_day else 0 for day in days]
    ax.fill_between(days, holds, step="mid", facecolor="white", edgecolor="black", label="holds")  # type: ignore[arg-type]
    ax.fill_between(
        days, complete, step="mid", facecolor="0.6", edgecolor="black", hatch="///",  # type: ignore[arg-type]
        label="complete",
    )  # fmt: skip
    ax.set_ylabel("holds a day")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    right = ax.twinx()
    in_band = [(d.day, d.in_band_s) for d in point.days if d.in_band_s is not None]
    _series(right, in_band, "o-", "in band, s per hold")
    right.set_ylabel("s in band per hold")
    right.set_ylim(bottom=0)
    _legend(ax, right)


def _force_panel(ax: Axes, point: Point) -> None:
    if point.band_n is not None:
        ax.axhspan(*point.band_n, color=BAND_GREY, label="band (default)")
    if point.ceiling_n is not None:
        ax.axhline(point.ceiling_n, color="black", linestyle="--", linewidth=1, label="ceiling")
    mean = [(d.day, d.mean_n) for d in point.days if d.mean_n is not None]
    peak = [(d.day, d.peak_n) for d in point.days if d.peak_n is not None]
    _series(ax, mean, "o-", "mean force")
    _series(ax, peak, "s:", "peak force", hollow=True)
    ax.set_ylabel("force (N)")
    ax.set_ylim(bottom=0)
    _legend(ax)


def _pain_panel(ax: Axes, point: Point) -> None:
    rated = [(h.started_at.astimezone().date(), h.pain) for h in point.holds if h.pain is not None]
    ax.plot(*_columns(rated), "x", color="black", label="pain of a hold")
    daily = [(d.day, d.pain) for d in point.days if d.pain is not None]
    ax.plot(*_columns(daily), "-", color="black", linewidth=0.8, label="day's mean")
    ax.set_ylim(LOW - 0.5 if LOW else 0, HIGH + 0.5)
    ax.set_ylabel(f"pain ({LOW}-{HIGH})")
    _legend(ax)


def _ppt_panel(ax: Axes, point: Point) -> None:
    ppt = [(m.measured_on, m.ppt_n) for m in point.measurements if m.measured_on is not None]
    _series(ax, ppt, "^-", "PPT", hollow=True)
    ax.set_ylabel("PPT (N)")
    ax.set_ylim(bottom=0)
    _legend(ax)


def _series(
    ax: Axes, pairs: Sequence[tuple[date, float]], style: str, label: str, *, hollow: bool = False
) -> None:
    """One daily series in black: told apart by its marker (filled or ``hollow``) and
    line style, marked on at most :data:`MARKERS` days."""
    ax.plot(
        *_columns(pairs), style, color="black", markerfacecolor="white" if hollow else "black",
        markevery=_every(len(pairs)), label=label,
    )  # fmt: skip


def _every(count: int) -> int:
    """Mark every n-th day: at most :data:`MARKERS` markers a series (each is an element
    for a PDF to lay out; a year of daily markers made the PDF three times slower)."""
    return max(1, math.ceil(count / MARKERS))


def _columns(pairs: Sequence[tuple[date, float | int]]) -> tuple[DayArray, list[float]]:
    """Days (as numpy days, which matplotlib draws as dates) and values, for ``plot``."""
    return np.array([day for day, _ in pairs], dtype="datetime64[D]"), [float(v) for _, v in pairs]


def _legend(*axes: Axes) -> None:
    handles, labels = [], []
    for ax in axes:
        more_handles, more_labels = ax.get_legend_handles_labels()
        handles += more_handles
        labels += more_labels
    # above the plot, not over the data
    axes[0].legend(handles, labels, loc="lower left", bbox_to_anchor=(0, 1), ncols=4)
