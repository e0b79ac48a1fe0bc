"""``knotmeter history``: the last two weeks of holds, per point and day, from the store.

Reads the store read-only, without creating it: asking for history before the first
session says so instead of leaving an empty database behind, and reading needs no
write access (nor changes any file's mode). ``--json`` gives one line per
point and day for scripts and spreadsheets.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import textwrap
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from knotmeter.core.regions import UnknownRegion, get_region, load_regions
from knotmeter.core.scores import Outcome
from knotmeter.core.units import Unit, convert
from knotmeter.errors import BadInput
from knotmeter.history import (
    DayOfHolds,
    by_point,
    days_of_holds,
    days_of_ratings,
    plan_lines,
    rated_plans,
    table_lines,
)
from knotmeter.store import SessionStore, SourceKind, default_db_path
from knotmeter.store.reads import outcomes, reading

if TYPE_CHECKING:
    from knotmeter.charts import ChartStyle, Draw

FORCE_UNITS = (Unit.N, Unit.KGF, Unit.LBF)
CHART_MAX_WIDTH = 100
MAX_DAYS = 36_500
CHART_HEIGHT = 14


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--days", default="14", metavar="N", help="how far back (default 14)")
    parser.add_argument("--region", metavar="ID", help="one point only")
    parser.add_argument(
        "--unit", default="N", choices=[str(u) for u in FORCE_UNITS], help="force unit"
    )
    parser.add_argument(
        "--all", action="store_true", help="include simulated and replayed sessions"
    )
    parser.add_argument("--json", action="store_true", help="one JSON line per point and day")
    parser.add_argument(
        "--chart",
        action="store_true",
        help="charts per point (in band, force, pain) and per plan (complaint, retests)",
    )


def parse_days(text: str) -> float:
    """``--days N``: above 0, at most a century (shared by the commands that look back)."""
    try:
        days = float(text)
    except ValueError:
        raise BadInput(f"--days: {text!r} is not a number of days") from None
    if not (math.isfinite(days) and 0 < days <= MAX_DAYS):
        raise BadInput(f"--days: must be more than 0 and at most {MAX_DAYS} (got {text})")
    return days


def _region(region_id: str | None) -> str | None:
    if region_id is None:
        return None
    try:
        return get_region(region_id).id
    except UnknownRegion:
        raise BadInput(
            f"--region: unknown region {region_id!r}; choose one of: {', '.join(load_regions())}"
        ) from None


def _region_name(region_id: str) -> str:
    """The region's name, or its id if it has left the region list since it was stored."""
    try:
        return get_region(region_id).name
    except UnknownRegion:
        return region_id


def _print_text(
    days: list[DayOfHolds], unit: Unit, since: date, everything: bool, *, chart: bool = False
) -> None:
    which = "all sessions" if everything else "holds on a real tool"
    print(f"{which}, since {since.isoformat()} ({default_db_path()})")
    for (region, side), group in by_point(days):
        on = "" if side is None else f", {side}"
        print(f"\n{_region_name(region)} ({region}{on})")
        for line in table_lines(group, lambda force_n: f"{convert(force_n, unit):.1f} {unit}"):
            print(f"  {line}")
        if chart:
            _print_charts(region, group, unit, since)


def _print_charts(region_id: str, days: list[DayOfHolds], unit: Unit, since: date) -> None:
    """The app's history charts as text."""
    from knotmeter.charts import PointDays, point_charts, region_band
    from knotmeter.ui.display import ForceFormat

    today = datetime.now().astimezone().date()
    point = PointDays(
        region_id, _region_name(region_id), days, since, today, region_band(region_id)
    )
    style = _chart_style()
    _print_drawn(point_charts(point, style, ForceFormat(unit)), style)


def _chart_style() -> ChartStyle:
    """Plain characters unless colour is wanted and seen."""
    from knotmeter.charts import ChartStyle

    return ChartStyle(color=sys.stdout.isatty() and not os.environ.get("NO_COLOR"))


def _print_drawn(draws: list[Draw], style: ChartStyle) -> None:
    from knotmeter.charts import render_text

    width = min(shutil.get_terminal_size((CHART_MAX_WIDTH, 24)).columns, CHART_MAX_WIDTH) - 2
    for draw in draws:
        print()
        print(textwrap.indent(render_text(draw, width, CHART_HEIGHT, style), "  "))


def _print_json(days: list[DayOfHolds], unit: Unit) -> None:
    for day in days:
        force = {
            f"{name}_{unit}": None if value is None else round(convert(value, unit), 3)
            for name, value in (("mean", day.mean_n), ("peak", day.peak_n))
        }
        print(
            json.dumps(
                {
                    "region": day.region,
                    "side": None if day.side is None else day.side.value,
                    "day": day.day.isoformat(),
                    "holds": day.holds,
                    "complete": day.complete,
                    "in_band_s": day.in_band_s,
                    **force,
                    "pain": day.pain,
                    "rated": day.rated,
                }
            )
        )


def run(args: argparse.Namespace) -> int:
    days_back = parse_days(args.days)
    region = _region(args.region)
    unit = Unit(args.unit)
    path = default_db_path()
    if not path.exists():
        print(f"no sessions yet: the first one creates {path}")
        return 0
    kinds = tuple(SourceKind) if args.all else (SourceKind.DEVICE,)
    with SessionStore(path, read_only=True) as store:
        holds = store.holds(region=region, days=days_back, kinds=kinds)
    with reading(path) as conn:  # a plan is judged from its first rating (REFERENCE §7)
        complaints = outcomes(conn, 0.0, kinds)
    days = days_of_holds(holds)
    if args.json:
        _print_json(days, unit)
        return 0
    if not days and not complaints:
        hint = "" if args.all else " (simulated sessions are not history; --all shows them)"
        print(f"no holds in the last {days_back:g} days{hint}")
        return 0
    since = (datetime.now().astimezone() - timedelta(days=days_back)).date()
    _print_text(days, unit, since, args.all, chart=args.chart)
    _print_plans(complaints, since, chart=args.chart)
    return 0


def _print_plans(complaints: dict[str, list[Outcome]], since: date, *, chart: bool) -> None:
    """Per plan, the complaint's course and the advice it calls for, then its chart."""
    today = datetime.now().astimezone().date()
    for plan, rated in rated_plans(complaints):
        print()
        first, *rest = plan_lines(plan, rated, today)
        print(first)
        for line in rest:
            print(f"  {line}")
        if chart:
            _print_plan_chart(plan.name, rated, since, today)


def _print_plan_chart(name: str, rated: Sequence[Outcome], since: date, today: date) -> None:
    from knotmeter.charts import PlanDays, plan_charts

    style = _chart_style()
    shown = [day for day in days_of_ratings(rated) if day.day >= since]  # the chart's window
    _print_drawn(plan_charts(PlanDays(name, shown, since, today), style), style)
