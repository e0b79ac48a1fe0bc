"""A session killed mid-stream has stored every sample it handled (real SIGKILL)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from knotmeter.store import SessionStore
from tests.store.crash import kill_mid_stream

CHILD = Path(__file__).with_name("session_child.py")
BATCH = 20
ACKS_BEFORE_KILL = 300


def test_sigkill_loses_no_sample_the_session_handled(tmp_path: Path) -> None:
    db = tmp_path / "knotmeter.sqlite3"
    session_id, handled = kill_mid_stream([str(CHILD), str(db)], acks_before_kill=ACKS_BEFORE_KILL)

    with SessionStore(db) as store:
        stored = store.samples(session_id)
    assert handled <= len(stored) <= handled + BATCH  # at most the batch in flight extra
    index = np.arange(len(stored), dtype=np.float64)
    np.testing.assert_array_equal(stored.t, index / 1000.0)
    np.testing.assert_array_equal(stored.force_n, 50.0 + index % 7)
