"""One sitting's own log: what the person decided this sitting, before the disk has it.

The store's writer queues writes on a thread and never makes the coach wait, so the
store may not yet hold what this sitting measured, forgot or rated. The log keeps those
decisions and answers the sitting's reads from them first (measured targets, "forget
all"), and it alone decides which hold a pain rating belongs to and whether a rating
calls for a go-lighter step or takes one back (a correction under 7/10):

>>> log = SittingLog(None, None)
>>> log.rate(12.0, "rhomboids", 8), log.lighter_due
(0, 1)
>>> log.take_lighter_step(); log.rate(12.0, "rhomboids", 2)  # corrected: take it back
-1
>>> log.ratings
{12.0: 2}
"""

from __future__ import annotations

from dataclasses import replace

from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.scores import HOLD_PAIN_TOO_HIGH, Outcome
from knotmeter.core.sides import Side
from knotmeter.core.tools import Tool
from knotmeter.errors import KnotmeterError
from knotmeter.store.records import Moment, ScreeningRecord
from knotmeter.store.store import SessionStore
from knotmeter.store.writer import StoreWriter


class SittingLog:
    """The sitting's targets, ratings, outcomes and screening: each submitted once,
    through the writer, and read back from here before the store has them."""

    def __init__(self, store: SessionStore | None, writer: StoreWriter | None) -> None:
        self._store = store
        self._writer = writer
        # Targets measured (or forgotten: None) this sitting, by (region, tool).
        self._measured: dict[tuple[str, str], PersonalTargets | None] = {}
        self._forgot_all = False  # after "forget all" the store is not asked
        self.ratings: dict[float | None, int] = {}
        """One rating per hold (by its start; ``None`` before any hold): the newest."""
        self._lightened: dict[float | None, str] = {}  # hold → the point it lightened
        self.lighter_due = 0
        """Go-lighter steps called for and not yet taken (taken once no hold runs)."""
        self.screening: ScreeningRecord | None = None
        self.side: Side | None = None
        """The side of the body being pressed, if said: holds and targets are kept under it."""

    def targets(self, region_id: str, tool: Tool) -> PersonalTargets | None:
        """This sitting's measured targets before the store's (a damaged store: none),
        on :attr:`side` or on no side said, never the other side's."""
        key = (region_id, tool.value)
        if key in self._measured:
            mine = self._measured[key]
            if mine is None or mine.side in (None, self.side):
                return mine
        if self._forgot_all or self._store is None:
            return None
        try:
            return self._store.targets(*key, side=self.side)
        except KnotmeterError:  # a damaged store: the title says "default", coaching goes on
            return None

    def save_targets(self, targets: PersonalTargets) -> None:
        """Keep ``targets`` for this sitting and the store, under the side being pressed."""
        targets = replace(targets, side=targets.side or self.side)
        self._measured[targets.region_id, targets.tool] = targets
        if self._writer is not None:
            self._writer.submit(lambda r: r.save_targets(targets))

    def forget_targets(self, region_id: str | None) -> None:
        """Forget one point's measured targets (every tool), or every point's (``None``)."""
        if region_id is None:
            self._measured.clear()
            self._forgot_all = True
        else:
            self._measured.update(((region_id, tool.value), None) for tool in Tool)
        if self._writer is not None:
            self._writer.submit(lambda r: r.forget_targets(region_id))

    def save_screening(self, screening: ScreeningRecord) -> None:
        self.screening = screening
        if self._writer is not None:
            self._writer.submit(lambda r: r.save_screening(screening))

    def rate(self, hold_t: float | None, region_id: str, score: int) -> int:
        """Keep ``score`` as the hold's one rating; returns the go-lighter step to take
        back now (-1: a correction under 7/10 of a step already taken on this point), else 0.
        """
        self.ratings[hold_t] = score
        if self._writer is not None:
            self._writer.submit(lambda r: r.rate_pain(score, hold_t))
        if score >= HOLD_PAIN_TOO_HIGH:
            if hold_t not in self._lightened:
                self._lightened[hold_t] = region_id
                self.lighter_due += 1
            return 0
        lightened = self._lightened.pop(hold_t, None)
        if lightened is None:
            return 0
        if self.lighter_due:
            self.lighter_due -= 1
            return 0
        return -1 if lightened == region_id else 0

    def record_outcome(self, plan_id: str, moment: Moment, outcome: Outcome) -> None:
        if self._writer is not None:
            self._writer.submit(lambda r: r.record_outcome(plan_id, moment, outcome))

    def take_lighter_step(self) -> None:
        self.lighter_due -= 1
