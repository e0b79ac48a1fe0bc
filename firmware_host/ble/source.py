"""A BLE :class:`~firmware_host.source.Source` on bleak: scan, connect, subscribe, and
reconnect forever.

Link states follow the serial source: ``connecting`` until the first samples
(with "no tool named X nearby (seen: …)" after each scan that found nothing),
``live`` (once per connection, with its detail) while they flow, ``no_data`` when
a live link is silent longer than ``no_data_s``, ``reconnecting`` (with the reason
and the next retry) after a drop, including the drop the source makes itself after
``silence_drop_s`` of silence. Sample times come from the driver's timeline, which
survives reconnects, so the pipeline sees one strictly increasing stream. A kind
that never connects (the WH-C06) is listened to instead, through the same loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from bleak import BleakClient
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData
from bleak.exc import BleakError

from firmware_host.ble.backoff import DEFAULT_SCHEDULE_S, reconnect_delay
from firmware_host.ble.driver import BleDriver
from firmware_host.ble.errors import BluetoothUnavailable, explain
from firmware_host.ble.kind import AdvertisementDriver
from firmware_host.ble.scan import BleTarget, FoundTool, ToolNotFound, find_tool, scanning
from firmware_host.ble.silence import DEFAULT_DROP_S, SilenceWatch, Verdict
from firmware_host.link import LinkEvents
from firmware_host.source import CoachAim, LinkState, SourceEvent
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


class BleSource:
    """Samples from one BLE sensor of any kind in :mod:`firmware_host.ble.kinds`, for as long
    as the source is open: over a connection, or from advertisements for a kind that
    never connects.

    ``simulated`` is what the opener already heard; it turns true, never back, once a
    scan finds the tool advertising the simulator's marker.
    """

    def __init__(
        self,
        moniker: str,
        target: BleTarget,
        *,
        simulated: bool = False,
        timing: BleTiming | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.moniker = moniker
        self.simulated = simulated
        self._link = LinkEvents(clock=clock)
        self.stats = self._link.stats
        self.mtu: int | None = None
        self._target = target
        self._timing = timing or BleTiming()
        self._clock = clock
        self._closed = False
        self._link_down = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        self._client: BleakClient | None = None
        self._driver: BleDriver | None = None
        self._listener: AdvertisementDriver | None = None
        self._ever_live = False
        self._silence = self._new_silence()
        self._live_detail = ""

    def events(self) -> AsyncIterator[SourceEvent]:
        if self._runner is None:
            self._runner = asyncio.get_running_loop().create_task(
                self._run(), name=f"ble source {self.moniker}"
            )
        return self._link.stream()

    async def tare(self) -> None:
        """Ask the device to tare; ignored while the link is down."""
        if self._client is not None and self._driver is not None:
            await self._driver.tare(self._client)

    async def set_rate(self, hz: float) -> None:
        if self._client is not None and self._driver is not None:
            await self._driver.set_rate(self._client, hz)

    def aim(self, aim: CoachAim) -> None:
        """A real tool presses nothing by itself: it ignores the aim."""

    async def close(self) -> None:
        """Disconnect and end :meth:`events` with ``closed``; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        runner = self._runner
        if runner is None:
            self._link.set_state(LinkState.CLOSED, self.moniker, always=True)
            return
        runner.cancel()  # a scan or connect may be in flight: do not wait for its timeout
        with contextlib.suppress(asyncio.CancelledError):
            await runner

    # -- the link loop ------------------------------------------------------------------

    async def _run(self) -> None:
        self._link.set_state(LinkState.CONNECTING, f"looking for {self._target}")
        failures = 0
        try:
            while True:
                try:
                    detail = await self._session()
                    failures = 0
                except (
                    BleakError,
                    BluetoothUnavailable,
                    ToolNotFound,
                    TimeoutError,
                    OSError,
                    ValueError,
                ) as err:
                    detail = str(explain(err) or err) or type(err).__name__
                delay = reconnect_delay(failures, self._timing.reconnect_schedule_s)
                failures += 1
                waiting = LinkState.RECONNECTING if self._ever_live else LinkState.CONNECTING
                self._link.set_state(waiting, f"{detail}; retrying in {delay:g} s", always=True)
                await asyncio.sleep(delay)  # the backoff itself; close() cancels it
        finally:
            self._link.set_state(LinkState.CLOSED, self.moniker, always=True)

    async def _session(self) -> str:
        """One connection (or one listening spell) from scan to drop; returns why it ended."""
        found = await find_tool(self._target, self._timing.scan_timeout_s)
        self._target = BleTarget(address=found.address)  # reconnect to this very device
        self.simulated = self.simulated or found.simulated
        self._link_down.clear()
        self._silence = self._new_silence()
        if found.kind.listen is not None:
            return await self._listen(found)
        return await self._connect(found)

    async def _connect(self, found: FoundTool) -> str:
        driver = self._driver_for(found)
        client = BleakClient(
            found.device,
            disconnected_callback=lambda _client: self._link_down.set(),
            timeout=self._timing.connect_timeout_s,
        )
        await client.connect()
        try:
            self.mtu = self._negotiated_mtu(client, driver, found)
            # Set before subscribing: a sample may arrive while the driver starts the device.
            self._live_detail = f"{found.name} ({found.address}), ATT MTU {self.mtu}"
            await client.start_notify(driver.data_uuid, self._on_notification)
            described = await driver.start(client, found.address)
            self._went_live()
            self._client = client
            for event in described:
                self._link.emit(event)
            return await self._watch(found)
        finally:
            self._client = None
            # Also after the device dropped us: bleak keeps a D-Bus connection per client
            # until disconnect() releases it. A dead BlueZ answers late or never.
            with contextlib.suppress(BleakError, TimeoutError, OSError):
                async with asyncio.timeout(self._timing.connect_timeout_s):
                    await client.disconnect()

    async def _listen(self, found: FoundTool) -> str:
        """A sensor that never connects: its readings come with each advertisement it sends."""
        if self._listener is None:
            assert found.kind.listen is not None
            self._listener = found.kind.listen(self._clock)
        listener = self._listener
        self._live_detail = (
            f"{found.name} ({found.address}), advertisements only, ~{found.kind.rate_hz:g} Hz"
        )

        def on_advertisement(device: BLEDevice, adv: AdvertisementData) -> None:
            data = adv.manufacturer_data.get(listener.company_id)
            if device.address == found.address and data is not None:
                self._decoded(lambda t: listener.on_advertisement(data, t), lambda: 0)

        async with scanning(on_advertisement):
            self._went_live()
            for event in listener.describe(found.address):
                self._link.emit(event)
            return await self._watch(found)

    def _went_live(self) -> None:
        if self._ever_live:
            self.stats.reconnects += 1
        self._ever_live = True

    def _new_silence(self) -> SilenceWatch:
        timing = self._timing
        return SilenceWatch(
            no_data_s=timing.no_data_s,
            drop_s=max(timing.no_data_s, timing.silence_drop_s),
            clock=self._clock,
        )

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

    async def _watch(self, found: FoundTool) -> str:
        """Wait for the link to drop, reporting silence as ``no_data`` and dropping a link
        that stays silent; returns why the link ended."""
        silence = self._silence
        poll_s = self._timing.no_data_s / 4
        while not self._link_down.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._link_down.wait(), poll_s)
            verdict = silence.verdict()
            if verdict is Verdict.DROP:
                return f"{found.name}: no samples for {silence.silent_s:.1f} s, link dropped"
            if verdict is Verdict.NO_DATA and self._link.state is LinkState.LIVE:
                detail = f"{found.name}: no samples for {silence.silent_s:.1f} s"
                self._link.set_state(LinkState.NO_DATA, detail)
        return f"link to {found.name} lost"

    def _on_notification(self, _char: BleakGATTCharacteristic, data: bytearray) -> None:
        driver = self._driver
        if driver is not None:
            self._decoded(lambda t: driver.on_notification(bytes(data), t), lambda: driver.lost)

    def _decoded(
        self, decode: Callable[[float], list[SourceEvent]], lost: Callable[[], int]
    ) -> None:
        """Pass on what one notification or advertisement held; a bad one is only counted."""
        try:
            events = decode(self._clock())
        except ValueError:
            self.stats.bad_frames += 1
            return
        for event in events:
            if isinstance(event, SampleBatch):
                self._silence.heard()
                self._link.samples(event, lost=lost(), live_detail=self._live_detail)
            else:
                self._link.emit(event)
