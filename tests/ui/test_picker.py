"""A bare ``knotmeter``: the tool picker, with and without tools found."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import OptionList, Static

from knotmeter.errors import KnotmeterError
from knotmeter.session import Session
from knotmeter.sources import DiscoveredTool
from knotmeter.ui import KnotmeterApp
from knotmeter.ui.screens.live import LiveScreen
from knotmeter.ui.screens.picker import ToolPicker, tool_line, worth_listing

SIM = "sim:calm"
SIZE = (100, 32)


async def nothing_found() -> list[DiscoveredTool]:
    return []


async def one_tool() -> list[DiscoveredTool]:
    return [DiscoveredTool("serial:/dev/ttyACM0", "knotmeter KM-0042", "serial", True)]


def picker_options(app: KnotmeterApp) -> list[str]:
    options = app.screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).id) for i in range(options.option_count)]


async def test_no_tools_found_says_so_and_offers_the_simulated_tool(
    session_for: Callable[[str], Session],
) -> None:
    opened: list[str] = []

    def connect(moniker: str) -> Session:
        opened.append(moniker)
        return session_for(moniker)

    app = KnotmeterApp(connect=connect, discover=nothing_found, simulated_moniker=SIM)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        note = str(app.screen.query_one("#picker-note", Static).render())
        assert "No tools found" in note
        assert picker_options(app) == [SIM]
        await pilot.press("enter")
        await pilot.pause()
        assert opened == [SIM]
        assert isinstance(app.screen, LiveScreen)
        await pilot.press("q")


async def test_found_tools_come_first_and_a_failed_open_returns_to_the_picker() -> None:
    def connect(moniker: str) -> Session:
        raise KnotmeterError(f"{moniker.removeprefix('serial:')}: port busy")

    app = KnotmeterApp(connect=connect, discover=one_tool, simulated_moniker=SIM)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert picker_options(app) == ["serial:/dev/ttyACM0", SIM]
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ToolPicker)
        note = str(app.screen.query_one("#picker-note", Static).render())
        assert note.startswith("Could not open serial:/dev/ttyACM0: /dev/ttyACM0: port busy")


def test_picker_rows_fit_80_columns_and_skip_busy_simulated_ports() -> None:
    long_label = DiscoveredTool(
        "ble:AA:BB:CC:DD:EE:FF", "knotmeter KM-0042 with a very long advertised name" * 2,
        "ble", True, rssi=-61,
    )  # fmt: skip
    busy = DiscoveredTool("serial:/tmp/knotmeter-sim-4242-1", "pty", "serial", False)
    served = DiscoveredTool("serial:/tmp/knotmeter-sim-4343-1", "knotmeter SIM-1", "serial", True)
    assert all(len(line) <= 70 for line in tool_line(long_label).splitlines())
    assert not worth_listing(busy)
    assert worth_listing(served)
    assert worth_listing(DiscoveredTool("serial:/dev/ttyUSB0", "CP2102", "serial", False))
