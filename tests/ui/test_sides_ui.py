"""The side of the body on the dashboard: ``--side``, the palette's Side: entries, the title."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from textual.widgets import Static

from knotmeter.cli import build_parser, main
from knotmeter.cli.dashboard import ViewOptions
from knotmeter.core.events import HoldEnded, HoldStarted
from knotmeter.core.sides import Side
from knotmeter.session import LinkState
from knotmeter.store import SourceKind
from knotmeter.ui.commands import palette
from knotmeter.ui.screens.history import HistoryScreen

if TYPE_CHECKING:
    from tests.ui.conftest import Rig


def test_side_is_a_dashboard_option() -> None:
    parser = build_parser()
    assert ViewOptions.from_args(parser.parse_args(["--sim", "--side", "left"])).side is Side.LEFT
    assert ViewOptions.from_args(parser.parse_args(["--sim"])).side is None


def test_an_unknown_side_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--sim", "--side", "middle"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "--side: 'middle' is not one of left, right" in err[-1]


async def test_the_palette_offers_both_sides_and_the_title_shows_the_one_chosen(rig: Rig) -> None:
    async with rig.app.run_test(size=(100, 32)) as pilot:
        rig.link(LinkState.LIVE)
        await pilot.pause()
        commands = {entry.title: entry for entry in palette(rig.screen)}
        assert {"Side: left", "Side: right"} <= set(commands)
        commands["Side: right"].run()
        await pilot.pause()
        assert rig.session.side is Side.RIGHT
        title = str(rig.screen.query_one("#title", Static).render())
        assert f"{rig.session.config.region.name}, right" in title


async def test_h_on_a_side_shows_that_sides_days(rig: Rig) -> None:
    """Left and right are told apart: on the left, the left's holds only."""
    region = rig.session.config.region.id
    recorder = rig.store.begin_session(source="ble:KM-0042", kind=SourceKind.DEVICE, region=region)
    for side, start in ((Side.LEFT, 1.0), (Side.RIGHT, 20.0), (Side.RIGHT, 40.0)):
        ended = HoldEnded(start + 10, start, 9.0, 0.0, 50.0, 45.0, False)
        recorder.record(None, [HoldStarted(start), ended], region=region, side=side)
    rig.session.set_side(Side.LEFT)
    async with rig.app.run_test(size=(110, 60)) as pilot:
        await pilot.press("h")
        await rig.until(pilot, lambda: isinstance(rig.app.screen, HistoryScreen))
        screen = rig.app.screen
        assert isinstance(screen, HistoryScreen)
        assert [(day.side, day.holds) for day in screen.days] == [(Side.LEFT, 1)]
