"""A session killed mid-stream has stored every sample its store acknowledged (real SIGKILL)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from knotmeter.store import SessionStore
from tests.store.crash import kill_mid_stream

CHILD = Path(__file__).with_name("session_child.py")
BATCH = 20
ACKS_BEFORE_KILL = 300


def test_sigkill_loses_no_sample_the_store_acknowledged(tmp_path: Path) -> None:
    db = tmp_path / "knotmeter.sqlite3"
    session_id, acked = kill_mid_stream([str(CHILD), str(db)], acks_before_kill=ACKS_BEFORE_KILL)

    with SessionStore(db) as store:
        stored = store.samples(session_id)
    assert acked > 0, "the writer thread acknowledged nothing: the test proves nothing"
    # Everything acknowledged is there, whole batches only, in order from the first.
    assert acked <= len(stored)
    assert len(stored) % BATCH == 0
    index = np.arange(len(stored), dtype=np.float64)
    np.testing.assert_array_equal(stored.t, index / 1000.0)
    np.testing.assert_array_equal(stored.force_n, 50.0 + index % 7)
