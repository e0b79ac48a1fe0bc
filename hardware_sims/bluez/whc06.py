"""A simulated WH-C06 crane scale: no GATT at all, the weight in every advertisement.

The simulated BlueZ asks for an advertisement every 0.1 s (about what the host hears
from a real one, assumed): each carries the press's force now, in 0.01 kg, with
the stable flag set when it moved less than 0.05 kg since the last one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from firmware_host.ble.whc06 import COMPANY_ID, encode_manufacturer_data
from firmware_host.source import CoachAim
from hardware_sims.bluez.peripheral import AttError, Radio, ServiceSpec
from hardware_sims.press import PressModel, load_profile
from knotmeter.core.units import STANDARD_GRAVITY

STABLE_KG = 0.05


class SimulatedWhC06:
    name = "IF_B7"
    advertised_uuids: tuple[str, ...] = ()
    services: tuple[ServiceSpec, ...] = ()

    def __init__(self, press: PressModel) -> None:
        self._press = press
        self._boot: float | None = None
        self._last_kg = 0.0

    async def run(self, radio: Radio) -> None:
        self._boot = asyncio.get_running_loop().time()
        await asyncio.Event().wait()  # it only advertises, which the simulator drives

    def read(self, char_uuid: str) -> bytes:
        raise AttError(f"characteristic {char_uuid} is not readable")

    def write(self, char_uuid: str, value: bytes) -> None:
        raise AttError(f"characteristic {char_uuid} is not writable")

    def link_changed(self, connected: bool) -> None:
        """Nobody connects to it."""

    def advertisement(self) -> Mapping[int, bytes]:
        if self._boot is None:
            return {}
        t = asyncio.get_running_loop().time() - self._boot
        kg = self._press.force_at(t) / STANDARD_GRAVITY
        stable = abs(kg - self._last_kg) < STABLE_KG
        self._last_kg = kg
        return {COMPANY_ID: encode_manufacturer_data(kg, stable=stable)}


def simulated_whc06(profile: str, *, seed: int = 0, aim: CoachAim | None = None) -> SimulatedWhC06:
    return SimulatedWhC06(PressModel(load_profile(profile), seed=seed, aim=aim))
