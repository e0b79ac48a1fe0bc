"""Gauges and boards as their manuals and sketches show them, on a real pty.

Replies are the manuals' own examples: Mark-10 Series 4 §9.1.4 (``-18.78 lbF``,
``4.285 N``), Series 5 §9.8 (``?C`` for the real-time reading), Wagner FDX §D.1
(``- 23.02 lbf``); the board line is the common HX711 sketch's (``Reading: 12.3 lbs``).
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from firmware_host.serial.drivers import GaugeDriver, TextDriver, WireDriver
from firmware_host.serial.source import LinkTiming, SerialSource
from knotmeter.cli import calibrate, main
from knotmeter.core.units import NEWTONS_PER_LBF, NEWTONS_PER_OZF, STANDARD_GRAVITY
from knotmeter.store import SessionStore
from tests.watch import Collect, SourceWatch

if TYPE_CHECKING:
    from tests.serial.conftest import LineDevice

pytestmark = pytest.mark.pty
MakeDevice = Callable[..., "LineDevice"]
CLI = [str(Path(sys.executable).with_name("knotmeter"))]


def _source(link: Path, driver: WireDriver, timing: LinkTiming | None = None) -> SerialSource:
    return SerialSource(f"serial:{link}", str(link), driver, timing=timing)


def _details(got: SourceWatch) -> list[str]:
    return [link.detail for link in got.links]


@pytest.mark.parametrize(
    ("reply", "newtons"),
    [
        (b"-18.78 lbF\r\n", -18.78 * NEWTONS_PER_LBF),  # Mark-10 Series 4 manual
        (b"4.285 N\r\n", 4.285),  # Mark-10 Series 4 manual
        (b"- 23.02 lbf\r\n", -23.02 * NEWTONS_PER_LBF),  # Wagner FDX manual: sign spaced
        (b"1250 mN\r\n", 1.25),
        (b"0.125 kN\r\n", 125.0),
        (b"12.5 OZF\r\n", 12.5 * NEWTONS_PER_OZF),
        (b"2.50 kgF\r\n", 2.5 * STANDARD_GRAVITY),
        (b"850 gF\r\n", 0.85 * STANDARD_GRAVITY),
    ],
)
async def test_every_gauge_unit_reaches_the_coach_in_newtons(
    link_path: Path, line_device: MakeDevice, collect: Collect, reply: bytes, newtons: float
) -> None:
    line_device(reply=lambda request: reply if b"?" in request else b"")
    got = collect(_source(link_path, GaugeDriver(rate_hz=20)))
    await got.samples(3)
    np.testing.assert_allclose(got.forces(), newtons)


async def test_cmd_polls_the_real_time_reading(
    link_path: Path, line_device: MakeDevice, collect: Collect
) -> None:
    """Series 5: ``?`` is the displayed reading (the held peak in peak mode), ``?C`` the
    real-time one; the device answers each as its manual says."""
    answers = {b"?C\r\n": b"3.10 lbF\r\n", b"?\r\n": b"9.99 lbF\r\n"}
    device = line_device(reply=lambda request: answers.get(request, b""))
    got = collect(_source(link_path, GaugeDriver(rate_hz=20, command="?C")))
    await got.samples(3)
    np.testing.assert_allclose(got.forces(), 3.10 * NEWTONS_PER_LBF)
    assert device.requests
    assert all(request == b"?C\r\n" for request in device.requests)


async def test_an_unknown_gauge_unit_is_named(
    link_path: Path, line_device: MakeDevice, collect: Collect
) -> None:
    line_device(reply=lambda request: b"12.0 dyn\r\n" if b"?" in request else b"")
    timing = LinkTiming(bad_format_s=1.0)
    got = collect(_source(link_path, GaugeDriver(rate_hz=20), timing))
    await got.until(lambda: any("expected format" in d for d in _details(got)), "format told")
    assert "unknown force unit 'dyn'" in _details(got)[-1]


async def test_the_example_sketchs_labelled_lines_are_read(
    link_path: Path, line_device: MakeDevice, collect: Collect
) -> None:
    device = line_device(lines=[b"HX711 scale demo\r\n", b"Readings:\r\n", b"Reading: 0.0 lbs\r\n"])
    got = collect(_source(link_path, TextDriver()))
    await got.samples(1)
    device.print([f"Reading: {lb / 10:.1f} lbs\r\n".encode() for lb in range(1, 124)])
    await got.until(lambda: got.batches[-1].force_n[-1] > 12.2 * NEWTONS_PER_LBF, "12.3 lbs")
    pounds = np.rint(got.forces() / NEWTONS_PER_LBF * 10)
    assert np.all(np.diff(pounds) == 1), "every line once, in order, in pounds"
    assert got.source.stats.bad_frames == 0  # the headers are headers


async def test_lines_without_a_number_are_diagnosed_quoting_one(
    link_path: Path, line_device: MakeDevice, collect: Collect
) -> None:
    line_device(lines=[b"Weight: ---\r\n"] * 500)
    timing = LinkTiming(bad_format_s=1.0)  # the app's is 5 s
    got = collect(_source(link_path, TextDriver(), timing))
    await got.until(lambda: any("expected format" in d for d in _details(got)), "format told")
    assert "no number in 'Weight: ---'" in _details(got)[-1]
    assert LinkTiming().bad_format_s == 5.0


def _board_lines(counts: list[float]) -> list[bytes]:
    return [f"{round(c)}\r\n".encode() for c in counts]


def _calibration_run(zero: float, per_kg: float, kg: float) -> list[float]:
    """What a board printing HX711 counts shows: ~1.5 s unloaded, then ``kg`` resting."""
    rng = np.random.default_rng(3)
    unloaded = zero + rng.normal(0.0, 2.0, 150)
    loaded = zero + kg * per_kg + rng.normal(0.0, 2.0, 400)
    return [*unloaded.tolist(), *loaded.tolist()]


@pytest.mark.slow
def test_calibrate_a_raw_count_board_then_record_it_in_newtons(
    link_path: Path, line_device: MakeDevice, tmp_path: Path
) -> None:
    zero, per_kg = 120_000.0, -4_000.0  # a cell wired the other way round: counts fall
    moniker = f"serial:{link_path}?format=text&unit=counts"
    device = line_device(lines=_board_lines([zero] * 20))
    refused = subprocess.run(
        [*CLI, "record", "--source", moniker, "--seconds", "1", "-o", str(tmp_path / "r.csv")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "not calibrated: knotmeter calibrate --source" in refused.stderr
    assert refused.stderr.count("\n") == 1
    device.print(_board_lines(_calibration_run(zero, per_kg, 10.0)))
    done = subprocess.run(
        [*CLI, "calibrate", "--source", moniker, "--known", "10kg"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with SessionStore(read_only=True) as store:
        coefficient = store.count_calibration(str(link_path))
    assert coefficient == pytest.approx(STANDARD_GRAVITY / per_kg, rel=0.005)
    assert os.stat(store.path).st_mode & 0o777 == 0o600
    device.clear()  # what calibrate did not read
    device.print(_board_lines(_calibration_run(zero, per_kg, 5.0)))
    trace = tmp_path / "t.csv"
    recorded = subprocess.run(
        [*CLI, "record", "--source", moniker, "--seconds", "4", "-o", str(trace)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    with trace.open(encoding="utf-8") as f:
        forces = [float(row["force_n"]) for row in csv.DictReader(f)]
    assert abs(forces[0]) < 0.1  # the tare: the first samples, unloaded
    assert forces[-1] == pytest.approx(5.0 * STANDARD_GRAVITY, abs=0.2)


@pytest.mark.slow
def test_a_load_that_never_keeps_still_is_refused_with_the_reason(
    link_path: Path,
    line_device: MakeDevice,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A hand that sways ±10 % on the scale: no still second comes, and at the deadline
    the last second seen is judged and refused, saying why."""
    monkeypatch.setattr(calibrate, "LOAD_TIMEOUT_S", 3.0)  # the command's is 60 s
    zero, per_kg = 120_000.0, 4_000.0
    swaying = [zero + 10 * per_kg * (1 + 0.1 * np.sin(k / 5)) for k in range(600)]
    line_device(lines=_board_lines([zero] * 150 + swaying))
    moniker = f"serial:{link_path}?format=text&unit=counts"
    assert main(["calibrate", "--source", moniker, "--known", "10kg"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("knotmeter: calibration refused: the tool was not still under the load")
    assert err.count("\n") == 1
