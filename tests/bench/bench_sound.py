"""Sound benchmark: how soon the too-hard cue reaches the speaker, and what sound costs.

A real :class:`~knotmeter.session.Session` (upper trapezius: band 40-65 N, ceiling
110 N) is fed by a paced source, one 80 Hz sample per batch at its time, like a tool
on a USB port: a rest at 0 N, a press into the band, then over the ceiling after a
random 30-300 ms, so most crossings come while a softer clip is playing (the "ease
off" of the press's fast ramp, latched for a second, or the in-band one). The cues
go through :func:`knotmeter.sound.follow` to a player process that reads PCM no
faster than a sound card plays and stamps every read (``tests/session/
recording_player.py``).

- latency: from the arrival of the first sample at or over the ceiling (host time,
  stamped as the source hands it to the session) to the first byte of the too-hard
  clip read by the player; p50/p99 over every crossing;
- baseline, same run, same presses: the speaker as it was before, which wrote each
  whole clip to the pipe at once, so a too-hard clip queued behind the in-band one;
- CPU of the speaker's feeder thread, idle and while a clip is always playing (from
  the scheduler's own count, ``/proc/self/task/TID/schedstat``), with its wake-ups.

Run: ``.venv/bin/python tests/bench/bench_sound.py`` (about 4.5 minutes;
``--crossings N`` sets how many presses each speaker hears, 60 by default).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import numpy as np

from firmware_host.source import CoachAim, SourceEvent, SourceStats
from knotmeter.core.config import PipelineConfig
from knotmeter.core.cues import REPEAT_S
from knotmeter.core.events import Cue
from knotmeter.core.latch import HARD_HOLD_S
from knotmeter.core.provenance import SourceKind
from knotmeter.core.samples import SampleBatch
from knotmeter.session import Session
from knotmeter.sound import CHUNK_BYTES, RATE_HZ, Speaker, clip, follow

ROOT = Path(__file__).resolve().parents[2]
PLAYER = ROOT / "tests" / "session" / "recording_player.py"
SAMPLE_HZ = 80.0
CEILING_N = 110.0
TARGET_MS = 1000 / SAMPLE_HZ + 30.0
OPENINGS = {cue: clip(cue)[:CHUNK_BYTES] for cue in Cue}


REST_S = HARD_HOLD_S + 0.2
"""Rest between presses: the last too-hard alarm's latch (``core/latch.py``) has ended
before the next press, so each crossing starts its cue afresh, as the first one does."""


def presses(crossings: int, seed: int = 9) -> Iterator[float]:
    """Forces at 80 Hz: rest 1.7 s, band 52 N for 30-300 ms, 125 N for 0.15 s; repeat."""
    rng = random.Random(seed)
    for _ in range(crossings):
        for force, seconds in ((0.0, REST_S), (52.0, rng.uniform(0.03, 0.3)), (125.0, 0.15)):
            yield from [force] * round(seconds * SAMPLE_HZ)
    yield from [0.0] * round(0.5 * SAMPLE_HZ)


class PacedSource:
    """Yields one sample per batch at its time; stamps when each crossing arrived."""

    moniker = "bench:presses"
    kind = SourceKind.SIMULATED

    def __init__(self, crossings: int) -> None:
        self.stats = SourceStats(rate_hz=SAMPLE_HZ)
        self.crossed_at: list[float] = []
        self._forces = list(presses(crossings))
        self._closed = False

    async def events(self) -> AsyncIterator[SourceEvent]:
        start = time.monotonic()
        previous = 0.0
        for i, force in enumerate(self._forces):
            if self._closed:
                return
            await asyncio.sleep(max(0.0, start + i / SAMPLE_HZ - time.monotonic()))
            if force >= CEILING_N > previous:
                self.crossed_at.append(time.monotonic())
            previous = force
            self.stats.samples += 1
            yield SampleBatch(t=np.array([i / SAMPLE_HZ]), force_n=np.array([force]))

    async def tare(self) -> None:
        """Nothing to tare: the forces are exact."""

    async def set_rate(self, hz: float) -> None:
        del hz

    def aim(self, aim: CoachAim) -> None:
        """The presses are scripted: the aim is ignored."""

    async def close(self) -> None:
        self._closed = True


class WholeClipSpeaker(Speaker):
    """The baseline: the speaker before chunked feeding, each whole clip into the pipe
    at once, where it queues behind whatever the player has not read yet."""

    def play(self, cue: Cue) -> bool:
        data = clip(cue)
        try:
            written = os.write(self._fd, data)
        except (BlockingIOError, BrokenPipeError):
            written = 0
        return written == len(data)


def clip_s(cue: Cue) -> float:
    return len(clip(cue)) / (2 * RATE_HZ)


def measure_latency(
    kind: type[Speaker], crossings: int, out: Path
) -> tuple[list[float], list[float]]:
    """Milliseconds from each crossing to the first byte of its too-hard clip: all of
    them, and those of the crossings that came while a softer clip was playing."""
    from tests.screened import none_apply
    from tests.session.recording_player import heard

    source = PacedSource(crossings)

    async def run() -> None:
        speaker = kind.open([sys.executable, str(PLAYER), str(out)])
        assert speaker is not None
        session = Session(
            source, PipelineConfig.for_region("upper-trapezius"), screening=none_apply()
        )
        follow(session, speaker)
        await session.run()
        speaker.close()

    asyncio.run(run())
    clips = heard(out, OPENINGS)
    latencies: list[float] = []
    in_band: list[float] = []
    for crossed in source.crossed_at:
        too_hard = next((h for h in clips if h.key is Cue.TOO_HARD and h.t >= crossed), None)
        if too_hard is None:  # never heard: a failure the table must show, not a crash
            latencies.append(float("inf"))
            continue
        latencies.append(1000 * (too_hard.t - crossed))
        last = [h for h in clips if h.t < crossed][-1:]
        if any(h.key is not Cue.TOO_HARD and crossed < h.t + clip_s(h.key) for h in last):
            in_band.append(latencies[-1])
    return latencies, in_band


def thread_cpu(thread: threading.Thread) -> tuple[float, int]:
    """CPU seconds and times scheduled so far, from the scheduler's own count."""
    fields = Path(f"/proc/self/task/{thread.native_id}/schedstat").read_text().split()
    return int(fields[0]) / 1e9, int(fields[2])


def feeder_cost(
    seconds: float, out: Path, cue: Cue | None = None, every_s: float = 1.0
) -> tuple[float, float]:
    """The feeder thread's CPU (% of one core) and wake-ups a second over ``seconds``,
    playing ``cue`` every ``every_s`` (or nothing)."""
    speaker = Speaker.open([sys.executable, str(PLAYER), str(out)])
    assert speaker is not None
    cpu0, runs0 = thread_cpu(speaker._feeder)
    start = time.monotonic()
    while (now := time.monotonic()) < start + seconds:
        if cue is not None:
            speaker.play(cue)
        time.sleep(min(every_s, start + seconds - now))
    cpu1, runs1 = thread_cpu(speaker._feeder)
    elapsed = time.monotonic() - start
    speaker.close()
    return 100 * (cpu1 - cpu0) / elapsed, (runs1 - runs0) / elapsed


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def column(values: list[float], q: float, width: int = 9) -> str:
    """The ``q``th percentile, right-aligned, or "-" where no crossing fell in the
    subset (a quiet machine may react before a softer clip starts: nothing to show)."""
    return f"{percentile(values, q):>{width}.1f}" if values else f"{'-':>{width}}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crossings", type=int, default=60, help="presses over the ceiling")
    parser.add_argument("--cpu-seconds", type=float, default=10.0, help="per CPU phase")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))  # for tests.session.recording_player

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows = {
            kind: measure_latency(kind, args.crossings, work / f"{kind.__name__}.raw")
            for kind in (Speaker, WholeClipSpeaker)
        }
        costs = {
            "idle": feeder_cost(args.cpu_seconds, work / "idle.raw"),
            "too hard every 0.25 s": feeder_cost(
                args.cpu_seconds, work / "too_hard.raw", Cue.TOO_HARD, REPEAT_S[Cue.TOO_HARD]
            ),
            "a clip always playing": feeder_cost(
                args.cpu_seconds, work / "busy.raw", Cue.LONG_HOLD, clip_s(Cue.LONG_HOLD)
            ),
        }

    print(f"too-hard cue: crossing sample's arrival -> first byte at the player ({SAMPLE_HZ:g} Hz)")
    print(f"{'':<34}{'all crossings':^32}{'during a softer clip':^23}")
    header = f"{'n':>5}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    print(f"{'speaker':<33}{header}{header[:-9]}")
    names = {Speaker: "10 ms chunks, cut short (now)", WholeClipSpeaker: "whole clips (baseline)"}
    for kind, (latencies, in_band) in rows.items():
        print(
            f"{names[kind]:<33}{len(latencies):>5}{column(latencies, 50)}"
            f"{column(latencies, 99)}{column(latencies, 100)}"
            f"{len(in_band):>5}{column(in_band, 50)}{column(in_band, 99)}"
        )
    now_p99 = percentile(rows[Speaker][0], 99)
    before_p99 = percentile(rows[WholeClipSpeaker][0], 99)
    verdict = "met" if now_p99 <= TARGET_MS else "MISSED"
    print(f"p99 baseline/now: {before_p99 / now_p99:.1f}x", end="; ")
    print(f"target p99 <= {TARGET_MS:.1f} ms: {verdict}")
    print("speaker's feeder thread:")
    for name, (cpu, wakes) in costs.items():
        print(f"  {name:<24}{cpu:6.2f} % of a core, {wakes:4.0f} wake-ups/s")


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
