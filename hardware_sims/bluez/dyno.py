"""A simulated Frez Dyno on protocol v1, written from the published layout alone.

Its own reading of REFERENCE §3 (corrected 2026-12-08), not the host driver's codec,
so a mistake in one shows against the other: commands are an opcode and a reserved
zero byte (``01 00`` start, ``02 00`` stop, ``FF 00`` power off) written with a
response; each notification is 74 bytes, ``01 00`` then nine (int32 little-endian
raw count, uint32 little-endian elapsed ms) pairs; 250 samples a second. Serial
number (0x2A25), software revision (0x2A28) and battery level (0x2A19) are readable.

The load cell: ``raw = zero + force_kg x counts_per_kg`` plus a little ADC noise, so
the device's true coefficient is ``g / counts_per_kg`` newtons per count, which only
a local calibration can find. The simulated person starts pressing when the stream
is first started (the person begins with the app), and the stream stops on stop,
power off or a dropped link.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping

from firmware_host.source import CoachAim
from hardware_sims.bluez.pacing import paced
from hardware_sims.bluez.peripheral import AttError, CharacteristicSpec, Radio, ServiceSpec
from hardware_sims.press import PressModel, load_profile
from knotmeter.core.units import STANDARD_GRAVITY

SERVICE = "da8a6c41-154b-4b9a-9b00-2f84dfcebfe9"
NOTIFY = "da8a6c42-154b-4b9a-9b00-2f84dfcebfe9"
COMMAND = "da8a6c43-154b-4b9a-9b00-2f84dfcebfe9"
DEVICE_INFORMATION = "0000180a-0000-1000-8000-00805f9b34fb"
SERIAL_NUMBER_STRING = "00002a25-0000-1000-8000-00805f9b34fb"
SOFTWARE_REVISION_STRING = "00002a28-0000-1000-8000-00805f9b34fb"
BATTERY = "0000180f-0000-1000-8000-00805f9b34fb"
BATTERY_LEVEL = "00002a19-0000-1000-8000-00805f9b34fb"

SAMPLE_PERIOD_S = 0.004  # 250 Hz
PAIRS_PER_NOTIFICATION = 9
START, STOP, POWER_OFF = b"\x01\x00", b"\x02\x00", b"\xff\x00"

ZERO_COUNTS = 84_213
COUNTS_PER_KG = 2_000.0
NOISE_COUNTS = 1.5
TRUE_N_PER_COUNT = STANDARD_GRAVITY / COUNTS_PER_KG
"""What ``knotmeter calibrate`` should find for the simulated Dyno."""
SERIAL = "FD1-000042"


def notification(pairs: list[tuple[int, int]]) -> bytes:
    """``01 00`` then each (raw count, elapsed ms) as int32 and uint32, little-endian."""
    if len(pairs) != PAIRS_PER_NOTIFICATION:
        raise ValueError(f"a v1 notification holds 9 pairs, not {len(pairs)}")
    body = b"".join(
        raw.to_bytes(4, "little", signed=True) + (ms % 2**32).to_bytes(4, "little")
        for raw, ms in pairs
    )
    return b"\x01\x00" + body


class SimulatedDyno:
    name = "FrezDyno-0042"
    advertised_uuids: tuple[str, ...] = (SERVICE,)
    services: tuple[ServiceSpec, ...] = (
        ServiceSpec(
            SERVICE,
            (CharacteristicSpec(NOTIFY, ("notify",)), CharacteristicSpec(COMMAND, ("write",))),
        ),
        ServiceSpec(
            DEVICE_INFORMATION,
            (
                CharacteristicSpec(SERIAL_NUMBER_STRING, ("read",)),
                CharacteristicSpec(SOFTWARE_REVISION_STRING, ("read",)),
            ),
        ),
        ServiceSpec(BATTERY, (CharacteristicSpec(BATTERY_LEVEL, ("read",)),)),
    )

    def __init__(self, press: PressModel, *, seed: int = 0, serial: str = SERIAL) -> None:
        self._press = press
        self._seed = seed
        self._serial = serial
        self._rng = random.Random(seed)
        self._streaming = asyncio.Event()
        self._press_origin: float | None = None  # device time the person began

    async def run(self, radio: Radio) -> None:
        boot = asyncio.get_running_loop().time()
        self._rng = random.Random(self._seed)
        self._streaming.clear()
        self._press_origin = None
        packet_s = SAMPLE_PERIOD_S * PAIRS_PER_NOTIFICATION
        while True:
            await self._streaming.wait()
            async for due in paced(packet_s, boot):
                if not self._streaming.is_set():
                    break
                if self._press_origin is None:
                    self._press_origin = due - packet_s
                pairs = [
                    self._pair(due - SAMPLE_PERIOD_S * (PAIRS_PER_NOTIFICATION - 1 - k))
                    for k in range(PAIRS_PER_NOTIFICATION)
                ]
                radio.notify(NOTIFY, notification(pairs))

    def _pair(self, t: float) -> tuple[int, int]:
        """The raw count and the elapsed ms of the sample taken ``t`` s after power-on."""
        origin = self._press_origin or 0.0
        kg = self._press.force_at(t - origin) / STANDARD_GRAVITY
        raw = round(ZERO_COUNTS + kg * COUNTS_PER_KG + self._rng.gauss(0.0, NOISE_COUNTS))
        return raw, round(t * 1000)

    def read(self, char_uuid: str) -> bytes:
        if char_uuid == SERIAL_NUMBER_STRING:
            return self._serial.encode()
        if char_uuid == SOFTWARE_REVISION_STRING:
            return b"1.0.4"
        if char_uuid == BATTERY_LEVEL:
            return bytes([87])
        raise AttError(f"characteristic {char_uuid} is not readable")

    def write(self, char_uuid: str, value: bytes) -> None:
        if char_uuid != COMMAND:
            raise AttError(f"characteristic {char_uuid} is not writable")
        if value == START:
            self._streaming.set()
        elif value in (STOP, POWER_OFF):
            self._streaming.clear()
        else:
            raise AttError(f"not a v1 command: {value.hex(' ')}")

    def link_changed(self, connected: bool) -> None:
        if not connected:
            self._streaming.clear()

    def advertisement(self) -> Mapping[int, bytes]:
        return {}


def simulated_dyno(profile: str, *, seed: int = 0, aim: CoachAim | None = None) -> SimulatedDyno:
    return SimulatedDyno(PressModel(load_profile(profile), seed=seed, aim=aim), seed=seed)
