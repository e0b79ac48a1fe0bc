"""A simulated Tindeq Progressor: the public protocol (REFERENCE §3) over simulated BlueZ.

Driven by the same press profiles as our own simulated tool. Like the real one it
streams only after the start command, tares only while streaming, answers version
and battery requests with code-0 notifications, and packs as many 8-byte samples
into a notification as the MTU allows (at most 15). It stops streaming when the
link drops, so the host must start it again after reconnecting; its µs clock runs
from power-on, through drops.

Its cadence is a real unit's (REFERENCE §6): a sample every 11.4 ms (~87.7 Hz) and
about 1 in 16 never sent, so most intervals are 11.4 ms, ~6 % are 22.8 ms and now
and then one is 34.2 ms.
"""

from __future__ import annotations

import asyncio
import random
import struct
from collections.abc import Mapping
from dataclasses import dataclass

from hardware_sims.bluez.peripheral import AttError, CharacteristicSpec, Radio, ServiceSpec
from hardware_sims.press import PressModel
from knotmeter.core.units import STANDARD_GRAVITY

# Its own reading of REFERENCE §3, not the host driver's codec: one-byte commands, and
# notifications of [u8 code][u8 length][payload], little-endian.
SERVICE = "7e4e1701-1ea6-40c9-9dcc-13d34ffead57"
DATA = "7e4e1702-1ea6-40c9-9dcc-13d34ffead57"
CONTROL = "7e4e1703-1ea6-40c9-9dcc-13d34ffead57"
TARE, START_WEIGHT, STOP_WEIGHT, GET_APP_VERSION, GET_BATTERY_VOLTAGE = (
    0x64,
    0x65,
    0x66,
    0x6B,
    0x6F,
)
CODE_RESPONSE, CODE_WEIGHT, CODE_LOW_POWER = 0, 1, 4
MOST_SAMPLES = 15
"""Samples it packs into one notification once the ATT MTU allows it."""
_WEIGHT_SAMPLE = struct.Struct("<fI")  # float32 kg, uint32 µs since power-on
_HEADER_BYTES = 2


def notification(code: int, payload: bytes) -> bytes:
    return bytes([code, len(payload)]) + payload


@dataclass(slots=True, frozen=True)
class ProgressorModel:
    """A Progressor's name and cadence.

    ``skip_odds``: the chance that a sample due is never sent (the gaps in real streams).
    """

    name: str
    period_s: float
    skip_odds: float

    @property
    def services(self) -> tuple[ServiceSpec, ...]:
        return (
            ServiceSpec(
                SERVICE,
                (
                    CharacteristicSpec(DATA, ("notify",)),
                    CharacteristicSpec(CONTROL, ("write", "write-without-response")),
                ),
            ),
        )


TINDEQ = ProgressorModel(name="Progressor_1A2B", period_s=0.0114, skip_odds=1 / 16)


class SimulatedProgressor:
    """Firmware of a simulated Progressor (``warn_low_power`` is its one device fault)."""

    def __init__(
        self,
        press: PressModel,
        *,
        model: ProgressorModel = TINDEQ,
        zero_offset_kg: float = 0.35,
        version: str = "1.2.3",
        battery_mv: int = 3950,
        seed: int = 0,
    ) -> None:
        self.name = model.name
        self.services = model.services
        self.advertised_uuids: tuple[str, ...] = (SERVICE,)
        self.battery_mv = battery_mv
        self._model = model
        self._press = press
        self._period_s = model.period_s
        self._zero_offset_kg = zero_offset_kg
        self._tare_kg = 0.0
        self._version = version
        self._seed = seed
        self._rng = random.Random(seed)
        self._radio: Radio | None = None
        self._boot = 0.0
        self._streaming = False
        self._stream_changed = asyncio.Event()

    async def run(self, radio: Radio) -> None:
        loop = asyncio.get_running_loop()
        self._radio = radio
        self._boot = loop.time()
        self._rng = random.Random(self._seed)
        self._streaming = False
        self._tare_kg = 0.0
        while True:
            if not self._streaming:
                self._stream_changed.clear()
                await self._stream_changed.wait()
                continue
            await self._stream(radio, loop)

    async def _stream(self, radio: Radio, loop: asyncio.AbstractEventLoop) -> None:
        """Send weight notifications until streaming stops; sample n is due at n x period,
        on the clock that runs from power-on."""
        n = int((loop.time() - self._boot) / self._period_s) + 1
        pending: list[tuple[float, int]] = []
        while self._streaming:
            due = self._boot + n * self._period_s
            if due > loop.time():
                await asyncio.sleep(due - loop.time())
                continue
            n += 1
            if self._rng.random() < self._model.skip_odds:
                continue
            t = due - self._boot
            pending.append((self._reading_kg(t) - self._tare_kg, round(t * 1e6)))
            if len(pending) >= self._samples_per_notification(radio):
                body = b"".join(_WEIGHT_SAMPLE.pack(kg, us % 2**32) for kg, us in pending)
                radio.notify(DATA, notification(CODE_WEIGHT, body))
                pending.clear()

    def _samples_per_notification(self, radio: Radio) -> int:
        room = (radio.mtu - 3 - _HEADER_BYTES) // _WEIGHT_SAMPLE.size
        return max(1, min(MOST_SAMPLES, room))

    def _reading_kg(self, t: float) -> float:
        return self._press.force_at(t) / STANDARD_GRAVITY + self._zero_offset_kg

    def _set_streaming(self, streaming: bool) -> None:
        self._streaming = streaming
        self._stream_changed.set()

    def read(self, char_uuid: str) -> bytes:
        raise AttError(f"characteristic {char_uuid} is not readable")

    def write(self, char_uuid: str, value: bytes) -> None:
        if char_uuid != CONTROL or not value:
            raise AttError("write to an unknown characteristic or an empty command")
        radio = self._radio
        match value[0]:  # the real device ignores opcodes it does not know
            case op if op == START_WEIGHT:
                self._set_streaming(True)
            case op if op == STOP_WEIGHT:
                self._set_streaming(False)
            case op if op == TARE and self._streaming:
                loop = asyncio.get_running_loop()
                self._tare_kg = self._reading_kg(loop.time() - self._boot)
            case op if op == GET_APP_VERSION and radio is not None:
                radio.notify(DATA, notification(CODE_RESPONSE, self._version.encode()))
            case op if op == GET_BATTERY_VOLTAGE and radio is not None:
                millivolts = self.battery_mv.to_bytes(4, "little")
                radio.notify(DATA, notification(CODE_RESPONSE, millivolts))

    def warn_low_power(self) -> None:
        """Fault: the battery is nearly flat (code-4 notification)."""
        if self._radio is not None:
            self._radio.notify(DATA, notification(CODE_LOW_POWER, b""))

    def link_changed(self, connected: bool) -> None:
        if not connected:
            self._set_streaming(False)

    def advertisement(self) -> Mapping[int, bytes]:
        return {}
