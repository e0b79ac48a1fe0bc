"""What a simulated BLE device is to the simulated BlueZ, and what BlueZ offers it back.

A :class:`Peripheral` is the device's firmware: its GATT table, its read/write
handlers and a main loop that runs from power-on to power-off. It talks to the
central only through :class:`Radio` (notifications), so link faults (drops,
stalls, slow links) live in the simulator, not in every device.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(slots=True, frozen=True)
class CharacteristicSpec:
    """One characteristic; ``flags`` use BlueZ's names (``read``, ``write``, ``notify`` …)."""

    uuid: str
    flags: tuple[str, ...]


@dataclass(slots=True, frozen=True)
class ServiceSpec:
    uuid: str
    characteristics: tuple[CharacteristicSpec, ...]


class AttError(Exception):
    """The device refused a read or write; the central sees ``org.bluez.Error.Failed``."""


class Radio(Protocol):
    """The device's side of the link, as the simulator provides it."""

    @property
    def mtu(self) -> int:
        """ATT MTU of the current link (23 when nobody is connected)."""
        ...

    def notify(self, char_uuid: str, value: bytes) -> bool:
        """Send a notification; False when no central is connected and subscribed."""
        ...


class Peripheral(Protocol):
    """A simulated device's firmware."""

    name: str
    advertised_uuids: tuple[str, ...]
    services: tuple[ServiceSpec, ...]

    async def run(self, radio: Radio) -> None:
        """Main loop from power-on until cancelled (power-off); starts from a fresh boot."""
        ...

    def read(self, char_uuid: str) -> bytes: ...

    def write(self, char_uuid: str, value: bytes) -> None: ...

    def link_changed(self, connected: bool) -> None:
        """A central connected or the link went away (the device may stop streaming)."""
        ...

    def advertisement(self) -> Mapping[int, bytes]:
        """Manufacturer data to advertise now, by company id (most devices send none)."""
        ...


@runtime_checkable
class PacedAdvertiser(Protocol):
    """A device that advertises at its own pace (the WH-C06: 6.5-8 a second), not the
    simulator's default interval."""

    def next_advertisement_s(self) -> float:
        """Seconds until its next advertisement, asked after each one."""
        ...
