"""A simulated BlueZ on a private D-Bus, so bleak's real BlueZ backend talks to simulated tools.

``bus`` starts the private ``dbus-daemon``; ``simulator`` is the ``org.bluez``
service (adapter, devices, GATT, faults) built from the thin D-Bus shells in
``interfaces``; ``peripheral`` is the contract a simulated device meets, and
``knotmeter`` and ``progressor`` are the two devices' firmware; ``serve`` wires
them up for ``knotmeter sim ble``; ``watch`` helps tests and benchmarks wait on
what a source delivered and compare it with what was sent.
"""
