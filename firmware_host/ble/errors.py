"""Why Bluetooth cannot be used at all, in one line a person can act on.

bleak reports a machine without BlueZ, without an adapter or with Bluetooth off as
three unrelated exceptions (and a bare ``FileNotFoundError`` when there is no
system bus at all); the app wants one sentence naming the cause and the fix.
"""

from __future__ import annotations

from bleak.exc import (
    BleakBluetoothNotAvailableError,
    BleakBluetoothNotAvailableReason,
    BleakDBusError,
)

_SERVICE_UNKNOWN = "org.freedesktop.DBus.Error.ServiceUnknown"
_SIM_HINT = "or export the DBUS_SYSTEM_BUS_ADDRESS line printed by `knotmeter sim ble`"


class BluetoothUnavailable(Exception):
    """Bluetooth cannot be used on this machine right now; ``str()`` is the whole message."""


def explain(err: BaseException) -> BluetoothUnavailable | None:
    """Word ``err`` as :class:`BluetoothUnavailable`, or ``None`` if it is another failure."""
    if isinstance(err, BluetoothUnavailable):
        return err
    if isinstance(err, FileNotFoundError | ConnectionRefusedError):
        return BluetoothUnavailable(
            "Bluetooth: no D-Bus system bus, so BlueZ is not running "
            f"(start it: sudo systemctl start bluetooth; {_SIM_HINT})"
        )
    if isinstance(err, BleakDBusError) and err.dbus_error == _SERVICE_UNKNOWN:
        return BluetoothUnavailable(
            "Bluetooth: BlueZ is not running on the system bus "
            f"(start it: sudo systemctl start bluetooth; {_SIM_HINT})"
        )
    if isinstance(err, BleakBluetoothNotAvailableError):
        if err.reason is BleakBluetoothNotAvailableReason.POWERED_OFF:
            return BluetoothUnavailable(
                "Bluetooth is off: turn it on (bluetoothctl power on) and try again"
            )
        if err.reason in (
            BleakBluetoothNotAvailableReason.NO_BLUETOOTH,
            BleakBluetoothNotAvailableReason.NO_BLE_CENTRAL_ROLE,
        ):
            return BluetoothUnavailable(
                "Bluetooth: no Bluetooth LE adapter found (plug one in, or use a USB serial tool)"
            )
        return BluetoothUnavailable(f"Bluetooth is not available: {err.args[0]}")
    return None
