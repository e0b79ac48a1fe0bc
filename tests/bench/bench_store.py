"""How long one batch write holds the event loop, at 1 kHz and 80 Hz, and under a lock.

Run: ``.venv/bin/python tests/bench/bench_store.py [--seconds S] [--lock-s L]``

Each ``SessionRecorder.record`` call (one transaction) is timed while streaming
``S`` seconds of samples into a fresh store in a temporary directory, long enough
for SQLite to checkpoint the WAL several times (the slow calls). The baseline,
measured in the same run, is the same stream with ``synchronous=FULL`` (an fsync
per commit), the setting the store chose not to use.

Then the ingest-path stall while another process holds the write lock for ``L``
seconds: a 1 kHz stream (20 samples every 20 ms) is handed to the store the old way
(``SessionRecorder.record`` on the caller's thread, which waits on the lock) and the
new way (``StoreWriter.record``, queued for the writer thread); the longest call is
how long the alarm path would have stood still.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from knotmeter.core.samples import SampleBatch
from knotmeter.errors import KnotmeterError
from knotmeter.store import SessionStore, SourceKind

LOCKER = Path(__file__).parents[1] / "store" / "locker.py"
REGION = "upper-trapezius"

SCENARIOS = (
    # (label, rate Hz, samples per batch): a serial link at 1 kHz cut in 20 ms reads,
    # and an HX711 tool at 80 Hz sending one BLE notification per 10 samples.
    ("1 kHz, 20/batch", 1000.0, 20),
    ("80 Hz, 10/batch", 80.0, 10),
)


def stream(db: Path, rate_hz: float, per_batch: int, seconds: float, *, full: bool) -> list[float]:
    """Write ``seconds`` of samples; return each batch's write time in seconds."""
    with SessionStore(db) as store:
        if full:
            store._conn.execute("PRAGMA synchronous = FULL")  # the baseline only
        recorder = store.begin_session(
            source="bench", kind=SourceKind.SIMULATED, region="upper-trapezius"
        )
        rng = np.random.default_rng(1)
        times = []
        for first in range(0, int(seconds * rate_hz), per_batch):
            index = np.arange(first, first + per_batch, dtype=np.float64)
            batch = SampleBatch(t=index / rate_hz, force_n=50.0 + rng.normal(0.0, 1.0, per_batch))
            start = time.perf_counter()
            recorder.record(batch, [], region="upper-trapezius")
            times.append(time.perf_counter() - start)
    return times


def describe(times: list[float], rate_hz: float, per_batch: int) -> tuple[str, float]:
    us = sorted(t * 1e6 for t in times)
    p50, p99 = us[len(us) // 2], us[int(len(us) * 0.99)]
    busy = statistics.fmean(times) * rate_hz / per_batch  # loop seconds per second
    return (
        f"p50 {p50:7.0f} us  p99 {p99:7.0f} us  max {us[-1]:7.0f} us  "
        f"loop busy {busy * 100:5.2f} %  ({len(us)} batches)",
        p99,
    )


def stall_under_lock(db: Path, lock_s: float, *, queued: bool) -> tuple[float, float, bool]:
    """Stream 1 kHz through a held lock; (longest call s, p99 call s, all stored in order)."""
    with SessionStore(db) as store:
        kind, region = SourceKind.SIMULATED, REGION
        if queued:
            writer = store.begin_writer(source="bench", kind=kind, region=region)
            record = writer.record
        else:
            recorder = store.begin_session(source="bench", kind=kind, region=region)
            record = recorder.record
        locker = subprocess.Popen(
            [sys.executable, str(LOCKER), str(db), str(lock_s)], stdout=subprocess.PIPE, text=True
        )
        assert locker.stdout is not None
        assert locker.stdout.readline() == "locked\n"
        calls, first, end = [], 0, time.monotonic() + lock_s + 0.5
        while time.monotonic() < end:
            index = np.arange(first, first + 20, dtype=np.float64)
            start = time.perf_counter()
            # The old way, a lock longer than busy_timeout is an error: the session died.
            with contextlib.suppress(KnotmeterError):
                record(SampleBatch(t=index / 1000.0, force_n=index), [], region=region)
            calls.append(time.perf_counter() - start)
            first += 20
            time.sleep(0.02)
        locker.wait()
        locker.stdout.close()
        if queued:
            writer.close()
            stored = store.samples(writer.session_id or 0)
        else:
            stored = store.samples(recorder.session_id)
        in_order = np.array_equal(stored.t, np.arange(first) / 1000.0)
    calls.sort()
    return calls[-1], calls[int(len(calls) * 0.99)], in_order


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300.0, help="stream length (s)")
    parser.add_argument("--lock-s", type=float, default=1.5, help="write lock held (s)")
    args = parser.parse_args()
    print(f"store batch writes, {args.seconds:g} s of samples per run")
    with tempfile.TemporaryDirectory() as tmp:
        for number, (label, rate_hz, per_batch) in enumerate(SCENARIOS):
            results = {}
            for full in (False, True):
                db = Path(tmp) / f"run{number}{'full' if full else 'normal'}.sqlite3"
                line, p99 = describe(
                    stream(db, rate_hz, per_batch, args.seconds, full=full), rate_hz, per_batch
                )
                results[full] = p99
                size = db.stat().st_size / 1e6
                print(f"  {label}  synchronous={'FULL  ' if full else 'NORMAL'}  {line}  "
                      f"db {size:.1f} MB")  # fmt: skip
            print(f"  {label}  p99 FULL / NORMAL = {results[True] / results[False]:.1f}x")
        print(f"ingest-path stall, another process holding the write lock {args.lock_s:g} s")
        stalls = {}
        for queued in (False, True):
            db = Path(tmp) / f"lock{'queued' if queued else 'direct'}.sqlite3"
            longest, p99, in_order = stall_under_lock(db, args.lock_s, queued=queued)
            stalls[queued] = longest
            way = "writer thread (now)   " if queued else "on the caller (before)"
            print(f"  {way}  longest call {longest * 1e3:8.2f} ms  p99 {p99 * 1e3:8.2f} ms  "
                  f"every sample stored in order: {in_order}")  # fmt: skip
        print(f"  longest stall before / now = {stalls[False] / stalls[True]:.0f}x")


if __name__ == "__main__":
    main()
