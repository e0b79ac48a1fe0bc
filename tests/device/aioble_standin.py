"""A small stand-in for MicroPython's ``bluetooth`` and ``aioble``, with a central to drive it.

Only the surface ``blelink.AiobleRadio`` uses, behaving as aioble documents it:
``register_services``, ``advertise`` (returns a connection, or raises
``asyncio.TimeoutError`` after ``timeout_ms``), characteristics that ``write`` their
local value and ``notify`` a connection, a capture characteristic whose ``written()``
yields ``(connection, data)`` in order, with the stack's buffer cutting a write to
``max_len`` bytes, and ``DeviceConnection`` with ``mtu`` (None before the exchange),
``encrypted`` and ``pair()``. The radio itself is the only thing mocked.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any


@dataclass(slots=True, frozen=True)
class UUID:
    value: str | int


bluetooth = SimpleNamespace(UUID=UUID)


class StandinService:
    def __init__(self, uuid: UUID) -> None:
        self.uuid = uuid
        self.characteristics: list[StandinCharacteristic] = []


class StandinCharacteristic:
    def __init__(
        self,
        service: StandinService,
        uuid: UUID,
        read: bool = False,
        write: bool = False,
        notify: bool = False,
        capture: bool = False,
    ) -> None:
        service.characteristics.append(self)
        self.uuid = uuid
        self.readable = read
        self.writable = write
        self.notifies = notify
        self.capture = capture
        self.value = b""
        self._writes: asyncio.Queue[tuple[DeviceConnection, bytes]] = asyncio.Queue()

    def write(self, data: bytes, send_update: bool = False) -> None:
        self.value = bytes(data)

    def read(self) -> bytes:
        return self.value

    def notify(self, connection: DeviceConnection, data: bytes | None = None) -> None:
        if not self.notifies:
            raise ValueError("Not supported")
        if not connection.is_connected():
            raise OSError(128, "ENOTCONN")
        connection.central.heard.append(
            (self.uuid.value, bytes(self.value if data is None else data))
        )

    async def written(self, timeout_ms: int | None = None) -> tuple[DeviceConnection, bytes]:
        return await self._writes.get()

    def remote_write(self, connection: DeviceConnection, data: bytes) -> None:
        self._writes.put_nowait((connection, bytes(data)))


class StandinBufferedCharacteristic(StandinCharacteristic):
    def __init__(self, *args: Any, max_len: int = 20, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_len = max_len

    def remote_write(self, connection: DeviceConnection, data: bytes) -> None:
        super().remote_write(connection, data[: self.max_len])  # the stack keeps max_len bytes


@dataclass
class Central:
    """The host on the other end: what it heard, by characteristic, and how it pairs."""

    accepts_pairing: bool = True
    heard: list[tuple[str | int, bytes]] = field(default_factory=list)

    def values(self, uuid: str | int) -> list[bytes]:
        return [value for char, value in self.heard if char == uuid]


class DeviceConnection:
    def __init__(self, central: Central) -> None:
        self.central = central
        self.mtu: int | None = None
        self.encrypted = False
        self.pair_requests = 0
        self._connected = True

    def is_connected(self) -> bool:
        return self._connected

    def disconnect(self) -> None:
        """The central leaves (or walks out of range)."""
        self._connected = False

    async def pair(self, bond: bool = True, timeout_ms: int = 20_000) -> None:
        self.pair_requests += 1
        if not self.central.accepts_pairing:
            raise TimeoutError
        self.encrypted = True


class Aioble:
    """The ``aioble`` module, plus the central's side: :meth:`connect`, :meth:`write`."""

    Service = StandinService
    Characteristic = StandinCharacteristic
    BufferedCharacteristic = StandinBufferedCharacteristic

    def __init__(self) -> None:
        self.services: tuple[StandinService, ...] = ()
        self.advertised: list[tuple[int, str | None, tuple[UUID, ...]]] = []
        self._incoming: asyncio.Queue[DeviceConnection] = asyncio.Queue()

    def register_services(self, *services: StandinService) -> None:
        self.services = services

    async def advertise(
        self,
        interval_us: int,
        name: str | None = None,
        services: list[UUID] | None = None,
        timeout_ms: int | None = None,
    ) -> DeviceConnection:
        self.advertised.append((interval_us, name, tuple(services or ())))
        async with asyncio.timeout(None if timeout_ms is None else timeout_ms / 1000):
            return await self._incoming.get()

    def characteristic(self, uuid: str | int) -> StandinCharacteristic:
        (char,) = (c for s in self.services for c in s.characteristics if c.uuid.value == uuid)
        return char

    def connect(self, central: Central) -> DeviceConnection:
        connection = DeviceConnection(central)
        self._incoming.put_nowait(connection)
        return connection

    def write(self, connection: DeviceConnection, uuid: str | int, data: bytes) -> None:
        self.characteristic(uuid).remote_write(connection, data)
