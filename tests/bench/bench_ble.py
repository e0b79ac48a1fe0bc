"""BLE through the simulated BlueZ: notification-to-pipeline latency and sustained sample rate.

    .venv/bin/python tests/bench/bench_ble.py [--seconds 3]

Latency runs from the simulator handing a notification to D-Bus until the batch
has gone through the coaching pipeline (``BleSource`` + ``Pipeline.feed``). The
baseline, measured in the same run on the same link, is bleak's own notification
callback with nothing of ours behind it: the ratio is what our layers add.

Sample rate: the simulated tool's clock is run faster than real time so it offers
80 Hz x scale; the table shows what arrived per wall-clock second, the ratio to
what was offered, and the samples lost (sequence gaps). The simulated link has no
radio limits: a real one at a 7.5 ms interval with 76-sample notifications tops out
near 10 000 samples/s, so the host side must not be the bottleneck below that.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

import numpy as np
from bleak import BleakClient

from firmware_host.ble.scan import parse_target
from firmware_host.ble.source import BleSource
from firmware_host.ble.uuids import KNOTMETER_DATA
from firmware_host.protocol.messages import SampleFrame, decode_payload
from hardware_sims.bluez.bus import PrivateBus
from hardware_sims.bluez.serve import ADDRESSES, simulated_knotmeter
from hardware_sims.bluez.simulator import BluezSimulator
from knotmeter.core import Pipeline, PipelineConfig, SampleBatch

ADDRESS = ADDRESSES["knotmeter"]
SEQ_MOD = 1 << 16


def stamp_sends(sim: BluezSimulator) -> dict[int, float]:
    """``perf_counter()`` at which each sample frame (by first seq) went to D-Bus."""
    sent: dict[int, float] = {}

    def tap(_address: str, uuid: str, value: bytes) -> None:
        now = time.perf_counter()
        if uuid == KNOTMETER_DATA and isinstance(msg := decode_payload(value), SampleFrame):
            sent[msg.seq] = now

    sim.tap = tap
    return sent


async def bleak_latency(bus: PrivateBus, seconds: float) -> list[float]:
    """Baseline: bleak's callback, straight from the simulator, nothing of ours."""
    async with BluezSimulator(bus.address) as sim:
        sent = stamp_sends(sim)
        sim.add(simulated_knotmeter("calm"), address=ADDRESS)
        latencies: list[float] = []

        def on_notify(_char: object, data: bytearray) -> None:
            now = time.perf_counter()
            msg = decode_payload(bytes(data))
            if isinstance(msg, SampleFrame) and msg.seq in sent:
                latencies.append(now - sent[msg.seq])

        async with BleakClient(ADDRESS, timeout=10.0) as client:
            await client.start_notify(KNOTMETER_DATA, on_notify)
            await asyncio.sleep(seconds)  # the measurement window
        return latencies


async def pipeline_run(
    bus: PrivateBus, seconds: float, *, scale: float = 1.0, frame: int = 1
) -> tuple[list[float], int, int, float]:
    """Our path: BleSource → Pipeline. Returns latencies, samples, lost, wall seconds."""
    async with BluezSimulator(bus.address) as sim:
        sent = stamp_sends(sim)
        sim.add(
            simulated_knotmeter("calm", time_scale=scale, samples_per_frame=frame), address=ADDRESS
        )
        source = BleSource("ble:", parse_target(""))
        pipeline = Pipeline(PipelineConfig.for_region("upper-trapezius"))
        latencies: list[float] = []
        samples = 0
        flowing = asyncio.Event()

        async def consume() -> None:
            nonlocal samples
            async for event in source.events():
                if not isinstance(event, SampleBatch) or event.seq0 is None:
                    continue
                pipeline.feed(event)
                now = time.perf_counter()
                sent_at = sent.get(event.seq0 % SEQ_MOD)
                if sent_at is not None:
                    latencies.append(now - sent_at)
                flowing.set()
                samples += len(event)

        consumer = asyncio.get_running_loop().create_task(consume())
        await asyncio.wait_for(flowing.wait(), 30.0)
        start_samples, start = samples, time.perf_counter()
        await asyncio.sleep(seconds)  # the measurement window
        got, wall = samples - start_samples, time.perf_counter() - start
        await source.close()
        await consumer
        return latencies, got, source.stats.lost, wall


def percentiles_ms(values: list[float]) -> tuple[float, float]:
    p50, p99 = np.percentile(np.asarray(values) * 1e3, [50, 99])
    return float(p50), float(p99)


async def main(seconds: float) -> None:
    with PrivateBus() as bus:
        os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = bus.address
        base: list[float] = []
        ours: list[float] = []
        for _ in range(2):  # interleaved, so drift in machine load hits both alike
            base += await bleak_latency(bus, seconds / 2)
            ours += (await pipeline_run(bus, seconds / 2))[0]
        b50, b99 = percentiles_ms(base)
        o50, o99 = percentiles_ms(ours)
        print(f"notification latency at 80 Hz, 1 sample per notification ({seconds:g} s each)")
        print(f"  {'path':<34} {'n':>5} {'p50 ms':>8} {'p99 ms':>8}")
        print(f"  {'bleak callback (baseline)':<34} {len(base):>5} {b50:>8.2f} {b99:>8.2f}")
        print(f"  {'BleSource + Pipeline.feed':<34} {len(ours):>5} {o50:>8.2f} {o99:>8.2f}")
        print(f"  ratio ours/baseline: p50 {o50 / b50:.2f}x, p99 {o99 / b99:.2f}x")
        print()
        print("sustained rate through the simulated BlueZ (BleSource + Pipeline)")
        print(f"  {'offered Hz':>10} {'per notif.':>10} {'arrived/s':>10} {'ratio':>6} {'lost':>6}")
        for scale, frame in (
            (1.0, 1),
            (12.5, 4),
            (50.0, 16),
            (125.0, 32),
            (250.0, 64),
            (500.0, 76),
        ):
            _, got, lost, wall = await pipeline_run(bus, seconds, scale=scale, frame=frame)
            offered = 80.0 * scale
            rate = got / wall
            print(f"  {offered:>10.0f} {frame:>10} {rate:>10.0f} {rate / offered:>6.2f} {lost:>6}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each measurement")
    asyncio.run(main(parser.parse_args().seconds))
