"""``knotmeter export`` on a fortnight of 80 Hz sessions: time, and memory that does not grow.

Run from the repository root: ``.venv/bin/python -m tests.bench.bench_export [--hours H]``

Two stores are seeded through the store's public API (``tests/store/seeding.py``,
the real pipeline's holds and alarms): 14 days of sittings with ``H`` hours of
80 Hz samples in all (default 1), and the same with half of it (7 days). Each
export runs in a fresh process, which reports its wall time and its peak resident
memory (``ru_maxrss``). Same-run baselines: the bare cost of reading every sample
row from SQLite (the floor an export cannot beat), and the peak memory of loading
the whole history at once with ``SessionStore.samples`` (what streaming avoids).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from knotmeter.store import default_db_path

DAYS = 14
CHILD = """
import json, resource, sys, time, tracemalloc
from pathlib import Path
mode, db, out, traced = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4] == "1"
from knotmeter.export import ExportFormat, export
from knotmeter.store.reads import reading, sessions
if traced:
    tracemalloc.start()
start = time.perf_counter()
with reading(db) as conn:
    chosen = sessions(conn, since=0.0)
    if mode == "rows":
        for _ in conn.execute("SELECT t, force_n FROM samples"):
            pass
    elif mode == "load":
        whole = conn.execute("SELECT session_id, t, force_n FROM samples").fetchall()
    else:
        export(conn, chosen, out, ExportFormat(mode))
seconds = time.perf_counter() - start
heap_mb = tracemalloc.get_traced_memory()[1] / 1e6 if traced else 0.0
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "heap_mb": heap_mb, "rss_mb": rss_mb}))
"""


def seed(path: Path, hours: float, days: int) -> int:
    """A sitting a day over ``days`` days, ``hours`` of samples in all; returns the samples."""
    from tests.store.seeding import RATE_HZ, fortnight, seed_history

    # fortnight() lengthens each day's points by 3 s a day; two points a sitting.
    base = hours * 3600.0 / (2 * days) - 1.5 * (days - 1)
    sittings = [s for s in fortnight(point_s=base, days=days) if s.kind.value == "device"]
    seed_history(path, sittings, now=time.time())
    return round(sum(2 * s.point_s for s in sittings) * RATE_HZ)


def child(mode: str, db: Path, out: Path) -> dict[str, float]:
    """Time from a plain run; peak heap (tracemalloc, which slows it) from a second one."""
    result: dict[str, float] = {}
    for traced in (False, True):
        target = out.with_name(f"{out.name}-{int(traced)}")
        done = subprocess.run(
            [sys.executable, "-c", CHILD, mode, str(db), str(target), str(int(traced))],
            check=True,
            capture_output=True,
            text=True,
        )
        figures = json.loads(done.stdout)
        result.setdefault("seconds", figures["seconds"])
        result.setdefault("rss_mb", figures["rss_mb"])
        result["heap_mb"] = figures["heap_mb"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=1.0, help="hours of samples in all")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        stores = {}
        for label, hours, days in (("full", args.hours, DAYS), ("half", args.hours / 2, DAYS // 2)):
            db = root / label / default_db_path().name
            db.parent.mkdir()
            started = time.perf_counter()
            samples = seed(db, hours, days)
            stores[label] = db
            took = time.perf_counter() - started
            print(
                f"{label}: {days} days, {samples} samples at 80 Hz ({hours:g} h), "
                f"db {db.stat().st_size / 1e6:.0f} MB, seeded in {took:.0f} s"
            )
        figures: dict[tuple[str, str], dict[str, float]] = {}
        for label, db in stores.items():
            for mode in ("rows", "csv", "json", "load"):
                figures[label, mode] = result = child(mode, db, root / f"{label}-{mode}")
                print(
                    f"  {label:4} {mode:4}  {result['seconds']:6.2f} s  "
                    f"peak heap {result['heap_mb']:7.2f} MB  peak RSS {result['rss_mb']:6.1f} MB"
                )
        floor = figures["full", "rows"]["seconds"]
        whole = figures["full", "load"]["heap_mb"] / figures["half", "load"]["heap_mb"]
        for mode in ("csv", "json"):
            full, half = figures["full", mode], figures["half", mode]
            grows = full["heap_mb"] / half["heap_mb"]
            print(
                f"  {mode}: {full['seconds'] / floor:.1f}x the bare row read; peak heap "
                f"full / half = {grows:.2f} (loading whole: {whole:.2f})"
            )


if __name__ == "__main__":
    main()
