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
from knotmeter.core.scores import Outcome, Retest, Score
from knotmeter.history import days_of_holds
from knotmeter.store import Moment, SessionStore, SourceKind
from knotmeter.ui import ForceFormat, KnotmeterApp
from knotmeter.ui.screens.history import Chart, HistoryScreen
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
    """The screen as ``h`` builds it: the point's holds and every plan rated, real tool only."""
    with SessionStore(path, wall_clock=lambda: SEED_NOW) as store:
        held = store.holds(region=region, days=14)
        complaints = store.outcomes(days=14)
    today = datetime.fromtimestamp(SEED_NOW, UTC).date()
    name = get_region(region).name
    fmt = fmt or ForceFormat()
    return HistoryScreen(name, days_of_holds(held, UTC), fmt, complaints=complaints, today=today)


async def settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_history_screen_charts_a_points_fortnight(seeded: Path, snap_compare: SnapCompare) -> None:
    app = OneScreen(lambda: history_screen(seeded, TRAPS))
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_history_screen_charts_another_plans_point(seeded: Path, snap_compare: SnapCompare) -> None:
    app = OneScreen(lambda: history_screen(seeded, "gastrocnemius-soleus"))
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


async def at_the_plans(pilot: Pilot[None]) -> None:
    """Scrolled down to the first plan: its lines and chart, and the next plan's."""
    await settle(pilot)
    pilot.app.screen.query(".plan").first().scroll_visible(top=True, animate=False)
    await pilot.pause()


def test_history_screen_charts_each_plans_complaint_and_retests(
    seeded: Path, snap_compare: SnapCompare
) -> None:
    app = OneScreen(lambda: history_screen(seeded, TRAPS))
    assert snap_compare(app, terminal_size=SIZE, run_before=at_the_plans)


async def test_the_plans_follow_the_points_charts_real_tool_only(seeded: Path) -> None:
    app = OneScreen(lambda: history_screen(seeded, TRAPS))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        plans = [str(plan.render()) for plan in app.screen.query(".plan").results(Static)]
        assert [text.split("\n")[0].split(": ")[0] for text in plans] == [
            "Tension headache (tension-headache)",
            "Plantar heel (plantar-heel)",
            "Jaw (TMJ) (jaw)",
        ]
        assert "Tension headache (tension-headache): 10 ratings" in plans[0], (
            "5 sittings rated twice; the simulated sitting's 2 are not history"
        )
        assert "retest better 2, same 2, worse 1" in plans[0]
        charts = list(app.screen.query(Chart))
        assert len(charts) == 3 + 3, "three charts for the point, one per plan"


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
        sources = [str(table.get_row_at(row)[-1]) for row in range(table.row_count)]
        assert [s for s in sources if "SIMULATED" in s] == ["SIMULATED sim:calm"]


async def test_the_sessions_list_shows_its_points_at_80_columns(seeded: Path) -> None:
    app = OneScreen(lambda: SessionsScreen(seeded, ForceFormat(), now=lambda: SEED_NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        shown = table.size.width
        needed = sum(width + 2 for _, width in SessionsScreen.COLUMNS[:-1])
        assert needed <= shown, f"start..points need {needed} columns, the table has {shown}"


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


async def test_h_shows_the_plans_rated_on_a_real_tool(rig: Rig) -> None:
    """The live screen reads the ratings from the session's own store; a simulated
    tool's are left out, as its holds are."""
    for kind, pain in ((SourceKind.DEVICE, 6), (SourceKind.SIMULATED, 9)):
        recorder = rig.store.begin_session(source="ble:KM-0042", kind=kind, region=TRAPS)
        today = datetime.now().astimezone().date()
        outcome = Outcome(today, Score(pain), Score(4), Retest.BETTER)
        recorder.record_outcome("tension-headache", Moment.RETEST, outcome)
    async with rig.app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await rig.until(pilot, lambda: isinstance(rig.app.screen, HistoryScreen))
        await rig.until(pilot, lambda: bool(rig.app.screen.query(".plan")))
        (plan,) = rig.app.screen.query(".plan").results(Static)
        text = str(plan.render())
        assert "Tension headache (tension-headache): 1 rating of the complaint" in text
        assert "retest better 1, same 0, worse 0" in text
        assert len(rig.app.screen.query(Chart)) == 1, "no holds yet: the plan's chart only"
