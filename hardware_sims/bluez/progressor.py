"""A simulated Tindeq Progressor: the public protocol (REFERENCE §3) over simulated BlueZ.

Driven by the same press profiles as our own simulated tool. Like the real one it
streams only after the start command, tares only while streaming, answers version
and battery requests with code-0 notifications, and packs as many 8-byte samples
into a notification as the MTU allows (at most 15). It stops streaming when the
link drops, so the host must start it again after reconnecting.
"""

from __future__ import annotations

import asyncio

from firmware_host.ble.progressor import (
    MAX_SAMPLES_PER_NOTIFICATION,
    Opcode,
    ResponseCode,
    encode_millivolts,
    encode_notification,
    encode_weight,
)
from firmware_host.ble.uuids import PROGRESSOR_CONTROL, PROGRESSOR_DATA, PROGRESSOR_SERVICE
from hardware_sims.bluez.peripheral import AttError, CharacteristicSpec, Radio, ServiceSpec
from hardware_sims.press import PressModel

STANDARD_GRAVITY = 9.80665
_HEADER_BYTES = 2
_SAMPLE_BYTES = 8


class SimulatedProgressor:
    """Firmware of a simulated Progressor (``warn_low_power`` is its one device fault)."""

    services: tuple[ServiceSpec, ...] = (
        ServiceSpec(
            PROGRESSOR_SERVICE,
            (
                CharacteristicSpec(PROGRESSOR_DATA, ("notify",)),
                CharacteristicSpec(PROGRESSOR_CONTROL, ("write", "write-without-response")),
            ),
        ),
    )
    advertised_uuids: tuple[str, ...] = (PROGRESSOR_SERVICE,)

    def __init__(
        self,
        press: PressModel,
        *,
        name: str = "Progressor_1A2B",
        rate_hz: float = 80.0,
        zero_offset_kg: float = 0.35,
        version: str = "1.2.3",
        battery_mv: int = 3950,
    ) -> None:
        self.name = name
        self.battery_mv = battery_mv
        self._press = press
        self._period_s = 1.0 / rate_hz
        self._zero_offset_kg = zero_offset_kg
        self._tare_kg = 0.0
        self._version = version
        self._radio: Radio | None = None
        self._boot = 0.0
        self._streaming = False
        self._stream_changed = asyncio.Event()

    async def run(self, radio: Radio) -> None:
        loop = asyncio.get_running_loop()
        self._radio = radio
        self._boot = loop.time()
        self._streaming = False
        self._tare_kg = 0.0
        while True:
            if not self._streaming:
                self._stream_changed.clear()
                await self._stream_changed.wait()
                continue
            await self._stream(radio, loop)

    async def _stream(self, radio: Radio, loop: asyncio.AbstractEventLoop) -> None:
        """Send weight notifications until streaming stops; sample n is due at n x period."""
        n = 0
        start = loop.time()
        pending: list[tuple[float, int]] = []
        while self._streaming:
            due = start + n * self._period_s
            if due > loop.time():
                await asyncio.sleep(due - loop.time())
                continue
            t = due - self._boot
            pending.append((self._reading_kg(t) - self._tare_kg, round(t * 1e6)))
            n += 1
            if len(pending) >= self._samples_per_notification(radio):
                radio.notify(PROGRESSOR_DATA, encode_weight(pending))
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
        raise AttError(f"characteristic {char_uuid} is not readable")

    def write(self, char_uuid: str, value: bytes) -> None:
        if char_uuid != PROGRESSOR_CONTROL or not value:
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
        radio.notify(PROGRESSOR_DATA, encode_notification(ResponseCode.COMMAND_RESPONSE, payload))

    def warn_low_power(self) -> None:
        """Fault: the battery is nearly flat (code-4 notification)."""
        if self._radio is not None:
            self._radio.notify(PROGRESSOR_DATA, encode_notification(ResponseCode.LOW_POWER, b""))

    def link_changed(self, connected: bool) -> None:
        if not connected:
            self._set_streaming(False)
