"""bleak's real BlueZ backend against the simulated BlueZ: scan, connect, subscribe, receive.

Each test compares what the host got, sample by sample, with what the simulated
device put on the air (the simulator's notification tap).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
from bleak import BleakClient

from firmware_host.ble.progressor import WeightSamples, decode_notification
from firmware_host.ble.scan import parse_target, scan_tools
from firmware_host.ble.source import BleSource
from firmware_host.ble.uuids import (
    BATTERY_LEVEL,
    FIRMWARE_REVISION,
    FORCE,
    KNOTMETER_DATA,
    MODEL_NUMBER,
    PROGRESSOR_DATA,
    SERIAL_NUMBER,
    decode_force,
)
from firmware_host.protocol.messages import SampleFrame, decode_payload
from firmware_host.source import DeviceInfo, LinkState
from hardware_sims.bluez.serve import (
    ADDRESSES,
    simulated_knotmeter,
    simulated_progressor,
)
from hardware_sims.bluez.simulator import BluezSimulator
from hardware_sims.hx711 import Hx711Config
from knotmeter.core.provenance import SourceKind
from knotmeter.core.units import STANDARD_GRAVITY
from knotmeter.sources import discover_tools
from tests.watch import SourceWatch, record_notifications

pytestmark = pytest.mark.dbus

KNOTMETER = ADDRESSES["knotmeter"]
PROGRESSOR = ADDRESSES["progressor"]


def sample_frames(sent: list[bytes]) -> list[SampleFrame]:
    return [msg for value in sent if isinstance(msg := decode_payload(value), SampleFrame)]


def weight_samples(sent: list[bytes]) -> list[WeightSamples]:
    return [msg for value in sent if isinstance(msg := decode_notification(value), WeightSamples)]


async def test_scan_lists_both_tools_with_rssi_and_the_simulated_label(
    bluez: BluezSimulator,
) -> None:
    bluez.add(simulated_knotmeter("calm"), address=KNOTMETER, rssi=-50)
    bluez.add(simulated_progressor("calm"), address=PROGRESSOR, rssi=-70)
    tools = await scan_tools(0.5)
    assert [(t.address, t.kind.word, t.simulated) for t in tools] == [
        (KNOTMETER, "knotmeter", True),
        (PROGRESSOR, "progressor", True),
    ]
    assert -53 <= tools[0].rssi <= -47
    assert tools[1].name.startswith("Progressor")


async def test_our_tool_delivers_every_sample_exactly_and_in_order(bluez: BluezSimulator) -> None:
    sent_data = record_notifications(bluez, KNOTMETER_DATA)
    bluez.add(simulated_knotmeter("calm"), address=KNOTMETER)
    source = BleSource("ble:", parse_target(""))
    async with SourceWatch(source) as watch:
        await watch.samples(120)
    frames = sample_frames(sent_data)
    sent = [(f.seq + i, v * f.resolution_n) for f in frames for i, v in enumerate(f.values)]
    got = [
        (b.seq0 + i, force)
        for b in watch.batches
        if b.seq0 is not None
        for i, force in enumerate(b.force_n.tolist())
    ]
    assert len(got) == watch.sample_count >= 120
    assert got == sent[: len(got)]
    assert np.diff(watch.times()) == pytest.approx(1 / 80)
    assert source.kind is SourceKind.SIMULATED
    assert source.mtu == 247
    assert watch.infos == [
        DeviceInfo(
            "knotmeter-sim 0.1.0",
            "SIM-0001",
            "HX711 (simulated)",
            80.0,
            "knotmeter",
            full_scale_n=round(Hx711Config().full_scale_n, 3),  # the cell's range, in mN
        )
    ]
    assert watch.batteries
    assert watch.batteries[0].millivolts > 3300
    assert [link.state for link in watch.links] == [
        LinkState.CONNECTING,
        LinkState.LIVE,
        LinkState.CLOSED,
    ]


async def test_a_progressor_delivers_every_sample_in_newtons(bluez: BluezSimulator) -> None:
    sent_data = record_notifications(bluez, PROGRESSOR_DATA)
    bluez.add(simulated_progressor("calm"), address=PROGRESSOR)
    source = BleSource("ble:progressor", parse_target("progressor"))
    async with SourceWatch(source) as watch:
        await watch.samples(90)
    weights = weight_samples(sent_data)
    got = watch.forces().tolist()
    sent = [kg * STANDARD_GRAVITY for w in weights for kg in w.kg]
    assert got == sent[: len(got)]
    stamps = np.array([us for w in weights for us in w.device_us][: len(got)], dtype=np.float64)
    assert np.diff(watch.times()) == pytest.approx(np.diff(stamps) / 1e6)
    assert max(len(w.kg) for w in weights) == 15  # MTU 247 fits a full notification
    assert watch.infos[0].model == "Tindeq Progressor"
    assert watch.infos[0].firmware == "1.2.3"
    assert watch.batteries[0].millivolts == 3950


async def test_progressor_tare_and_low_power_warning(bluez: BluezSimulator, tmp_path: Path) -> None:
    resting = tmp_path / "resting.toml"
    resting.write_text("spec_version = 1\n[[segment]]\nduration_s = 600.0\nto_n = 0.0\n")
    progressor = simulated_progressor(str(resting))
    bluez.add(progressor, address=PROGRESSOR)
    source = BleSource("ble:progressor", parse_target("progressor"))
    async with SourceWatch(source) as watch:
        await watch.samples(15)
        assert watch.forces()[-1] == pytest.approx(0.35 * STANDARD_GRAVITY, rel=1e-6)
        await source.tare()
        tared_from = watch.sample_count
        await watch.until(lambda: abs(watch.forces()[-1]) < 1e-6, "a tared sample", timeout_s=5.0)
        assert watch.sample_count > tared_from
        progressor.warn_low_power()
        await watch.until(
            lambda: any(b.low for b in watch.batteries), "a low-power event", timeout_s=5.0
        )
    assert [b.millivolts for b in watch.batteries if b.low] == [3950]


async def test_generic_clients_read_the_standard_characteristics(bluez: BluezSimulator) -> None:
    bluez.add(simulated_knotmeter("calm"), address=KNOTMETER)
    async with BleakClient(KNOTMETER, timeout=10.0) as client:
        assert (await client.read_gatt_char(MODEL_NUMBER)).decode() == "knotmeter"
        assert (await client.read_gatt_char(SERIAL_NUMBER)).decode() == "SIM-0001"
        assert (await client.read_gatt_char(FIRMWARE_REVISION)).decode() == "knotmeter-sim 0.1.0"
        assert 0 <= (await client.read_gatt_char(BATTERY_LEVEL))[0] <= 100
        forces: list[float | None] = []
        got_two = asyncio.Event()

        def on_force(_char: object, value: bytearray) -> None:
            forces.append(decode_force(bytes(value)))
            if len(forces) >= 2:
                got_two.set()

        await client.start_notify(FORCE, on_force)
        await asyncio.wait_for(got_two.wait(), 5.0)
        latest = decode_force(bytes(await client.read_gatt_char(FORCE)))
    assert latest is not None
    assert all(f is not None and -5.0 < f < 120.0 for f in forces)


async def test_discovery_for_the_picker_lists_ble_tools_next_to_serial(
    bluez: BluezSimulator,
) -> None:
    bluez.add(simulated_knotmeter("calm"), address=KNOTMETER, rssi=-61)
    tools = await discover_tools(0.5)
    ble = [tool for tool in tools if tool.transport == "ble"]
    assert [(t.moniker, t.is_knotmeter) for t in ble] == [(f"ble:{KNOTMETER}", True)]
    assert ble[0].rssi is not None
    assert -64 <= ble[0].rssi <= -58
    assert "SIMULATED" in ble[0].label


async def test_commands_reach_our_tool_over_the_command_characteristic(
    bluez: BluezSimulator,
) -> None:
    bluez.add(simulated_knotmeter("calm"), address=KNOTMETER)
    source = BleSource("ble:", parse_target(""))
    async with SourceWatch(source) as watch:
        await watch.samples(5)
        await source.set_rate(10.0)
        switched = watch.sample_count
        await watch.samples(switched + 4, timeout_s=5.0)
    assert np.diff(watch.times()[-3:]) == pytest.approx(0.1)
    assert source.stats.lost == 0
