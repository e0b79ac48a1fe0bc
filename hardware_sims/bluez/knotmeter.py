"""Our tool over BLE: the same :class:`SimulatedTool` as on serial, behind the GATT table
of ``device/PROTOCOL.md`` (BLE section).

Every device→host payload goes out as one notification on the data characteristic
(no COBS, no delimiter: a notification already has boundaries); commands arrive as
writes on the command characteristic and their replies come back as notifications;
the info payload is readable. The standard Force (0x2C07), Battery and Device
Information characteristics serve generic BLE apps. The tool keeps measuring while
nobody listens, so samples made during a link drop show up as a sequence gap.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping

from firmware_host.ble.uuids import (
    BATTERY_LEVEL,
    BATTERY_SERVICE,
    DEVICE_INFORMATION,
    FIRMWARE_REVISION,
    FORCE,
    KNOTMETER_COMMAND,
    KNOTMETER_DATA,
    KNOTMETER_INFO,
    KNOTMETER_SERVICE,
    MANUFACTURER_NAME,
    MODEL_NUMBER,
    SERIAL_NUMBER,
    encode_force,
)
from firmware_host.protocol.messages import (
    CommandFrame,
    Message,
    ProtocolError,
    SampleFrame,
    StatusFrame,
    decode_payload,
    encode_payload,
)
from hardware_sims.bluez.peripheral import AttError, CharacteristicSpec, Radio, ServiceSpec
from hardware_sims.tool import SimulatedTool

SAMPLE_PAYLOAD_OVERHEAD = 16
"""Bytes of a sample payload besides its 3-byte values (version, type, header, CRC)."""


def samples_that_fit(mtu: int) -> int:
    """How many samples one notification carries at ATT MTU ``mtu`` (3 bytes of ATT header)."""
    return max(1, (mtu - 3 - SAMPLE_PAYLOAD_OVERHEAD) // 3)


def battery_percent(millivolts: int, *, empty_mv: int = 3300, full_mv: int = 4150) -> int:
    """A linear Li-ion estimate for the Battery Level characteristic (0-100 %)."""
    fraction = (millivolts - empty_mv) / (full_mv - empty_mv)
    return max(0, min(100, round(fraction * 100)))


class SimulatedKnotmeter:
    """Firmware of our simulated tool on BLE.

    ``make_tool`` builds the tool at every power-on (a reboot resets sequence
    numbers and the µs clock). ``time_scale`` runs the tool's clock faster than
    the wall clock, which is how the benchmark pushes the link beyond 80 Hz.
    """

    services: tuple[ServiceSpec, ...] = (
        ServiceSpec(
            KNOTMETER_SERVICE,
            (
                CharacteristicSpec(KNOTMETER_DATA, ("notify",)),
                CharacteristicSpec(KNOTMETER_COMMAND, ("write",)),
                CharacteristicSpec(KNOTMETER_INFO, ("read",)),
                CharacteristicSpec(FORCE, ("read", "notify")),
            ),
        ),
        ServiceSpec(BATTERY_SERVICE, (CharacteristicSpec(BATTERY_LEVEL, ("read", "notify")),)),
        ServiceSpec(
            DEVICE_INFORMATION,
            tuple(
                CharacteristicSpec(uuid, ("read",))
                for uuid in (MANUFACTURER_NAME, MODEL_NUMBER, SERIAL_NUMBER, FIRMWARE_REVISION)
            ),
        ),
    )
    advertised_uuids: tuple[str, ...] = (KNOTMETER_SERVICE,)

    def __init__(
        self,
        make_tool: Callable[[], SimulatedTool],
        *,
        name: str = "knotmeter-SIM-0001",
        time_scale: float = 1.0,
    ) -> None:
        if time_scale <= 0:
            raise ValueError(f"time_scale must be > 0, got {time_scale}")
        self.name = name
        self.tool = make_tool()
        self._make_tool = make_tool
        self._time_scale = time_scale
        self._frame_samples = self.tool.samples_per_frame
        self._boot = 0.0
        self._radio: Radio | None = None
        self._force_n: float | None = None
        self._battery_mv = 0
        self._booted = False

    def uptime(self) -> float:
        """The tool's clock in seconds since power-on."""
        return (asyncio.get_running_loop().time() - self._boot) * self._time_scale

    async def run(self, radio: Radio) -> None:
        if self._booted:
            self.tool = self._make_tool()
        self._booted = True
        self._frame_samples = self.tool.samples_per_frame
        self._radio = radio
        self._boot = asyncio.get_running_loop().time()
        while True:
            for msg in self.tool.poll(self.uptime()):
                self._send(radio, msg)
            wake_s = self.tool.samples_per_frame / self.tool.rate_hz / self._time_scale
            await asyncio.sleep(wake_s)

    def _send(self, radio: Radio, msg: Message) -> None:
        if isinstance(msg, SampleFrame):
            self._force_n = msg.values[-1] * msg.resolution_n
            radio.notify(FORCE, encode_force(self._force_n))
            radio.notify(KNOTMETER_DATA, encode_payload(msg))
            return
        if isinstance(msg, StatusFrame):
            self._battery_mv = msg.battery_mv
            radio.notify(BATTERY_LEVEL, bytes([battery_percent(msg.battery_mv)]))
        radio.notify(KNOTMETER_DATA, encode_payload(msg))

    def read(self, char_uuid: str) -> bytes:
        identity = self.tool.identity
        texts = {
            MANUFACTURER_NAME: "knotmeter project",
            MODEL_NUMBER: "knotmeter",
            SERIAL_NUMBER: identity.serial_number,
            FIRMWARE_REVISION: identity.firmware,
        }
        if char_uuid in texts:
            return texts[char_uuid].encode()
        if char_uuid == KNOTMETER_INFO:
            return encode_payload(self.tool.info())
        if char_uuid == FORCE:
            return encode_force(self._force_n)
        if char_uuid == BATTERY_LEVEL:
            return bytes([battery_percent(self._battery_mv)])
        raise AttError(f"characteristic {char_uuid} is not readable")

    def write(self, char_uuid: str, value: bytes) -> None:
        if char_uuid != KNOTMETER_COMMAND:
            raise AttError(f"characteristic {char_uuid} is not writable")
        try:
            cmd = decode_payload(value)
        except ProtocolError as err:
            raise AttError(f"bad command payload: {err}") from None
        if not isinstance(cmd, CommandFrame):
            raise AttError(f"expected a command, got {type(cmd).__name__}")
        radio = self._radio
        for reply in self.tool.handle(cmd, self.uptime()):
            if radio is not None:
                self._send(radio, reply)

    def link_changed(self, connected: bool) -> None:
        """Size sample frames to the link: as many as fit, up to what the tool was built with."""
        if connected and self._radio is not None:
            self.tool.samples_per_frame = min(
                self._frame_samples, samples_that_fit(self._radio.mtu)
            )

    def advertisement(self) -> Mapping[int, bytes]:
        return {}
