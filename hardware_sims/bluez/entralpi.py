"""A simulated Entralpi: a u16 weight notification every 0.1 s while a central listens.

Encodes from REFERENCE §3 itself, not through the host's codec: two bytes, big-endian,
unsigned, hundredths of a kilogram (clipped at 0 and 655.35 kg).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from firmware_host.ble.entralpi import (
    ENTRALPI_DATA,
    ENTRALPI_SERVICE,
    RATE_HZ,
)
from firmware_host.ble.uuids import DEVICE_INFORMATION, FIRMWARE_REVISION
from firmware_host.source import CoachAim
from hardware_sims.bluez.pacing import paced
from hardware_sims.bluez.peripheral import AttError, CharacteristicSpec, Radio, ServiceSpec
from hardware_sims.press import PressModel, load_profile
from knotmeter.core.units import STANDARD_GRAVITY


def hundredths_kg(kg: float) -> bytes:
    return min(max(round(kg * 100), 0), 0xFFFF).to_bytes(2, "big")


class SimulatedEntralpi:
    name = "ENTRALPI"
    advertised_uuids: tuple[str, ...] = ()
    services: tuple[ServiceSpec, ...] = (
        ServiceSpec(ENTRALPI_SERVICE, (CharacteristicSpec(ENTRALPI_DATA, ("notify",)),)),
        ServiceSpec(DEVICE_INFORMATION, (CharacteristicSpec(FIRMWARE_REVISION, ("read",)),)),
    )

    def __init__(self, press: PressModel) -> None:
        self._press = press

    async def run(self, radio: Radio) -> None:
        async for t in paced(1.0 / RATE_HZ, asyncio.get_running_loop().time()):
            radio.notify(ENTRALPI_DATA, hundredths_kg(self._press.force_at(t) / STANDARD_GRAVITY))

    def read(self, char_uuid: str) -> bytes:
        if char_uuid == FIRMWARE_REVISION:
            return b"1.0.7"
        raise AttError(f"characteristic {char_uuid} is not readable")

    def write(self, char_uuid: str, value: bytes) -> None:
        raise AttError(f"characteristic {char_uuid} is not writable")

    def link_changed(self, connected: bool) -> None:
        """It notifies whenever someone subscribed; nothing to start or stop."""

    def advertisement(self) -> Mapping[int, bytes]:
        return {}


def simulated_entralpi(
    profile: str, *, seed: int = 0, aim: CoachAim | None = None
) -> SimulatedEntralpi:
    return SimulatedEntralpi(PressModel(load_profile(profile), seed=seed, aim=aim))
