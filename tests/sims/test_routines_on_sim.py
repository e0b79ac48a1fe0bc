"""Every routine runs to "done" on the simulated tool, in the real app, pressing only ``n``
at the steps that ask for it (warm-up, follow-up moves, retest): the simulated person
hears each point's band from the session, presses there, and lets go after the hold.

What ``knotmeter --sim --plan ID --target 2`` does, with calm's rests shortened so that
the six routines (19 holds) take about 40 s side by side rather than eight minutes.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from knotmeter.core.plans import get_plan, load_plans
from knotmeter.core.prescription import Rx
from knotmeter.core.routine import Step
from knotmeter.session import Session
from knotmeter.sources import open_source
from knotmeter.ui import ForceFormat, KnotmeterApp
from tests.screened import none_apply

pytestmark = pytest.mark.pty
TARGET_S = 2.0
KEYED_STEPS = (Step.WARM_UP, Step.MOVE, Step.RETEST)
BRISK_CALM = """\
spec_version = 2
name = "brisk-calm"
description = "calm with short rests: into the band, hold 1.5 x the hold, let go"
[[segment]]
duration_s = 0.3
to_n = 0.0
[[segment]]
duration_s = 1.2
to_band = 0.6
[[segment]]
duration_hold = 1.5
to_band = 0.6
[[segment]]
duration_s = 0.4
to_n = 0.0
[[segment]]
duration_s = 1.6
to_n = 0.0
"""


async def _run_to_done(plan_id: str, profile: Path) -> list[str]:
    """Run one routine in its own app; return the regions pressed, in order."""
    plan = get_plan(plan_id)
    config = Rx(plan.points[0].region.id, target_s=TARGET_S)
    session = Session(
        open_source(f"sim:{profile}"),
        config,
        hold_target_s=TARGET_S,
        plan=plan,
        screening=none_apply(),
    )
    app = KnotmeterApp(session=session, fmt=ForceFormat())
    routine = session.routine
    assert routine is not None
    pressed: list[str] = []
    async with app.run_test(size=(100, 32)) as pilot:
        while (step := routine.state.step) is not Step.DONE:
            if step in KEYED_STEPS:
                await pilot.press("n")
            region = session.pipeline.config.region.id
            if step is Step.PRESS and region not in pressed:
                pressed.append(region)
            await asyncio.sleep(0.05)
    return pressed


@pytest.mark.slow
async def test_every_routine_runs_to_done_on_the_simulated_tool(tmp_path: Path) -> None:
    """The six run side by side (each its own app, session and simulated tool)."""
    profile = tmp_path / "brisk.toml"
    profile.write_text(BRISK_CALM)
    plans = sorted(load_plans())
    async with asyncio.timeout(100):
        pressed = await asyncio.gather(*(_run_to_done(plan_id, profile) for plan_id in plans))
    for plan_id, regions in zip(plans, pressed, strict=True):
        assert regions == [point.region.id for point in get_plan(plan_id).points], plan_id
