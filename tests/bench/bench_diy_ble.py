"""The DIY firmware's BLE link against the 80 Hz budget: samples per notification,
notifications per second, bytes on air and the wait a batch adds, at ATT MTU 23 and 247.

Run: ``.venv/bin/python tests/bench/bench_diy_ble.py [--seconds 60] [--record 60]``

Part 1 runs the firmware's own ``tool.run_pass`` over its ``blelink.BleLink`` on CPython
for ``--seconds`` of conversions (a clock stepped one 80 Hz period at a time), counting
what the link notifies; the baseline in the same run is the USB serial link (one sample
per frame) over the same conversions, for CPU per pass. The link must carry 80 samples/s;
a BLE connection event carries at least one notification, so notifications/s is the
fewest connection events per second the link needs (its longest usable connection
interval is 1 / that).

Part 2 (``--record S``) is the end to end run: ``knotmeter sim ble --device diy`` and
``knotmeter record --source ble:knotmeter --seconds S`` through bleak's real backend,
then the recorded values against the same firmware's serial path for the same press.
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hardware_sims.bluez.diy import firmware, serial_values  # noqa: E402
from hardware_sims.press import PressModel, load_profile  # noqa: E402

RATE_HZ = 80
PERIOD_US = 1_000_000 // RATE_HZ


class Counter:
    """A radio that counts what the link puts on the air."""

    def __init__(self, data_uuid: str) -> None:
        self.data_uuid = data_uuid
        self.notifications = 0
        self.sample_notifications = 0
        self.samples = 0
        self.max_samples = 0
        self.bytes = 0

    def notify(self, uuid: Any, value: bytes) -> None:
        self.notifications += 1
        self.bytes += len(value) + 3  # ATT header
        if uuid == self.data_uuid and value[1] == 0x01:  # a SAMPLE payload
            n = (len(value) - 16) // 3
            self.sample_notifications += 1
            self.samples += n
            self.max_samples = max(self.max_samples, n)

    def store(self, uuid: Any, value: bytes) -> None:
        pass


class ListAdc:
    rate_hz = RATE_HZ

    def __init__(self) -> None:
        self.pending = 0

    def ready(self) -> bool:
        return self.pending > 0

    def read(self) -> int:
        self.pending -= 1
        return 123_456

    def set_rate(self, hz: int) -> bool:
        return True

    def power_down(self) -> None:
        pass

    def power_up(self) -> None:
        pass


class NullPort:
    def read(self) -> bytes:
        return b""

    def write(self, data: bytes) -> None:
        pass


def run_link(kind: str, mtu: int, batch_ms: int, seconds: float) -> dict[str, float]:
    tool, blelink = firmware("tool"), firmware("blelink")
    adc = ListAdc()
    the_tool = tool.Tool(adc, ("fw", "KM-DIY-0042", "HX711"), 4380.0, 0)
    counter = Counter(blelink.DATA)
    if kind == "ble":
        link = blelink.BleLink(the_tool, counter, batch_ms=batch_ms)
        link.connected(mtu, True)
        link.heard = True
    else:
        link = tool.SerialLink(NullPort())
        link.heard = True
    passes = int(seconds * RATE_HZ)
    now_us = 0
    start = time.perf_counter()
    for _ in range(passes):
        adc.pending = 1
        tool.run_pass(the_tool, [link], now_us)
        now_us += PERIOD_US
    cpu_s = time.perf_counter() - start
    sent = counter.sample_notifications or 1
    return {
        "per_notification": counter.samples / sent,
        "max": counter.max_samples,
        "notifications_s": counter.notifications / seconds,
        "sample_notifications_s": counter.sample_notifications / seconds,
        "bytes_s": counter.bytes / seconds,
        "wait_ms": (counter.max_samples - 1) * PERIOD_US / 1000,
        "us_per_pass": cpu_s / passes * 1e6,
    }


def budget(seconds: float) -> None:
    serial = run_link("serial", 0, 0, seconds)
    print(f"{seconds:g} s of conversions at {RATE_HZ} Hz ({int(seconds * RATE_HZ)} samples)")
    print(
        "| link | MTU | batch cap | samples/notification (max) | sample notifications/s "
        "| all notifications/s | bytes/s on air | longest wait in a batch | "
        "CPU µs/pass (CPython) | vs serial |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print(
        f"| USB serial (baseline) | - | 1 sample | 1 (1) | {RATE_HZ} | - | - | 0 ms | "
        f"{serial['us_per_pass']:.1f} | 1.00x |"
    )
    for mtu, batch_ms in ((23, 50), (247, 50), (247, 1000)):
        r = run_link("ble", mtu, batch_ms, seconds)
        cap = "50 ms (config)" if batch_ms == 50 else "none (fill the MTU)"
        print(
            f"| BLE | {mtu} | {cap} | {r['per_notification']:.2f} ({r['max']:.0f}) | "
            f"{r['sample_notifications_s']:.1f} | {r['notifications_s']:.1f} | "
            f"{r['bytes_s']:.0f} | {r['wait_ms']:.1f} ms | {r['us_per_pass']:.1f} | "
            f"{r['us_per_pass'] / serial['us_per_pass']:.2f}x |"
        )


def record(seconds: float) -> None:
    """``sim ble --device diy`` + ``record`` as a person runs them; compare with serial."""
    cli = str(Path(sys.executable).with_name("knotmeter"))
    sim = subprocess.Popen([cli, "sim", "ble", "--device", "diy"], stdout=subprocess.PIPE)
    assert sim.stdout is not None
    env = dict(os.environ)
    for raw in sim.stdout:
        line = raw.decode().strip()
        if line.startswith("DBUS_SYSTEM_BUS_ADDRESS="):
            env["DBUS_SYSTEM_BUS_ADDRESS"] = line.partition("=")[2]
            break
    try:
        with tempfile.TemporaryDirectory() as tmp:
            trace = Path(tmp) / "trace.csv"
            args = ["record", "--source", "ble:knotmeter", "--seconds", f"{seconds:g}"]
            done = subprocess.run(
                [cli, *args, "-o", str(trace)], env=env, capture_output=True, text=True, check=True
            )
            print(done.stdout.strip())
            with trace.open(encoding="utf-8") as f:
                got = [round(float(row["force_n"]) * 1000) for row in csv.DictReader(f)]
    finally:
        sim.send_signal(signal.SIGINT)
        sim.wait(timeout=20)
    press = PressModel(load_profile("calm"))
    reference = [v for _, v in serial_values(press, len(got) + int(20 * RATE_HZ))]
    starts = [k for k in range(len(reference) - len(got) + 1) if reference[k : k + len(got)] == got]
    verdict = f"equal from serial sample {starts[0]} on" if starts else "DIFFERENT"
    print(f"{len(got)} samples recorded over BLE; against the serial path: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--record", type=float, metavar="S", help="also record S s end to end")
    args = parser.parse_args()
    budget(args.seconds)
    if args.record:
        record(args.record)


if __name__ == "__main__":
    main()
