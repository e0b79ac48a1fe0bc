"""A killed process leaves every sample it acknowledged on disk (real SIGKILL, real file)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import numpy as np

from knotmeter.store import SessionStore

WRITER = Path(__file__).with_name("sample_writer.py")
BATCH = 25
ACKS_BEFORE_KILL = 200


def test_sigkill_mid_stream_loses_no_acknowledged_sample(tmp_path: Path) -> None:
    db = tmp_path / "knotmeter.sqlite3"
    child = subprocess.Popen(
        [sys.executable, str(WRITER), str(db), str(BATCH)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    try:
        session_id = int(child.stdout.readline().split()[1])
        acks = [child.stdout.readline() for _ in range(ACKS_BEFORE_KILL)]
        child.send_signal(signal.SIGKILL)  # the child is still writing flat out
        acks += child.stdout.readlines()
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    acked = max(int(line) for line in acks if line.endswith("\n"))

    with SessionStore(db) as store:
        stored = store.samples(session_id)
    # Everything acknowledged is there; at most the batch committed but not yet
    # acknowledged when the signal landed is extra. Nothing torn, nothing reordered.
    assert acked <= len(stored) <= acked + BATCH
    assert len(stored) % BATCH == 0
    index = np.arange(len(stored), dtype=np.float64)
    np.testing.assert_array_equal(stored.t, index / 1000.0)
    np.testing.assert_array_equal(stored.force_n, index * 0.25)
