"""The DIY firmware's own BLE link behind the simulated BlueZ, read by bleak's real backend.

``hardware_sims/bluez/diy.py`` runs ``device/micropython``'s ``tool.py`` and
``blelink.py`` unchanged; these tests read it as a host would and compare with the
same firmware's USB serial path for the same simulated press.
"""

from __future__ import annotations

import asyncio
import csv
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from bleak import BleakClient

from firmware_host.ble.knotmeter_driver import PairingFailed
from firmware_host.ble.scan import parse_target
from firmware_host.ble.source import BleSource
from firmware_host.ble.uuids import FORCE, KNOTMETER_COMMAND, KNOTMETER_DATA, decode_force
from firmware_host.protocol.messages import (
    AckFrame,
    CommandFrame,
    ErrorCode,
    ErrorFrame,
    Message,
    Op,
    SampleFrame,
    decode_payload,
    encode_payload,
)
from hardware_sims.bluez.diy import SimulatedDiy, serial_values, simulated_diy
from hardware_sims.bluez.knotmeter import SimulatedKnotmeter
from hardware_sims.bluez.serve import ADDRESSES
from hardware_sims.bluez.simulator import BluezSimulator
from hardware_sims.press import PressModel, load_profile
from tests.ble.test_cli import SimBle
from tests.watch import SourceWatch, numbered_frames, record_notifications

pytestmark = [pytest.mark.dbus, pytest.mark.slow]

DIY = ADDRESSES["diy"]
RESOLUTION_N = 0.001
CLI = [str(Path(sys.executable).with_name("knotmeter"))]


def sample_frames(sent: list[bytes]) -> list[SampleFrame]:
    return [msg for value in sent if isinstance(msg := decode_payload(value), SampleFrame)]


async def test_the_host_reads_every_sample_the_serial_path_sends_for_the_same_press(
    bluez: BluezSimulator,
) -> None:
    sent = record_notifications(bluez, KNOTMETER_DATA)
    bluez.add(simulated_diy("calm"), address=DIY)
    source = BleSource("ble:knotmeter", parse_target("knotmeter"))
    async with SourceWatch(source) as watch:
        await watch.samples(400)  # 5 s at 80 Hz
    got = watch.numbered(RESOLUTION_N)
    reference = dict(serial_values(PressModel(load_profile("calm")), got[-1][0] + 1))
    assert got == [(seq, reference[seq]) for seq, _ in got]
    assert got == [(got[0][0] + i, v) for i, (_, v) in enumerate(got)], "none lost"
    assert numbered_frames(sample_frames(sent))[: len(got)] == got
    assert source.stats.lost == 0
    assert source.stats.bad_frames == 0
    assert source.mtu == 247
    sizes = [len(f.values) for f in sample_frames(sent)]
    assert max(sizes) == 4  # 50 ms at 80 Hz: the MTU would fit 76
    assert watch.infos[0].serial_number == "SIM-DIY-0042"
    assert watch.batteries[0].millivolts == 3900
    assert max(watch.forces()) > 1.0  # the calm profile presses


async def test_at_mtu_23_every_notification_carries_one_sample(bluez: BluezSimulator) -> None:
    sent = record_notifications(bluez, KNOTMETER_DATA)
    bluez.add(simulated_diy("calm"), address=DIY, mtu=23)
    source = BleSource("ble:knotmeter", parse_target("knotmeter"))
    async with SourceWatch(source) as watch:
        await watch.samples(80)
    frames = sample_frames(sent)
    assert {len(f.values) for f in frames} == {1}
    assert max(len(value) for value in sent) <= 20
    assert source.stats.lost == 0
    assert source.mtu == 23


class Central:
    """A bleak client on the data characteristic, decoding what the tool notifies."""

    def __init__(self, client: BleakClient) -> None:
        self.client = client
        self.replies: list[Message] = []
        self.samples = 0
        self.changed = asyncio.Event()

    def heard(self, _char: object, data: bytearray) -> None:
        msg = decode_payload(bytes(data))
        if isinstance(msg, SampleFrame):
            self.samples += len(msg.values)
        else:
            self.replies.append(msg)
        self.changed.set()

    async def until(self, condition: Callable[[], bool]) -> None:
        """Listen until ``condition`` holds (5 s at most)."""
        async with asyncio.timeout(5.0):
            while not condition():
                self.changed.clear()
                await self.changed.wait()

    async def command(self, op: Op, request_id: int, value: float = 0.0) -> None:
        payload = encode_payload(CommandFrame(op, request_id, value))
        await self.client.write_gatt_char(KNOTMETER_COMMAND, payload, response=True)


async def test_an_unpaired_central_reads_force_but_cannot_calibrate(bluez: BluezSimulator) -> None:
    diy = simulated_diy("calm")
    bluez.add(diy, address=DIY)
    counts_per_n = diy.tool.counts_per_n
    async with BleakClient(DIY, timeout=10.0) as client:
        central = Central(client)
        await client.start_notify(KNOTMETER_DATA, central.heard)
        await central.command(Op.START, 1)
        await central.until(lambda: central.samples >= 16)
        assert decode_force(bytes(await client.read_gatt_char(FORCE))) is not None
        await central.command(Op.CALIBRATE, 2, 2000.0)
        await central.until(lambda: len(central.replies) == 2)
        assert central.replies == [
            AckFrame(1, Op.START),
            ErrorFrame(2, Op.CALIBRATE, ErrorCode.NOT_PAIRED, "pair with the tool first"),
        ]
        assert diy.tool.counts_per_n == counts_per_n
        assert diy.link.pairing_wanted  # the board would now ask the central to pair
        streamed = central.samples
        await central.until(lambda: central.samples > streamed + 8)


def test_record_over_sim_ble_diy_equals_the_serial_path(sim_ble: SimBle, tmp_path: Path) -> None:
    """``knotmeter sim ble --device diy`` and ``knotmeter record``, as a person runs them."""
    sim_env = sim_ble("--device", "diy")
    trace = tmp_path / "trace.csv"
    done = subprocess.run(
        [*CLI, "record", "--source", "ble:knotmeter", "--seconds", "3", "-o", str(trace)],
        env=sim_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert ", lost 0, bad frames 0, reconnects 0" in done.stdout
    with trace.open(encoding="utf-8") as f:
        recorded = [round(float(row["force_n"]) / RESOLUTION_N) for row in csv.DictReader(f)]
    assert len(recorded) >= 200
    reference = [v for _, v in serial_values(PressModel(load_profile("calm")), 2400)]
    assert contains_run(reference, recorded)


def contains_run(reference: list[int], run: list[int]) -> bool:
    """Whether ``run`` is ``reference`` from some sample on, every value, in order."""
    return any(reference[k : k + len(run)] == run for k in range(len(reference) - len(run) + 1))


def test_the_simulated_diy_serves_the_firmware_gatt_table() -> None:
    diy: SimulatedDiy = simulated_diy("calm")
    table = {service.uuid: [c.uuid for c in service.characteristics] for service in diy.services}

    spec = {s.uuid: [c.uuid for c in s.characteristics] for s in SimulatedKnotmeter.services}
    assert table == spec  # two readings of PROTOCOL §5 agree
    assert diy.name == "knotmeter-0042"


async def test_the_host_pairs_when_the_tool_asks_and_then_changes_the_rate(
    bluez: BluezSimulator,
) -> None:
    diy = simulated_diy("calm")
    bluez.add(diy, address=DIY)
    source = BleSource("ble:knotmeter", parse_target("knotmeter"))
    async with SourceWatch(source) as watch:
        await watch.samples(40)
        await source.set_rate(10)  # refused (ERROR 6), paired, asked again
        assert diy.bonded
        assert bluez.devices[DIY].iface["Paired"]
        assert diy.tool.rate_hz == 10
        await watch.more_samples(3)
        assert np.diff(watch.times()[-3:]) == pytest.approx(0.1, abs=0.005)  # read-time jitter
        assert source.stats.lost == 0


async def test_a_failed_pairing_says_so_in_one_line_and_the_stream_goes_on(
    bluez: BluezSimulator,
) -> None:
    diy = SimulatedDiy(PressModel(load_profile("calm")), pairable=False)
    bluez.add(diy, address=DIY)
    source = BleSource("ble:knotmeter", parse_target("knotmeter"))
    async with SourceWatch(source) as watch:
        await watch.samples(40)
        with pytest.raises(PairingFailed) as failed:
            await source.tare()
        assert str(failed.value) == (
            f"{DIY}: pairing failed (Authentication Failed), so the tool refuses tare: "
            f"pair it once with `bluetoothctl pair {DIY}`"
        )
        assert diy.tool.offset_counts == 0
        await watch.more_samples(40)
        assert source.stats.lost == 0
