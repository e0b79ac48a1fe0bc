"""The commands a person types, end to end: ``knotmeter sim ble`` in one process, and
``devices`` and ``record`` in others that only know the exported bus address."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from firmware_host.ble.kinds import BY_WORD
from hardware_sims.bluez.dyno import SERIAL as DYNO_SERIAL
from hardware_sims.bluez.dyno import TRUE_N_PER_COUNT
from hardware_sims.bluez.serve import ADDRESSES, SIM_KINDS
from knotmeter.store import SessionStore

pytestmark = pytest.mark.dbus

SimBle = Callable[..., dict[str, str]]

KNOTMETER = ADDRESSES["knotmeter"]
PROGRESSOR = ADDRESSES["progressor"]
CLI = [str(Path(sys.executable).with_name("knotmeter"))]
BOTH = ("--device", "knotmeter", "--device", "progressor")


def knotmeter(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_devices_lists_both_simulated_tools_with_rssi(sim_ble: SimBle) -> None:
    sim_env = sim_ble(*BOTH)
    done = knotmeter(sim_env, "devices", "--json", "--timeout", "1")
    assert done.returncode == 0, done.stderr
    ble = {tool["moniker"]: tool for tool in json.loads(done.stdout) if tool["transport"] == "ble"}
    assert set(ble) == {f"ble:{KNOTMETER}", f"ble:{PROGRESSOR}"}
    assert ble[f"ble:{KNOTMETER}"]["is_knotmeter"] is True
    assert ble[f"ble:{PROGRESSOR}"]["is_knotmeter"] is False
    assert all(isinstance(tool["rssi"], int) and tool["rssi"] < 0 for tool in ble.values())
    assert all("SIMULATED" in tool["label"] for tool in ble.values())


@pytest.mark.parametrize("moniker", [f"ble:{KNOTMETER}", "ble:progressor"])
def test_record_over_ble(sim_ble: SimBle, tmp_path: Path, moniker: str) -> None:
    sim_env = sim_ble(*BOTH)
    trace = tmp_path / "trace.csv"
    done = knotmeter(sim_env, "record", "--source", moniker, "--seconds", "1", "-o", str(trace))
    assert done.returncode == 0, done.stderr
    with trace.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 60  # 1 s at 80 Hz, less the batch in flight at the end
    times = [float(row["t_s"]) for row in rows]
    assert times == sorted(set(times))


def test_devices_json_lists_every_kind_on_a_bus_with_all_of_them(sim_ble: SimBle) -> None:
    sim_env = sim_ble(*(arg for word in SIM_KINDS for arg in ("--device", word)))
    done = knotmeter(sim_env, "devices", "--json", "--timeout", "2")
    assert done.returncode == 0, done.stderr
    ble = {tool["kind"]: tool for tool in json.loads(done.stdout) if tool["transport"] == "ble"}
    assert set(ble) == set(SIM_KINDS)
    assert {kind: tool["moniker"] for kind, tool in ble.items()} == {
        word: f"ble:{ADDRESSES[word]}" for word in SIM_KINDS
    }
    assert [kind for kind, tool in ble.items() if tool["low_rate"]] == ["entralpi", "whc06"]
    assert "low rate ~7 Hz" in ble["whc06"]["label"]


@pytest.mark.parametrize("word", ["dyno", "entralpi", "forceboard", "whc06"])
def test_record_each_kind_at_its_rate(sim_ble: SimBle, tmp_path: Path, word: str) -> None:
    kind = BY_WORD[word]
    sim_env = sim_ble("--device", word)
    with SessionStore() as store:  # the Dyno sends raw counts: calibrated once, here
        store.save_count_calibration(
            DYNO_SERIAL, n_per_count=TRUE_N_PER_COUNT, known_n=98.0665, source="ble:dyno"
        )
    trace = tmp_path / "trace.csv"
    seconds = "5" if word == "dyno" else "3"  # the Dyno's person starts with its stream
    done = knotmeter(
        sim_env, "record", "--source", f"ble:{word}", "--seconds", seconds, "-o", str(trace)
    )
    assert done.returncode == 0, done.stderr
    with trace.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    times = [float(row["t_s"]) for row in rows]
    forces = [float(row["force_n"]) for row in rows]
    assert times == sorted(set(times))
    assert (len(times) - 1) / (times[-1] - times[0]) == pytest.approx(kind.rate_hz, rel=0.2)
    assert kind.full_scale_n is not None
    assert all(-0.1 <= f < kind.full_scale_n for f in forces)  # the Dyno's tare has noise
    assert max(forces) > 1.0  # the calm profile starts pressing


def test_record_says_which_tool_is_not_there_and_exits_1(sim_ble: SimBle, tmp_path: Path) -> None:
    sim_env = sim_ble("--device", "knotmeter")
    trace = tmp_path / "t.csv"
    done = knotmeter(
        sim_env, "record", "--source", "ble:nosuchtool", "--seconds", "1", "-o", str(trace)
    )
    assert done.returncode == 1
    assert "no tool named nosuchtool nearby (seen: knotmeter-SIM-0001)" in done.stderr
    assert done.stderr.count("\n") == 1


def test_no_bluez_is_one_line_and_exit_status_one(tmp_path: Path) -> None:
    env = {**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": f"unix:path={tmp_path}/none.sock"}
    done = knotmeter(env, "record", "--source", "ble:", "--seconds", "1", "-o", "t.csv")
    assert done.returncode == 1
    assert done.stderr.startswith("knotmeter: Bluetooth: no D-Bus system bus")
    assert done.stderr.count("\n") == 1
