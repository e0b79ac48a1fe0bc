"""Finding tools on the air: which advertisements are sensors we speak to, and what a
``ble:`` moniker means.

Each kind is recognised as :mod:`firmware_host.ble.kinds` says (service, name
prefix, manufacturer data). Simulated devices add manufacturer data under the
SIG's test company id, so the app can label them SIMULATED.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field

from bleak import BleakScanner
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, AdvertisementDataCallback

from firmware_host.ble.errors import explain
from firmware_host.ble.kind import BleKind
from firmware_host.ble.kinds import BY_WORD, KNOTMETER, classify
from firmware_host.ble.uuids import SIMULATED_COMPANY_ID, SIMULATED_MARKER

_ADDRESS = re.compile(r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")
SEEN_SHOWN = 8
"""Names listed after "seen:" when nothing matched (the strongest first)."""


class ToolNotFound(Exception):
    """No advertiser matched the target during one scan; ``str()`` is the whole line."""


@dataclass(slots=True, frozen=True)
class BleTarget:
    """What ``ble:…`` asks for: an address, a name prefix (any case), or a kind's first sensor."""

    address: str | None = None
    name: str | None = None
    kind: BleKind | None = None

    def __str__(self) -> str:
        return self.address or self.name or f"any {(self.kind or KNOTMETER).label}"

    def not_found(self, seen: list[str]) -> ToolNotFound:
        heard = ", ".join(seen[:SEEN_SHOWN]) + (", …" if len(seen) > SEEN_SHOWN else "")
        if self.address is not None:
            what = f"no tool at {self.address} nearby"
        elif self.name is not None:
            what = f"no tool named {self.name} nearby"
        else:
            what = f"no {(self.kind or KNOTMETER).label} nearby"
        return ToolNotFound(f"{what} (seen: {heard or 'nothing'})")


def parse_target(spec: str) -> BleTarget:
    """``AA:BB:CC:DD:EE:FF`` → address; a kind's word (``progressor``, ``dyno``…) → its first
    sensor; empty → any knotmeter tool; anything else → a name prefix, any case."""
    spec = spec.strip()
    if not spec:
        return BleTarget(kind=KNOTMETER)
    if _ADDRESS.match(spec):
        return BleTarget(address=spec.upper())
    kind = BY_WORD.get(spec.lower())
    if kind is not None:
        return BleTarget(kind=kind)
    return BleTarget(name=spec)


def is_simulated(manufacturer_data: Mapping[int, bytes]) -> bool:
    return manufacturer_data.get(SIMULATED_COMPANY_ID) == SIMULATED_MARKER


@dataclass(slots=True, frozen=True)
class FoundTool:
    """One sensor heard on the air; ``device`` lets bleak connect without scanning again."""

    address: str
    name: str
    kind: BleKind
    rssi: int
    simulated: bool
    device: BLEDevice = field(compare=False, repr=False)

    def matches(self, target: BleTarget) -> bool:
        if target.address is not None:
            return self.address.upper() == target.address
        if target.name is not None:
            return self.name.lower().startswith(target.name.lower())
        return target.kind is None or self.kind is target.kind


def _name(device: BLEDevice, adv: AdvertisementData) -> str:
    return adv.local_name or device.name or ""


def _found(device: BLEDevice, adv: AdvertisementData) -> FoundTool | None:
    name = _name(device, adv)
    kind = classify(name, adv.service_uuids, adv.manufacturer_data)
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
async def scanning(on_advertisement: AdvertisementDataCallback) -> AsyncIterator[None]:
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
    """Every sensor of a known kind heard within ``timeout_s``, strongest signal first.

    Raises:
        BluetoothUnavailable: no scan can start on this machine.
    """
    heard: dict[str, FoundTool] = {}

    def on_advertisement(device: BLEDevice, adv: AdvertisementData) -> None:
        tool = _found(device, adv)
        if tool is not None:
            heard[tool.address] = tool

    async with scanning(on_advertisement):
        await asyncio.sleep(timeout_s)  # a listening window, not a race: collect what is heard
    return sorted(heard.values(), key=lambda tool: -tool.rssi)


async def find_tool(target: BleTarget, timeout_s: float) -> FoundTool:
    """The first advertiser matching ``target``, as soon as it is heard.

    Raises:
        ToolNotFound: nothing matched within ``timeout_s``; names what was heard.
        BluetoothUnavailable: no scan can start on this machine.
    """
    found: asyncio.Future[FoundTool] = asyncio.get_running_loop().create_future()
    heard: dict[str, tuple[int, str]] = {}

    def on_advertisement(device: BLEDevice, adv: AdvertisementData) -> None:
        name = _name(device, adv)
        if name:
            heard[device.address] = (adv.rssi, name)
        tool = _found(device, adv)
        if tool is not None and tool.matches(target) and not found.done():
            found.set_result(tool)

    async with scanning(on_advertisement):
        try:
            return await asyncio.wait_for(found, timeout_s)
        except TimeoutError:
            names = [name for _, name in sorted(heard.values(), key=lambda h: -h[0])]
            raise target.not_found(list(dict.fromkeys(names))) from None
