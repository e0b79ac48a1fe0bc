"""The first screen of a bare ``knotmeter``: which tool to use.

Discovery probes serial ports (and BLE, when present) in a worker so the screen
stays responsive; the simulated tool is always offered, and is the suggestion
when nothing was found.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from knotmeter.sources import DiscoveredTool

Discover = Callable[[], Awaitable[Sequence["DiscoveredTool"]]]


SIM_LINK_MARK = "/knotmeter-sim-"
"""In the path of a simulated serial port's link (``$TMP/knotmeter-sim-<pid>-<n>``)."""
ROW_WIDTH = 70
"""Each line of a row fits this many columns: the picker fits an 80-column terminal."""


def tool_line(tool: DiscoveredTool) -> str:
    """Two short lines: the tool's name, then how it is reached and its moniker."""
    mark = "knotmeter tool" if tool.is_knotmeter else "did not answer as a knotmeter tool"
    rssi = "" if tool.rssi is None else f", {tool.rssi} dBm"
    lines = (tool.label, f"  {tool.transport}{rssi}, {mark}: {tool.moniker}")
    return "\n".join(_fit(line) for line in lines)


def worth_listing(tool: DiscoveredTool) -> bool:
    """Not a simulated port that another dashboard (or this one) opened for itself: those
    are busy and do not answer; a ``knotmeter sim serial`` port answers and is listed."""
    return tool.is_knotmeter or SIM_LINK_MARK not in tool.moniker


def _fit(line: str) -> str:
    return line if len(line) <= ROW_WIDTH else line[: ROW_WIDTH - 1] + "…"


class ToolPicker(Screen[str]):
    """Lists discovered tools; dismisses with the chosen source moniker."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "scan", "Scan again"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(
        self, discover: Discover, simulated_moniker: str, *, problem: str | None = None
    ) -> None:
        super().__init__()
        self._discover = discover
        self._simulated = simulated_moniker
        self._problem = problem

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static("Choose a tool", classes="dialog-title")
            yield Static("Looking for tools…", id="picker-note")
            yield OptionList(id="tools")
        yield Footer()

    def on_mount(self) -> None:
        self.action_scan()

    def action_scan(self) -> None:
        self.query_one("#picker-note", Static).update("Looking for tools…")
        self.query_one(OptionList).clear_options()
        self._scan()

    @work(exclusive=True, group="discovery")
    async def _scan(self) -> None:
        tools = await self._discover()
        self.show_tools(tools)

    def show_tools(self, found: Sequence[DiscoveredTool]) -> None:
        tools = [tool for tool in found if worth_listing(tool)]
        note = (
            f"Found {len(tools)} device(s). Pick one, or try the simulated tool."
            if tools
            else "No tools found on USB serial or Bluetooth. Plug one in and press s to "
            "scan again, or try the simulated tool (clearly labelled SIMULATED)."
        )
        if self._problem is not None:
            note = f"{self._problem}\n{note}"
        self.query_one("#picker-note", Static).update(note)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(tool_line(tool), id=tool.moniker) for tool in tools])
        options.add_option(
            Option(f"Simulated tool (no hardware)   {self._simulated}", id=self._simulated)
        )
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(event.option.id)
