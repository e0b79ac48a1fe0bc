"""``knotmeter report`` over a year of daily sessions: wall time and peak memory.

Run from the repository root: ``.venv/bin/python -m tests.bench.bench_report [--days N]``

A store is seeded through the store's public API (``tests/store/seeding.py``, the real
pipeline's holds and alarms): a sitting a day for ``N`` days (default 365) of the
two-point outer-knee plan, left and right in turn, the complaint rated at each, and a
PPT measurement of both sides every week. Each command runs as its own process
(``knotmeter report -o .html``, ``-o .pdf``), timed from outside, with its peak
resident memory (``ru_maxrss`` of the child). Same-run baseline: ``knotmeter history
--json`` over the same window, which reads the same holds and ratings the report does.
Targets (issue 26): under 10 s and 300 MB.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from knotmeter.store import DATA_DIR_ENV, default_db_path

LIMIT_S = 10.0
LIMIT_MB = 300.0
POINT_S = 20.0
"""Short presses: the report reads holds, not samples, so their length costs only seeding."""


def seed(data: Path, days: int) -> None:
    from knotmeter.store import SessionStore
    from tests.report.conftest import PPT, measured
    from tests.store.seeding import DAY_S, seed_history, sided_fortnight

    now = time.time()
    sittings = [dataclasses.replace(s, point_s=POINT_S) for s in sided_fortnight(days=days)]
    path = data / default_db_path().name
    seed_history(path, sittings, now=now)
    wall = [now]
    with SessionStore(path, wall_clock=lambda: wall[0]) as store:
        for week in range(days // 7):
            wall[0] = now - (days - 7 * week - 0.5) * DAY_S
            for (region, side), (ppt_n, _) in PPT.items():
                store.save_targets(measured(region, side, ppt_n + week * 0.1))


def run(data: Path, argv: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system: what another job on the shared cores
    cannot inflate) and peak RSS (MB) of ``knotmeter ARGV`` as a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from knotmeter.cli import main; sys.exit(main())",
            *argv,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, DATA_DIR_ENV: str(data)},
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if after.ru_maxrss <= before.ru_maxrss:
        print("  (peak RSS not above an earlier child's: ordering runs smallest first)")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu, after.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365, help="days of daily sessions")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        started = time.perf_counter()
        seed(data, args.days)
        db = data / default_db_path().name
        print(
            f"seeded {args.days} daily sessions (2 points, 2 sides): db "
            f"{db.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - started:.0f} s"
        )
        window = ["--days", str(args.days + 1)]
        print(f"load average {' '.join(f'{n:.1f}' for n in os.getloadavg())} (2 cores shared)")
        base_s, base_cpu, base_mb = run(data, ["history", "--json", *window])
        print(
            f"  history --json   {base_s:6.2f} s wall  {base_cpu:6.2f} s CPU  "
            f"peak RSS {base_mb:6.1f} MB  (baseline)"
        )
        for suffix in ("html", "pdf"):
            out = data / f"report.{suffix}"
            seconds, cpu, peak_mb = run(data, ["report", *window, "-o", str(out)])
            verdict = "ok" if seconds < LIMIT_S and peak_mb < LIMIT_MB else "OVER"
            print(
                f"  report .{suffix:4}    {seconds:6.2f} s wall  {cpu:6.2f} s CPU  "
                f"peak RSS {peak_mb:6.1f} MB  ({cpu / base_cpu:.1f}x history's CPU; "
                f"{out.stat().st_size / 1e6:.1f} MB) {verdict} "
                f"(limits {LIMIT_S:g} s, {LIMIT_MB:g} MB)"
            )


if __name__ == "__main__":
    main()
