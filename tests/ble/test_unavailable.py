"""No BlueZ, no adapter, Bluetooth off: each is one line that says what to do.

``open_source`` is called from sync tests: it probes on a thread of its own, and a
simulator on the test's own event loop could not answer while the loop waits.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from firmware_host.ble.errors import BluetoothUnavailable
from firmware_host.ble.scan import BleTarget, find_tool, parse_target
from firmware_host.ble.source import BleSource, BleTiming
from firmware_host.source import LinkState
from hardware_sims.bluez.bus import PrivateBus
from hardware_sims.bluez.simulator import AdapterMode, BluezSimulator
from knotmeter.errors import KnotmeterError
from knotmeter.sources import open_source
from tests.watch import SourceWatch

pytestmark = pytest.mark.dbus


def test_no_system_bus_means_bluez_is_not_running(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", f"unix:path={tmp_path}/no-such-bus.sock")
    with pytest.raises(KnotmeterError, match="no D-Bus system bus") as err:
        open_source("ble:knotmeter-SIM-0001")
    assert "\n" not in str(err.value)
    assert err.value.exit_code == 1


def test_a_bus_without_bluez(private_bus: PrivateBus) -> None:
    with pytest.raises(KnotmeterError, match="BlueZ is not running on the system bus"):
        open_source("ble:")


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        (AdapterMode.ABSENT, "no Bluetooth LE adapter found"),
        (AdapterMode.OFF, "Bluetooth is off: turn it on"),
    ],
)
async def test_no_adapter_or_bluetooth_off(
    private_bus: PrivateBus, mode: AdapterMode, message: str
) -> None:
    async with BluezSimulator(private_bus.address, adapter=mode):
        with pytest.raises(BluetoothUnavailable, match=message):
            await find_tool(BleTarget(), timeout_s=1.0)


async def test_the_source_keeps_trying_and_says_why(private_bus: PrivateBus) -> None:
    timing = BleTiming(reconnect_schedule_s=(0.05,))
    source = BleSource("ble:", parse_target(""), timing=timing)
    async with SourceWatch(source) as watch:
        await watch.until(lambda: len(watch.links) >= 3, "two failed attempts", timeout_s=5.0)
    states = [link.state for link in watch.links]
    assert states[:3] == [LinkState.CONNECTING] * 3
    assert states[-1] is LinkState.CLOSED
    assert "BlueZ is not running" in watch.links[1].detail
    assert watch.links[1].detail.endswith("retrying in 0.05 s")
