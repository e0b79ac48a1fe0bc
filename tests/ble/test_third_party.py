"""Third-party sensors as they really speak (issue 23), through bleak's real backend on
the simulated BlueZ: the Frez Dyno's v1 stream at 250 Hz, the WH-C06 signed and in its
own unit at ~7 adverts a second; and drivers with a wrong layout failing against the
simulators, which encode from their own reading of the published layouts."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from firmware_host.ble import dyno, whc06
from firmware_host.ble.progressor_driver import ProgressorDriver
from firmware_host.ble.scan import parse_target
from firmware_host.ble.source import BleSource
from firmware_host.source import DeviceInfo, LinkState
from hardware_sims.bluez.dyno import SERIAL, TRUE_N_PER_COUNT, SimulatedDyno
from hardware_sims.bluez.serve import ADDRESSES
from hardware_sims.bluez.simulator import BluezSimulator
from hardware_sims.bluez.whc06 import SimulatedWhC06
from hardware_sims.press import PressModel, load_profile
from knotmeter.calibrated import CalibratedSource
from knotmeter.core.samples import SampleBatch
from knotmeter.core.units import STANDARD_GRAVITY
from knotmeter.store import SessionStore
from tests.watch import SourceWatch, record_notifications

pytestmark = pytest.mark.dbus

G = STANDARD_GRAVITY
KNOWN_KG = 10.0
CLI = [str(Path(sys.executable).with_name("knotmeter"))]
SimBle = Callable[..., dict[str, str]]


def weight_profile(folder: Path, *, rest_s: float = 3.0, kg: float = KNOWN_KG) -> str:
    """The tool unloaded for ``rest_s``, then a dead weight of ``kg`` resting on it."""
    path = folder / "weight.toml"
    path.write_text(
        "spec_version = 1\nloop = false\ntremor_fraction = 0.0\ndrift_fraction = 0.0\n"
        f"[[segment]]\nduration_s = {rest_s}\nto_n = 0.0\n"
        f"[[segment]]\nduration_s = 0.2\nto_n = {kg * G}\n"
        f"[[segment]]\nduration_s = 600.0\nto_n = {kg * G}\n"
    )
    return str(path)


def dyno_with(profile: str) -> SimulatedDyno:
    return SimulatedDyno(PressModel(load_profile(profile)))


async def test_the_dyno_streams_250_hz_in_newtons_without_loss(
    bluez: BluezSimulator, tmp_path: Path
) -> None:
    bluez.add(dyno_with(weight_profile(tmp_path, rest_s=1.0)), address=ADDRESSES["dyno"])
    ble = BleSource("ble:dyno", parse_target("dyno"))
    asked: list[str] = []

    def lookup(device: str) -> float | None:
        asked.append(device)
        return TRUE_N_PER_COUNT

    async with SourceWatch(CalibratedSource(ble, lookup=lookup)) as watch:
        await watch.samples(1000, timeout_s=15.0)
    t, force = watch.times(), watch.forces()
    assert asked == [SERIAL]  # the device is named by its serial number (0x2A25)
    kinds = [type(event) for event in watch.events]
    assert kinds.index(DeviceInfo) < kinds.index(SampleBatch)  # never counts as newtons
    assert (len(t) - 1) / (t[-1] - t[0]) == pytest.approx(250.0, rel=0.02)
    assert np.diff(t) == pytest.approx(0.004)  # every stamp, none missing
    assert (ble.stats.lost, ble.stats.bad_frames) == (0, 0)
    assert np.abs(force[t < t[0] + 0.8]).max() < 0.05  # tared on the unloaded tool
    assert force[-1] == pytest.approx(KNOWN_KG * G, abs=0.05)


async def test_an_uncalibrated_dyno_is_refused_with_the_command_to_run(
    bluez: BluezSimulator, tmp_path: Path
) -> None:
    bluez.add(dyno_with(weight_profile(tmp_path)), address=ADDRESSES["dyno"])
    source = CalibratedSource(BleSource("ble:dyno", parse_target("dyno")), lookup=lambda _d: None)
    async with SourceWatch(source) as watch:
        await watch.state_is(LinkState.CLOSED, timeout_s=10.0)
    assert watch.sample_count == 0  # no wrong numbers
    refusal = watch.links[-1].detail
    assert refusal == "not calibrated: knotmeter calibrate --source ble:dyno --known 10kg"


async def test_a_driver_with_the_wrong_layout_fails_against_the_simulated_dyno(
    bluez: BluezSimulator, tmp_path: Path
) -> None:
    """The simulator packs from its own reading of v1; the driver as it was (the
    Progressor's framing) rejects every packet, the v1 codec reads them all."""
    sent = record_notifications(bluez, dyno.DYNO_DATA)
    bluez.add(dyno_with(weight_profile(tmp_path)), address=ADDRESSES["dyno"])
    ble = BleSource("ble:dyno", parse_target("dyno"))
    async with SourceWatch(ble) as watch:
        await watch.samples(90)
    assert len(sent) >= 10
    wrong = ProgressorDriver()
    for packet in sent:
        with pytest.raises(ValueError, match="length byte says 0"):
            wrong.on_notification(packet, host_t=0.0)
    stamps = [ms for packet in sent for ms in dyno.decode_packet(packet).ms]
    assert np.diff(stamps).tolist() == [4] * (len(stamps) - 1)


async def test_the_whc06_reads_signed_in_its_own_unit_at_about_7_hz(
    bluez: BluezSimulator, tmp_path: Path
) -> None:
    """A scale set to pounds and tared with 2 kg hanging: below zero, then the load less
    the tare, never 653 kg and never 2.2x high."""
    scale = SimulatedWhC06(
        PressModel(load_profile(weight_profile(tmp_path, rest_s=2.0, kg=5.0))),
        unit="lb",
        tare_kg=2.0,
    )
    bluez.add(scale, address=ADDRESSES["whc06"])
    source = BleSource("ble:whc06", parse_target("whc06"))
    async with SourceWatch(source) as watch:
        await watch.samples(30, timeout_s=15.0)
        data = scale.advertisement()[whc06.COMPANY_ID]
    t, force = watch.times(), watch.forces()
    assert 6.5 <= (len(t) - 1) / (t[-1] - t[0]) <= 8.0
    assert force.min() == pytest.approx(-2.0 * G, abs=0.1)
    assert force[-1] == pytest.approx(3.0 * G, abs=0.1)
    # The wrong reading (unsigned, always kg) of the very bytes the simulator sent:
    unsigned_kg = int.from_bytes(data[10:12], "big") / 100
    assert unsigned_kg == pytest.approx(3.0 / 0.45359237, abs=0.01)  # 2.2x high
    assert whc06.decode_reading(data).force_n == pytest.approx(3.0 * G, abs=0.05)


def knotmeter(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_calibrate_the_simulated_dyno_end_to_end(sim_ble: SimBle, tmp_path: Path) -> None:
    trace = tmp_path / "t.csv"
    record = ("record", "--source", "ble:dyno", "--seconds", "3", "-o", str(trace))
    refused_env = sim_ble("--device", "dyno", "--profile", weight_profile(tmp_path))
    refused = knotmeter(refused_env, *record)
    assert refused.returncode == 1
    assert "ble:dyno: not calibrated: knotmeter calibrate --source ble:dyno" in refused.stderr
    assert refused.stderr.count("\n") == 1
    assert not trace.exists(), "a refused recording leaves no file behind"

    env = sim_ble("--device", "dyno", "--profile", weight_profile(tmp_path))
    done = knotmeter(env, "calibrate", "--source", "ble:dyno", "--known", "10kg")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith(f"{SERIAL}: ")
    with SessionStore(read_only=True) as store:
        assert store.count_calibration(SERIAL) == pytest.approx(TRUE_N_PER_COUNT, rel=0.002)

    env = sim_ble("--device", "dyno", "--profile", weight_profile(tmp_path, rest_s=1.0))
    recorded = knotmeter(env, *record)
    assert recorded.returncode == 0, recorded.stderr
    assert "lost 0, bad frames 0" in recorded.stdout
    with trace.open(encoding="utf-8") as f:
        rows = [(float(r["t_s"]), float(r["force_n"])) for r in csv.DictReader(f)]
    times = np.array([row[0] for row in rows])
    assert (len(times) - 1) / (times[-1] - times[0]) == pytest.approx(250.0, rel=0.02)
    assert rows[-1][1] == pytest.approx(KNOWN_KG * G, rel=0.005)


def test_a_known_load_under_5_percent_of_the_range_is_refused(
    sim_ble: SimBle, tmp_path: Path
) -> None:
    env = sim_ble("--device", "dyno", "--profile", weight_profile(tmp_path, kg=5.0))
    done = knotmeter(env, "calibrate", "--source", "ble:dyno", "--known", "5kg")
    assert done.returncode == 1
    assert done.stderr == (
        "knotmeter: calibration refused: a known load of 49.03 N is under 5 % of the "
        "1471 N range: use at least 74 N\n"
    )
