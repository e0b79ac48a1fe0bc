"""CPU of a coaching session on a 250 Hz Frez Dyno against one on an 80 Hz tool.

    .venv/bin/python tests/bench/bench_dyno.py [--seconds 20]

Both run through the simulated BlueZ with bleak's real backend, each simulator in a
process of its own (``knotmeter sim ble --device KIND``), so the CPU measured here is
the host's alone: the BLE link, the Dyno's v1 decoding and count calibration, and the
coaching pipeline in a :class:`~knotmeter.session.Session` (no store, no screen). The
baseline, in the same run, is our own tool at 80 Hz over BLE; the ratio is what 250
samples a second in 74-byte notifications cost against 80 in one-sample frames.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from firmware_host.ble.scan import parse_target
from firmware_host.ble.source import BleSource
from firmware_host.source import Source
from hardware_sims.bluez.dyno import TRUE_N_PER_COUNT
from knotmeter.calibrated import CalibratedSource
from knotmeter.core.prescription import Rx
from knotmeter.session import Session
from tests.screened import none_apply

CLI = str(Path(sys.executable).with_name("knotmeter"))


@dataclass(slots=True, frozen=True)
class Run:
    label: str
    samples: int
    lost: int
    bad: int
    wall_s: float
    cpu_s: float

    @property
    def rate_hz(self) -> float:
        return self.samples / self.wall_s

    @property
    def cpu_percent(self) -> float:
        return 100.0 * self.cpu_s / self.wall_s

    @property
    def us_per_sample(self) -> float:
        return 1e6 * self.cpu_s / self.samples


def serve(device: str) -> tuple[subprocess.Popen[bytes], str]:
    process = subprocess.Popen([CLI, "sim", "ble", "--device", device], stdout=subprocess.PIPE)
    assert process.stdout is not None
    for raw in process.stdout:
        line = raw.decode().strip()
        if line.startswith("DBUS_SYSTEM_BUS_ADDRESS="):
            return process, line.partition("=")[2]
    raise RuntimeError(f"`knotmeter sim ble --device {device}` printed no bus address")


async def measure(label: str, source: Source, seconds: float) -> Run:
    session = Session(source, Rx("upper-trapezius"), screening=none_apply())
    streaming = asyncio.Event()
    session.watch(lambda: streaming.set() if source.stats.samples >= 50 else None)
    runner = asyncio.get_running_loop().create_task(session.run())
    await asyncio.wait_for(streaming.wait(), 30.0)  # connected and streaming: window starts
    samples0, cpu0, wall0 = source.stats.samples, time.process_time(), time.perf_counter()
    await asyncio.sleep(seconds)  # the measurement window
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    got = source.stats.samples - samples0
    stats = source.stats
    await source.close()
    await runner
    await session.close()
    return Run(label, got, stats.lost, stats.bad_frames, wall, cpu)


def run_kind(device: str, label: str, seconds: float) -> Run:
    process, address = serve(device)
    os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = address
    try:
        ble = BleSource(f"ble:{device}", parse_target(device))
        source: Source = ble
        if device == "dyno":
            source = CalibratedSource(ble, lookup=lambda _device: TRUE_N_PER_COUNT)
        return asyncio.run(measure(label, source, seconds))
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


def main(seconds: float) -> None:
    runs = [
        run_kind("knotmeter", "knotmeter tool, 80 Hz (baseline)", seconds),
        run_kind("dyno", "Frez Dyno v1, 250 Hz", seconds),
    ]
    print(f"host CPU of a Session over bleak + simulated BlueZ, {seconds:g} s each")
    print(f"  {'source':<34} {'Hz':>6} {'lost':>5} {'bad':>4} {'CPU %':>6} {'µs/sample':>10}")
    for r in runs:
        print(
            f"  {r.label:<34} {r.rate_hz:>6.1f} {r.lost:>5} {r.bad:>4} "
            f"{r.cpu_percent:>6.2f} {r.us_per_sample:>10.1f}"
        )
    base, dyno = runs
    print(
        f"  ratio Dyno/baseline: CPU {dyno.cpu_percent / base.cpu_percent:.2f}x for "
        f"{dyno.rate_hz / base.rate_hz:.2f}x the samples "
        f"({dyno.us_per_sample / base.us_per_sample:.2f}x the CPU per sample)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each window")
    main(parser.parse_args().seconds)
