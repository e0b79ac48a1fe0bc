"""Fault injection for the simulated link: what a flaky cable and a cheap board do.

Faults are drawn per sample frame from a seeded generator, so a fault plan and
a seed replay the same trouble. A spec string names them, e.g.
``drop=0.01,flip=0.01,garbage=0.02,stall=0.002,unplug=0.001,stall_s=1.5``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import Enum

import numpy as np

_PROBABILITIES = ("drop", "flip", "garbage", "stall", "unplug")


class Fault(Enum):
    NONE = "none"
    DROP = "drop"  # the frame never leaves the tool
    FLIP = "flip"  # one bit of the frame is flipped on the wire
    STALL = "stall"  # output stops for ``stall_s``, then the backlog arrives at once
    UNPLUG = "unplug"  # the cable is out for ``unplug_s``; samples meanwhile are lost


@dataclass(slots=True, frozen=True)
class FaultPlan:
    """Per-frame probabilities; ``garbage`` is independent of the others."""

    drop: float = 0.0
    flip: float = 0.0
    garbage: float = 0.0
    stall: float = 0.0
    unplug: float = 0.0
    stall_s: float = 1.5
    unplug_s: float = 0.5

    @classmethod
    def parse(cls, spec: str) -> FaultPlan:
        """Parse ``name=value,...``; raises ValueError naming the bad item."""
        known = {f.name for f in fields(cls)}
        values: dict[str, float] = {}
        for item in filter(None, (part.strip() for part in spec.split(","))):
            name, sep, text = item.partition("=")
            if not sep or name not in known:
                names = ", ".join(sorted(known))
                raise ValueError(f"fault {item!r}: expected name=value, name one of {names}")
            try:
                value = float(text)
            except ValueError:
                raise ValueError(f"fault {name}: {text!r} is not a number") from None
            limit = 1.0 if name in _PROBABILITIES else 60.0
            if not 0.0 <= value <= limit:
                raise ValueError(f"fault {name}: {value} outside 0..{limit:g}")
            values[name] = value
        return cls(**values)


class FaultInjector:
    """Decides each frame's fate and makes the garbage and the bit flips."""

    def __init__(self, plan: FaultPlan, *, seed: int = 0) -> None:
        self.plan = plan
        self._rng = np.random.default_rng(seed)

    def choose(self) -> Fault:
        p = self.plan
        roll = float(self._rng.random())
        for fault, chance in (
            (Fault.DROP, p.drop),
            (Fault.FLIP, p.flip),
            (Fault.STALL, p.stall),
            (Fault.UNPLUG, p.unplug),
        ):
            if roll < chance:
                return fault
            roll -= chance
        return Fault.NONE

    def garbage(self) -> bytes:
        """Random junk to write before a frame, or nothing (most of the time)."""
        if float(self._rng.random()) >= self.plan.garbage:
            return b""
        return self._rng.integers(0, 256, int(self._rng.integers(1, 40))).astype(np.uint8).tobytes()

    def flip(self, frame: bytes) -> bytes:
        """``frame`` with one bit flipped, never in its leading or trailing delimiter."""
        out = bytearray(frame)
        index = int(self._rng.integers(1, len(out) - 1))
        out[index] ^= 1 << int(self._rng.integers(0, 8))
        return bytes(out)
