"""One rating per hold (issue 22 item 7): a correction replaces the earlier rating in the
summary and takes back its go-lighter step; the title's band always matches the gauge."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

from firmware_host.source import LinkState

if TYPE_CHECKING:
    from tests.ui.conftest import Rig


def title_band(rig: Rig) -> str:
    state = rig.session.state
    return (
        f"band {rig.screen.fmt.number(state.band_low_n)}-{rig.screen.fmt.text(state.band_high_n)}"
    )


async def test_a_corrected_rating_replaces_the_first_everywhere(rig: Rig) -> None:
    async with rig.app.run_test(size=(100, 32)) as pilot:
        rig.link(LinkState.LIVE)
        await rig.hold(pilot, 52.0, 1.0)
        full_ceiling = rig.session.config.ceiling_n
        await pilot.press("x")  # 10/10: the next hold here starts a level lower
        await rig.hold(pilot, 0.0, 2.0)  # released: the step is taken
        await pilot.pause()
        assert rig.session.config.ceiling_n < full_ceiling
        title = str(rig.screen.query_one("#title", Static).render())
        assert title_band(rig) in title, "the title's band is the gauge's"
        await pilot.press("2")  # corrected: 2/10 on the same hold
        await pilot.pause()
        assert rig.session.config.ceiling_n == full_ceiling
        title = str(rig.screen.query_one("#title", Static).render())
        assert title_band(rig) in title
        lines = rig.screen.tally.summary(10.0).lines()
        assert any(line.endswith("pain 2") for line in lines), lines
        assert rig.session.ratings == {next(iter(rig.session.ratings)): 2}
