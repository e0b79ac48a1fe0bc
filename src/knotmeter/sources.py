"""Sources by moniker: ``serial:/dev/ttyACM0?format=text``, ``sim:overshoot?rate=80``, ...

CLI, config and tests name a source the same way. Each scheme is one line in
``_OPENERS`` and each transport's discovery one line in ``_DISCOVERERS``.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from firmware_host.protocol.messages import MAX_SAMPLES_PER_FRAME
from firmware_host.serial.discovery import list_serial_ports, probe_info
from firmware_host.serial.drivers import BinaryDriver, GaugeDriver, TextDriver, WireDriver
from firmware_host.serial.port import NotAPort, check_serial_port, describe
from firmware_host.serial.simlink import is_live_simulator_link
from firmware_host.serial.source import SerialSource
from firmware_host.source import Source
from knotmeter.bounds import bounded, bounded_int
from knotmeter.core.provenance import SourceKind
from knotmeter.core.units import to_newtons
from knotmeter.errors import BadInput, KnotmeterError
from knotmeter.replay import SPEED_RANGE, ReplaySource

if TYPE_CHECKING:
    from firmware_host.ble.scan import BleTarget

DEFAULT_BAUD = 115200
BAUD_RANGE = (50, 4_000_000)
SCALE_RANGE = (-1e9, 1e9)
BLE_PROBE_S = 2.0


@dataclass(slots=True, frozen=True)
class Moniker:
    """A parsed moniker: ``scheme:target?key=value&...``."""

    text: str
    scheme: str
    target: str
    options: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> Moniker:
        scheme, sep, rest = text.partition(":")
        if not sep or not scheme:
            raise BadInput(f"source {text!r}: expected SCHEME:TARGET ({_schemes()})")
        target, _, query = rest.partition("?")
        return cls(text, scheme, target, dict(parse_qsl(query, keep_blank_values=True)))

    def take(self, allowed: dict[str, str]) -> dict[str, str]:
        """Options merged over ``allowed`` defaults; an unknown key is bad input."""
        unknown = sorted(set(self.options) - set(allowed))
        if unknown:
            known = ", ".join(sorted(allowed)) or "none"
            raise BadInput(f"source {self.text!r}: unknown option {unknown[0]!r} (known: {known})")
        return {**allowed, **self.options}

    def number(
        self, options: dict[str, str], key: str, low: float, high: float, unit: str = ""
    ) -> float:
        """Option ``key`` as a finite number in ``low..high``; BadInput naming it otherwise."""
        return bounded(f"source {self.text!r}: {key}", options[key], low, high, unit)

    def whole(self, options: dict[str, str], key: str, low: int, high: int) -> int:
        """Option ``key`` as a whole number in ``low..high``; BadInput naming it otherwise."""
        return bounded_int(f"source {self.text!r}: {key}", options[key], low, high)


@dataclass(slots=True, frozen=True)
class DiscoveredTool:
    moniker: str
    label: str
    transport: str
    is_knotmeter: bool
    rssi: int | None = None
    kind: str | None = None
    """The BLE kind's moniker word (``progressor``, ``whc06``…); ``None`` for serial ports."""
    rate_hz: float | None = None
    low_rate: bool = False
    """Too slow to catch a fast peak (an advertisement scale): the picker says so."""


def open_source(moniker: str) -> Source:
    """Build the source a moniker names; nothing is read until its ``events()`` is iterated.

    Raises:
        BadInput: unknown scheme or option, or a bad option value.
        KnotmeterError: the named port or device cannot be used (one line saying why).
    """
    parsed = Moniker.parse(moniker)
    opener = _OPENERS.get(parsed.scheme)
    if opener is None:
        raise BadInput(f"source {moniker!r}: unknown scheme {parsed.scheme!r} ({_schemes()})")
    return opener(parsed)


async def discover_tools(timeout_s: float = 2.0) -> list[DiscoveredTool]:
    """Every tool reachable now, over every transport; knotmeter tools first."""
    found: list[DiscoveredTool] = []
    for results in await asyncio.gather(*(d(timeout_s) for d in _DISCOVERERS)):
        found.extend(results)
    return sorted(found, key=lambda tool: (not tool.is_knotmeter, tool.transport, tool.moniker))


def _schemes() -> str:
    return "known schemes: " + ", ".join(f"{name}:" for name in _OPENERS)


_SERIAL_OPTIONS = {
    "baud": str(DEFAULT_BAUD),
    "format": "binary",
    "unit": "N",
    "scale": "1",
    "time": "s",
    "rate": "10",
    "range": "",
}
RANGE_N = (5.0, 20_000.0)
"""Full scales a force tool can have, newtons: a 0.5 kg cell to a 2-tonne crane scale."""
_TIME_SCALES = {"s": 1.0, "ms": 0.001, "us": 1e-6}


def _open_serial(moniker: Moniker) -> Source:
    if not moniker.target:
        raise BadInput(f"source {moniker.text!r}: name a port, e.g. serial:/dev/ttyACM0")
    options = moniker.take(_SERIAL_OPTIONS)
    driver = _driver(moniker, options)
    baud = moniker.whole(options, "baud", *BAUD_RANGE)
    full_scale = moniker.number(options, "range", *RANGE_N, "N") if options["range"] else None
    _check_port(moniker.target)  # the moniker's own mistakes are named first
    return SerialSource(
        moniker.text,
        moniker.target,
        driver,
        baud=baud,
        kind=SourceKind.SIMULATED if is_live_simulator_link(moniker.target) else SourceKind.DEVICE,
        full_scale_n=full_scale,
    )


def _driver(moniker: Moniker, options: dict[str, str]) -> WireDriver:
    fmt, unit = options["format"], options["unit"]
    try:
        to_newtons(1.0, unit)
    except ValueError as err:
        raise BadInput(f"source {moniker.text!r}: {err}") from None
    if fmt == "binary":
        return BinaryDriver()
    if fmt == "text":
        time_scale = _TIME_SCALES.get(options["time"])
        if time_scale is None:
            raise BadInput(f"source {moniker.text!r}: time={options['time']!r} (use s, ms or us)")
        scale = moniker.number(options, "scale", *SCALE_RANGE)
        if scale == 0:
            raise BadInput(f"source {moniker.text!r}: scale=0 would read every force as 0 N")
        return TextDriver(scale=scale, unit=unit, time_scale=time_scale)
    if fmt == "gauge":
        return GaugeDriver(rate_hz=moniker.number(options, "rate", 0.5, 50, "Hz"), unit=unit)
    raise BadInput(f"source {moniker.text!r}: format={fmt!r} (use binary, text or gauge)")


def _check_port(path: str) -> None:
    """Fail at once, in one line, on a port that is missing or forbidden, or on a path
    that is no serial port at all (``/dev/null``, a file: bad input, exit 2)."""
    if not os.path.exists(path):
        raise KnotmeterError(
            f"{path}: no such port (is the tool plugged in? `knotmeter devices` lists ports)"
        )
    if not os.access(path, os.R_OK | os.W_OK):
        raise KnotmeterError(describe(path, PermissionError(13, "Permission denied")))
    try:
        check_serial_port(path)
    except NotAPort as err:
        raise BadInput(str(err)) from None


_SIM_OPTIONS = {"rate": "80", "faults": "", "seed": "0", "frame": "1", "region": "", "tool": ""}


def _open_sim(moniker: Moniker) -> Source:
    """``sim:PROFILE?region=ID&tool=T``: the simulated person starts on that point (the
    upper trapezius with a ball by default) and re-aims whenever the coach aims it."""
    from hardware_sims.launch import SEED_RANGE, SimSettingsError, aim_for, start_pty_sim

    options = moniker.take(_SIM_OPTIONS)
    try:
        server = start_pty_sim(
            moniker.target or "calm",
            rate_hz=moniker.number(options, "rate", 10, 80, "Hz"),
            faults=options["faults"],
            seed=moniker.whole(options, "seed", *SEED_RANGE),
            samples_per_frame=moniker.whole(options, "frame", 1, MAX_SAMPLES_PER_FRAME),
            aim=aim_for(options["region"] or None, options["tool"] or None),
        )
    except SimSettingsError as err:
        raise BadInput(f"source {moniker.text!r}: {err}") from None
    return SerialSource(
        moniker.text,
        str(server.link_path),
        BinaryDriver(),
        kind=SourceKind.SIMULATED,
        on_close=server.stop,
        on_aim=server.tool.aim,
    )


def _open_replay(moniker: Moniker) -> Source:
    """``file:PATH[?speed=X]``: a recorded trace, played back by :mod:`knotmeter.replay`."""
    if not moniker.target:
        raise BadInput(f"source {moniker.text!r}: name a trace, e.g. file:trace.csv?speed=2")
    options = moniker.take({"speed": "1"})
    return ReplaySource(moniker.target, moniker.number(options, "speed", *SPEED_RANGE))


async def _discover_serial(timeout_s: float) -> list[DiscoveredTool]:
    ports = await asyncio.to_thread(list_serial_ports)
    infos = await asyncio.gather(
        *(asyncio.to_thread(probe_info, p.path, timeout_s=timeout_s) for p in ports)
    )
    tools = []
    for port, info in zip(ports, infos, strict=True):
        ids = f" [{port.vid_pid}]" if port.vid_pid else ""
        # Another dashboard's simulated tool is listed too: it must not pass for a real one.
        simulated = (info is not None and info.simulated) or is_live_simulator_link(port.path)
        if info is not None:
            label = f"knotmeter {info.serial_number} (fw {info.firmware}) on {port.path}"
        else:
            label = f"{port.description}{ids} on {port.path}"
        label += " SIMULATED" if simulated else ""
        tools.append(DiscoveredTool(f"serial:{port.path}", label, "serial", info is not None))
    return tools


def _open_ble(moniker: Moniker) -> Source:
    """``ble:AA:BB:CC:DD:EE:FF``, a kind's word (``ble:progressor``, ``ble:dyno``…), a name
    prefix in any case (``ble:knotmeter-SIM``), or ``ble:`` (any knotmeter tool)."""
    from firmware_host.ble.scan import parse_target
    from firmware_host.ble.source import BleSource

    moniker.take({})
    target = parse_target(moniker.target)
    return BleSource(moniker.text, target, kind=_probe_ble(target))


def _probe_ble(target: BleTarget) -> SourceKind:
    """Listen briefly for the target: no BlueZ, no adapter or Bluetooth off fails at once, in
    one line, like a missing port; a simulated tool is labelled before the session starts.

    Runs on a thread with its own event loop, since the caller may be inside a running one.
    A tool not heard yet is not an error: the source keeps looking for it and says so.
    """
    from concurrent.futures import ThreadPoolExecutor

    from firmware_host.ble.errors import BluetoothUnavailable
    from firmware_host.ble.scan import ToolNotFound, find_tool

    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            found = pool.submit(asyncio.run, find_tool(target, BLE_PROBE_S)).result()
        except BluetoothUnavailable as err:
            raise KnotmeterError(str(err)) from None
        except ToolNotFound:
            return SourceKind.DEVICE
    return SourceKind.SIMULATED if found.simulated else SourceKind.DEVICE


async def _discover_ble(timeout_s: float) -> list[DiscoveredTool]:
    from firmware_host.ble.errors import BluetoothUnavailable
    from firmware_host.ble.kinds import KNOTMETER
    from firmware_host.ble.scan import scan_tools

    try:
        found = await scan_tools(timeout_s)
    except BluetoothUnavailable as err:
        logging.getLogger(__name__).warning("%s", err)  # serial ports are still worth listing
        return []
    tools = []
    for tool in found:
        notes = [tool.kind.label]
        if tool.kind.low_rate:
            notes.append(
                f"low rate ~{tool.kind.rate_hz:g} Hz: alarms work, fast peaks may be missed"
            )
        if tool.simulated:
            notes.append("SIMULATED")
        tools.append(
            DiscoveredTool(
                f"ble:{tool.address}",
                f"{tool.name} ({', '.join(notes)}) over BLE",
                "ble",
                tool.kind is KNOTMETER,
                tool.rssi,
                kind=tool.kind.word,
                rate_hz=tool.kind.rate_hz,
                low_rate=tool.kind.low_rate,
            )
        )
    return tools


_OPENERS: dict[str, Callable[[Moniker], Source]] = {
    "serial": _open_serial,
    "sim": _open_sim,
    "file": _open_replay,
    "ble": _open_ble,
}
_DISCOVERERS: list[Callable[[float], Awaitable[list[DiscoveredTool]]]] = [
    _discover_serial,
    _discover_ble,
]
