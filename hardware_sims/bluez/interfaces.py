"""The ``org.bluez`` D-Bus interfaces that bleak's BlueZ backend uses, as thin shells.

Each class only exposes properties and forwards method calls to a plain Python
handler, because a ``@dbus_method`` called from Python does not return its value
(BlueZ README, note 7): the behaviour lives in :mod:`hardware_sims.bluez.simulator`.
Property names and signatures follow BlueZ's ``doc/org.bluez.*.rst``.

No ``from __future__ import annotations`` here: dbus-fast reads the annotations at
runtime, and it takes the string ``"None"`` for a signature.
"""

from typing import Annotated, Any, Protocol

from dbus_fast import DBusError, PropertyAccess, Variant
from dbus_fast.annotations import (
    DBusBool,
    DBusBytes,
    DBusDict,
    DBusInt16,
    DBusObjectPath,
    DBusSignature,
    DBusStr,
    DBusUInt16,
)
from dbus_fast.service import ServiceInterface, dbus_method, dbus_property

StrList = Annotated[list[str], DBusSignature("as")]
ManufacturerData = Annotated[dict[int, Variant], DBusSignature("a{qv}")]

BLUEZ_ERROR = "org.bluez.Error"


def bluez_error(name: str, text: str) -> DBusError:
    """A BlueZ-style error (``org.bluez.Error.<name>``) for a method reply."""
    return DBusError(f"{BLUEZ_ERROR}.{name}", text)


class _Properties(ServiceInterface):
    """Stores property values and announces changes the way BlueZ does."""

    def __init__(self, name: str, values: dict[str, Any]) -> None:
        super().__init__(name)
        self._values = values

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def update(self, **changes: Any) -> None:
        """Set properties and emit one ``PropertiesChanged`` for those that changed."""
        changed = {k: v for k, v in changes.items() if self._values.get(k) != v}
        self._values.update(changed)
        if changed:
            self.emit_properties_changed(changed)

    def announce(self, **values: Any) -> None:
        """Emit ``PropertiesChanged`` even when equal (a fresh advertisement, a notification)."""
        self._values.update(values)
        self.emit_properties_changed(values)


class AdapterHandler(Protocol):
    def set_discovery_filter(self, options: dict[str, Any]) -> None: ...

    def start_discovery(self) -> None: ...

    def stop_discovery(self) -> None: ...


class Adapter1(_Properties):
    def __init__(self, handler: AdapterHandler, *, address: str, powered: bool) -> None:
        super().__init__(
            "org.bluez.Adapter1",
            {
                "Address": address,
                "Name": "knotmeter-sim",
                "Alias": "knotmeter-sim",
                "Powered": powered,
                "Discovering": False,
                "Roles": ["central", "peripheral"],
            },
        )
        self._handler = handler

    @dbus_property(access=PropertyAccess.READ, name="Address")
    def address(self) -> DBusStr:
        return str(self["Address"])

    @dbus_property(access=PropertyAccess.READ, name="Name")
    def adapter_name(self) -> DBusStr:
        return str(self["Name"])

    @dbus_property(access=PropertyAccess.READ, name="Alias")
    def alias(self) -> DBusStr:
        return str(self["Alias"])

    @dbus_property(access=PropertyAccess.READ, name="Powered")
    def powered(self) -> DBusBool:
        return bool(self["Powered"])

    @dbus_property(access=PropertyAccess.READ, name="Discovering")
    def discovering(self) -> DBusBool:
        return bool(self["Discovering"])

    @dbus_property(access=PropertyAccess.READ, name="Roles")
    def roles(self) -> StrList:
        return list(self["Roles"])

    @dbus_method(name="SetDiscoveryFilter")
    def set_discovery_filter(self, options: DBusDict) -> None:
        self._handler.set_discovery_filter({k: v.value for k, v in options.items()})

    @dbus_method(name="StartDiscovery")
    def start_discovery(self) -> None:
        self._handler.start_discovery()

    @dbus_method(name="StopDiscovery")
    def stop_discovery(self) -> None:
        self._handler.stop_discovery()


class DeviceHandler(Protocol):
    async def connect(self) -> None: ...

    async def disconnect(self) -> None: ...

    async def pair(self) -> None: ...


class Device1(_Properties):
    def __init__(self, handler: DeviceHandler, values: dict[str, Any]) -> None:
        super().__init__("org.bluez.Device1", values)
        self._handler = handler

    @dbus_property(access=PropertyAccess.READ, name="Address")
    def address(self) -> DBusStr:
        return str(self["Address"])

    @dbus_property(access=PropertyAccess.READ, name="AddressType")
    def address_type(self) -> DBusStr:
        return str(self["AddressType"])

    @dbus_property(access=PropertyAccess.READ, name="Name")
    def device_name(self) -> DBusStr:
        return str(self["Name"])

    @dbus_property(access=PropertyAccess.READ, name="Alias")
    def alias(self) -> DBusStr:
        return str(self["Alias"])

    @dbus_property(access=PropertyAccess.READ, name="Adapter")
    def adapter(self) -> DBusObjectPath:
        return str(self["Adapter"])

    @dbus_property(access=PropertyAccess.READ, name="UUIDs")
    def uuids(self) -> StrList:
        return list(self["UUIDs"])

    @dbus_property(access=PropertyAccess.READ, name="ManufacturerData")
    def manufacturer_data(self) -> ManufacturerData:
        return dict(self["ManufacturerData"])

    @dbus_property(access=PropertyAccess.READ, name="RSSI")
    def rssi(self) -> DBusInt16:
        return int(self["RSSI"])

    @dbus_property(access=PropertyAccess.READ, name="Appearance")
    def appearance(self) -> DBusUInt16:
        return int(self["Appearance"])

    @dbus_property(access=PropertyAccess.READ, name="Paired")
    def paired(self) -> DBusBool:
        return bool(self["Paired"])

    @dbus_property(access=PropertyAccess.READWRITE, name="Trusted")
    def trusted(self) -> DBusBool:
        return bool(self._values.get("Trusted", False))

    @trusted.setter
    def trusted_setter(self, value: DBusBool) -> None:
        self.update(Trusted=value)  # bleak trusts a device before pairing with it

    @dbus_property(access=PropertyAccess.READ, name="Connected")
    def connected(self) -> DBusBool:
        return bool(self["Connected"])

    @dbus_property(access=PropertyAccess.READ, name="ServicesResolved")
    def services_resolved(self) -> DBusBool:
        return bool(self["ServicesResolved"])

    @dbus_method(name="Connect")
    async def connect(self) -> None:
        await self._handler.connect()

    @dbus_method(name="Disconnect")
    async def disconnect(self) -> None:
        await self._handler.disconnect()

    @dbus_method(name="Pair")
    async def pair(self) -> None:
        await self._handler.pair()


class GattService1(_Properties):
    def __init__(self, *, uuid: str, device_path: str) -> None:
        super().__init__(
            "org.bluez.GattService1", {"UUID": uuid, "Device": device_path, "Primary": True}
        )

    @dbus_property(access=PropertyAccess.READ, name="UUID")
    def uuid(self) -> DBusStr:
        return str(self["UUID"])

    @dbus_property(access=PropertyAccess.READ, name="Device")
    def device(self) -> DBusObjectPath:
        return str(self["Device"])

    @dbus_property(access=PropertyAccess.READ, name="Primary")
    def primary(self) -> DBusBool:
        return bool(self["Primary"])


class CharacteristicHandler(Protocol):
    def read(self) -> bytes: ...

    async def write(self, value: bytes, *, with_response: bool) -> None: ...

    def start_notify(self) -> None: ...

    def stop_notify(self) -> None: ...


class GattCharacteristic1(_Properties):
    def __init__(
        self,
        handler: CharacteristicHandler,
        *,
        uuid: str,
        service_path: str,
        flags: list[str],
        mtu: int,
    ) -> None:
        super().__init__(
            "org.bluez.GattCharacteristic1",
            {
                "UUID": uuid,
                "Service": service_path,
                "Flags": flags,
                "Value": b"",
                "Notifying": False,
                "MTU": mtu,
            },
        )
        self._handler = handler

    @dbus_property(access=PropertyAccess.READ, name="UUID")
    def uuid(self) -> DBusStr:
        return str(self["UUID"])

    @dbus_property(access=PropertyAccess.READ, name="Service")
    def service(self) -> DBusObjectPath:
        return str(self["Service"])

    @dbus_property(access=PropertyAccess.READ, name="Flags")
    def flags(self) -> StrList:
        return list(self["Flags"])

    @dbus_property(access=PropertyAccess.READ, name="Value")
    def value(self) -> DBusBytes:
        return bytes(self["Value"])

    @dbus_property(access=PropertyAccess.READ, name="Notifying")
    def notifying(self) -> DBusBool:
        return bool(self["Notifying"])

    @dbus_property(access=PropertyAccess.READ, name="MTU")
    def mtu(self) -> DBusUInt16:
        return int(self["MTU"])

    @dbus_method(name="ReadValue")
    def read_value(self, options: DBusDict) -> DBusBytes:
        del options
        value = self._handler.read()
        if self["Notifying"]:
            self.announce(Value=value)  # BlueZ echoes reads as a Value change (gotcha 5)
        return value

    @dbus_method(name="WriteValue")
    async def write_value(self, value: DBusBytes, options: DBusDict) -> None:
        kind = options["type"].value if "type" in options else "request"
        await self._handler.write(bytes(value), with_response=kind != "command")

    @dbus_method(name="StartNotify")
    def start_notify(self) -> None:
        self._handler.start_notify()

    @dbus_method(name="StopNotify")
    def stop_notify(self) -> None:
        self._handler.stop_notify()
