"""Every :class:`~firmware_host.source.Source` implementation on its real channel.

``opened`` is parametrized over the sources the app can open: the binary protocol
from the simulated tool on a real pty, a DIY text board and a polled gauge (a pty
line device), each BLE kind in the registry over a private dbus-daemon with the
simulated BlueZ and bleak's real backend, ``sim:`` and ``file:`` replay, and the
simulated tool on a pty opened as a plain port (it learns its kind from its INFO). Each test in
this folder runs once per source, as python-can runs its bus tests per interface.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from firmware_host.ble.kinds import BY_WORD, KINDS
from firmware_host.ble.scan import parse_target
from firmware_host.ble.source import BleSource, BleTiming
from firmware_host.serial.drivers import BinaryDriver
from firmware_host.serial.source import SerialSource
from firmware_host.source import Source
from hardware_sims.bluez.bus import PrivateBus
from hardware_sims.bluez.serve import ADDRESSES, simulated
from hardware_sims.bluez.simulator import BluezSimulator
from hardware_sims.faults import FaultPlan
from hardware_sims.launch import build_tool
from hardware_sims.serial_pty import PtyToolServer
from knotmeter.core.provenance import SourceKind
from knotmeter.sources import open_source
from tests.serial.conftest import LineDevice

BLE_TIMING = BleTiming(reconnect_schedule_s=(0.2,))
"""Relink at once after a drop, so the relink test is short."""
BLE_WORDS = (*(kind.word for kind in KINDS), "diy")
"""Every kind, and the DIY firmware of device/micropython (a ``knotmeter`` tool to the host)."""


@dataclass(slots=True, frozen=True)
class Opened:
    """A source under test, the kind it should say once it has heard its tool (and at
    open, if it can know less then), and how to break its link once (``None`` where
    the channel has no link to break)."""

    source: Source
    kind: SourceKind
    relink: Callable[[], Awaitable[None]] | None = None
    kind_at_open: SourceKind | None = None

    @property
    def opened_as(self) -> SourceKind:
        return self.kind if self.kind_at_open is None else self.kind_at_open


def _ble_param(word: str) -> object:
    return pytest.param(f"ble-{word}", marks=pytest.mark.dbus, id=f"ble-{word}")


SOURCE_KINDS = [
    pytest.param("serial-binary", marks=pytest.mark.pty, id="serial-binary"),
    pytest.param("serial-sim-unlabelled", marks=pytest.mark.pty, id="serial-sim-unlabelled"),
    pytest.param("serial-text", marks=pytest.mark.pty, id="serial-text"),
    pytest.param("serial-gauge", marks=pytest.mark.pty, id="serial-gauge"),
    *(_ble_param(word) for word in BLE_WORDS),
    pytest.param("sim", marks=pytest.mark.pty, id="sim"),
    pytest.param("file", id="file"),
]


@pytest.fixture(params=SOURCE_KINDS)
async def opened(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Opened]:
    """One source of the parametrized kind, opened by moniker as the app opens it, its
    device already running; the device is stopped after the test."""
    kind: str = request.param
    link = tmp_path / "ttyKNOT0"
    if kind == "serial-binary":
        with _tool_on_pty(link) as server:

            async def unplug_and_replug() -> None:
                await asyncio.to_thread(server.unplug)
                await asyncio.to_thread(server.replug)

            yield Opened(open_source(f"serial:{link}"), SourceKind.SIMULATED, unplug_and_replug)
    elif kind == "serial-sim-unlabelled":
        # A simulator on a port nothing marks as one: a device until its INFO says SIM-.
        with _tool_on_pty(link):
            plain = SerialSource(f"serial:{link}", str(link), BinaryDriver())
            yield Opened(plain, SourceKind.SIMULATED, kind_at_open=SourceKind.DEVICE)
    elif kind == "serial-text":
        with _line_device(link, lines=[f"{k % 50}.5\n".encode() for k in range(3000)]):
            yield Opened(open_source(f"serial:{link}?format=text"), SourceKind.DEVICE)
    elif kind == "serial-gauge":  # a gauge answers each poll with one reading
        with _line_device(link, reply=lambda asked: b"12.5 N\r\n" if b"?" in asked else b""):
            yield Opened(open_source(f"serial:{link}?format=gauge&rate=20"), SourceKind.DEVICE)
    elif kind.startswith("ble-"):
        word = kind.removeprefix("ble-")
        with PrivateBus() as bus:
            monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", bus.address)
            async with BluezSimulator(bus.address) as sim:
                device = sim.add(simulated(word, "calm"), address=ADDRESSES[word])

                async def drop_link() -> None:
                    device.drop_link()

                # Not by moniker: the opener's probe would block the loop the simulated
                # BlueZ runs on. The source labels itself simulated from the advert.
                seen_as = "knotmeter" if word == "diy" else word
                source = BleSource(f"ble:{seen_as}", parse_target(seen_as), timing=BLE_TIMING)
                connects = BY_WORD[seen_as].connect is not None
                yield Opened(
                    source,
                    SourceKind.SIMULATED,
                    drop_link if connects else None,
                    kind_at_open=SourceKind.DEVICE,
                )
    elif kind == "sim":
        sim_source = open_source("sim:calm")  # its simulated tool runs from here
        yield Opened(sim_source, SourceKind.SIMULATED)
        await sim_source.close()  # after a skip too: the tool stops with its source
    elif kind == "file":
        yield Opened(open_source(f"file:{_trace(tmp_path / 'trace.csv')}"), SourceKind.REPLAY)
    else:  # pragma: no cover - a typo in SOURCE_KINDS
        raise AssertionError(kind)


@contextlib.contextmanager
def _tool_on_pty(link: Path) -> Iterator[PtyToolServer]:
    """The simulated tool serving the binary protocol on a real pty at ``link``."""
    tool = build_tool("calm", rate_hz=80.0, seed=0)
    server = PtyToolServer(tool, link_path=link, faults=FaultPlan.parse(""), seed=0)
    try:
        yield server.start()
    finally:
        server.stop()


@contextlib.contextmanager
def _line_device(
    link: Path,
    *,
    lines: list[bytes] | None = None,
    reply: Callable[[bytes], bytes] | None = None,
) -> Iterator[LineDevice]:
    """A DIY board or a gauge (:class:`LineDevice`) on ``link`` for a ``with`` block."""
    device = LineDevice(link, lines=lines, reply=reply)
    try:
        yield device
    finally:
        device.close()


def _trace(path: Path) -> Path:
    """Sixty seconds of a slow press at 80 Hz, as ``knotmeter record`` writes a trace."""
    t = np.arange(4800) / 80.0
    force = 20.0 + 15.0 * np.sin(t / 3.0)
    rows = "".join(f"{ti:.4f},{fi:.3f}\n" for ti, fi in zip(t, force, strict=True))
    path.write_text("t_s,force_n\n" + rows)
    return path
