"""SVG snapshots of the live screen in every zone, and with a dead link.

Each picture is built frame by frame from scripted samples (see ``Rig.step``), so
it is identical on every run; nothing on screen comes from the wall clock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from textual.pilot import Pilot

from firmware_host.source import LinkState

if TYPE_CHECKING:
    from tests.ui.conftest import Rig

SIZE = (100, 32)
SnapCompare = Callable[..., bool]

APPROACH = [(0.0, 1.0), (20.0, 1.5), (35.0, 1.5)]
"""Seconds at each force on the way to the zone being pictured (upper trapezius: 40-65 N)."""


@pytest.mark.parametrize(
    ("zone", "force_n"),
    [
        ("released", 0.0),
        ("below", 30.0),
        ("in_band", 52.0),
        ("over_band", 80.0),
        ("over_ceiling", 125.0),
    ],
)
def test_live_screen_in_each_zone(
    rig: Rig, snap_compare: SnapCompare, zone: str, force_n: float
) -> None:
    async def press_into_zone(pilot: Pilot[None]) -> None:
        rig.link(LinkState.LIVE)
        for force, seconds in APPROACH:
            await rig.step(pilot, force, seconds)
        await rig.step(pilot, 52.0, 3.0)
        await rig.step(pilot, force_n, 2.0)
        assert rig.session.state.zone == zone

    assert snap_compare(rig.app, terminal_size=SIZE, run_before=press_into_zone)


def test_live_screen_with_no_data(rig: Rig, snap_compare: SnapCompare) -> None:
    async def lose_the_link(pilot: Pilot[None]) -> None:
        rig.link(LinkState.LIVE)
        await rig.step(pilot, 52.0, 2.0)
        rig.link(LinkState.NO_DATA)
        await rig.until(pilot, lambda: rig.session.link is LinkState.NO_DATA)
        rig.screen.draw_frame()

    assert snap_compare(rig.app, terminal_size=SIZE, run_before=lose_the_link)
