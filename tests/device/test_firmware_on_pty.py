"""The firmware's own main loop behind a real pty, read by the host's real serial source.

``tool.serve`` runs in a thread exactly as ``main.py`` runs it on the board; only
the pins (a fake ADC pressing to 30 N), the tick counter and the USB port (a pty)
are stand-ins. The host opens the slave path with pyserial as it would /dev/ttyACM0.
"""

from __future__ import annotations

import asyncio
import os
import select
import threading
import time
import tty
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import config
import numpy as np
import pytest
import tool

from firmware_host.protocol.framing import StreamDecoder
from firmware_host.protocol.messages import SampleFrame
from firmware_host.serial.drivers import BinaryDriver
from firmware_host.serial.source import SerialSource
from firmware_host.source import DeviceInfo
from knotmeter.core.provenance import SourceKind
from tests.device.fakes import MicroTicks, PressAdc
from tests.serial.conftest import TIMING
from tests.watch import Collect, numbered_frames

pytestmark = pytest.mark.pty
RESOLUTION_N = tool.RESOLUTION_UN / 1e6

ADC_OFFSET = 200_000  # the bare load cell's zero, in counts: 18.3 N before any tare
PEAK_N = 30.0


class PtyLink:
    """The board's USB serial as ``tool.serve`` sees it: the master end of a real pty.

    The slave stays open here as well, so the line never hangs up between host
    opens. Every sample frame written is decoded into ``sent``, the ledger that
    what the host received is checked against.
    """

    def __init__(self) -> None:
        self.master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self.sent: list[SampleFrame] = []
        self._changed = threading.Condition()
        self._decoder = StreamDecoder()

    def read(self) -> bytes:
        """What the host wrote, or b"" after 2 ms: the loop's pace, like one pass on a board."""
        readable, _, _ = select.select([self.master], [], [], 0.002)
        return os.read(self.master, 256) if readable else b""

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.master, view) :]
        frames = [m for m in self._decoder.feed(data) if isinstance(m, SampleFrame)]
        with self._changed:
            self.sent += frames
            self._changed.notify_all()

    def wait_sent(self, seq: int, timeout: float = 5.0) -> bool:
        """Block until the frame with ``seq`` is in the ledger (it is booked after the write)."""
        with self._changed:
            return self._changed.wait_for(lambda: any(f.seq == seq for f in self.sent), timeout)

    def close(self) -> None:
        os.close(self.master)
        os.close(self._slave)


class Board:
    """The firmware wired as main.py wires it, running in a thread until closed."""

    def __init__(self, calibration_file: Path) -> None:
        self.link = PtyLink()
        self.calibration_file = str(calibration_file)
        self.adc = PressAdc(
            time.monotonic,
            counts_per_n=config.COUNTS_PER_N,
            offset_counts=ADC_OFFSET,
            peak_n=PEAK_N,
        )
        self.tool: Any = tool.Tool(
            self.adc,
            (config.FIRMWARE, config.SERIAL_NUMBER, config.ADC_NAME),
            *config.load_calibration(self.calibration_file),
            save=lambda cpn, offset: config.save_calibration(cpn, offset, self.calibration_file),
        )
        ticks = MicroTicks(lambda: time.monotonic_ns() // 1000)
        uptime = tool.Uptime(ticks.ticks_us, ticks.ticks_diff)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=tool.serve,
            args=(self.tool, [tool.SerialLink(self.link)], uptime, lambda: not self._stop.is_set()),
            name="firmware",
            daemon=True,
        )
        self._thread.start()

    def source(self) -> SerialSource:
        path = self.link.path
        return SerialSource(f"serial:{path}", path, BinaryDriver(), timing=TIMING)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        assert not self._thread.is_alive(), "the firmware loop did not stop"
        self.link.close()


@pytest.fixture
def board(tmp_path: Path) -> Iterator[Board]:
    made = Board(tmp_path / "calibration.json")
    yield made
    made.close()


async def test_the_host_meets_the_firmware_and_gets_every_sample_in_order(
    board: Board, collect: Collect
) -> None:
    got = collect(board.source())
    await got.samples(120)
    assert got.infos == [
        DeviceInfo(config.FIRMWARE, config.SERIAL_NUMBER, config.ADC_NAME, 80.0, "knotmeter")
    ]
    assert got.source.kind is SourceKind.DEVICE
    received = got.numbered(RESOLUTION_N)
    assert await asyncio.to_thread(board.link.wait_sent, received[-1][0])
    sent = [s for s in numbered_frames(board.link.sent) if s[0] <= received[-1][0]]
    assert received == sent, "from the first sample sent: every one, once, in order"
    assert got.source.stats.lost == 0
    assert got.source.stats.bad_frames == 0
    assert np.all(np.diff(got.times()) > 0)
    at_rest_n = ADC_OFFSET / config.COUNTS_PER_N
    assert got.batches[-1].force_n[-1] == pytest.approx(at_rest_n + PEAK_N, abs=0.001)


async def test_tare_and_set_rate_round_trip_through_the_firmware(
    board: Board, collect: Collect
) -> None:
    source = board.source()
    got = collect(source)
    pressed_n = ADC_OFFSET / config.COUNTS_PER_N + PEAK_N - 0.001
    await got.until(
        lambda: bool(got.batches) and got.batches[-1].force_n[-1] >= pressed_n, "the plateau"
    )
    await got.more_samples(8)  # the whole tare window on the plateau, past the ramp
    await source.tare()
    await got.until(lambda: got.batches[-1].force_n[-1] == 0.0, "a tared sample")
    held = ADC_OFFSET + round(PEAK_N * config.COUNTS_PER_N)
    assert config.load_calibration(board.calibration_file) == (config.COUNTS_PER_N, held)

    await source.set_rate(10)
    await got.until(
        lambda: len(got.batches) > 2 and np.diff(got.times()[-2:])[0] > 0.09, "samples at 10 Hz"
    )
    assert board.tool.rate_hz == 10
    assert got.source.stats.lost == 0
    assert np.all(np.diff(got.times()) > 0)
