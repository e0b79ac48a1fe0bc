"""A simulated PitchSix Force Board: streams packed pounds after the stream mode is set.

Packs its own notifications from REFERENCE §3, not through the host's codec: a
big-endian 16-bit sample count, then each sample as 3 big-endian bytes of whole
pounds. 80 samples per second, 4 per notification (assumed, as in
:mod:`firmware_host.ble.forceboard`); tares on the tare characteristic or the tare
mode; stops streaming when the link drops. Like the boards independent clients
talk to, it offers no firmware revision (0x2A26).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from firmware_host.ble.forceboard import (
    DEVICE_MODE,
    FORCEBOARD_DATA,
    FORCEBOARD_SERVICE,
    FORCEBOARD_TARE,
    MODE_IDLE,
    MODE_STREAM,
    MODE_TARE,
    NEWTONS_PER_LB,
    RATE_HZ,
    TARE_VALUE,
    WEIGHT_SERVICE,
)
from firmware_host.source import CoachAim
from hardware_sims.bluez.pacing import paced
from hardware_sims.bluez.peripheral import AttError, CharacteristicSpec, Radio, ServiceSpec
from hardware_sims.press import PressModel, load_profile

SAMPLES_PER_NOTIFICATION = 4


def packed(pounds: list[float]) -> bytes:
    """Count (u16, big-endian), then each reading as whole pounds in 3 big-endian bytes."""
    whole = [min(max(round(lb), 0), 2**24 - 1) for lb in pounds]
    return len(whole).to_bytes(2, "big") + b"".join(lb.to_bytes(3, "big") for lb in whole)


class SimulatedForceBoard:
    name = "Force Board"
    advertised_uuids: tuple[str, ...] = (FORCEBOARD_SERVICE,)
    services: tuple[ServiceSpec, ...] = (
        ServiceSpec(
            FORCEBOARD_SERVICE,
            (
                CharacteristicSpec(FORCEBOARD_DATA, ("notify",)),
                CharacteristicSpec(FORCEBOARD_TARE, ("write",)),
            ),
        ),
        ServiceSpec(WEIGHT_SERVICE, (CharacteristicSpec(DEVICE_MODE, ("write",)),)),
    )

    def __init__(self, press: PressModel) -> None:
        self._press = press
        self._streaming = False
        self._tare_lb = 0.0
        self._boot = 0.0

    async def run(self, radio: Radio) -> None:
        self._boot = asyncio.get_running_loop().time()
        self._streaming = False
        self._tare_lb = 0.0
        pending: list[float] = []
        async for t in paced(1.0 / RATE_HZ, self._boot):
            if not self._streaming:
                pending.clear()
                continue
            pending.append(self._pounds(t) - self._tare_lb)
            if len(pending) == SAMPLES_PER_NOTIFICATION:
                radio.notify(FORCEBOARD_DATA, packed(pending))
                pending.clear()

    def _pounds(self, t: float) -> float:
        return self._press.force_at(t) / NEWTONS_PER_LB

    def _tare(self) -> None:
        self._tare_lb = self._pounds(asyncio.get_running_loop().time() - self._boot)

    def read(self, char_uuid: str) -> bytes:
        raise AttError(f"characteristic {char_uuid} is not readable")

    def write(self, char_uuid: str, value: bytes) -> None:
        if char_uuid == FORCEBOARD_TARE and value == bytes([TARE_VALUE]):
            self._tare()
        elif char_uuid == DEVICE_MODE and len(value) == 1:
            match value[0]:
                case m if m == MODE_STREAM:
                    self._streaming = True
                case m if m == MODE_IDLE:
                    self._streaming = False
                case m if m == MODE_TARE:
                    self._tare()
        else:
            raise AttError(f"unexpected write {value.hex()} to {char_uuid}")

    def link_changed(self, connected: bool) -> None:
        if not connected:
            self._streaming = False

    def advertisement(self) -> Mapping[int, bytes]:
        return {}


def simulated_forceboard(
    profile: str, *, seed: int = 0, aim: CoachAim | None = None
) -> SimulatedForceBoard:
    return SimulatedForceBoard(PressModel(load_profile(profile), seed=seed, aim=aim))
