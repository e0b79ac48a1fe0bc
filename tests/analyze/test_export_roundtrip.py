"""A session recorded from the simulated tool, exported, and analysed again gives the same holds.

Real parts end to end: the simulated tool on a real pty (its clock run 10x fast so
two presses take seconds, not minutes), the binary protocol read by the real serial
source, the real :class:`Session` writing a real store file, ``knotmeter export``,
then ``knotmeter analyze`` on the exported ``samples.csv``.
"""

from __future__ import annotations

import asyncio
import csv
import json
import time
from pathlib import Path

import pytest

from firmware_host.serial.drivers import BinaryDriver
from firmware_host.serial.source import SerialSource
from hardware_sims.launch import build_tool
from hardware_sims.serial_pty import PtyToolServer
from knotmeter.cli import main
from knotmeter.core.config import PipelineConfig
from knotmeter.core.provenance import SourceKind
from knotmeter.session import Session
from knotmeter.store import SessionStore, default_db_path
from tests.screened import none_apply

pytestmark = pytest.mark.pty

SPEED = 4.0
"""Under the 5x a session tolerates between a source's stamps and its arrivals before it
calls the clock wrong and times the source by arrival (``core/clock_check.py``)."""
REGION = "upper-trapezius"
TARGET_S = "20"
TOOL_S = 87.0
"""The "liftoff" profile's first cycle (two presses, 84.9 s) and into the rest after it."""


class FastPtyTool(PtyToolServer):
    """The simulated tool with its clock running ``SPEED`` times faster than the host's."""

    def _uptime(self) -> float:
        return super()._uptime() * SPEED


async def record_session(link: Path) -> int:
    server = FastPtyTool(build_tool("liftoff", samples_per_frame=4), link_path=link).start()
    source = SerialSource(
        "sim:liftoff", str(link), BinaryDriver(), kind=SourceKind.SIMULATED, on_close=server.stop
    )
    config = PipelineConfig.for_region(REGION, target_s=float(TARGET_S))
    with SessionStore(default_db_path()) as store:
        session = Session(source, config, store=store, screening=none_apply())
        runner = asyncio.create_task(session.run())
        deadline = time.monotonic() + 60.0
        while session.state.t < TOOL_S or session.state.hold.active:
            assert time.monotonic() < deadline, f"the tool got to {session.state.t:.1f} s only"
            assert not runner.done(), "the session stopped early"
            await asyncio.sleep(0.05)
        await session.close()
        await runner
        assert session.session_id is not None
        return session.session_id


@pytest.mark.slow
async def test_exported_samples_analyse_to_the_stored_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session_id = await record_session(tmp_path / "ttyKNOT")
    out = tmp_path / "export"
    assert main(["export", "--session", str(session_id), "-o", str(out)]) == 0
    with (out / "holds.csv").open(newline="") as file:
        stored = list(csv.DictReader(file))
    assert len(stored) >= 2, "liftoff presses twice a cycle"
    capsys.readouterr()

    argv = ["analyze", str(out / "samples.csv"), "--region", REGION, "--target", TARGET_S]
    assert main([*argv, "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    analysed = [line for line in lines if line["event"] == "hold_ended"]

    assert len(analysed) == len(stored)
    for again, kept in zip(analysed, stored, strict=True):
        assert again["start"] == pytest.approx(float(kept["start_t_s"]), abs=0.1)
        assert again["in_band_s"] == pytest.approx(float(kept["in_band_s"]), abs=0.1)
        assert again["complete"] == (kept["complete"] == "1")
