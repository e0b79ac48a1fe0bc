"""One kind of BLE force sensor: how to recognise it, how to talk to it, what it gives.

Every kind is one :class:`BleKind` value, defined next to its driver and listed
once in :mod:`firmware_host.ble.kinds`; the scanner, the source, ``knotmeter
devices`` and ``knotmeter sim ble`` all read that list, so a new kind is one new
module plus one registry line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from firmware_host.ble.driver import BleDriver
from firmware_host.source import DeviceInfo, SourceEvent

Clock = Callable[[], float]

COACHING_RATE_HZ = 20.0
"""Below this a stream still raises every alarm, but a fast press can peak between two
samples: the picker and the live screen say the rate is low."""


class AdvertisementDriver(Protocol):
    """A sensor that never connects: its readings ride in its advertisements."""

    company_id: int
    """The manufacturer-data company id whose bytes carry the reading."""

    def describe(self, address: str) -> list[SourceEvent]:
        """What to tell the app once the sensor is first heard (its :class:`DeviceInfo`)."""
        ...

    def on_advertisement(self, data: bytes, host_t: float) -> list[SourceEvent]:
        """Decode one advertisement's manufacturer data; ``ValueError`` if it does not parse."""
        ...


@dataclass(slots=True, frozen=True)
class BleKind:
    """A kind of sensor. Exactly one of ``connect`` and ``listen`` is set.

    ``simulator`` names the simulated peripheral's factory as ``module:function``
    (the link layer never imports the simulators). Figures are the device's own:
    ``full_scale_n`` feeds the safety guards' tool-range rule, ``rate_hz`` is the
    samples per second it delivers, ``resolution_n`` its smallest step.
    """

    word: str
    """The moniker word: ``ble:WORD`` means the first sensor of this kind heard."""
    label: str
    full_scale_n: float | None
    rate_hz: float
    resolution_n: float | None
    simulator: str
    name_prefixes: tuple[str, ...] = ()
    service_uuids: tuple[str, ...] = ()
    company_id: int | None = None
    connect: Callable[[Clock], BleDriver] | None = None
    listen: Callable[[Clock], AdvertisementDriver] | None = None
    hardware_tare: bool = True
    battery: str = "none"

    def recognises(
        self, name: str, service_uuids: Sequence[str], manufacturer_data: Mapping[int, bytes]
    ) -> bool:
        uuids = {u.lower() for u in service_uuids}
        return (
            any(uuid in uuids for uuid in self.service_uuids)
            or any(name.lower().startswith(p.lower()) for p in self.name_prefixes)
            or (self.company_id is not None and self.company_id in manufacturer_data)
        )

    @property
    def low_rate(self) -> bool:
        return self.rate_hz < COACHING_RATE_HZ

    def describe(self, *, firmware: str, serial_number: str, adc: str) -> DeviceInfo:
        """The device info a sensor of this kind gives, with the kind's own figures."""
        return DeviceInfo(
            firmware=firmware,
            serial_number=serial_number,
            adc=adc,
            rate_hz=self.rate_hz,
            model=self.label,
            full_scale_n=self.full_scale_n,
        )
