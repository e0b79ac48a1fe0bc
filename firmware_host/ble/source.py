"""BLE as a :class:`~firmware_host.reconnect.Transport` on bleak (scan, connect, subscribe,
or listen to adverts); the :class:`BleSource` is the shared reconnecting link over it.

Link states are the shared loop's: ``connecting`` until the first samples (with
"no tool named X nearby (seen: …)" after each scan that found nothing), ``live``
(once per connection, with its detail) while they flow, ``no_data`` when a
connection is silent longer than ``no_data_s``, ``reconnecting`` (with the reason
and the next retry) after a drop, including the drop the loop makes itself after
``silence_drop_s`` of silence (BlueZ may have died without bleak noticing). Sample
times come from the driver's timeline, which survives reconnects, so the pipeline
sees one strictly increasing stream. A kind that never connects (the WH-C06) is
listened to instead: one "connection" is one listening spell, through the same loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from bleak import BleakClient
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData
from bleak.exc import BleakError

from firmware_host.backoff import DEFAULT_SCHEDULE_S
from firmware_host.ble.driver import BleDriver
from firmware_host.ble.errors import BluetoothUnavailable, explain
from firmware_host.ble.kind import AdvertisementDriver
from firmware_host.ble.scan import BleTarget, FoundTool, ToolNotFound, find_tool, scanning
from firmware_host.protocol.messages import Op
from firmware_host.reconnect import Feed, LinkSource, ReconnectTiming, Sleep
from firmware_host.silence import DEFAULT_DROP_S
from firmware_host.source import KindChanged, SourceEvent
from knotmeter.core.provenance import SourceKind
from knotmeter.core.samples import SampleBatch


@dataclass(slots=True, frozen=True)
class BleTiming:
    """``reconnect_schedule_s``: delays before retries 1, 2, 3…, the last repeating forever.

    ``no_data_s`` of silence on a live link shows ``no_data``; ``silence_drop_s`` drops
    the link and reconnects (BlueZ may have died without bleak noticing). One scan
    lasts ``scan_timeout_s``: a sensor advertises every 20 ms to ~1.3 s, so 4 s hears
    it, and a wrong name is reported that soon.
    """

    reconnect_schedule_s: tuple[float, ...] = DEFAULT_SCHEDULE_S
    scan_timeout_s: float = 4.0
    connect_timeout_s: float = 10.0
    no_data_s: float = 1.0
    silence_drop_s: float = DEFAULT_DROP_S

    def reconnect(self) -> ReconnectTiming:
        """The shared loop's timing: the schedule, the no-data and drop limits."""
        return ReconnectTiming(self.reconnect_schedule_s, self.no_data_s, self.silence_drop_s)


class BleSource(LinkSource):
    """Samples from one BLE sensor of any kind in :mod:`firmware_host.ble.kinds`, for as long
    as the source is open: over a connection, or from advertisements for a kind that
    never connects.

    ``kind`` is what the opener already heard; it turns ``simulated`` (with a
    :class:`~firmware_host.source.KindChanged`), never back, once a scan finds the tool
    advertising the simulator's marker or our tool's info says so.
    """

    def __init__(
        self,
        moniker: str,
        target: BleTarget,
        *,
        kind: SourceKind = SourceKind.DEVICE,
        timing: BleTiming | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        timing = timing or BleTiming()
        self._radio = BleLink(target, timing, clock)
        super().__init__(
            moniker, self._radio, timing=timing.reconnect(), kind=kind, clock=clock, sleep=sleep
        )

    @property
    def mtu(self) -> int | None:
        """The ATT MTU of the current or last connection (``None`` before the first)."""
        return self._radio.mtu


class BleLink:
    """Scan for the target, then connect (or listen to its adverts) until the link drops."""

    failures: tuple[type[Exception], ...] = (
        BleakError,
        BluetoothUnavailable,
        ToolNotFound,
        TimeoutError,
        OSError,
        ValueError,
    )

    def __init__(self, target: BleTarget, timing: BleTiming, clock: Callable[[], float]) -> None:
        self.mtu: int | None = None
        self._target = target
        self._timing = timing
        self._clock = clock
        self._found: FoundTool | None = None
        self._client: BleakClient | None = None
        self._driver: BleDriver | None = None
        self._listener: AdvertisementDriver | None = None
        self._feed: Feed | None = None
        self._held = contextlib.AsyncExitStack()

    def seeking(self) -> str:
        return f"looking for {self._target}"

    def why(self, err: Exception) -> str:
        return str(explain(err) or err) or type(err).__name__

    def tick(self, now: float) -> float:
        return math.inf

    def silence_detail(self, silent_s: float) -> str:
        name = "the tool" if self._found is None else self._found.name
        return f"{name}: no samples for {silent_s:.1f} s"

    async def send(self, op: Op, value: float) -> None:
        """Ask the device; ignored while the link is down."""
        client, driver = self._client, self._driver
        if client is None or driver is None:
            return
        if op is Op.TARE:
            await driver.tare(client)
        elif op is Op.SET_RATE:
            await driver.set_rate(client, value)

    async def open(self, feed: Feed) -> None:
        """Scan, then connect and start the device, or start listening to its adverts."""
        self._feed = feed
        found = await find_tool(self._target, self._timing.scan_timeout_s)
        self._found = found
        self._target = BleTarget(address=found.address)  # reconnect to this very device
        if found.simulated:
            feed.emit(KindChanged(SourceKind.SIMULATED))
        if found.kind.listen is not None:
            await self._listen(found, feed)
        else:
            await self._connect(found, feed)

    async def shut(self) -> None:
        self._client = None
        await self._held.aclose()

    async def _connect(self, found: FoundTool, feed: Feed) -> None:
        driver = self._driver_for(found)
        client = BleakClient(
            found.device,
            disconnected_callback=lambda _client: feed.drop(f"link to {found.name} lost"),
            timeout=self._timing.connect_timeout_s,
        )
        await client.connect()
        self._held.push_async_callback(self._disconnect, client)
        self.mtu = self._negotiated_mtu(client, driver, found)
        # Set before subscribing: a sample may arrive while the driver starts the device.
        feed.live_detail = f"{found.name} ({found.address}), ATT MTU {self.mtu}"
        await client.start_notify(driver.data_uuid, self._on_notification)
        described = await driver.start(client, found.address)
        self._client = client
        for event in described:
            feed.emit(event)

    async def _disconnect(self, client: BleakClient) -> None:
        """Also after the device dropped us: bleak keeps a D-Bus connection per client
        until disconnect() releases it. A dead BlueZ answers late or never."""
        with contextlib.suppress(BleakError, TimeoutError, OSError):
            async with asyncio.timeout(self._timing.connect_timeout_s):
                await client.disconnect()

    async def _listen(self, found: FoundTool, feed: Feed) -> None:
        """A sensor that never connects: its readings come with each advertisement it sends."""
        if self._listener is None:
            assert found.kind.listen is not None
            self._listener = found.kind.listen(self._clock)
        listener = self._listener
        feed.live_detail = (
            f"{found.name} ({found.address}), advertisements only, ~{found.kind.rate_hz:g} Hz"
        )

        def on_advertisement(device: BLEDevice, adv: AdvertisementData) -> None:
            data = adv.manufacturer_data.get(listener.company_id)
            if device.address == found.address and data is not None:
                self._decoded(lambda t: listener.on_advertisement(data, t), lambda: 0)

        await self._held.enter_async_context(scanning(on_advertisement))
        for event in listener.describe(found.address):
            feed.emit(event)

    @staticmethod
    def _negotiated_mtu(client: BleakClient, driver: BleDriver, found: FoundTool) -> int:
        """BlueZ exchanges the largest ATT MTU itself on connect; read what it settled on."""
        char = client.services.get_characteristic(driver.data_uuid)
        if char is None:
            raise ValueError(f"{found.name} has no characteristic {driver.data_uuid}")
        return char.max_write_without_response_size + 3

    def _driver_for(self, found: FoundTool) -> BleDriver:
        """One driver per source, kept across reconnects so its timeline continues."""
        if self._driver is None:
            if found.kind.connect is None:
                raise ValueError(f"{found.name}: a {found.kind.label} has no connection")
            self._driver = found.kind.connect(self._clock)
        return self._driver

    def _on_notification(self, _char: BleakGATTCharacteristic, data: bytearray) -> None:
        driver = self._driver
        if driver is not None:
            self._decoded(lambda t: driver.on_notification(bytes(data), t), lambda: driver.lost)

    def _decoded(
        self, decode: Callable[[float], list[SourceEvent]], lost: Callable[[], int]
    ) -> None:
        """Pass on what one notification or advertisement held; a bad one is only counted."""
        feed = self._feed
        assert feed is not None
        try:
            events = decode(self._clock())
        except ValueError:
            feed.stats.bad_frames += 1
            return
        for event in events:
            if isinstance(event, SampleBatch):
                feed.samples(event, lost=lost())
            else:
                feed.emit(event)
