"""The unit of data that every source hands to the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(slots=True, frozen=True, eq=False)
class SampleBatch:
    """A run of consecutive force samples from one source.

    Batches exist because links deliver samples in bursts (a serial read, a BLE
    notification); every pipeline stage keeps its state across batches, so how a
    stream is cut into batches never changes the result.

    Attributes:
        t: sample times in seconds on the source's continuous timeline, strictly
            increasing within and across batches.
        force_n: force in newtons, same length as ``t``.
        seq0: sequence number of the first sample when the link numbers samples.
        lost: samples known to be missing just before this batch (sequence gap).
        saturated: the source flagged ADC saturation somewhere in this batch.
    """

    t: FloatArray
    force_n: FloatArray
    seq0: int | None = None
    lost: int = 0
    saturated: bool = False
    _len: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.t.shape != self.force_n.shape or self.t.ndim != 1:
            raise ValueError("SampleBatch: t and force_n must be 1-D arrays of equal length")
        object.__setattr__(self, "_len", int(self.t.shape[0]))

    def __len__(self) -> int:
        return self._len

    @classmethod
    def from_pairs(
        cls,
        pairs: list[tuple[float, float]],
        *,
        seq0: int | None = None,
        lost: int = 0,
        saturated: bool = False,
    ) -> SampleBatch:
        """Build a batch from ``(t, force_n)`` pairs (tests, text protocols)."""
        arr = np.asarray(pairs, dtype=np.float64).reshape(-1, 2)
        return cls(
            t=np.ascontiguousarray(arr[:, 0]),
            force_n=np.ascontiguousarray(arr[:, 1]),
            seq0=seq0,
            lost=lost,
            saturated=saturated,
        )
