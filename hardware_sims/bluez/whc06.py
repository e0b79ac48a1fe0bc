"""A simulated WH-C06 crane scale: no GATT at all, the weight in every advertisement.

Its own reading of REFERENCE §3, not the host driver's: 15 bytes of manufacturer data
under company 0x0100; bytes 10-11 the weight as a signed 16-bit big-endian number of
hundredths of the display unit; byte 14 = stable flag x 16 + unit code (1 kg, 2 lb).
The scale shows what it shows: in pounds when set so (``unit="lb"``), and below zero
when it was tared with something hanging (``tare_kg``). It advertises 6.5-8 times a
second, each gap drawn between 1/8 and 1/6.5 s; the stable flag is set when the
reading moved less than 0.05 kg since the last one.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping

from firmware_host.source import CoachAim
from hardware_sims.bluez.peripheral import AttError, Radio, ServiceSpec
from hardware_sims.press import PressModel, load_profile
from knotmeter.core.units import STANDARD_GRAVITY

COMPANY = 0x0100
STABLE_KG = 0.05
KG_PER_LB = 0.45359237
UNIT_CODES = {"kg": 1, "lb": 2}
FASTEST_S, SLOWEST_S = 1 / 8.0, 1 / 6.5


def manufacturer_data(display_value: float, unit: str, *, stable: bool) -> bytes:
    """The 15 advertised bytes for ``display_value`` (in ``unit``) as the scale shows it."""
    hundredths = max(-32768, min(32767, round(display_value * 100)))
    data = bytearray(15)
    data[10:12] = hundredths.to_bytes(2, "big", signed=True)
    data[14] = (0x10 if stable else 0x00) | UNIT_CODES[unit]
    return bytes(data)


class SimulatedWhC06:
    name = "IF_B7"
    advertised_uuids: tuple[str, ...] = ()
    services: tuple[ServiceSpec, ...] = ()

    def __init__(
        self, press: PressModel, *, unit: str = "kg", tare_kg: float = 0.0, seed: int = 0
    ) -> None:
        if unit not in UNIT_CODES:
            raise ValueError(f"a WH-C06 shows kg or lb, not {unit!r}")
        self.unit = unit
        self._press = press
        self._tare_kg = tare_kg
        self._rng = random.Random(seed)
        self._boot: float | None = None
        self._last_kg = 0.0

    async def run(self, radio: Radio) -> None:
        self._boot = asyncio.get_running_loop().time()
        await asyncio.Event().wait()  # it only advertises, which the simulator drives

    def next_advertisement_s(self) -> float:
        """The gap to its next advertisement (the simulator asks after each one)."""
        return self._rng.uniform(FASTEST_S, SLOWEST_S)

    def read(self, char_uuid: str) -> bytes:
        raise AttError(f"characteristic {char_uuid} is not readable")

    def write(self, char_uuid: str, value: bytes) -> None:
        raise AttError(f"characteristic {char_uuid} is not writable")

    def link_changed(self, connected: bool) -> None:
        """Nobody connects to it."""

    def shown_kg(self, t: float) -> float:
        """What the scale weighs at ``t`` s after power-on, less its tare, in kg."""
        return self._press.force_at(t) / STANDARD_GRAVITY - self._tare_kg

    def advertisement(self) -> Mapping[int, bytes]:
        if self._boot is None:
            return {}
        kg = self.shown_kg(asyncio.get_running_loop().time() - self._boot)
        stable = abs(kg - self._last_kg) < STABLE_KG
        self._last_kg = kg
        shown = kg if self.unit == "kg" else kg / KG_PER_LB
        return {COMPANY: manufacturer_data(shown, self.unit, stable=stable)}


def simulated_whc06(profile: str, *, seed: int = 0, aim: CoachAim | None = None) -> SimulatedWhC06:
    return SimulatedWhC06(PressModel(load_profile(profile), seed=seed, aim=aim), seed=seed)
