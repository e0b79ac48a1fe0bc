"""``knotmeter calibrate --known``: a load without a unit, zero, negative or not a number
is one line naming the option, exit 2, before any device is opened; a known load's
units convert to newtons."""

from __future__ import annotations

import pytest

from knotmeter.cli import main
from knotmeter.cli.calibrate import known_newtons
from knotmeter.core.units import NEWTONS_PER_LBF, STANDARD_GRAVITY


@pytest.mark.parametrize(
    ("known", "message"),
    [
        ("10", "--known '10': say the load's unit (N, kg, kgf, lb, lbs, lbf)"),
        ("0kg", "--known '0kg': a load from 1 N to 20000 N (above 0)"),
        ("-5kg", "--known '-5kg': a load from 1 N to 20000 N (above 0)"),
        ("heavy", "--known 'heavy': give the known load as a number and a unit"),
        ("nankg", "--known 'nankg': give the known load as a number and a unit"),
        ("1e999kg", "--known '1e999kg': a load from 1 N to 20000 N (above 0)"),
        ("10 stone", "--known '10 stone': unknown unit 'stone' (use N, kg"),
    ],
)
def test_a_bad_known_load_is_one_line_and_exit_2(
    known: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["calibrate", "--source", "ble:dyno", f"--known={known}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"knotmeter: {message}")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("known", "newtons"),
    [("10kg", 10 * STANDARD_GRAVITY), ("98N", 98.0), ("22 lb", 22 * NEWTONS_PER_LBF)],
)
def test_known_loads_in_each_unit(known: str, newtons: float) -> None:
    assert known_newtons(known) == pytest.approx(newtons)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("file:trace.csv", "calibrate a ble: device or a serial: board"),
        ("serial:/dev/ttyUSB9?format=text", "add format=text&unit=counts"),
    ],
)
def test_only_a_raw_count_source_is_calibrated(
    source: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["calibrate", "--source", source, "--known", "10kg"]) == 2
    assert message in capsys.readouterr().err
