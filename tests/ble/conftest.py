"""A private dbus-daemon and a started simulated BlueZ for each ``dbus`` test.

bleak finds BlueZ through ``DBUS_SYSTEM_BUS_ADDRESS`` only, so pointing that at the
private bus is all it takes for bleak's real backend to talk to the simulator.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

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


def _read_line_starting(process: subprocess.Popen[bytes], prefix: str, timeout_s: float) -> str:
    """Read raw bytes (a buffered reader would hide lines from ``select``) up to the line."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    seen = b""
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while selector.select(timeout_s):
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            seen += chunk
            for line in seen.decode().splitlines(keepends=True):
                if line.startswith(prefix) and line.endswith("\n"):
                    return line.strip()
    raise AssertionError(f"`knotmeter sim ble` printed no {prefix!r} line: {seen.decode()!r}")


@pytest.fixture
def sim_ble() -> Iterator[Callable[..., dict[str, str]]]:
    """Run ``knotmeter sim ble ARGS…``; returns the environment it tells the user to export.

    Each one is stopped with Ctrl-C at teardown and must exit cleanly.
    """
    processes: list[subprocess.Popen[bytes]] = []
    script = str(Path(sys.executable).with_name("knotmeter"))

    def start(*args: str) -> dict[str, str]:
        process = subprocess.Popen([script, "sim", "ble", *args], stdout=subprocess.PIPE)
        processes.append(process)
        line = _read_line_starting(process, "DBUS_SYSTEM_BUS_ADDRESS=", timeout_s=20.0)
        name, _, value = line.partition("=")
        return {**os.environ, name: value}

    yield start
    statuses = []
    for process in processes:
        process.send_signal(signal.SIGINT)
        statuses.append(process.wait(timeout=20))
        if process.stdout is not None:
            process.stdout.close()
    assert statuses == [0] * len(processes)
