"""What the BLE source needs from a device driver: one per kind of tool.

The shared loop (:mod:`firmware_host.reconnect`) owns reconnects, link state and
the silence watch, :class:`~firmware_host.ble.source.BleLink` the scan and the
connection; a driver owns the device's GATT dialect (what to subscribe to, how to
identify the device, how notification bytes become samples) and keeps its timeline
across reconnects.
"""

from __future__ import annotations

from typing import Protocol

from bleak import BleakClient

from firmware_host.source import SourceEvent


class BleDriver(Protocol):
    data_uuid: str
    """The characteristic whose notifications carry samples (the source subscribes to it)."""

    @property
    def lost(self) -> int:
        """Samples known lost so far (sequence gaps), for the source's stats."""
        ...

    async def start(self, client: BleakClient, address: str) -> list[SourceEvent]:
        """Run once per connection, after subscribing: identify the device, start its stream.

        Returns the events that describe the device (info, battery).
        """
        ...

    def on_notification(self, data: bytes, host_t: float) -> list[SourceEvent]:
        """Decode one notification; raises ``ValueError`` for bytes that do not parse."""
        ...

    async def tare(self, client: BleakClient) -> None: ...

    async def set_rate(self, client: BleakClient, hz: float) -> None: ...
