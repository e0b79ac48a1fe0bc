"""Text boards, polled gauges and the wrong kind of device, through a real pty."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
import serial

from firmware_host.serial.drivers import BinaryDriver, GaugeDriver, TextDriver, WireDriver
from firmware_host.serial.source import LinkTiming, SerialSource
from firmware_host.source import LinkState
from knotmeter.core.units import NEWTONS_PER_LBF, STANDARD_GRAVITY
from tests.watch import Collect, SourceWatch

if TYPE_CHECKING:
    from tests.serial.conftest import LineDevice

pytestmark = pytest.mark.pty
MakeDevice = Callable[..., "LineDevice"]


def _source(link: Path, driver: WireDriver) -> SerialSource:
    return SerialSource(f"serial:{link}", str(link), driver)


def _details(got: SourceWatch) -> list[str]:
    return [link.detail for link in got.links]


async def test_a_diy_board_printing_grams_is_read_in_newtons(
    link_path: Path, line_device: MakeDevice, collect: Collect
) -> None:
    device = line_device(lines=[f"{g}\r\n".encode() for g in range(0, 1000, 100)])
    got = collect(_source(link_path, TextDriver(unit="g")))
    await got.samples(1)  # the port is open: nothing more is flushed
    device.print([b"HX711 scale demo\r\n", b"1,2,3\r\n"])  # a header, then a junk line
    device.print([f"{g}\r\n".encode() for g in range(1000, 5000, 100)])
    await got.until(lambda: got.batches[-1].force_n[-1] > 48, "4900 g")
    forces = got.forces()
    grams = np.rint(forces / STANDARD_GRAVITY * 1000)
    assert np.all(np.diff(grams) == 100), "every printed line arrives once, in order"
    assert np.all(np.diff(got.times()) > 0)
    assert got.source.stats.bad_frames == 1  # the junk line is counted, the header skipped


async def test_board_time_column_in_milliseconds_becomes_the_timeline(
    link_path: Path, line_device: MakeDevice, collect: Collect
) -> None:
    rows = [f"{1000 + 12 * k},{k}.5\n".encode() for k in range(30)]
    device = line_device(lines=rows[:10])
    got = collect(_source(link_path, TextDriver(time_scale=0.001)))
    await got.samples(1)  # the port is open: nothing more is flushed
    device.print(rows[10:])
    await got.until(lambda: got.batches[-1].force_n[-1] == 29.5, "the last row")
    np.testing.assert_allclose(np.diff(got.times()), 0.012)


async def test_a_mark10_gauge_is_polled_and_its_lbf_converted(
    link_path: Path, line_device: MakeDevice, collect: Collect
) -> None:
    device = line_device(reply=lambda request: b"-18.78 lbF\r\n" if b"?" in request else b"")
    got = collect(_source(link_path, GaugeDriver(rate_hz=20)))
    await got.samples(5)
    np.testing.assert_allclose(got.forces(), -18.78 * NEWTONS_PER_LBF)
    assert all(request.startswith(b"?") for request in device.requests)


async def test_a_device_that_is_not_a_knotmeter_tool_is_named_as_such(
    link_path: Path, line_device: MakeDevice, collect: Collect
) -> None:
    line_device(lines=[b"12.5\r\n"] * 400)
    timing = LinkTiming(bad_format_s=1.5)
    got = collect(
        SerialSource(f"serial:{link_path}", str(link_path), BinaryDriver(), timing=timing)
    )
    await got.until(lambda: any("expected format" in d for d in _details(got)), "format told")
    assert got.state is LinkState.NO_DATA
    assert "not a knotmeter tool" in _details(got)[-1]


async def test_a_busy_port_is_reported_and_taken_once_released(
    link_path: Path, line_device: MakeDevice, collect: Collect
) -> None:
    line_device(lines=[b"1.0\n"] * 2000)
    holder = serial.Serial(str(link_path), exclusive=True)
    got = collect(_source(link_path, TextDriver()))
    await got.until(lambda: any("port busy" in d for d in _details(got)), "port busy")
    holder.close()
    await got.state_is(LinkState.LIVE)


async def test_a_text_board_states_its_range_from_the_moniker(
    link_path: Path, line_device: MakeDevice, collect: Collect
) -> None:
    """A DIY board never describes itself: ``range=N`` reaches the coach as device info,
    once, so ceilings stay inside the cell's range (issue 9, tool range)."""
    device = line_device(lines=[b"1.0\n", b"2.0\n"])
    source = SerialSource(
        f"serial:{link_path}?format=text&range=150", str(link_path), TextDriver(),
        full_scale_n=150.0,
    )  # fmt: skip
    got = collect(source)
    await got.samples(1)
    device.print([b"3.0\n", b"4.0\n"])
    await got.until(lambda: got.batches[-1].force_n[-1] == 4.0, "the 4.0 line")
    assert [info.full_scale_n for info in got.infos] == [150.0]
