"""Serial link figures: decoder throughput and pty latency, each against a same-run baseline.

Run: ``.venv/bin/python tests/bench/bench_serial.py``

- Decoder: COBS frames → StreamDecoder → FrameTimeline → SampleBatch, fed in
  4 KiB chunks, in samples/s; baseline: bare ``cobs.decode`` + ``crc_hqx`` over
  the same frames (the floor any decoder pays), and the tool's 80 Hz.
- Latency: from the simulated tool's ``write`` returning to the batch reaching
  the asyncio consumer that feeds the pipeline, p50 / p99 over 10 s at 80 Hz;
  baseline: a bare pty write → blocking read in another thread.
"""

from __future__ import annotations

import asyncio
import binascii
import os
import statistics
import tempfile
import threading
import time
import tty
from pathlib import Path

from cobs import cobs

from firmware_host.protocol.framing import StreamDecoder, encode_frame
from firmware_host.protocol.messages import SampleFrame
from firmware_host.protocol.timeline import FrameTimeline
from firmware_host.serial.drivers import BinaryDriver
from firmware_host.serial.source import SerialSource
from hardware_sims.launch import build_tool
from hardware_sims.serial_pty import PtyToolServer
from knotmeter.core.samples import SampleBatch

FRAMES = 20_000
CHUNK = 4096
LATENCY_S = 10.0


def _stream(samples_per_frame: int) -> bytes:
    return b"".join(
        encode_frame(
            SampleFrame(
                seq=(k * samples_per_frame) % 65536,
                device_us=(k * samples_per_frame * 12_500) % 2**32,
                period_us=12_500,
                resolution_n=0.001,
                values=tuple(range(50_000, 50_000 + samples_per_frame)),
            )
        )
        for k in range(FRAMES)
    )


def _decode_rate(data: bytes, samples: int) -> float:
    decoder, timeline = StreamDecoder(), FrameTimeline()
    start = time.perf_counter()
    got = 0
    for i in range(0, len(data), CHUNK):
        for msg in decoder.feed(data[i : i + CHUNK]):
            assert isinstance(msg, SampleFrame)
            batch = timeline.add(msg, 0.0)
            assert batch is not None
            got += len(batch)
    elapsed = time.perf_counter() - start
    assert got == samples
    return samples / elapsed


def _floor_rate(data: bytes, samples: int) -> float:
    frames = [f for f in data.split(b"\x00") if f]
    start = time.perf_counter()
    for frame in frames:
        payload = cobs.decode(frame)
        binascii.crc_hqx(payload[:-2], 0xFFFF)
    return samples / (time.perf_counter() - start)


def bench_decoder() -> None:
    print("decoder throughput (samples/s), 20 000 frames fed in 4 KiB chunks")
    for n in (1, 16, 76):
        data = _stream(n)
        samples = FRAMES * n
        rate = _decode_rate(data, samples)
        floor = _floor_rate(data, samples)
        print(
            f"  {n:>2} samples/frame: {rate:>12,.0f}  "
            f"(cobs+crc floor {floor:>12,.0f}: {rate / floor:.2f}x of it; "
            f"{rate / 80:,.0f}x an 80 Hz tool)"
        )


def _bare_pty_latency(n: int = 800) -> list[float]:
    master, slave = os.openpty()
    tty.setraw(slave)
    times: list[float] = []
    ready = threading.Event()

    def reader() -> None:
        ready.set()
        for _ in range(n):
            os.read(slave, 64)
            times.append(time.monotonic())

    thread = threading.Thread(target=reader)
    thread.start()
    ready.wait()
    sent: list[float] = []
    for _ in range(n):
        os.write(master, b"x" * 22)
        sent.append(time.monotonic())
        time.sleep(1 / 80)  # pace like the tool
    thread.join()
    os.close(master)
    os.close(slave)
    return [max(0.0, r - s) for r, s in zip(times, sent, strict=True)]


async def _link_latency() -> tuple[list[float], int]:
    link = Path(tempfile.mkdtemp()) / "ttyBENCH"
    server = PtyToolServer(build_tool("calm"), link_path=link, keep_frames=True).start()
    source = SerialSource(f"serial:{link}", str(link), BinaryDriver())
    arrived: dict[int, float] = {}
    try:
        async with asyncio.timeout(LATENCY_S):
            async for event in source.events():
                if isinstance(event, SampleBatch) and event.seq0 is not None:
                    arrived[event.seq0] = time.monotonic()
    except TimeoutError:
        pass
    finally:
        await source.close()
        server.stop()
    ledger = server.ledger
    latencies = [
        arrived[frame.seq] - written
        for frame, written in zip(ledger.sent, ledger.sent_t, strict=True)
        if frame.seq in arrived
    ]
    return latencies, len(arrived)


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000


def bench_latency() -> None:
    bare = _bare_pty_latency()
    link, frames = asyncio.run(_link_latency())
    print(f"pty latency, write → consumer ({frames} frames over {LATENCY_S:g} s at 80 Hz)")
    print(f"  knotmeter link: p50 {_pct(link, 50):.3f} ms  p99 {_pct(link, 99):.3f} ms")
    print(f"  bare pty read : p50 {_pct(bare, 50):.3f} ms  p99 {_pct(bare, 99):.3f} ms")
    print(
        f"  ratio link/bare: p50 {_pct(link, 50) / _pct(bare, 50):.1f}x  "
        f"p99 {_pct(link, 99) / _pct(bare, 99):.1f}x"
    )


if __name__ == "__main__":
    bench_decoder()
    bench_latency()
