"""Issue 20: a text board whose ``range=30`` is too small for the upper trapezius, pinned
at 30 N, through a real pty into a real session: the targets are refused aloud and the
tool's limit is still "too hard" (saturation), never a push toward the band."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from firmware_host.serial.drivers import TextDriver
from firmware_host.serial.source import SerialSource
from knotmeter.core.events import AlarmKind
from knotmeter.core.prescription import Rx
from knotmeter.session import Session, TargetsRefused
from tests.screened import none_apply

if TYPE_CHECKING:
    from tests.serial.conftest import LineDevice

pytestmark = pytest.mark.pty
TIMEOUT_S = 10.0


async def test_a_30_n_board_on_the_upper_trapezius(
    link_path: Path, line_device: Callable[..., LineDevice]
) -> None:
    device = line_device(lines=[b"0.0\n"] * 5)
    source = SerialSource(
        f"serial:{link_path}?format=text&range=30", str(link_path), TextDriver(),
        full_scale_n=30.0,
    )  # fmt: skip
    session = Session(source, Rx("upper-trapezius"), screening=none_apply())
    refused: list[TargetsRefused] = []
    session.subscribe(lambda e: refused.append(e) if isinstance(e, TargetsRefused) else None)
    flowing, saturated = asyncio.Event(), asyncio.Event()
    session.watch(flowing.set)
    session.watch(lambda: saturated.set() if AlarmKind.SATURATION in session.state.alarms else None)
    running = asyncio.create_task(session.run())
    try:
        await asyncio.wait_for(flowing.wait(), TIMEOUT_S)  # the port is open
        device.print([b"30.0\n"] * 40)
        await asyncio.wait_for(saturated.wait(), TIMEOUT_S)
    finally:
        await session.close()
        await asyncio.wait_for(running, TIMEOUT_S)
    assert [e.reason for e in refused][:1] == [
        "this tool's 30 N range is too small for the upper trapezius: band 40-65 N; use a "
        "tool with a larger range (a ceiling must stay under 25.5 N)"
    ]
    assert session.refusal is not None
    assert session.config.full_scale_n == 30.0
