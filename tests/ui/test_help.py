"""The help card scrolls to its end at every size and explains the colours."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Static

from knotmeter.core.events import Zone
from knotmeter.ui.screens.help import HelpScreen, legend
from knotmeter.ui.wording import ZONE_WORDS
from tests.ui.test_history_screens import OneScreen

SnapCompare = Callable[..., bool]
SIZES = [(80, 24), (120, 40), (200, 50)]


async def scrolled_to_the_end(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.press("end")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_help_scrolled_to_its_end(size: tuple[int, int], snap_compare: SnapCompare) -> None:
    assert snap_compare(OneScreen(HelpScreen), terminal_size=size, run_before=scrolled_to_the_end)


@pytest.mark.parametrize("key", ["down", "j", "space", "pagedown", "end"])
async def test_each_scroll_key_moves_the_card_at_80x24(key: str) -> None:
    app = OneScreen(HelpScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        card = app.screen.query_one(VerticalScroll)
        assert card.max_scroll_y > 0, "the card is longer than 80x24: it must scroll"
        await pilot.press(key)
        await pilot.pause()
        assert card.scroll_target_y > 0 or card.scroll_y > 0, key


async def test_the_end_shows_the_last_lines() -> None:
    app = OneScreen(HelpScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("end")
        await pilot.pause()
        card = app.screen.query_one(VerticalScroll)
        assert card.scroll_y == card.max_scroll_y
        await pilot.press("k")
        await pilot.pause()
        assert card.scroll_target_y < card.max_scroll_y


async def test_the_legend_names_every_zone_in_its_colours() -> None:
    assert [word for _, word, _ in legend()][: len(Zone)] == [ZONE_WORDS[z] for z in Zone]
    app = OneScreen(HelpScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        in_band = app.screen.query_one(".swatch.zone-in_band", Static)
        too_hard = app.screen.query_one(".swatch.zone-over_ceiling", Static)
        assert in_band.styles.background != too_hard.styles.background
        assert str(too_hard.styles.background.hex).lower() == "#d70000"
