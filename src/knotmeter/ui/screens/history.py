"""The point being treated, over the last two weeks: is it easing, day by day?"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from knotmeter.history import DayOfHolds, table_lines
from knotmeter.ui.display import ForceFormat

HISTORY_DAYS = 14


class HistoryScreen(ModalScreen[None]):
    """One region's days on a real tool (the same table ``knotmeter history`` prints).

    Simulated and replayed sessions are left out, so a demo never reads as progress.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Back"),
        Binding("h", "dismiss", "Back", show=False),
        Binding("q", "dismiss", "Back", show=False),
    ]

    def __init__(self, region_name: str, days: list[DayOfHolds], fmt: ForceFormat) -> None:
        super().__init__()
        self.region_name = region_name
        self.days = days
        self.fmt = fmt

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                f"{self.region_name}: the last {HISTORY_DAYS} days on a real tool",
                classes="dialog-title",
            )
            if self.days:
                yield Static(Text("\n".join(table_lines(self.days, self.fmt.text))), id="table")
            else:
                yield Static(
                    f"No holds on this point in the last {HISTORY_DAYS} days. Sessions on the "
                    "simulated tool or a replay are not your history.",
                    id="table",
                )
