"""The point being treated, over the last two weeks: is it easing, day by day?"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static
from textual_plotext import PlotextPlot

from knotmeter.charts import ChartStyle, Draw, PointDays, point_charts, region_band
from knotmeter.history import DayOfHolds, table_lines
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
    band, pain).

    Simulated and replayed sessions are left out, so a demo never reads as progress.
    ``band_n`` is the band the force chart is drawn against: the person's own where
    the caller knows it, the region's default otherwise. ``today`` ends the charts'
    fortnight (tests fix it; the app uses the local date).
    """

    DEFAULT_CSS = "HistoryScreen > #dialog { width: 100; height: 90%; }"
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
        band_n: tuple[float, float] | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__()
        self.region_name = region_name
        self.days = days
        self.fmt = fmt
        self.band_n = band_n
        self.today = today or datetime.now().astimezone().date()

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static(
                f"{self.region_name}: the last {HISTORY_DAYS} days on a real tool",
                classes="dialog-title",
            )
            if not self.days:
                yield Static(
                    f"No holds on this point in the last {HISTORY_DAYS} days. Sessions on the "
                    "simulated tool or a replay are not your history.",
                    id="table",
                )
                return
            yield Static(Text("\n".join(table_lines(self.days, self.fmt.text))), id="table")
            for draw in point_charts(self._point(), ChartStyle(), self.fmt):
                yield Chart(draw)

    def _point(self) -> PointDays:
        region_id = self.days[0].region
        band = self.band_n or region_band(region_id)
        first = self.today - timedelta(days=HISTORY_DAYS)  # 14 x 24 h reach into a 15th date
        return PointDays(region_id, self.region_name, self.days, first, self.today, band)
