"""Forces that are numbers: unusable samples are dropped and counted at the source.

A NaN or infinite force (a Progressor's float32 NaN, a unit conversion that
overflowed), or one so large that arithmetic on it overflows, means nothing to the
coach and must never reach the store, so every source passes its batches through
:func:`drop_non_finite` before handing them on.
"""

from __future__ import annotations

import numpy as np

from knotmeter.core.samples import SampleBatch

MAX_FORCE_N = 1e6
"""No hand tool measures a thousandth of this; beyond it a value is a glitch."""


def drop_non_finite(batch: SampleBatch) -> tuple[SampleBatch | None, int]:
    """``batch`` without its samples whose time is not finite or whose force is not
    within ±:data:`MAX_FORCE_N`, and how many were dropped; ``None`` when none are
    left (``seq0`` moves to the first kept)."""
    keep = np.isfinite(batch.t) & (np.abs(batch.force_n) <= MAX_FORCE_N)
    dropped = len(batch) - int(np.count_nonzero(keep))
    if not dropped:
        return batch, 0
    if dropped == len(batch):
        return None, dropped
    return (
        SampleBatch(
            t=np.ascontiguousarray(batch.t[keep]),
            force_n=np.ascontiguousarray(batch.force_n[keep]),
            seq0=None if batch.seq0 is None else batch.seq0 + int(np.argmax(keep)),
            lost=batch.lost,
            saturated=batch.saturated,
        ),
        dropped,
    )
