"""Another program holding the store's write lock, for the lock tests and the benchmark.

Run as ``python locker.py DB SECONDS``: takes the write lock (``BEGIN IMMEDIATE``),
prints ``locked``, holds it ``SECONDS``, commits and prints ``released``.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

SCRIPT = Path(__file__)


def main(db: str, seconds: float) -> None:
    conn = sqlite3.connect(db, isolation_level=None, timeout=10.0)
    conn.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    time.sleep(seconds)
    conn.execute("COMMIT")
    print("released", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
