"""The point being treated, and the plans rated, over the last two weeks: is it easing?"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static
from textual_plotext import PlotextPlot

from knotmeter.charts import (
    ChartStyle,
    Draw,
    PlanDays,
    PointDays,
    plan_charts,
    point_charts,
    region_band,
)
from knotmeter.core.scores import Outcome
from knotmeter.history import DayOfHolds, days_of_ratings, plan_lines, rated_plans, table_lines
from knotmeter.ui.display import ForceFormat

HISTORY_DAYS = 14


class Chart(PlotextPlot):
    """One history chart; drawn once, when mounted (history does not change while shown)."""

    DEFAULT_CSS = "Chart { height: 14; margin-top: 1; }"

    def __init__(self, draw: Draw) -> None:
        super().__init__()
        self._draw = draw

    def on_mount(self) -> None:
        self._draw(self.plt)


class HistoryScreen(ModalScreen[None]):
    """One region's days on a real tool: the table ``knotmeter history`` prints, then
    the same charts as ``knotmeter history --chart`` (time in band, force against the
    band, pain); below them, each plan rated in the fortnight (``complaints``, plan id
    to ratings): its course in words and its chart of pain, function and retests.

    Simulated and replayed sessions are left out, so a demo never reads as progress.
    ``band_n`` is the band the force chart is drawn against: the person's own where
    the caller knows it, the region's default otherwise. ``today`` ends the charts'
    fortnight (tests fix it; the app uses the local date).
    """

    DEFAULT_CSS = """
    HistoryScreen > #dialog { width: 100; height: 90%; }
    HistoryScreen .plan { margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Back"),
        Binding("h", "dismiss", "Back", show=False),
        Binding("q", "dismiss", "Back", show=False),
    ]

    def __init__(
        self,
        region_name: str,
        days: list[DayOfHolds],
        fmt: ForceFormat,
        *,
        complaints: Mapping[str, Sequence[Outcome]] | None = None,
        band_n: tuple[float, float] | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__()
        self.region_name = region_name
        self.days = days
        self.complaints = complaints or {}
        self.fmt = fmt
        self.band_n = band_n
        self.today = today or datetime.now().astimezone().date()

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static(
                f"{self.region_name}: the last {HISTORY_DAYS} days on a real tool",
                classes="dialog-title",
            )
            if self.days:
                yield Static(Text("\n".join(table_lines(self.days, self.fmt.text))), id="table")
                for draw in point_charts(self._point(), ChartStyle(), self.fmt):
                    yield Chart(draw)
            else:
                yield Static(
                    f"No holds on this point in the last {HISTORY_DAYS} days. Sessions on the "
                    "simulated tool or a replay are not your history.",
                    id="table",
                )
            yield from self._plans()

    def _plans(self) -> ComposeResult:
        first = self._first()
        for plan, rated in rated_plans(self.complaints):
            lines = plan_lines(plan, rated, self.today)
            yield Static(Text("\n".join(lines)), classes="plan")
            shown = [day for day in days_of_ratings(rated) if day.day >= first]  # its window
            days = PlanDays(plan.name, shown, first, self.today)
            for draw in plan_charts(days, ChartStyle()):
                yield Chart(draw)

    def _first(self) -> date:
        return self.today - timedelta(days=HISTORY_DAYS)  # 14 x 24 h reach into a 15th date

    def _point(self) -> PointDays:
        region_id = self.days[0].region
        band = self.band_n or region_band(region_id)
        return PointDays(region_id, self.region_name, self.days, self._first(), self.today, band)
