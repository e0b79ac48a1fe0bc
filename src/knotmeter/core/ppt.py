"""Personal targets from the pressure pain threshold (PPT): the band where this person is.

Regional bands are population figures; what one person's tissue takes can differ by
a factor of two. The protocol (REFERENCE §2): press slowly (about 5 N/s) and tap at
the first pain, three times, and drop the first trial, which mostly teaches the feel.
The band then runs from the PPT to midway to pain tolerance (about 1.2 x PPT), and
the ceiling is 1.4 x PPT, never above the region's own ceiling.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from knotmeter.core.regions import Region

TRIALS = 3
TOLERANCE_RATIO = 1.2
"""Pain tolerance as a multiple of the PPT."""
CEILING_RATIO = 1.4
RAMP_N_PER_S = 5.0
"""How fast to press while looking for the first pain: slow enough to tap in time."""


class PptError(ValueError):
    """The taps cannot give targets; ``str()`` says why and what to do."""


@dataclass(slots=True, frozen=True)
class PersonalTargets:
    """One person's targets for one region, in newtons."""

    region_id: str
    ppt_n: float
    band_low_n: float
    band_high_n: float
    ceiling_n: float
    tool: str = "ball"


def personal_targets(region: Region, taps_n: Sequence[float]) -> PersonalTargets:
    """Targets from the forces at which ``TRIALS`` presses first hurt (the first is dropped).

    Raises:
        PptError: too few taps, a tap with no force behind it, or a threshold so high
            that the band would reach the region's ceiling (keep the defaults then).
    """
    if len(taps_n) < TRIALS:
        raise PptError(f"{TRIALS} presses are needed, {len(taps_n)} so far")
    if not all(math.isfinite(f) and f > 0 for f in taps_n):
        raise PptError("a tap with no force on the tool: press until it first hurts, then tap")
    ppt = statistics.fmean(taps_n[1:TRIALS])
    band_high = ppt * (1 + TOLERANCE_RATIO) / 2
    ceiling = min(CEILING_RATIO * ppt, region.ceiling_n)
    if ceiling <= band_high:
        raise PptError(
            f"first pain at {ppt:.0f} N leaves no room under the {region.name} ceiling "
            f"({region.ceiling_n:g} N): keep the default targets"
        )
    return PersonalTargets(region.id, ppt, ppt, band_high, ceiling)
