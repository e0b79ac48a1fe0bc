"""The simulated person presses where the coach aims: the session tells its ``sim:`` source
each new point and band, and the person re-aims (the UI never imports the simulator)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.prescription import Rx
from knotmeter.errors import BadInput
from knotmeter.session import Session
from knotmeter.sources import open_source
from tests.screened import none_apply

pytestmark = pytest.mark.pty
KNOTMETER = str(Path(sys.executable).with_name("knotmeter"))

QUICK_CALM = """\
spec_version = 2
name = "quick-calm"
[[segment]]
duration_s = 0.3
to_n = 0.0
[[segment]]
duration_s = 1.5
to_band = 0.6
[[segment]]
duration_hold = 3.0
to_band = 0.6
"""
"""Calm with short rests, so a re-aimed person is back in a band within about 2 s."""


@pytest.fixture
async def session(tmp_path: Path) -> AsyncIterator[Session]:
    profile = tmp_path / "quick.toml"
    profile.write_text(QUICK_CALM)
    session = Session(open_source(f"sim:{profile}"), Rx("upper-trapezius"), screening=none_apply())
    running = asyncio.create_task(session.run())
    yield session
    await session.close()
    await running


async def _steady_in(session: Session, low: float, high: float, within: float = 10.0) -> None:
    """Wait until the smoothed force has stayed inside ``low..high`` for a second."""
    since: float | None = None
    async with asyncio.timeout(within):
        while True:
            state = session.state
            inside = low < state.force_n < high
            since = (since or state.t) if inside else None
            if since is not None and state.t - since >= 1.0:
                return
            await asyncio.sleep(0.05)


@pytest.mark.slow
async def test_the_person_follows_the_point_and_the_personal_band(session: Session) -> None:
    await _steady_in(session, 40.0, 65.0)  # upper trapezius, the default
    session.set_region("masseter")  # what a routine's next point does
    await _steady_in(session, 8.0, 15.0)  # REFERENCE §7: jaw 8-15 N
    assert session.state.band_low_n == 8.0
    session.use_targets(PersonalTargets("masseter", 12.0, 12.0, 15.0, 18.0))
    await _steady_in(session, 12.0, 15.0)


def test_sim_serial_presses_for_the_region_and_tool_it_is_given(tmp_path: Path) -> None:
    link = tmp_path / "ttyKNOT0"
    command = [KNOTMETER, "sim", "serial", "--region", "levator-scapulae", "--tool", "hook"]
    with subprocess.Popen(
        [*command, "--link", str(link)], stdout=subprocess.PIPE, text=True
    ) as served:
        assert served.stdout is not None
        first = served.stdout.readline()
        os.kill(served.pid, signal.SIGINT)
        served.communicate(timeout=10)
    assert "levator-scapulae with a hook: band 18.7-29.4 N, ceiling 48.1 N" in first


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--region", "elbow"], "unknown region 'elbow'; choose one of"),
        (["--tool", "spoon"], "unknown tool 'spoon'; choose one of"),
    ],
)
def test_a_bad_region_or_tool_is_one_line_and_exit_2(options: list[str], message: str) -> None:
    done = subprocess.run(
        [KNOTMETER, "sim", "serial", *options], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("moniker", "message"),
    [
        ("sim:calm?region=nowhere", "unknown region 'nowhere'"),
        ("sim:calm?tool=spoon", "unknown tool 'spoon'"),
        ("sim:calm?seed=-1", "seed '-1': expected a whole number from 0 to"),
        ("sim:calm?seed=inf", "seed 'inf': expected a whole number"),
        ("sim:calm?frame=1.5", "frame '1.5': expected a whole number from 1 to"),
    ],
)
def test_bad_sim_options_are_bad_input_naming_the_option(moniker: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        open_source(moniker)
