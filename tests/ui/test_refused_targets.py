"""A tool too small for the point (issue 20): the refusal stands on screen as a hard
banner, saturation still fires at the tool's full scale, and the coach never says
"press a little more" toward a band the tool cannot reach."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

from firmware_host.source import DeviceInfo, LinkState
from knotmeter.core.events import AlarmKind, Zone
from knotmeter.ui.widgets import AlarmBanner
from knotmeter.wording import INSTRUCTIONS

if TYPE_CHECKING:
    from tests.ui.conftest import Rig


async def test_a_30_n_board_on_the_upper_trapezius_is_refused_and_too_hard(rig: Rig) -> None:
    """The text board's ``range=30`` reaches the coach as device info; pinned at 30 N."""
    async with rig.app.run_test(size=(100, 32)) as pilot:
        rig.link(LinkState.LIVE)
        rig.source.push(DeviceInfo("text", "", "text", 80.0, full_scale_n=30.0))
        await rig.hold(pilot, 30.0, 1.5)
        await pilot.pause()
        refused = str(rig.screen.query_one("#refused", Static).render())
        assert "30 N range is too small for the upper trapezius: band 40-65 N" in refused
        assert rig.screen.query_one("#refused").has_class("-on")
        assert AlarmKind.SATURATION in rig.session.state.alarms
        banner = rig.screen.query_one(AlarmBanner)
        assert banner.severity == "hard"
        instruction = str(rig.screen.query_one("#instruction", Static).render())
        assert "release" in instruction.lower(), "pinned at its limit: too hard says release"
        assert INSTRUCTIONS[Zone.BELOW] not in instruction
        assert "press" not in str(rig.screen.query_one("#far-hold-caption", Static).render())
