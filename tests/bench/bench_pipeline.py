"""Pipeline throughput: streaming samples per second through every stage.

Run: ``.venv/bin/python tests/bench/bench_pipeline.py``. The input is 10 minutes of
a 1 kHz session (presses into and over the band, sawing, noise, spikes), fed in
batches of the sizes links deliver; best of 5 runs. The baseline, measured in the
same run, is a bare Python loop that only walks the samples: the floor any per-sample
Python code sits on. Target: ≥ 100 000 samples/s fed one sample at a time (100x a
1 kHz tool), on one core.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from knotmeter.core import Pipeline, PipelineConfig, SampleBatch
from knotmeter.core.samples import FloatArray

RATE_HZ = 1000.0
SECONDS = 600.0
TARGET = 100_000
RUNS = 5


def session(rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    """Repeating 20 s cycle: ramp, hold mid-band, overshoot, saw, release, rest."""
    t = np.arange(0.0, SECONDS, 1.0 / RATE_HZ)
    phase = t % 20.0
    shape = np.interp(phase, [0, 2, 8, 9, 10, 16, 17, 20], [0, 52, 52, 80, 52, 52, 0, 0])
    saw = np.where((phase > 12) & (phase < 15), 8.0 * np.sin(2 * np.pi * 1.5 * phase), 0.0)
    force = shape + saw + rng.normal(0.0, 0.5, t.size)
    spikes = rng.choice(t.size, size=t.size // 500, replace=False)
    force[spikes] += 150.0
    return t, force


def best_rate(run: Callable[[], None], samples: int) -> float:
    best = float("inf")
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return samples / best


def main() -> None:
    t, force = session(np.random.default_rng(7))
    t_list, f_list = t.tolist(), force.tolist()

    def bare_loop() -> None:
        total = 0.0
        for _, f in zip(t_list, f_list, strict=True):
            total += f

    floor = best_rate(bare_loop, t.size)
    print(f"input: {t.size} samples ({SECONDS:g} s at {RATE_HZ:g} Hz); best of {RUNS} runs")
    print(f"baseline bare Python loop over the samples: {floor:12,.0f} samples/s")
    for size in (1, 16, 256, 4096):
        batches = [
            SampleBatch(t[i : i + size], force[i : i + size]) for i in range(0, t.size, size)
        ]
        events = 0

        def stream(batches: list[SampleBatch] = batches) -> None:
            nonlocal events
            pipeline = Pipeline(PipelineConfig.for_region("upper-trapezius"))
            events = sum(len(pipeline.feed(batch)) for batch in batches)

        rate = best_rate(stream, t.size)
        print(
            f"pipeline, batches of {size:4d}: {rate:12,.0f} samples/s  "
            f"({rate / TARGET:5.2f}x the {TARGET:,} target, {floor / rate:4.1f}x the bare loop's "
            f"cost; {events} events)"
        )


if __name__ == "__main__":
    main()
