"""The history screen with charts, the sessions list and one session, on a seeded store.

The store is a real SQLite file filled through the store's public API with two weeks
of sittings over several plans and points (``tests/store/seeding.py``), at a fixed
"now" and in UTC, so every picture is the same on every run and machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from textual.app import App
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, OptionList, Static

from knotmeter.core.regions import get_region
from knotmeter.history import days_of_holds
from knotmeter.store import SessionStore
from knotmeter.ui import ForceFormat, KnotmeterApp
from knotmeter.ui.screens.history import HistoryScreen
from knotmeter.ui.screens.sessions import SessionScreen, SessionsScreen
from tests.store.seeding import SEED_NOW, fortnight, seed_history

if TYPE_CHECKING:
    from tests.ui.conftest import Rig

SIZE = (110, 60)
SnapCompare = Callable[..., bool]
TRAPS = "upper-trapezius"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "knotmeter.sqlite3"
    seed_history(path, fortnight())
    return path


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC here, so dates and clock times on screen do not move with the host."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


class OneScreen(App[None]):
    """The app's stylesheet with one screen pushed: these screens need no live session."""

    CSS_PATH = KnotmeterApp.CSS_PATH

    def __init__(self, screen: Callable[[], Screen[None]]) -> None:
        super().__init__()
        self._screen = screen

    def on_mount(self) -> None:
        self.push_screen(self._screen())


def history_screen(path: Path, region: str, fmt: ForceFormat | None = None) -> HistoryScreen:
    with SessionStore(path, wall_clock=lambda: SEED_NOW) as store:
        held = store.holds(region=region, days=14)
    today = datetime.fromtimestamp(SEED_NOW, UTC).date()
    name = get_region(region).name
    return HistoryScreen(name, days_of_holds(held, UTC), fmt or ForceFormat(), today=today)


async def settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_history_screen_charts_a_points_fortnight(seeded: Path, snap_compare: SnapCompare) -> None:
    app = OneScreen(lambda: history_screen(seeded, TRAPS))
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_history_screen_charts_another_plans_point(seeded: Path, snap_compare: SnapCompare) -> None:
    app = OneScreen(lambda: history_screen(seeded, "gastrocnemius-soleus"))
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_sessions_list(seeded: Path, snap_compare: SnapCompare) -> None:
    app = OneScreen(lambda: SessionsScreen(seeded, ForceFormat(), now=lambda: SEED_NOW))
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_one_session_with_its_trace_holds_and_alarms(
    seeded: Path, snap_compare: SnapCompare
) -> None:
    app = OneScreen(lambda: SessionScreen(seeded, 4, ForceFormat()))  # the day it overshot
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


async def test_simulated_sessions_show_only_on_request_and_labelled(seeded: Path) -> None:
    app = OneScreen(lambda: SessionsScreen(seeded, ForceFormat(), now=lambda: SEED_NOW))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 14
        await pilot.press("a")
        await settle(pilot)
        assert table.row_count == 15
        sources = [str(table.get_row_at(row)[-2]) for row in range(table.row_count)]
        assert [s for s in sources if "SIMULATED" in s] == ["sim:calm SIMULATED"]


async def test_enter_opens_the_chosen_session(seeded: Path) -> None:
    app = OneScreen(lambda: SessionsScreen(seeded, ForceFormat(), now=lambda: SEED_NOW))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")  # the second newest: yesterday's
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.session_id == 13
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "Session 13" in summary
        assert "upper-trapezius, suboccipitals" in summary
        await pilot.press("escape")
        assert isinstance(app.screen, SessionsScreen)


async def test_a_missing_session_says_so(seeded: Path) -> None:
    app = OneScreen(lambda: SessionScreen(seeded, 999, ForceFormat()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "no session 999" in str(app.screen.query_one("#summary", Static).render())


async def test_the_palette_opens_the_sessions_of_the_running_sessions_store(rig: Rig) -> None:
    """The live session's own sitting is listed (it is simulated: shown with ``a``)."""
    async with rig.app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await rig.until(pilot, lambda: isinstance(rig.app.screen, CommandPalette))
        await pilot.press(*"Sessions")
        await rig.until(pilot, lambda: rig.app.screen.query_one(OptionList).option_count > 0)
        await pilot.press("enter")
        await rig.until(pilot, lambda: isinstance(rig.app.screen, SessionsScreen))
        screen = rig.app.screen
        assert isinstance(screen, SessionsScreen)
        assert screen.path == rig.store.path
        await pilot.press("a")
        await rig.until(pilot, lambda: screen.query_one(DataTable).row_count == 1)
