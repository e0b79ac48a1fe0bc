"""A BLE :class:`~firmware_host.source.Source` on bleak: scan, connect, subscribe, and
reconnect forever.

Link states follow the serial source: ``connecting`` until the first samples,
``live`` while they flow, ``no_data`` when a live link is silent longer than
``no_data_s``, ``reconnecting`` (with the reason and the next retry) after a drop.
Sample times come from the driver's timeline, which survives reconnects, so the
pipeline sees one strictly increasing stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from bleak import BleakClient
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.exc import BleakError

from firmware_host.ble.backoff import DEFAULT_SCHEDULE_S, reconnect_delay
from firmware_host.ble.driver import BleDriver
from firmware_host.ble.errors import BluetoothUnavailable, explain
from firmware_host.ble.knotmeter_driver import KnotmeterDriver
from firmware_host.ble.progressor_driver import ProgressorDriver
from firmware_host.ble.scan import BleTarget, FoundTool, ToolKind, find_tool
from firmware_host.link import LinkEvents
from firmware_host.source import CoachAim, LinkState, SourceEvent
from knotmeter.core.samples import SampleBatch


@dataclass(slots=True, frozen=True)
class BleTiming:
    """``reconnect_schedule_s``: delays before retries 1, 2, 3…, the last repeating forever."""

    reconnect_schedule_s: tuple[float, ...] = DEFAULT_SCHEDULE_S
    scan_timeout_s: float = 10.0
    connect_timeout_s: float = 10.0
    no_data_s: float = 1.0


class ToolNotFound(Exception):
    """No advertiser matched the target during one scan."""


class BleSource:
    """Samples from one BLE tool (ours or a Progressor), for as long as the source is open.

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
        self._ever_live = False
        self._last_data_t = 0.0
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
        """One connection from scan to drop; returns why it ended."""
        found = await find_tool(self._target, self._timing.scan_timeout_s)
        if found is None:
            raise ToolNotFound(f"{self._target} not found (is it on and in range?)")
        self._target = BleTarget(address=found.address)  # reconnect to this very device
        self.simulated = self.simulated or found.simulated
        driver = self._driver_for(found)
        self._link_down.clear()
        client = BleakClient(
            found.device,
            disconnected_callback=lambda _client: self._link_down.set(),
            timeout=self._timing.connect_timeout_s,
        )
        await client.connect()
        try:
            self.mtu = self._negotiated_mtu(client, driver, found)
            # Before subscribing: samples can arrive while START is still awaited, and
            # must report the link live with this detail, not an earlier one.
            self._live_detail = f"{found.name} ({found.address}), ATT MTU {self.mtu}"
            self._last_data_t = self._clock()
            await client.start_notify(driver.data_uuid, self._on_notification)
            described = await driver.start(client, found.address)
            if self._ever_live:
                self.stats.reconnects += 1
            self._ever_live = True
            self._client = client
            for event in described:
                self._link.emit(event)
            await self._watch(found)
            return f"link to {found.name} lost"
        finally:
            self._client = None
            # Also after the device dropped us: bleak keeps a D-Bus connection per client
            # until disconnect() releases it.
            with contextlib.suppress(BleakError, TimeoutError, OSError):
                await client.disconnect()

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
            self._driver = (
                ProgressorDriver(clock=self._clock)
                if found.kind is ToolKind.PROGRESSOR
                else KnotmeterDriver()
            )
        return self._driver

    async def _watch(self, found: FoundTool) -> None:
        """Wait for the link to drop or the source to close, reporting silence as ``no_data``."""
        poll_s = self._timing.no_data_s / 4
        while not self._link_down.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._link_down.wait(), poll_s)
            silent_s = self._clock() - self._last_data_t
            if self._link.state is LinkState.LIVE and silent_s > self._timing.no_data_s:
                detail = f"{found.name}: no samples for {silent_s:.1f} s"
                self._link.set_state(LinkState.NO_DATA, detail)

    def _on_notification(self, _char: BleakGATTCharacteristic, data: bytearray) -> None:
        driver = self._driver
        if driver is None:
            return
        host_t = self._clock()
        try:
            events = driver.on_notification(bytes(data), host_t)
        except ValueError:
            self.stats.bad_frames += 1
            return
        for event in events:
            if isinstance(event, SampleBatch):
                self._last_data_t = host_t
                self._link.samples(event, lost=driver.lost, live_detail=self._live_detail)
            else:
                self._link.emit(event)
