"""A private dbus-daemon and a started simulated BlueZ for each ``dbus`` test.

bleak finds BlueZ through ``DBUS_SYSTEM_BUS_ADDRESS`` only, so pointing that at the
private bus is all it takes for bleak's real backend to talk to the simulator.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from hardware_sims.bluez.bus import PrivateBus
from hardware_sims.bluez.simulator import BluezSimulator


@pytest.fixture
def private_bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[PrivateBus]:
    with PrivateBus() as bus:
        monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", bus.address)
        yield bus


@pytest.fixture
async def bluez(private_bus: PrivateBus) -> AsyncIterator[BluezSimulator]:
    """Started with no devices: tests add theirs. Stopping drops links before leaving the bus."""
    async with BluezSimulator(private_bus.address) as sim:
        yield sim
