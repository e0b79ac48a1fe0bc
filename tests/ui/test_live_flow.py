"""Pilot tests of the live screen's flow (issue 14): views, routine keys, pause, pain
before a hold, refusals said on screen, the palette's tools and screenshot, the summary."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from textual.app import App
from textual.widgets import Static

from knotmeter.core.routine import Step
from knotmeter.core.tools import Tool
from knotmeter.session import LinkState
from knotmeter.ui.widgets import AlarmBanner

if TYPE_CHECKING:
    from tests.ui.conftest import Rig


def notices(app: App[None]) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


def text_of(widget: Static) -> str:
    return str(widget.render())


async def test_f_switches_between_the_far_and_near_views(rig: Rig) -> None:
    async with rig.app.run_test(size=(100, 32)) as pilot:
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 52.0, 1.0)
        assert rig.screen.far
        assert rig.screen.query_one("#far-main").display
        assert not rig.screen.query_one("#top").display
        assert "IN BAND" in text_of(rig.screen.query_one("#zone", Static))
        await pilot.press("f")
        assert not rig.screen.far
        assert rig.screen.query_one("#top").display
        assert not rig.screen.query_one("#far-main").display


async def test_a_small_terminal_starts_in_the_near_view(rig: Rig) -> None:
    async with rig.app.run_test(size=(70, 20)):
        assert rig.screen.far is False


@pytest.mark.parametrize("height", [24, 40, 50])
async def test_the_far_digits_are_a_quarter_of_the_height(rig: Rig, height: int) -> None:
    async with rig.app.run_test(size=(120, height)) as pilot:
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 52.0, 0.5)
        assert rig.screen.query_one("#far-force").size.height >= height / 4


async def test_a_pain_key_before_any_hold_says_there_is_none(rig: Rig) -> None:
    async with rig.app.run_test(size=(100, 32)) as pilot:
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 0.0, 1.0)
        await pilot.press("5")
        assert any("No hold to rate yet" in notice for notice in notices(rig.app))


async def test_tare_on_a_loaded_tool_says_why_not(rig: Rig) -> None:
    async with rig.app.run_test(size=(100, 32)) as pilot:
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 52.0, 3.0)
        await pilot.press("t")
        await pilot.pause()
        assert any(notice.startswith("Not tared") for notice in notices(rig.app))
        assert rig.session.state.force_n > 50.0


async def test_n_during_a_running_hold_keeps_the_point(routine_rig: Rig) -> None:
    rig = routine_rig
    async with rig.app.run_test(size=(100, 32)) as pilot:
        await pilot.press("n")  # warm-up done
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 52.0, 2.0)  # a hold starts: find -> press by itself
        routine = rig.session.routine
        assert routine is not None
        assert (routine.state.step, routine.state.point_index) == (Step.PRESS, 0)
        await pilot.press("n")
        assert (routine.state.step, routine.state.point_index) == (Step.PRESS, 0)
        assert any("A hold is running" in notice for notice in notices(rig.app))
        await rig.hold(pilot, 52.0, 4.0)  # complete
        await rig.hold(pilot, 0.0, 2.0)  # released: on to the next point by itself
        assert (routine.state.step, routine.state.point_index) == (Step.FIND, 1)
        await pilot.press("b")  # back to the point before
        assert (routine.state.step, routine.state.point_index) == (Step.FIND, 0)
        summary = rig.screen.tally.summary(rig.session.span_s)
        assert summary.routine is not None
        assert summary.routine.endswith(": stopped at find the spot, point 1 of 2")
        assert f"  routine: {summary.routine}" in summary.lines()


async def test_the_hold_panel_starts_afresh_on_the_next_point(routine_rig: Rig) -> None:
    rig = routine_rig
    async with rig.app.run_test(size=(100, 32)) as pilot:
        await pilot.press("f")  # near view: the hold panel
        await pilot.press("n")
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 52.0, 6.0)
        panel = rig.screen.query_one("#hold", Static)
        assert "HOLD COMPLETE" in text_of(panel)
        await rig.hold(pilot, 0.0, 2.0)  # released: the next point starts afresh
        assert "No hold yet" in text_of(panel)


async def test_pause_stops_the_session_and_says_so(rig: Rig) -> None:
    async with rig.app.run_test(size=(100, 32)) as pilot:
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 52.0, 1.0)
        await pilot.press("p")
        assert rig.session.paused
        assert "PAUSED" in text_of(rig.screen.query_one("#instruction", Static))
        rig.press(130.0, 0.5)  # alarms keep working while paused
        await rig.taken(pilot)
        assert rig.screen.query_one(AlarmBanner).severity == "hard"
        await pilot.press("p")
        assert not rig.session.paused
        assert len(rig.session.pauses) == 1


async def test_the_palette_changes_the_tool(rig: Rig) -> None:
    async with rig.app.run_test(size=(100, 32)) as pilot:
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 0.0, 0.5)
        ball_ceiling = rig.session.config.ceiling_n
        rig.screen.set_tool(Tool.HOOK)
        await rig.hold(pilot, 0.0, 0.5)
        assert rig.session.state.tool == "hook"
        assert rig.session.config.ceiling_n < ball_ceiling
        assert "hook" in text_of(rig.screen.query_one("#title", Static))


async def test_the_screenshot_lands_in_the_chosen_directory(rig: Rig, tmp_path: Path) -> None:
    rig.app.screenshot_dir = tmp_path
    async with rig.app.run_test(size=(100, 32)) as pilot:
        saved = rig.app.deliver_screenshot()
        await pilot.pause()
        assert saved is not None
        assert _svgs_in(tmp_path) == [saved]
        assert os.stat(saved).st_mode & 0o777 == 0o600, "private, like the store"
        assert any(str(tmp_path) in notice for notice in notices(rig.app))


def _svgs_in(directory: Path) -> list[str]:
    return [str(path) for path in directory.glob("*.svg") if path.read_text().startswith("<svg")]


async def test_q_keeps_the_summary_with_the_session(rig: Rig) -> None:
    async with rig.app.run_test(size=(100, 32)) as pilot:
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 52.0, 6.0)
        await rig.hold(pilot, 0.0, 2.0)
        await pilot.press("7")
        await rig.hold(pilot, 130.0, 0.5)
        await rig.hold(pilot, 0.0, 2.0)
        await pilot.press("q")
    summary = rig.app.summary
    assert summary is not None
    [point] = summary.points
    assert (point.region_id, point.holds_complete, point.pain) == ("upper-trapezius", 1, [7])
    assert point.holds_started == 2
    assert summary.alarms["over_ceiling"] == 1
    lines = "\n".join(summary.lines())
    assert "holds complete: 1 of 2 started" in lines
    assert "Upper trapezius: 1 of 2 holds" in lines
    assert rig.session.session_id is not None
    stored = rig.store.summary(rig.session.session_id)
    assert stored == json.loads(json.dumps(summary.as_json()))
