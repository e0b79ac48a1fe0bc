"""A simulated BlueZ on a private D-Bus, so bleak's real BlueZ backend talks to simulated tools.

``bus`` starts the private ``dbus-daemon``; ``simulator`` is the ``org.bluez``
service (adapter, devices, GATT, faults); ``knotmeter`` and ``progressor`` are
the simulated devices' firmware.
"""
