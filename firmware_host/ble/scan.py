"""Finding tools on the air: which advertisements are ours, and what a ``ble:`` moniker means.

Our tool advertises its 128-bit service; a Progressor is known by its service or
its name prefix. Simulated devices add manufacturer data under the SIG's test
company id, so the app can label them SIMULATED.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bleak import BleakScanner
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, AdvertisementDataCallback

from firmware_host.ble.errors import explain
from firmware_host.ble.uuids import (
    KNOTMETER_SERVICE,
    PROGRESSOR_NAME_PREFIX,
    PROGRESSOR_SERVICE,
    SIMULATED_COMPANY_ID,
    SIMULATED_MARKER,
)

_ADDRESS = re.compile(r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")


class ToolKind(StrEnum):
    KNOTMETER = "knotmeter"
    PROGRESSOR = "progressor"


@dataclass(slots=True, frozen=True)
class BleTarget:
    """What ``ble:…`` asks for: an address, an exact name, or the first tool of a kind."""

    address: str | None = None
    name: str | None = None
    kind: ToolKind | None = None

    def __str__(self) -> str:
        return self.address or self.name or f"any {self.kind or 'knotmeter'} tool"


def parse_target(spec: str) -> BleTarget:
    """``AA:BB:CC:DD:EE:FF`` → address; ``progressor`` → any Progressor; empty → any
    knotmeter tool; anything else → an exact advertised name."""
    spec = spec.strip()
    if not spec:
        return BleTarget(kind=ToolKind.KNOTMETER)
    if _ADDRESS.match(spec):
        return BleTarget(address=spec.upper())
    if spec.lower() == ToolKind.PROGRESSOR:
        return BleTarget(kind=ToolKind.PROGRESSOR)
    return BleTarget(name=spec)


def classify(name: str | None, service_uuids: Sequence[str]) -> ToolKind | None:
    """Which driver speaks to this advertiser, if any."""
    uuids = {u.lower() for u in service_uuids}
    if KNOTMETER_SERVICE in uuids:
        return ToolKind.KNOTMETER
    if PROGRESSOR_SERVICE in uuids or (name or "").startswith(PROGRESSOR_NAME_PREFIX):
        return ToolKind.PROGRESSOR
    return None


def is_simulated(manufacturer_data: Mapping[int, bytes]) -> bool:
    return manufacturer_data.get(SIMULATED_COMPANY_ID) == SIMULATED_MARKER


@dataclass(slots=True, frozen=True)
class FoundTool:
    """One tool heard on the air; ``device`` lets bleak connect without scanning again."""

    address: str
    name: str
    kind: ToolKind
    rssi: int
    simulated: bool
    device: BLEDevice = field(compare=False, repr=False)

    def matches(self, target: BleTarget) -> bool:
        if target.address is not None:
            return self.address.upper() == target.address
        if target.name is not None:
            return self.name == target.name
        return target.kind is None or self.kind is target.kind


def _found(device: BLEDevice, adv: AdvertisementData) -> FoundTool | None:
    name = adv.local_name or device.name or ""
    kind = classify(name, adv.service_uuids)
    if kind is None:
        return None
    return FoundTool(
        address=device.address,
        name=name,
        kind=kind,
        rssi=adv.rssi,
        simulated=is_simulated(adv.manufacturer_data),
        device=device,
    )


@contextlib.asynccontextmanager
async def _scanning(on_advertisement: AdvertisementDataCallback) -> AsyncIterator[None]:
    """A running scan; a machine that cannot scan raises :class:`BluetoothUnavailable`."""
    scanner = BleakScanner(detection_callback=on_advertisement)
    try:
        await scanner.start()
    except Exception as err:
        unavailable = explain(err)
        if unavailable is None:
            raise
        raise unavailable from None
    try:
        yield
    finally:
        await scanner.stop()


async def scan_tools(timeout_s: float) -> list[FoundTool]:
    """Every knotmeter or Progressor heard within ``timeout_s``, strongest signal first.

    Raises:
        BluetoothUnavailable: no scan can start on this machine.
    """
    heard: dict[str, FoundTool] = {}

    def on_advertisement(device: BLEDevice, adv: AdvertisementData) -> None:
        tool = _found(device, adv)
        if tool is not None:
            heard[tool.address] = tool

    async with _scanning(on_advertisement):
        await asyncio.sleep(timeout_s)  # a listening window, not a race: collect what is heard
    return sorted(heard.values(), key=lambda tool: -tool.rssi)


async def find_tool(target: BleTarget, timeout_s: float) -> FoundTool | None:
    """The first advertiser matching ``target``, as soon as it is heard; ``None`` on timeout.

    Raises:
        BluetoothUnavailable: no scan can start on this machine.
    """
    found: asyncio.Future[FoundTool] = asyncio.get_running_loop().create_future()

    def on_advertisement(device: BLEDevice, adv: AdvertisementData) -> None:
        tool = _found(device, adv)
        if tool is not None and tool.matches(target) and not found.done():
            found.set_result(tool)

    async with _scanning(on_advertisement):
        try:
            return await asyncio.wait_for(found, timeout_s)
        except TimeoutError:
            return None
