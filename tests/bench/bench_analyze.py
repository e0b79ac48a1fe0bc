"""Peak memory and speed of ``knotmeter analyze`` on long traces (1 M and 10 M rows).

Run: ``.venv/bin/python tests/bench/bench_analyze.py [--rows 1000000 10000000]``

Each trace is generated in a temporary directory (presses of 20-80 N at 80 Hz,
the shape ``record`` writes) and analysed by the real CLI in a child process;
peak memory is the child's maximum resident set size (``wait4``). The baseline,
measured in the same run, is the same CLI on a 1 000-row trace (the interpreter,
numpy and the pipeline loaded, no trace to speak of) for memory, and a bare
``csv.reader`` pass over the same file for speed, the floor any CSV reader in
Python pays.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

RATE_HZ = 80.0
CHUNK = 1_000_000


def write_trace(path: Path, rows: int) -> None:
    """``rows`` samples of 6 s presses every 10 s, written in chunks (flat memory here too)."""
    rng = np.random.default_rng(7)
    with path.open("w", encoding="utf-8") as file:
        file.write("t_s,force_n\n")
        for first in range(0, rows, CHUNK):
            t = np.arange(first, min(rows, first + CHUNK)) / RATE_HZ
            pressing = (t % 10.0) < 6.0
            force = np.where(pressing, 50.0 + 15.0 * np.sin(t), 0.5) + rng.normal(0, 0.3, t.size)
            file.writelines(
                f"{a:.4f},{b:.3f}\n" for a, b in zip(t.tolist(), force.tolist(), strict=True)
            )


MEASURE = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""
"""Runs the CLI from a fresh, small interpreter: a child forked from this (large) process
would inherit this process's peak RSS in its own ``ru_maxrss``."""


def analyze(path: Path) -> tuple[float, float]:
    """Run ``knotmeter analyze`` on ``path``; (seconds, peak RSS in MB) of the CLI process."""
    command = [str(Path(sys.executable).with_name("knotmeter")), "analyze", str(path)]
    command += ["--region", "upper-trapezius", "--json"]
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - start
    code, max_kb = out.stdout.split()
    if code != "0":
        raise SystemExit(f"analyze failed on {path}: {out.stderr}")
    return seconds, int(max_kb) / 1024


def bare_csv(path: Path) -> float:
    """Seconds for ``csv.reader`` alone to walk the file and convert both cells."""
    start = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as file:
        rows = csv.reader(file)
        next(rows)
        for t, f in rows:
            float(t), float(f)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small.csv"
        write_trace(small, 1_000)
        _, base_mb = analyze(small)
        print(f"baseline: analyze of 1 000 rows peaks at {base_mb:.0f} MB")
        for rows in args.rows:
            path = Path(tmp) / f"trace-{rows}.csv"
            write_trace(path, rows)
            seconds, peak_mb = analyze(path)
            floor = bare_csv(path)
            print(
                f"{rows:>11,} rows ({path.stat().st_size / 1e6:,.0f} MB): "
                f"peak RSS {peak_mb:6.0f} MB ({peak_mb / base_mb:.2f}x baseline), "
                f"{rows / seconds:,.0f} rows/s in {seconds:.1f} s "
                f"(bare csv.reader {rows / floor:,.0f} rows/s; ratio {seconds / floor:.2f})"
            )
            path.unlink()


if __name__ == "__main__":
    main()
