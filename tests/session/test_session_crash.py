"""A session killed mid-stream has stored every sample it handled (real SIGKILL)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import numpy as np

from knotmeter.store import SessionStore

CHILD = Path(__file__).with_name("session_child.py")
BATCH = 20
ACKS_BEFORE_KILL = 300


def test_sigkill_loses_no_sample_the_session_handled(tmp_path: Path) -> None:
    db = tmp_path / "knotmeter.sqlite3"
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(db)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    try:
        session_id = int(child.stdout.readline().split()[1])
        acks = [child.stdout.readline() for _ in range(ACKS_BEFORE_KILL)]
        child.send_signal(signal.SIGKILL)
        acks += child.stdout.readlines()
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    handled = max(int(line) for line in acks if line.endswith("\n"))

    with SessionStore(db) as store:
        stored = store.samples(session_id)
    assert handled <= len(stored) <= handled + BATCH  # at most the batch in flight extra
    index = np.arange(len(stored), dtype=np.float64)
    np.testing.assert_array_equal(stored.t, index / 1000.0)
    np.testing.assert_array_equal(stored.force_n, 50.0 + index % 7)
