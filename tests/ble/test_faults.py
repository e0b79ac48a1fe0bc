"""Link faults from the simulated BlueZ, as the BLE source reports them."""

from __future__ import annotations

import numpy as np
import pytest

from firmware_host.ble.scan import parse_target
from firmware_host.ble.source import BleSource, BleTiming
from firmware_host.ble.uuids import KNOTMETER_DATA
from firmware_host.protocol.messages import SampleFrame, decode_payload
from firmware_host.source import LinkState
from hardware_sims.bluez.serve import ADDRESSES, simulated_knotmeter
from hardware_sims.bluez.simulator import BluezSimulator
from tests.watch import SourceWatch, record_notifications

pytestmark = pytest.mark.dbus

KNOTMETER = ADDRESSES["knotmeter"]
FAST = BleTiming(reconnect_schedule_s=(0.05,), scan_timeout_s=1.0, no_data_s=0.3)


def strictly_increasing(watch: SourceWatch) -> bool:
    return bool(np.all(np.diff(watch.times()) > 0))


async def test_silent_link_is_no_data_until_samples_return(bluez: BluezSimulator) -> None:
    device = bluez.add(simulated_knotmeter("calm"), address=KNOTMETER)
    source = BleSource("ble:", parse_target(""), timing=FAST)
    async with SourceWatch(source) as watch:
        await watch.samples(10)
        device.pause_notifications()
        await watch.state_is(LinkState.NO_DATA, timeout_s=2.0)
        device.resume_notifications()
        await watch.state_is(LinkState.LIVE, timeout_s=2.0)
        paused_gap = source.stats.lost
    assert [s.state for s in watch.links][1:4] == [
        LinkState.LIVE,
        LinkState.NO_DATA,
        LinkState.LIVE,
    ]
    assert device.dropped_notifications == paused_gap > 0  # each dropped frame held one sample
    assert strictly_increasing(watch)


async def test_slow_notifications_arrive_late_but_complete_and_in_order(
    bluez: BluezSimulator,
) -> None:
    sent = record_notifications(bluez, KNOTMETER_DATA)
    device = bluez.add(simulated_knotmeter("calm"), address=KNOTMETER)
    source = BleSource("ble:", parse_target(""), timing=FAST)
    async with SourceWatch(source) as watch:
        await watch.samples(10)
        device.slow_notifications(0.2)
        await watch.samples(60, timeout_s=5.0)
        device.slow_notifications(0.0)
        await watch.samples(80, timeout_s=5.0)
    frames = [m for v in sent if isinstance(m := decode_payload(v), SampleFrame)]
    values = [v * f.resolution_n for f in frames for v in f.values]
    assert watch.forces().tolist() == values[: watch.sample_count]
    assert source.stats.lost == 0
    assert LinkState.RECONNECTING not in {s.state for s in watch.links}


async def test_power_cycle_reconnects_to_a_rebooted_tool(bluez: BluezSimulator) -> None:
    device = bluez.add(simulated_knotmeter("calm"), address=KNOTMETER)
    source = BleSource("ble:", parse_target(""), timing=FAST)
    async with SourceWatch(source) as watch:
        await watch.samples(20)
        await device.power_off()
        await watch.until(
            lambda: "nearby (seen:" in watch.links[-1].detail, "a failed rescan", timeout_s=5.0
        )
        assert watch.links[-1].state is LinkState.RECONNECTING
        before = watch.sample_count
        device.power_on()
        await watch.samples(before + 20, timeout_s=5.0)
    assert watch.state is LinkState.CLOSED
    assert source.stats.reconnects == 1
    assert strictly_increasing(watch)  # the reboot reset the device clock; the timeline held


async def test_bluetooth_switched_off_mid_session_then_on_again(bluez: BluezSimulator) -> None:
    bluez.add(simulated_knotmeter("calm"), address=KNOTMETER)
    source = BleSource("ble:", parse_target(""), timing=FAST)
    async with SourceWatch(source) as watch:
        await watch.samples(10)
        bluez.set_bluetooth_powered(False)
        await watch.until(
            lambda: "Bluetooth is off" in watch.links[-1].detail, "the reason", timeout_s=5.0
        )
        before = watch.sample_count
        bluez.set_bluetooth_powered(True)
        await watch.samples(before + 10, timeout_s=5.0)
    assert strictly_increasing(watch)


@pytest.mark.parametrize("garbage", [b"", b"\x01", b"\x01\x01" + bytes(14), b"\xff" * 40])
async def test_corrupt_notifications_are_dropped_and_counted(
    bluez: BluezSimulator, garbage: bytes
) -> None:
    device = bluez.add(simulated_knotmeter("calm"), address=KNOTMETER)
    source = BleSource("ble:", parse_target(""), timing=FAST)
    async with SourceWatch(source) as watch:
        await watch.samples(5)
        assert device.notify(KNOTMETER_DATA, garbage)
        await watch.until(lambda: source.stats.bad_frames == 1, "a counted bad frame", 2.0)
        before = watch.sample_count
        await watch.samples(before + 5)
    assert watch.state is LinkState.CLOSED
    assert strictly_increasing(watch)
