"""Child process for the session crash test: a live session storing an endless press.

Run as ``python session_child.py DB``. Prints ``session ID``, then, each time the
session asks for the next batch, the number of samples its store has acknowledged
(committed by the writer thread: the session itself never waits for the disk).
Sample ``i`` has ``t = i / 1000`` and ``force_n = 50 + (i % 7)``.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from firmware_host.source import CoachAim, LinkChanged, LinkState, SourceEvent, SourceStats
from knotmeter.core.pipeline import PipelineConfig
from knotmeter.core.provenance import SourceKind
from knotmeter.core.samples import SampleBatch
from knotmeter.core.screening import ITEMS
from knotmeter.session import Session
from knotmeter.store import ScreeningRecord, SessionStore

BATCH = 20


class EndlessPress:
    """A 1 kHz source that never stops; it satisfies ``Source``."""

    moniker = "test:endless"
    kind = SourceKind.SIMULATED

    def __init__(self) -> None:
        self.stats = SourceStats()
        self.acknowledged: Callable[[], int] = lambda: 0

    async def events(self) -> AsyncIterator[SourceEvent]:
        yield LinkChanged(0.0, LinkState.LIVE)
        handled = 0
        while True:
            index = np.arange(handled, handled + BATCH, dtype=np.float64)
            yield SampleBatch(t=index / 1000.0, force_n=50.0 + index % 7)
            handled += BATCH
            print(self.acknowledged(), flush=True)
            await asyncio.sleep(0.001)  # a 1 kHz tool's pace, so the writer keeps up

    async def tare(self) -> None:
        pass

    async def set_rate(self, hz: float) -> None:
        pass

    def aim(self, aim: CoachAim) -> None:
        """The endless press ignores the aim."""

    async def close(self) -> None:
        pass


async def main(db: Path) -> None:
    with SessionStore(db) as store:
        source = EndlessPress()
        session = Session(
            source,
            PipelineConfig.for_region("upper-trapezius"),
            store=store,
            screening=ScreeningRecord(
                datetime.now(UTC), dict.fromkeys((i.id for i in ITEMS), False), False
            ),
        )

        def acknowledged() -> int:
            health = session.store_health
            return 0 if health is None else health.saved

        source.acknowledged = acknowledged
        print(f"session {session.session_id}", flush=True)
        await session.run()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
