"""No entry point coaches a live tool unscreened (issue 28): the session refuses to run
without a screening decision, and the app asks ``core/screening`` first, with or
without a store; a replay is not coaching and is never asked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from knotmeter.core.plans import get_plan
from knotmeter.core.prescription import Rx
from knotmeter.session import NotScreened, Session
from knotmeter.store import SessionStore, SourceKind
from knotmeter.ui import ForceFormat, KnotmeterApp
from knotmeter.ui.screens.live import LiveScreen
from knotmeter.ui.screens.screening import ScreeningScreen
from tests.screened import none_apply
from tests.ui.conftest import REGION, ScriptedSource

SIZE = (120, 40)

Entry = Callable[[Path], Session]


def dashboard(tmp_path: Path) -> Session:
    """``knotmeter --source …``: one point, a store."""
    del tmp_path
    return Session(ScriptedSource(kind=SourceKind.DEVICE), Rx(REGION), clock=lambda: 0.0)


def plan(tmp_path: Path) -> Session:
    """``knotmeter --plan …``: a routine."""
    return Session(
        ScriptedSource(),
        Rx(REGION),
        store=SessionStore(tmp_path / "k.db"),
        clock=lambda: 0.0,
        plan=get_plan("tension-headache"),
    )


def embedded(tmp_path: Path) -> Session:
    """An entry point built another way: no store (it once skipped the screening)."""
    del tmp_path
    return Session(ScriptedSource(), Rx(REGION), clock=lambda: 0.0)


ENTRIES = [dashboard, plan, embedded]


@pytest.mark.parametrize("entry", ENTRIES)
async def test_a_session_without_a_screening_decision_refuses_to_run(
    entry: Entry, tmp_path: Path
) -> None:
    session = entry(tmp_path)
    assert not session.screened
    with pytest.raises(NotScreened):
        await session.run()
    await finish(session)


async def finish(session: Session) -> None:
    await session.close()
    if session.store is not None:
        session.store.close()


@pytest.mark.parametrize("entry", ENTRIES)
async def test_the_app_asks_the_screening_before_coaching(entry: Entry, tmp_path: Path) -> None:
    session = entry(tmp_path)
    app = KnotmeterApp(session=session, fmt=ForceFormat())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ScreeningScreen)
        assert not any(isinstance(screen, LiveScreen) for screen in app.screen_stack)
    await finish(session)


async def test_a_screened_session_goes_straight_to_the_live_screen(tmp_path: Path) -> None:
    session = Session(ScriptedSource(), Rx(REGION), clock=lambda: 0.0, screening=none_apply())
    app = KnotmeterApp(session=session, fmt=ForceFormat())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen)


async def test_a_replay_is_not_coaching(tmp_path: Path) -> None:
    session = Session(ScriptedSource(kind=SourceKind.REPLAY), Rx(REGION), clock=lambda: 0.0)
    app = KnotmeterApp(session=session, fmt=ForceFormat())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen)
