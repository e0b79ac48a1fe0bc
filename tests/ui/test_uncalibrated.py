"""A raw-count device never calibrated here: the dashboard refuses to coach on it and
says, on screen, the command that puts it right (issue 23), instead of showing counts
as newtons."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from firmware_host.source import DeviceInfo, LinkState
from knotmeter.calibrated import CalibratedSource
from knotmeter.core import PipelineConfig
from knotmeter.core.provenance import SourceKind
from knotmeter.core.samples import SampleBatch
from knotmeter.session import Session
from knotmeter.store import SessionStore
from knotmeter.ui import ForceFormat, KnotmeterApp
from tests.screened import none_apply
from tests.ui.conftest import REGION, Rig, ScriptedSource

DYNO_INFO = DeviceInfo("1.0.4", "FD1-000042", "raw counts", 250.0, "Frez Dyno", raw_counts=True)


def counts(n: int, level: float) -> SampleBatch:
    return SampleBatch(t=np.arange(1, n + 1) / 250.0, force_n=np.full(n, level))


@pytest.mark.parametrize("calibrated", [False, True])
async def test_an_uncalibrated_raw_count_device_is_refused_on_screen(
    tmp_path: Path, calibrated: bool
) -> None:
    store = SessionStore(tmp_path / "s.db")
    store.save_screening(none_apply())
    scripted = ScriptedSource("ble:dyno", kind=SourceKind.DEVICE)
    source = CalibratedSource(scripted, lookup=lambda _d: 0.005 if calibrated else None)
    session = Session(
        source,
        PipelineConfig.for_region(REGION),
        store=store,
        clock=lambda: 0.0,
        screening=none_apply(),
    )
    app = KnotmeterApp(session=session, fmt=ForceFormat())
    async with app.run_test(size=(80, 24)) as pilot:  # the smallest the far view takes
        scripted.push(DYNO_INFO)
        scripted.push(counts(100, 80_000.0))
        if calibrated:
            await Rig.until(pilot, lambda: session.state.t >= 0.4)
        else:
            await Rig.until(pilot, lambda: session.link is LinkState.CLOSED)
        await pilot.pause()
        screen = app.export_screenshot()
        if calibrated:
            assert session.link is not LinkState.CLOSED
            assert "knotmeter calibrate" not in screen
        else:
            assert session.info is None  # the counts never reached the coach
            refusal = "not calibrated: knotmeter calibrate --source ble:dyno --known 10kg"
            assert session.link_detail == refusal
            assert refusal.replace(" ", "&#160;") in screen
        await scripted.close()
    store.close()
