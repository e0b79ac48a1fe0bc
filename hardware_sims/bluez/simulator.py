"""A simulated ``org.bluez`` on a D-Bus: adapter ``hci0``, advertising devices, GATT, faults.

bleak's real BlueZ backend talks to it unmodified (what it needs is checked in
``hardware_sims/bluez/README.md``). Devices advertise only while the adapter discovers,
export their GATT table on ``Connect`` and remove it on every disconnect, like
BlueZ. Faults are methods on :class:`SimDevice`: drop the link, stop or slow the
notifications, power the device off; and on the simulator: Bluetooth off, no
adapter.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import random
from collections import deque
from collections.abc import Callable
from enum import StrEnum
from types import TracebackType
from typing import Any

from dbus_fast import BusType, Variant
from dbus_fast.aio import MessageBus

from firmware_host.ble.uuids import SIMULATED_COMPANY_ID, SIMULATED_MARKER
from hardware_sims.bluez.interfaces import (
    Adapter1,
    Device1,
    GattCharacteristic1,
    GattService1,
    bluez_error,
)
from hardware_sims.bluez.peripheral import (
    AttError,
    CharacteristicSpec,
    PacedAdvertiser,
    Peripheral,
)

ADAPTER_PATH = "/org/bluez/hci0"
DEFAULT_MTU = 247
"""What BlueZ and a modern phone-class controller settle on (244-byte notifications)."""
MIN_MTU = 23
ADVERTISE_TICK_S = 0.01
"""How often the simulator looks for a device due to advertise."""

NotifyTap = Callable[[str, str, bytes], None]
"""Called with (device address, characteristic UUID, value) for every notification sent."""


class AdapterMode(StrEnum):
    """How the machine's Bluetooth looks: working, switched off, or no adapter at all."""

    ON = "on"
    OFF = "off"
    ABSENT = "absent"


class _Characteristic:
    """Routes one characteristic's D-Bus calls to the device's firmware."""

    def __init__(self, device: SimDevice, spec: CharacteristicSpec) -> None:
        self._device = device
        self._spec = spec

    def read(self) -> bytes:
        if "read" not in self._spec.flags:
            raise bluez_error("NotPermitted", "Read not permitted")
        try:
            return self._device.peripheral.read(self._spec.uuid)
        except AttError as err:
            raise bluez_error("Failed", str(err)) from None

    async def write(self, value: bytes, *, with_response: bool) -> None:
        flag = "write" if with_response else "write-without-response"
        if flag not in self._spec.flags:
            raise bluez_error("NotPermitted", "Write not permitted")
        if len(value) > self._device.mtu - 3:
            raise bluez_error("InvalidValueLength", "Invalid Length")
        try:
            self._device.peripheral.write(self._spec.uuid, value)
        except AttError as err:
            raise bluez_error("Failed", str(err)) from None

    def start_notify(self) -> None:
        if "notify" not in self._spec.flags:
            raise bluez_error("NotSupported", "Operation is not supported")
        self._device.subscribe(self._spec.uuid)

    def stop_notify(self) -> None:
        self._device.unsubscribe(self._spec.uuid)


class SimDevice:
    """One simulated device in range of ``hci0``: its Device1 object, link and faults."""

    def __init__(
        self,
        simulator: BluezSimulator,
        peripheral: Peripheral,
        *,
        address: str,
        rssi: int,
        mtu: int,
    ) -> None:
        self.peripheral = peripheral
        self.address = address
        self.path = f"{ADAPTER_PATH}/dev_{address.replace(':', '_')}"
        self.rssi = rssi
        self.dropped_notifications = 0
        self._simulator = simulator
        self._link_mtu = mtu
        self._connected = False
        self._powered = False
        self._paused = False
        self._delay_s = 0.0
        self._in_flight: deque[tuple[float, Callable[[], None]]] = deque()
        self._delivery: asyncio.TimerHandle | None = None
        self._firmware: asyncio.Task[None] | None = None
        self._subscribed: set[str] = set()
        self._chars: dict[str, GattCharacteristic1] = {}
        self._exported: list[str] = []
        self._advert_due = 0.0
        self.iface = Device1(
            self,
            {
                "Address": address,
                "AddressType": "public",
                "Name": peripheral.name,
                "Alias": peripheral.name,
                "Adapter": ADAPTER_PATH,
                "UUIDs": list(peripheral.advertised_uuids),
                "ManufacturerData": {
                    SIMULATED_COMPANY_ID: Variant("ay", SIMULATED_MARKER),
                },
                "RSSI": rssi,
                "Appearance": 0,
                "Paired": False,
                "Connected": False,
                "ServicesResolved": False,
            },
        )

    # -- what the firmware sees -------------------------------------------------

    @property
    def mtu(self) -> int:
        return self._link_mtu if self._connected else MIN_MTU

    def notify(self, char_uuid: str, value: bytes) -> bool:
        if not self._connected or char_uuid not in self._subscribed:
            return False
        if len(value) > self.mtu - 3:
            raise ValueError(
                f"{self.peripheral.name}: {len(value)}-byte notification over MTU {self.mtu}"
            )
        if self._paused:
            self.dropped_notifications += 1
            return True
        transmit = functools.partial(self._transmit, char_uuid, self._chars[char_uuid], value)
        if self._delay_s > 0 or self._in_flight:
            self._send_late(transmit)
        else:
            transmit()
        return True

    def _transmit(self, char_uuid: str, char: GattCharacteristic1, value: bytes) -> None:
        tap = self._simulator.tap
        if tap is not None:
            tap(self.address, char_uuid, value)
        char.announce(Value=value)

    def _send_late(self, transmit: Callable[[], None]) -> None:
        """Queue a notification ``delay_s`` late, never overtaking one already queued."""
        loop = asyncio.get_running_loop()
        due = loop.time() + self._delay_s
        if self._in_flight:
            due = max(due, self._in_flight[-1][0])
        self._in_flight.append((due, transmit))
        if self._delivery is None:
            self._delivery = loop.call_at(due, self._deliver_due)

    def _deliver_due(self) -> None:
        loop = asyncio.get_running_loop()
        while self._in_flight and self._in_flight[0][0] <= loop.time():
            _, transmit = self._in_flight.popleft()
            transmit()
        self._delivery = (
            loop.call_at(self._in_flight[0][0], self._deliver_due) if self._in_flight else None
        )

    # -- what the central does (org.bluez.Device1 methods) ---------------------------

    async def connect(self) -> None:
        if not self._powered:
            raise bluez_error("Failed", "Host is down")
        if self._connected:
            return
        self._connected = True
        self.iface.update(Connected=True)
        self._export_gatt()
        self.iface.update(ServicesResolved=True)
        self.peripheral.link_changed(True)

    async def disconnect(self) -> None:
        self.drop_link()

    async def pair(self) -> None:
        """Just Works pairing with bonding, as BlueZ runs it when a central asks; a device
        pairs only if its firmware has ``accept_pairing()`` and it says yes."""
        if not self._connected:
            raise bluez_error("Failed", "Not connected")
        accept = getattr(self.peripheral, "accept_pairing", None)
        if accept is None or not accept():
            raise bluez_error("AuthenticationFailed", "Authentication Failed")
        self.iface.update(Paired=True)

    def subscribe(self, char_uuid: str) -> None:
        self._subscribed.add(char_uuid)
        self._chars[char_uuid].update(Notifying=True)

    def unsubscribe(self, char_uuid: str) -> None:
        self._subscribed.discard(char_uuid)
        self._chars[char_uuid].update(Notifying=False)

    # -- faults -------------------------------------------------------------------------

    def drop_link(self, *, announce: bool = True) -> None:
        """The link ends (supervision timeout, out of range, or a plain Disconnect).

        ``announce=False``: BlueZ itself died, so nobody tells the central.
        """
        if not self._connected:
            return
        self._connected = False
        self._subscribed.clear()
        if announce:
            self.iface.update(ServicesResolved=False)
            self.iface.update(Connected=False)
            bus = self._simulator.bus
            for path in reversed(self._exported):
                bus.unexport(path)
        self._exported.clear()
        self._chars.clear()
        self._in_flight.clear()  # lost with the link
        if self._delivery is not None:
            self._delivery.cancel()
            self._delivery = None
        self.peripheral.link_changed(False)

    def pause_notifications(self) -> None:
        """The link stays up but nothing arrives (the device counts what it lost)."""
        self._paused = True

    def resume_notifications(self) -> None:
        self._paused = False

    def slow_notifications(self, delay_s: float) -> None:
        """Deliver every notification ``delay_s`` late, in order (a congested link); 0 heals."""
        if delay_s < 0:
            raise ValueError(f"delay_s must be >= 0, got {delay_s}")
        self._delay_s = delay_s

    def power_on(self) -> None:
        """Boot the firmware and start advertising."""
        if self._powered:
            return
        self._powered = True
        self._firmware = asyncio.get_running_loop().create_task(
            self.peripheral.run(self), name=f"firmware {self.address}"
        )

    async def power_off(self) -> None:
        """The battery dies: the link drops and the device neither streams nor advertises."""
        self.drop_link()
        await self.halt()

    async def halt(self) -> None:
        """Stop the firmware where it stands, telling the central nothing."""
        self._powered = False
        firmware, self._firmware = self._firmware, None
        if firmware is not None:
            firmware.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await firmware

    # -- simulator internals ------------------------------------------------------------

    def advertise(self, rng: random.Random, now: float, interval_s: float) -> None:
        """Advertise if due: every ``interval_s``, or at the device's own pace."""
        if not self._powered or self._connected or now < self._advert_due:
            return
        if isinstance(self.peripheral, PacedAdvertiser):
            interval_s = self.peripheral.next_advertisement_s()
        self._advert_due = max(self._advert_due + interval_s, now)
        rssi = self.rssi + rng.randint(-3, 3)
        data = self.peripheral.advertisement()
        if not data:
            self.iface.announce(RSSI=rssi)
            return
        manufacturer = {SIMULATED_COMPANY_ID: Variant("ay", SIMULATED_MARKER)}
        manufacturer.update({company: Variant("ay", value) for company, value in data.items()})
        self.iface.announce(RSSI=rssi, ManufacturerData=manufacturer)

    def _export_gatt(self) -> None:
        bus = self._simulator.bus
        handle = 0x0001
        for service in self.peripheral.services:
            service_path = f"{self.path}/service{handle:04x}"
            handle += 1
            bus.export(service_path, GattService1(uuid=service.uuid, device_path=self.path))
            self._exported.append(service_path)
            for spec in service.characteristics:
                char_path = f"{service_path}/char{handle:04x}"
                handle += 2  # declaration + value, as on a real ATT table
                char = GattCharacteristic1(
                    _Characteristic(self, spec),
                    uuid=spec.uuid,
                    service_path=service_path,
                    flags=list(spec.flags),
                    mtu=self._link_mtu,
                )
                bus.export(char_path, char)
                self._exported.append(char_path)
                self._chars[spec.uuid] = char


class BluezSimulator:
    """``org.bluez`` on the bus at ``bus_address``, with the devices added before :meth:`start`.

    Use ``async with``; leaving it drops every link first (bleak does not notice a
    vanished service, BlueZ README, note 6), then powers the devices off.
    """

    def __init__(
        self,
        bus_address: str,
        *,
        adapter: AdapterMode = AdapterMode.ON,
        advertise_interval_s: float = 0.1,
        seed: int = 0,
    ) -> None:
        self.bus_address = bus_address
        self.adapter_mode = adapter
        self.tap: NotifyTap | None = None
        self.devices: dict[str, SimDevice] = {}
        self._advertise_interval_s = advertise_interval_s
        self._rng = random.Random(seed)
        self._bus: MessageBus | None = None
        self._adapter = Adapter1(
            self, address="00:00:5E:00:53:00", powered=adapter is AdapterMode.ON
        )
        self._scans = 0  # discovery sessions open; BlueZ keeps scanning until the last stops
        self._advertiser: asyncio.Task[None] | None = None

    @property
    def bus(self) -> MessageBus:
        if self._bus is None:
            raise RuntimeError("the simulator is not started")
        return self._bus

    def add(
        self,
        peripheral: Peripheral,
        *,
        address: str,
        rssi: int = -58,
        mtu: int = DEFAULT_MTU,
    ) -> SimDevice:
        """Put a device in range; it powers on now, or when the simulator starts."""
        if address in self.devices:
            raise ValueError(f"a device with address {address} is already simulated")
        device = SimDevice(self, peripheral, address=address, rssi=rssi, mtu=mtu)
        self.devices[address] = device
        if self._bus is not None:
            self._bring_up(device)
        return device

    def _bring_up(self, device: SimDevice) -> None:
        if self.adapter_mode is not AdapterMode.ABSENT:
            self.bus.export(device.path, device.iface)
            device.power_on()

    async def start(self) -> None:
        bus = MessageBus(bus_address=self.bus_address, bus_type=BusType.SYSTEM)
        await bus.connect()
        self._bus = bus
        if self.adapter_mode is not AdapterMode.ABSENT:
            bus.export(ADAPTER_PATH, self._adapter)
        for device in self.devices.values():
            self._bring_up(device)
        await bus.request_name("org.bluez")
        self._advertiser = asyncio.get_running_loop().create_task(
            self._advertise(), name="bluez-sim advertiser"
        )

    async def stop(self) -> None:
        if self._advertiser is not None:
            self._advertiser.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._advertiser
            self._advertiser = None
        for device in self.devices.values():
            await device.power_off()
        if self._bus is not None:
            self._bus.disconnect()
            await self._bus.wait_for_disconnect()  # type: ignore[no-untyped-call]
            self._bus = None

    async def __aenter__(self) -> BluezSimulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def crash(self) -> None:
        """Fault: bluetoothd dies. Its name leaves the bus with no ``Connected=false``, so
        bleak keeps its links "up" and hears nothing more (BlueZ README, note 6)."""
        for device in self.devices.values():
            device.drop_link(announce=False)
        await self.stop()

    def set_bluetooth_powered(self, powered: bool) -> None:
        """Switch the adapter on or off (off drops every link, as rfkill does)."""
        if not powered:
            self._scans = 0
            for device in self.devices.values():
                device.drop_link()
        self._adapter.update(Powered=powered, Discovering=self._scans > 0)

    # -- org.bluez.Adapter1 behaviour ---------------------------------------------------

    def set_discovery_filter(self, options: dict[str, Any]) -> None:
        del options  # bleak filters advertisements itself; the simulator reports all

    def start_discovery(self) -> None:
        if not self._adapter["Powered"]:
            raise bluez_error("NotReady", "Resource Not Ready")
        self._scans += 1
        self._adapter.update(Discovering=True)

    def stop_discovery(self) -> None:
        self._scans = max(0, self._scans - 1)
        self._adapter.update(Discovering=self._scans > 0)

    async def _advertise(self) -> None:
        """Advertisements arrive as RSSI changes, the only way bleak hears of a device."""
        loop = asyncio.get_running_loop()
        tick = min(ADVERTISE_TICK_S, self._advertise_interval_s)
        while True:
            if self._scans:
                for device in self.devices.values():
                    device.advertise(self._rng, loop.time(), self._advertise_interval_s)
            await asyncio.sleep(tick)
