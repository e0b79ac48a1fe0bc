"""A simulated Tindeq Progressor: the public protocol (REFERENCE §3) over simulated BlueZ.

Driven by the same press profiles as our own simulated tool. Like the real one it
streams only after the start command, tares only while streaming, answers version
and battery requests with code-0 notifications, and packs as many 8-byte samples
into a notification as the MTU allows (at most 15). It stops streaming when the
link drops, so the host must start it again after reconnecting; its µs clock runs
from power-on, through drops.

Its cadence is a real unit's (REFERENCE §6): a sample every 11.4 ms (~87.7 Hz) and
about 1 in 16 never sent, so most intervals are 11.4 ms, ~6 % are 22.8 ms and now
and then one is 34.2 ms. The same firmware, on other UUIDs, is the simulated Frez
Dyno (:class:`ProgressorModel`).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from dataclasses import dataclass

from firmware_host.ble.progressor import (
    MAX_SAMPLES_PER_NOTIFICATION,
    Opcode,
    ResponseCode,
    encode_millivolts,
    encode_notification,
    encode_weight,
)
from firmware_host.ble.progressor_driver import PROGRESSOR, ProgressorDialect
from firmware_host.ble.uuids import DEVICE_INFORMATION, PROGRESSOR_SERVICE
from hardware_sims.bluez.peripheral import AttError, CharacteristicSpec, Radio, ServiceSpec
from hardware_sims.press import PressModel
from knotmeter.core.units import STANDARD_GRAVITY

_HEADER_BYTES = 2
_SAMPLE_BYTES = 8


@dataclass(slots=True, frozen=True)
class ProgressorModel:
    """One Progressor-framed device: its name, GATT home and cadence.

    ``skip_odds``: the chance that a sample due is never sent (the gaps in real streams).
    """

    name: str
    service_uuid: str
    dialect: ProgressorDialect
    period_s: float
    skip_odds: float

    @property
    def services(self) -> tuple[ServiceSpec, ...]:
        main = ServiceSpec(
            self.service_uuid,
            (
                CharacteristicSpec(self.dialect.data_uuid, ("notify",)),
                CharacteristicSpec(self.dialect.control_uuid, ("write", "write-without-response")),
            ),
        )
        version = self.dialect.version_uuid
        if version is None:
            return (main,)
        return (main, ServiceSpec(DEVICE_INFORMATION, (CharacteristicSpec(version, ("read",)),)))


TINDEQ = ProgressorModel(
    name="Progressor_1A2B",
    service_uuid=PROGRESSOR_SERVICE,
    dialect=PROGRESSOR,
    period_s=0.0114,
    skip_odds=1 / 16,
)


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
        self.advertised_uuids: tuple[str, ...] = (model.service_uuid,)
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
                radio.notify(self._model.dialect.data_uuid, encode_weight(pending))
                pending.clear()

    def _samples_per_notification(self, radio: Radio) -> int:
        room = (radio.mtu - 3 - _HEADER_BYTES) // _SAMPLE_BYTES
        return max(1, min(MAX_SAMPLES_PER_NOTIFICATION, room))

    def _reading_kg(self, t: float) -> float:
        return self._press.force_at(t) / STANDARD_GRAVITY + self._zero_offset_kg

    def _set_streaming(self, streaming: bool) -> None:
        self._streaming = streaming
        self._stream_changed.set()

    def read(self, char_uuid: str) -> bytes:
        if char_uuid == self._model.dialect.version_uuid:
            return self._version.encode()
        raise AttError(f"characteristic {char_uuid} is not readable")

    def write(self, char_uuid: str, value: bytes) -> None:
        if char_uuid != self._model.dialect.control_uuid or not value:
            raise AttError("write to an unknown characteristic or an empty command")
        try:
            opcode = Opcode(value[0])
        except ValueError:
            return  # the real device ignores opcodes it does not know
        radio = self._radio
        match opcode:
            case Opcode.START_WEIGHT:
                self._set_streaming(True)
            case Opcode.STOP_WEIGHT:
                self._set_streaming(False)
            case Opcode.TARE if self._streaming:
                loop = asyncio.get_running_loop()
                self._tare_kg = self._reading_kg(loop.time() - self._boot)
            case Opcode.GET_APP_VERSION if radio is not None:
                self._respond(radio, self._version.encode())
            case Opcode.GET_BATTERY_VOLTAGE if radio is not None:
                self._respond(radio, encode_millivolts(self.battery_mv))

    def _respond(self, radio: Radio, payload: bytes) -> None:
        radio.notify(
            self._model.dialect.data_uuid,
            encode_notification(ResponseCode.COMMAND_RESPONSE, payload),
        )

    def warn_low_power(self) -> None:
        """Fault: the battery is nearly flat (code-4 notification)."""
        if self._radio is not None:
            self._radio.notify(
                self._model.dialect.data_uuid, encode_notification(ResponseCode.LOW_POWER, b"")
            )

    def link_changed(self, connected: bool) -> None:
        if not connected:
            self._set_streaming(False)

    def advertisement(self) -> Mapping[int, bytes]:
        return {}
