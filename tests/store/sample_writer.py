"""Child process for the crash test: writes batches forever, acknowledging each commit.

Run as ``python sample_writer.py DB BATCH``. Prints ``session ID`` once, then the
running sample count after every committed batch, until it is killed. Sample ``i``
has ``t = i / 1000`` and ``force_n = i * 0.25`` so the parent can check values.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from knotmeter.core.samples import SampleBatch
from knotmeter.store import SessionStore, SourceKind


def main(db: Path, batch_size: int) -> None:
    store = SessionStore(db)
    recorder = store.begin_session(
        source="test:writer", kind=SourceKind.SIMULATED, region="upper-trapezius"
    )
    print(f"session {recorder.session_id}", flush=True)
    written = 0
    while True:
        index = np.arange(written, written + batch_size, dtype=np.float64)
        recorder.record(SampleBatch(t=index / 1000.0, force_n=index * 0.25), [], region="x")
        written += batch_size
        print(written, flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
