"""Samples due at a steady rate on a device clock that runs from power-on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator


async def paced(period_s: float, boot: float) -> AsyncIterator[float]:
    """Yield each sample's device time (s since ``boot``, a loop time) as it falls due.

    Sample n is due at ``boot + n x period_s`` whatever the loop's lateness, so the
    rate never drifts.
    """
    loop = asyncio.get_running_loop()
    n = int((loop.time() - boot) / period_s) + 1
    while True:
        due = boot + n * period_s
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        n += 1
        yield due - boot
