"""``knotmeter calibrate``: find a raw-count device's newtons per count with a known load.

The tool unloaded and still gives the tare (the first ~100 samples), then a known
load resting on it (a weight, or a bathroom scale's reading while pressing) gives the
coefficient, which is kept in the store for that device (serial number, else address
or port). The decision and its refusals are :mod:`knotmeter.core.count_calibration`.
"""

from __future__ import annotations

import argparse
import asyncio
import re
from collections import deque
from collections.abc import AsyncIterator

import numpy as np

from firmware_host.source import DeviceInfo, LinkChanged, LinkState, Source
from knotmeter.core.count_calibration import (
    STILL_FRACTION,
    CalibrationRefused,
    CountCalibration,
    CountCalibrationInput,
    calibrate_counts,
)
from knotmeter.core.count_tare import TARE_SAMPLES
from knotmeter.core.samples import SampleBatch
from knotmeter.core.units import to_newtons
from knotmeter.errors import BadInput, KnotmeterError
from knotmeter.sources import Moniker, counts_device, open_source

KNOWN_N = (1.0, 20_000.0)
"""A known load from 1 N to a 2-tonne crane scale's range, as ``range=`` allows."""
KNOWN_UNITS = ("N", "kg", "kgf", "lb", "lbs", "lbf")
TARE_MAX_S = 3.0
"""A slow board gives fewer than 100 samples in this long: its tare is what came."""
LOAD_WINDOW_S = 1.0
"""The load must rest this long, still, to be read."""
LOAD_TIMEOUT_S = 60.0
FIRST_SAMPLE_TIMEOUT_S = 10.0
DEPARTURE_NOISE = 50.0
"""A load is "on" once the reading moves this many times the unloaded noise (and 10
counts) from the tare: a touch or ADC noise alone never counts as the load."""
_KNOWN = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z]*)\s*$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source",
        required=True,
        metavar="MONIKER",
        help="a raw-count device: ble:dyno, or serial:PORT?format=text&unit=counts",
    )
    parser.add_argument(
        "--known",
        required=True,
        metavar="LOAD",
        help="the known load with its unit: 10kg, 98N, 22lb",
    )


def known_newtons(text: str) -> float:
    """``--known`` in newtons; BadInput (one line) for no number, no unit, or out of range."""
    match = _KNOWN.match(text)
    example = "e.g. --known 10kg, 98N or 22lb"
    if match is None:
        raise BadInput(
            f"--known {text[:40]!r}: give the known load as a number and a unit, {example}"
        )
    number, unit = float(match.group(1)), match.group(2)
    if not unit:
        raise BadInput(
            f"--known {text[:40]!r}: say the load's unit ({', '.join(KNOWN_UNITS)}), {example}"
        )
    if unit.lower() not in {u.lower() for u in KNOWN_UNITS}:
        raise BadInput(
            f"--known {text[:40]!r}: unknown unit {unit!r} (use {', '.join(KNOWN_UNITS)})"
        )
    newtons = to_newtons(number, unit)
    low, high = KNOWN_N
    if not low <= newtons <= high:  # zero, negative, inf and nan all fail here
        raise BadInput(f"--known {text[:40]!r}: a load from {low:g} N to {high:g} N (above 0)")
    return newtons


def run(args: argparse.Namespace) -> int:
    known_n = known_newtons(args.known)
    moniker = Moniker.parse(args.source)
    if moniker.scheme not in ("ble", "serial"):
        raise BadInput(f"--source {args.source!r}: calibrate a ble: device or a serial: board")
    if moniker.scheme == "serial" and counts_device(moniker) is None:
        raise BadInput(
            f"--source {args.source!r}: a serial board is calibrated on its raw counts: "
            "add format=text&unit=counts"
        )
    source = open_source(args.source, raw_counts=True)
    device, result = asyncio.run(_calibrate(source, known_n, counts_device(moniker)))
    if isinstance(result, CalibrationRefused):
        raise KnotmeterError(f"calibration refused: {result.reason}")
    from knotmeter.store import SessionStore

    with SessionStore() as store:
        store.save_count_calibration(
            device, n_per_count=result.n_per_count, known_n=known_n, source=args.source
        )
    print(
        f"{device}: {result.n_per_count:.6g} N per count ({known_n:g} N read as "
        f"{known_n / result.n_per_count:.0f} counts); kept for this device, "
        f"`knotmeter --source {args.source}` now coaches in newtons"
    )
    return 0


async def _calibrate(
    source: Source, known_n: float, device: str | None
) -> tuple[str, CountCalibration | CalibrationRefused]:
    try:
        samples = _Stream(aiter(source.events()))
        device, full_scale_n = await _identify(samples, source, device)
        print("Keep the tool unloaded and still: taking its zero…", flush=True)
        unloaded = await _tare_window(samples)
        print(f"Now rest the known load ({known_n:g} N) on it and keep still…", flush=True)
        loaded = await _load_window(samples, unloaded)
    finally:
        await source.close()
    return device, calibrate_counts(CountCalibrationInput(unloaded, loaded, known_n, full_scale_n))


class _Stream:
    """The source's raw counts, sample by sample, with what it said about itself."""

    def __init__(self, events: AsyncIterator[object]) -> None:
        self.events = events
        self.info: DeviceInfo | None = None
        self.pending: deque[tuple[float, float]] = deque()

    async def next(self) -> tuple[float, float]:
        while not self.pending:
            event = await anext(self.events)
            if isinstance(event, SampleBatch):
                self.pending.extend(zip(event.t.tolist(), event.force_n.tolist(), strict=True))
            elif isinstance(event, DeviceInfo):
                self.info = event
            elif isinstance(event, LinkChanged) and event.state is LinkState.CLOSED:
                raise KnotmeterError(f"the source closed: {event.detail}")
        return self.pending.popleft()


async def _identify(
    samples: _Stream, source: Source, device: str | None
) -> tuple[str, float | None]:
    """Who the device is (and its range), from its first samples and its info."""
    try:
        async with asyncio.timeout(FIRST_SAMPLE_TIMEOUT_S):
            while True:
                sample = await samples.next()
                if device is not None or samples.info is not None:
                    samples.pending.appendleft(sample)  # counts before the info are dropped
                    break
    except TimeoutError:
        raise KnotmeterError(
            f"{source.moniker}: no samples in {FIRST_SAMPLE_TIMEOUT_S:g} s"
        ) from None
    info = samples.info
    full_scale_n = None if info is None else info.full_scale_n
    if device is not None:
        return device, full_scale_n
    assert info is not None
    if not info.raw_counts:
        raise BadInput(
            f"{source.moniker}: the {info.model} reports newtons itself; nothing to calibrate"
        )
    return info.serial_number, full_scale_n


async def _tare_window(samples: _Stream) -> list[float]:
    counts: list[float] = []
    first_t: float | None = None
    while len(counts) < TARE_SAMPLES:
        t, raw = await samples.next()
        first_t = t if first_t is None else first_t
        counts.append(raw)
        if t - first_t >= TARE_MAX_S:
            break
    return counts


async def _next_window(samples: _Stream) -> list[float]:
    """The second after the load settled: the window that found it may hold the end of
    putting it on."""
    first_t, raw = await samples.next()
    counts = [raw]
    while True:
        t, raw = await samples.next()
        counts.append(raw)
        if t - first_t >= LOAD_WINDOW_S:
            return counts


async def _load_window(samples: _Stream, unloaded: list[float]) -> list[float]:
    """The second after the reading came to rest, still, away from the tare; on timeout
    the last second seen (the decision then says why it cannot be trusted)."""
    tare = float(np.mean(unloaded))
    departure = max(DEPARTURE_NOISE * float(np.std(unloaded)), 10.0)
    window: deque[tuple[float, float]] = deque()
    try:
        async with asyncio.timeout(LOAD_TIMEOUT_S):
            while True:
                t, raw = await samples.next()
                window.append((t, raw))
                while window and t - window[0][0] > LOAD_WINDOW_S:
                    window.popleft()
                if t - window[0][0] < LOAD_WINDOW_S * 0.95:
                    continue
                counts = np.array([c for _, c in window])
                step = float(counts.mean()) - tare
                if abs(step) >= departure and float(counts.std()) <= STILL_FRACTION * abs(step):
                    return await _next_window(samples)
    except TimeoutError:
        pass
    counts = np.array([c for _, c in window])
    if not len(counts) or abs(float(counts.mean()) - tare) < departure:
        raise KnotmeterError(
            f"calibration refused: no load seen in {LOAD_TIMEOUT_S:g} s "
            "(the reading stayed at its zero)"
        )
    return [float(c) for c in counts]
