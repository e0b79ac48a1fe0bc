"""A wrong serial source says so: a path that is no port exits 2 in one line, and a port
whose bytes hold nothing readable is named as data in the wrong format."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from firmware_host.serial.drivers import BinaryDriver, TextDriver, WireDriver
from firmware_host.serial.port import NotAPort, check_serial_port
from firmware_host.serial.source import LinkTiming, SerialSource
from firmware_host.source import LinkState
from knotmeter.errors import BadInput
from knotmeter.sources import open_source
from tests.watch import Collect, SourceWatch

if TYPE_CHECKING:
    from tests.serial.conftest import LineDevice, VirtualTime

pytestmark = pytest.mark.pty
KNOTMETER = str(Path(sys.executable).with_name("knotmeter"))
MakeDevice = Callable[..., "LineDevice"]
QUICK = LinkTiming(no_data_s=0.2, bad_format_s=1.0)


def _not_a_port(tmp_path: Path) -> list[tuple[str, str]]:
    regular = tmp_path / "trace.csv"
    regular.write_text("t_s,force_n\n")
    return [
        ("/dev/null", "a device that is not a terminal"),
        (str(regular), "regular file"),
        (str(tmp_path), "directory"),
    ]


def test_a_path_that_is_no_serial_port_is_refused_naming_what_it_is(tmp_path: Path) -> None:
    for path, what in _not_a_port(tmp_path):
        with pytest.raises(NotAPort, match=what):
            check_serial_port(path)
        with pytest.raises(BadInput, match=f"{path}: not a serial port"):
            open_source(f"serial:{path}")


def test_a_pty_is_a_serial_port(link_path: Path, line_device: MakeDevice) -> None:
    line_device()
    check_serial_port(str(link_path))  # no error


def test_record_from_dev_null_exits_2_in_one_line(tmp_path: Path) -> None:
    trace = str(tmp_path / "t.csv")
    done = subprocess.run(
        [KNOTMETER, "record", "--source", "serial:/dev/null", "--seconds", "3", "-o", trace],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "/dev/null: not a serial port" in done.stderr
    assert not (tmp_path / "t.csv").exists()


def _details(got: SourceWatch) -> list[str]:
    return [link.detail for link in got.links]


@pytest.mark.parametrize(
    ("driver", "line", "named"),
    [
        (BinaryDriver(), b"12.5\r\n", "no valid binary frame for 1 s at 9600 baud"),
        (TextDriver(), b"\x00\xff\x17garbage\x00", "no valid text line for 1 s at 9600 baud"),
    ],
)
async def test_bytes_in_another_format_are_named_with_format_and_baud(
    link_path: Path,
    line_device: MakeDevice,
    collect: Collect,
    driver: WireDriver,
    line: bytes,
    named: str,
) -> None:
    line_device(lines=[line] * 1000)
    source = SerialSource(f"serial:{link_path}", str(link_path), driver, baud=9600, timing=QUICK)
    got = collect(source)
    await got.until(
        lambda: any("expected format" in d for d in _details(got)), "format told", timeout_s=5.0
    )
    assert got.state is LinkState.NO_DATA
    assert named in _details(got)[-1]
    assert _details(got).count(_details(got)[-1]) == 1, "said once, not every second"


async def test_a_silent_port_is_no_data_not_a_format_problem(
    link_path: Path, line_device: MakeDevice, collect: Collect, virtual_time: VirtualTime
) -> None:
    line_device()
    source = virtual_time.binary_source(link_path, QUICK)
    got = collect(source)
    await got.state_is(LinkState.CONNECTING)
    await virtual_time.advance(QUICK.no_data_s + 0.05)
    await got.state_is(LinkState.NO_DATA)
    assert _details(got)[-1] == f"{link_path}: no samples for {QUICK.no_data_s:g} s"
    await virtual_time.advance(2 * QUICK.bad_format_s)  # past the point a format problem is told
    await got.close()
    assert all("expected format" not in d for d in _details(got))
    assert got.states()[-2:] == [LinkState.NO_DATA, LinkState.CLOSED]
