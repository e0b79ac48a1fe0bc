"""SVG snapshots of the live screen in every zone, with a dead link, in the far and near
views at 80x24 (the floor), 120x40 and 200x50, and without colour.

Each picture is built frame by frame from scripted samples (see ``Rig.step``), so
it is identical on every run; nothing on screen comes from the wall clock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from textual.pilot import Pilot

from knotmeter.core.events import AlarmKind
from knotmeter.core.plans import get_plan
from knotmeter.session import DeviceInfo, LinkState
from tests.ui.conftest import build_rig

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
        ("in_band", 55.0),
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
        await rig.step(pilot, 55.0, 3.0)
        await rig.step(pilot, force_n, 2.0)
        assert rig.session.state.zone == zone

    assert snap_compare(rig.app, terminal_size=SIZE, run_before=press_into_zone)


def test_live_screen_with_no_data(rig: Rig, snap_compare: SnapCompare) -> None:
    async def lose_the_link(pilot: Pilot[None]) -> None:
        rig.link(LinkState.LIVE)
        await rig.step(pilot, 55.0, 2.0)
        rig.link(LinkState.NO_DATA)
        await rig.until(pilot, lambda: rig.session.link is LinkState.NO_DATA)
        rig.screen.draw_frame()

    assert snap_compare(rig.app, terminal_size=SIZE, run_before=lose_the_link)


async def _press_too_hard(rig: Rig, pilot: Pilot[None]) -> None:
    rig.link(LinkState.LIVE)
    for force, seconds in APPROACH:
        await rig.step(pilot, force, seconds)
    await rig.step(pilot, 55.0, 3.0)
    await rig.step(pilot, 125.0, 1.0)
    assert rig.session.state.zone == "over_ceiling"


def _in_view(rig: Rig, far: bool) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        if rig.screen.far != far:
            await pilot.press("f")
        await _press_too_hard(rig, pilot)

    return run_before


@pytest.mark.parametrize("far", [True, False], ids=["far", "near"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_views_with_a_plan_and_an_alarm(
    routine_rig: Rig, snap_compare: SnapCompare, far: bool, size: tuple[int, int]
) -> None:
    """At every size the title, the SIMULATED label, the alarm and the q and ? keys show."""
    assert snap_compare(routine_rig.app, terminal_size=size, run_before=_in_view(routine_rig, far))


@pytest.mark.parametrize("far", [True, False], ids=["far", "near"])
def test_views_without_colour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, snap_compare: SnapCompare, far: bool
) -> None:
    """NO_COLOR: the zone is a word, the alarm a framed line; nothing depends on colour."""
    monkeypatch.setenv("NO_COLOR", "1")
    rig = build_rig(tmp_path, get_plan("tension-headache"))
    try:
        assert snap_compare(rig.app, terminal_size=(80, 24), run_before=_in_view(rig, far))
    finally:
        rig.store.close()


def test_live_screen_with_targets_refused(rig: Rig, snap_compare: SnapCompare) -> None:
    """A 30 N tool on the upper trapezius pinned at its limit (issue 20): the refusal
    stands as a hard line under the banner, the banner says too hard, and the
    instruction never pushes toward the band."""

    async def pin_a_small_tool(pilot: Pilot[None]) -> None:
        rig.link(LinkState.LIVE)
        rig.source.push(DeviceInfo("text", "", "text", 80.0, full_scale_n=30.0))
        await rig.step(pilot, 0.0, 1.0)
        await rig.step(pilot, 30.0, 2.0)
        assert rig.session.refusal is not None

    assert snap_compare(rig.app, terminal_size=SIZE, run_before=pin_a_small_tool)


def test_the_hold_limit_says_release_and_starts_no_new_hold(
    rig: Rig, snap_compare: SnapCompare
) -> None:
    """At the hold limit the banner, the zone word and the instruction all say release,
    and pressing back into the band starts no hold (nothing counts down) until the rest."""

    async def reach_the_limit(pilot: Pilot[None]) -> None:
        rig.link(LinkState.LIVE)
        for force, seconds in APPROACH:
            await rig.step(pilot, force, seconds)
        for force, seconds in ((52.0, 40.0), (30.0, 3.0), (52.0, 46.0)):
            rig.press(force, seconds)
            await rig.drawn(pilot)
        state = rig.session.state
        assert AlarmKind.LONG_HOLD in state.alarms
        await rig.step(pilot, 30.0, 2.5)  # a dip past the grace ends the hold
        await rig.step(pilot, 52.0, 2.0)  # back in the band: no new hold
        state = rig.session.state
        assert state.zone == "in_band"
        assert not state.hold.active
        assert AlarmKind.LONG_HOLD in state.alarms

    assert snap_compare(rig.app, terminal_size=SIZE, run_before=reach_the_limit)
