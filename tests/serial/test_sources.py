"""Monikers: every mistake a person can type gets one line naming it."""

from __future__ import annotations

import grp
import os
from pathlib import Path

import pytest

from firmware_host.serial.port import describe
from firmware_host.serial.source import SerialSource
from knotmeter.core.provenance import SourceKind
from knotmeter.errors import BadInput, KnotmeterError
from knotmeter.sources import Moniker, open_source


def test_moniker_parts_and_options() -> None:
    moniker = Moniker.parse("serial:/dev/ttyACM0?baud=9600&format=text")
    assert (moniker.scheme, moniker.target) == ("serial", "/dev/ttyACM0")
    assert moniker.options == {"baud": "9600", "format": "text"}


@pytest.mark.parametrize(
    ("moniker", "message"),
    [
        ("ttyACM0", "expected SCHEME:TARGET"),
        ("usb:/dev/ttyACM0", "unknown scheme 'usb' (known schemes: serial:, sim:"),
        ("serial:", "name a port"),
        ("serial:{port}?speed=9600", "unknown option 'speed' (known: baud, cmd, format"),
        ("serial:{port}?format=gauge&cmd=", "cmd='' (the poll a gauge answers"),
        ("serial:{port}?format=gauge&cmd=%3FC%0D", "cmd='?C\\r' (the poll a gauge answers"),
        ("serial:{port}?format=gauge&cmd=ABCDEFGHI", "1-8 printable ASCII characters"),
        ("serial:{port}?format=gauge&unit=counts", "unit=counts is for format=text boards"),
        ("serial:{port}?format=morse", "format='morse' (use binary, text or gauge)"),
        ("serial:{port}?format=text&unit=stone", "unknown force unit 'stone'"),
        ("serial:{port}?format=text&time=h", "time='h' (use s, ms or us)"),
        ("serial:{port}?baud=fast", "baud 'fast': expected a whole number from 50 to 4,000,000"),
        ("serial:{port}?format=gauge&rate=500", "rate '500': expected a number from 0.5 to 50 Hz"),
        ("sim:calm?rate=50", "the simulated HX711 runs at 10 or 80 Hz"),
        ("sim:nope", "no press profile 'nope'; known profiles: calm"),
        ("sim:calm?faults=meteor=1", "fault 'meteor=1'"),
    ],
)
def test_bad_monikers_are_bad_input_with_one_line(
    moniker: str, message: str, tmp_path: Path
) -> None:
    port = tmp_path / "port"
    port.touch()
    with pytest.raises(BadInput) as caught:
        open_source(moniker.format(port=port))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_missing_port_fails_at_once_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(KnotmeterError, match=r"no such port .* `knotmeter devices` lists ports"):
        open_source(f"serial:{tmp_path / 'ttyACM9'}")


def test_serial_moniker_builds_a_serial_source() -> None:
    master, slave = os.openpty()  # a real terminal: a regular file is no serial port
    try:
        source = open_source(f"serial:{os.ttyname(slave)}?format=gauge&unit=lbf")
    finally:
        os.close(slave)
        os.close(master)
    assert isinstance(source, SerialSource)
    assert source.kind is SourceKind.DEVICE


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (PermissionError(13, "Permission denied"), "permission denied; join the"),
        (OSError(16, "Device or resource busy"), "port busy"),
        (OSError(5, "Input/output error"), "unplugged"),
        (FileNotFoundError(2, "No such file or directory"), "no such port"),
    ],
)
def test_port_failures_read_as_one_line(error: OSError, message: str) -> None:
    assert message in describe("/dev/ttyACM0", error)


def test_permission_denied_names_the_group_that_owns_the_port(tmp_path: Path) -> None:
    port = tmp_path / "port"
    port.touch()
    group = grp.getgrgid(os.stat(port).st_gid).gr_name
    assert f"join the {group} group" in describe(str(port), PermissionError(13, "denied"))
