"""The do-it-yourself tool's own firmware behind the simulated BlueZ (``sim ble --device diy``).

Not a model of the firmware: the firmware itself. ``tool.py``, ``blelink.py`` and
their GATT table are imported from ``device/micropython/`` and run unchanged; only
what MicroPython's board gives them is stood in for here: the HX711 (a simulated
person pressing, one conversion per period on the firmware's schedule), the tick
counter (the event loop's clock) and the radio (the simulated BlueZ's
:class:`~hardware_sims.bluez.peripheral.Radio`). So a host reading this device reads
exactly the bytes the board would send for the same press.

Conversion *n* is the press at ``n / rate`` s after power-on, whenever the loop
gets to read it, so the same press gives the same values on any link
(:func:`serial_values` is the USB serial path's, for comparison).
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from firmware_host.ble.uuids import sig_uuid
from firmware_host.protocol.messages import (
    CommandFrame,
    Op,
    SampleFrame,
    decode_payload,
    encode_payload,
)
from firmware_host.source import CoachAim
from hardware_sims.bluez.peripheral import AttError, CharacteristicSpec, Radio, ServiceSpec
from hardware_sims.press import PressModel, load_profile

FIRMWARE_DIR = Path(__file__).resolve().parents[2] / "device" / "micropython"
SERIAL_NUMBER = "SIM-DIY-0042"
"""A simulated tool's serial starts with ``SIM-`` (PROTOCOL §2): it advertises as
``knotmeter-0042``, as the board with serial ``KM-DIY-0042`` would."""


def firmware(name: str) -> ModuleType:
    """A module of the MicroPython firmware (``tool``, ``blelink``, ``config`` …), imported
    from ``device/micropython`` as the board imports it: by its bare name."""
    if str(FIRMWARE_DIR) not in sys.path:
        sys.path.append(str(FIRMWARE_DIR))
    module = importlib.import_module(name)
    if Path(module.__file__ or "").parent != FIRMWARE_DIR:
        raise ImportError(f"{name} is not the firmware's module (found {module.__file__})")
    return module


def bluez_uuid(uuid: str | int) -> str:
    """The firmware names SIG UUIDs by their 16 bits; BlueZ reports the 128-bit form."""
    return sig_uuid(uuid) if isinstance(uuid, int) else uuid


class PressedAdc:
    """The HX711 as ``tool.py`` drives it, converting what a simulated person presses.

    ``clock`` is seconds since power-on. Conversion *n* is ready from ``n / rate``
    and reads the press at that time; nothing is converted while powered down.
    """

    def __init__(
        self, press: PressModel, clock: Any, *, counts_per_n: float, offset_counts: int
    ) -> None:
        self.rate_hz = 80
        self._press = press
        self._clock = clock
        self._counts_per_n = counts_per_n
        self._offset_counts = offset_counts
        self._powered = True
        self._next_t = 0.0

    @property
    def next_due_s(self) -> float:
        return self._next_t

    def ready(self) -> bool:
        return self._powered and self._clock() >= self._next_t

    def read(self) -> int:
        force_n = self._press.force_at(self._next_t)
        self._next_t += 1 / self.rate_hz
        return self._offset_counts + round(force_n * self._counts_per_n)

    def set_rate(self, hz: int) -> bool:
        self.rate_hz = hz
        return True

    def power_down(self) -> None:
        self._powered = False

    def power_up(self) -> None:
        self._powered = True
        self._next_t = max(self._next_t, self._clock())


def firmware_tool(adc: PressedAdc) -> Any:
    """``tool.Tool`` as ``main.py`` builds it from ``config.py``, on the simulated ADC."""
    tool, config = firmware("tool"), firmware("config")
    return tool.Tool(
        adc,
        (config.FIRMWARE, SERIAL_NUMBER, config.ADC_NAME),
        config.COUNTS_PER_N,
        config.OFFSET_COUNTS,
        battery=lambda: 3900,
        low_battery_mv=config.LOW_BATTERY_MV,
        full_scale_n=config.FULL_SCALE_N,
    )


def pressed_adc(press: PressModel, clock: Any) -> PressedAdc:
    config = firmware("config")
    return PressedAdc(
        press, clock, counts_per_n=config.COUNTS_PER_N, offset_counts=config.OFFSET_COUNTS
    )


class _Air:
    """The firmware's radio calls onto the simulated BlueZ's radio (reads are served live)."""

    def __init__(self, radio: Radio) -> None:
        self._radio = radio

    def notify(self, uuid: str | int, value: bytes) -> None:
        self._radio.notify(bluez_uuid(uuid), bytes(value))

    def store(self, uuid: str | int, value: bytes) -> None:
        del uuid, value  # the simulator asks the link at every read


class _Unwired:
    """The radio before power-on: nothing to notify, nothing kept."""

    def notify(self, uuid: str | int, value: bytes) -> None:
        del uuid, value

    def store(self, uuid: str | int, value: bytes) -> None:
        del uuid, value


class SimulatedDiy:
    """The firmware of ``device/micropython`` as a simulated BLE peripheral."""

    def __init__(self, press: PressModel, *, pairable: bool = True) -> None:
        blelink = firmware("blelink")
        self.services: tuple[ServiceSpec, ...] = tuple(
            ServiceSpec(
                bluez_uuid(service),
                tuple(
                    CharacteristicSpec(bluez_uuid(uuid), tuple(flags.split()))
                    for uuid, flags in characteristics
                ),
            )
            for service, characteristics in blelink.GATT
        )
        self.advertised_uuids: tuple[str, ...] = (blelink.KNOTMETER_SERVICE,)
        self.name: str = blelink.advertised_name(SERIAL_NUMBER)
        self.pairable = pairable
        """Whether pairing succeeds (False: the person never confirms it, or keys mismatch)."""
        self.bonded = False
        """Paired with the central: its links are encrypted from then on, reconnects too."""
        self._blelink = blelink
        self._tool_module = firmware("tool")
        self._press = press
        self._boot = 0.0
        self._radio: Radio | None = None
        self.adc = pressed_adc(press, self._uptime_s)
        self.tool = firmware_tool(self.adc)
        self.link = blelink.BleLink(self.tool, _Unwired())

    def _uptime_s(self) -> float:
        return asyncio.get_running_loop().time() - self._boot

    def _pass(self) -> None:
        now_us = round(self._uptime_s() * 1e6) & self._tool_module.US_MASK
        self._tool_module.run_pass(self.tool, [self.link], now_us)

    async def run(self, radio: Radio) -> None:
        """Power-on: a fresh tool, then the main loop, one pass per conversion due."""
        self._boot = asyncio.get_running_loop().time()
        self._radio = radio
        self.adc = pressed_adc(self._press, self._uptime_s)
        self.tool = firmware_tool(self.adc)
        self.link = self._blelink.BleLink(self.tool, _Air(radio))
        period_s = 1 / 80
        while True:
            self._pass()
            wait_s = self.adc.next_due_s - self._uptime_s() if self.tool.streaming else period_s
            await asyncio.sleep(min(max(wait_s, 0.0), period_s))

    def read(self, char_uuid: str) -> bytes:
        for uuid in self._firmware_uuids():
            if bluez_uuid(uuid) == char_uuid:
                try:
                    return bytes(self.link.read(uuid))
                except ValueError as err:
                    raise AttError(str(err)) from None
        raise AttError(f"characteristic {char_uuid} is not readable")

    def write(self, char_uuid: str, value: bytes) -> None:
        if char_uuid != self._blelink.COMMAND:
            raise AttError(f"characteristic {char_uuid} is not writable")
        self.link.written(value)
        self._pass()  # answered now, as the board answers within one pass

    def link_changed(self, connected: bool) -> None:
        if connected and self._radio is not None:
            self.link.connected(self._radio.mtu, self.bonded)
        else:
            self.link.disconnected()

    def accept_pairing(self) -> bool:
        """The central pairs (the simulated BlueZ asks): on the board aioble's stack answers
        and the link hears of the encryption; here the link is told directly."""
        if self.pairable:
            self.bonded = True
            self.link.encryption_changed(True)
        return self.pairable

    def advertisement(self) -> Mapping[int, bytes]:
        return {}

    def _firmware_uuids(self) -> list[str | int]:
        return [uuid for _, chars in self._blelink.GATT for uuid, _ in chars]


def simulated_diy(profile: str, *, seed: int = 0, aim: CoachAim | None = None) -> SimulatedDiy:
    """The DIY firmware pressed by ``profile`` (the registry's factory signature)."""
    return SimulatedDiy(PressModel(load_profile(profile), seed=seed, aim=aim))


class _Wire:
    """USB serial in memory: the host's bytes in, the payloads the firmware framed out."""

    def __init__(self, knotproto: ModuleType, incoming: bytes) -> None:
        self._knotproto = knotproto
        self.incoming = incoming
        self.payloads: list[bytes] = []

    def read(self) -> bytes:
        data, self.incoming = self.incoming, b""
        return data

    def write(self, data: bytes) -> None:
        self.payloads.append(self._knotproto.cobs_decode(bytes(data)[1:-1]))


def serial_values(press: PressModel, count: int) -> list[tuple[int, int]]:
    """``(seq, value)`` of the first ``count`` samples the same firmware sends over USB
    serial for ``press``: its serial link, a host that asks at once (GET_INFO), a clock
    stepped one conversion at a time."""
    tool, knotproto = firmware("tool"), firmware("knotproto")
    now = [0.0]
    adc = pressed_adc(press, lambda: now[0])
    the_tool = firmware_tool(adc)
    get_info = encode_payload(CommandFrame(Op.GET_INFO, 1))
    wire = _Wire(knotproto, knotproto.frame(get_info))
    link = tool.SerialLink(wire)
    values: list[tuple[int, int]] = []
    while len(values) < count:
        tool.run_pass(the_tool, [link], round(now[0] * 1e6) & tool.US_MASK)
        for payload in wire.payloads:
            msg = decode_payload(payload)
            if isinstance(msg, SampleFrame):
                values += [(msg.seq + i, v) for i, v in enumerate(msg.values)]
        wire.payloads = []
        now[0] = adc.next_due_s
    return values[:count]
