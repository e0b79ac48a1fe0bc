"""Build the simulated devices and serve them on a private bus (``knotmeter sim ble``)."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from firmware_host.ble.kinds import BY_WORD, KINDS
from firmware_host.source import CoachAim
from hardware_sims.bluez.bus import PrivateBus
from hardware_sims.bluez.knotmeter import SimulatedKnotmeter
from hardware_sims.bluez.peripheral import Peripheral
from hardware_sims.bluez.progressor import SimulatedProgressor
from hardware_sims.bluez.simulator import BluezSimulator
from hardware_sims.press import PressModel, load_profile
from hardware_sims.tool import SimulatedTool

FIRMWARES: dict[str, str] = {"diy": "hardware_sims.bluez.diy:simulated_diy"}
"""Devices that are not a kind of their own: ``diy`` runs the firmware of
``device/micropython`` (a ``knotmeter`` tool to the host)."""
SIM_KINDS: tuple[str, ...] = tuple(kind.word for kind in KINDS)
"""Every kind's moniker word: ``knotmeter sim ble --device WORD`` (and ``diy``)."""
ADDRESSES: dict[str, str] = {
    kind.word: f"C0:FF:EE:00:00:{number:02X}" for number, kind in enumerate(KINDS, start=1)
} | {"diy": "C0:FF:EE:00:00:D1"}


def simulated(word: str, profile: str, *, seed: int = 0, aim: CoachAim | None = None) -> Peripheral:
    """The simulated peripheral the registry names for kind ``word``, running ``profile``
    for ``aim`` (default: the upper trapezius with a ball)."""
    module, _, factory = (FIRMWARES.get(word) or BY_WORD[word].simulator).partition(":")
    make = getattr(importlib.import_module(module), factory)
    peripheral: Peripheral = make(profile, seed=seed, aim=aim)
    return peripheral


def simulated_knotmeter(
    profile: str,
    *,
    seed: int = 0,
    rate_hz: float = 80.0,
    samples_per_frame: int = 1,
    time_scale: float = 1.0,
    aim: CoachAim | None = None,
) -> SimulatedKnotmeter:
    """Our tool running ``profile``; every power-on boots a fresh tool with the same seed."""
    press = load_profile(profile)

    def make_tool() -> SimulatedTool:
        return SimulatedTool(
            PressModel(press, seed=seed, aim=aim),
            rate_hz=rate_hz,
            samples_per_frame=samples_per_frame,
        )

    return SimulatedKnotmeter(make_tool, time_scale=time_scale)


def simulated_progressor(
    profile: str, *, seed: int = 0, aim: CoachAim | None = None
) -> SimulatedProgressor:
    return SimulatedProgressor(PressModel(load_profile(profile), seed=seed, aim=aim), seed=seed)


@dataclass(slots=True, frozen=True)
class LinkFaults:
    """Faults repeated on every device for demos and end-to-end tests; ``None`` = never.

    ``drop_every_s``: the link drops (the host reconnects). ``stall_every_s``: the
    notifications stop for ``stall_s`` while the link stays up (the host shows no data).
    """

    drop_every_s: float | None = None
    stall_every_s: float | None = None
    stall_s: float = 2.0


async def _repeat(every_s: float, fault: Callable[[], Awaitable[None]]) -> None:
    while True:
        await asyncio.sleep(every_s)  # the fault schedule itself
        await fault()


async def _inject(sim: BluezSimulator, faults: LinkFaults) -> None:
    async def drop() -> None:
        for device in sim.devices.values():
            device.drop_link()

    async def stall() -> None:
        for device in sim.devices.values():
            device.pause_notifications()
        await asyncio.sleep(faults.stall_s)
        for device in sim.devices.values():
            device.resume_notifications()

    async with asyncio.TaskGroup() as group:
        if faults.drop_every_s is not None:
            group.create_task(_repeat(faults.drop_every_s, drop))
        if faults.stall_every_s is not None:
            group.create_task(_repeat(faults.stall_every_s, stall))


def serve_until_interrupted(
    kinds: Sequence[str],
    profile: str,
    *,
    on_ready: Callable[[str], None],
    faults: LinkFaults | None = None,
    aim: CoachAim | None = None,
) -> None:
    """Run a private bus with the simulated BlueZ and ``kinds`` of devices until Ctrl-C or
    SIGTERM; ``on_ready`` gets the bus address once bleak can find the devices. The
    simulated person presses for ``aim`` (default: the upper trapezius with a ball).

    Raises:
        ProfileError: ``profile`` cannot be loaded (before anything starts).
        FileNotFoundError: ``dbus-daemon`` is not installed.
    """
    peripherals = [simulated(kind, profile, aim=aim) for kind in kinds]

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        with PrivateBus() as bus:
            async with BluezSimulator(bus.address) as sim:
                for kind, peripheral in zip(kinds, peripherals, strict=True):
                    sim.add(peripheral, address=ADDRESSES[kind])
                on_ready(bus.address)
                injector = loop.create_task(_inject(sim, faults or LinkFaults()))
                await stop.wait()
                injector.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await injector

    asyncio.run(serve())
