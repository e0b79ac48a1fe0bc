"""Personal targets from the pressure pain threshold (PPT): the band where this person is.

Regional bands are population figures; what one person's tissue takes can differ by
a factor of two. The rules (REFERENCE §2 "Personal calibration"), for a force measured
on the tool itself, with ``a`` the contact area in cm²:

- tolerance = 1.2 x PPT + 4.7 N x √a (0.48 kg/cm² through the tool's contact);
- band = PPT .. midpoint(PPT, tolerance). It is never narrower than ±10 % of its
  middle (a held plateau wanders that much): where it would be, the *low* edge comes
  down to 9/11 of the top. The top is the pressure the trials found to work at
  60-90 s; going under the PPT is only lighter, never riskier.
- ceiling = min(tolerance, the cap), raised to 15 % above the band's top when the
  tolerance sits closer than that; when even that would pass the cap, the PPT is
  refused. The cap is the session's effective ceiling (light profile, tool, range:
  ``PipelineConfig.ceiling_n``), never the region's default (REFERENCE §7).
- a *low* PPT (REFERENCE §7): any PPT of 5 N or more whose presses agree is a result.
  Under half the region's default band low (scaled to the tool), where the rule above
  would have called it a failed measurement, the band is 0.8-1.0 x PPT, coached in
  tender mode, with the advice to see a clinician (widespread low thresholds can mean
  central sensitisation). No band is ever above a measured PPT's own band.
- a measured band is offered for re-measuring after ``REMEASURE_DAYS`` days or a flare
  (day-to-day reliability of a PPT is moderate, ICC ~0.76-0.79).

The contact area ``a`` is the smaller of the tool's and the region row's (fingertips on
the jaw are ~1 cm² whatever the tool word), the same rule as ``tools.limit_scale``:

>>> from knotmeter.core.regions import get_region
>>> round(contact_area_cm2(get_region("upper-trapezius"), Tool.BALL), 1)
7.0
>>> trap = get_region("upper-trapezius")
>>> t = targets_from_ppt(trap, Tool.BALL, 45.0, cap_n=110.0)
>>> round(t.band_low_n, 1), round(t.band_high_n, 1), round(t.ceiling_n, 1)
(45.0, 55.7, 66.4)
>>> low = targets_from_ppt(trap, Tool.BALL, 17.0, cap_n=110.0)
>>> round(low.band_low_n, 1), round(low.band_high_n, 1), low.low
(13.6, 17.0, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from knotmeter.core.adjust import widened_low
from knotmeter.core.config import BAND_HEADROOM
from knotmeter.core.regions import Region
from knotmeter.core.sides import Side
from knotmeter.core.tools import CONTACT_AREA_CM2, Tool, limit_scale

TRIALS = 3
"""Presses in a measurement; the first is dropped (it mostly teaches the feel)."""
MAX_PRESSES = 5
"""At most this many presses in an attempt, refused ones included (REFERENCE §7)."""
AGREEMENT = 0.25
"""The two kept presses agree when the larger is at most 25 % above the smaller."""
TOLERANCE_RATIO = 1.2
TOLERANCE_OFFSET_N = 4.7
"""0.48 kg/cm² as force per √cm² of contact (REFERENCE §2)."""
MIN_PPT_N = 5.0
"""Under this a load cell's noise is a large part of the reading."""
MIN_PPT_FRACTION = 0.5
"""A PPT under half the region's default band low (for the tool) is a *low* threshold."""
LOW_BAND = (0.8, 1.0)
"""A low threshold's band, as fractions of the PPT (REFERENCE §7)."""
REMEASURE_DAYS = 14
LOW_PPT_ADVICE = (
    "Your threshold here is low: the band is kept at or under it, in tender mode. "
    "See a clinician: thresholds low in many places can mean sensitised nerves."
)
RAMP_N_PER_S_CM = 5.0
"""Ramp while looking for the first pain: 50 kPa/s, 5 N/s per √cm² of contact."""


class PptError(ValueError):
    """The taps cannot give targets; ``str()`` says why and what to do."""


@dataclass(slots=True, frozen=True)
class PersonalTargets:
    """One person's targets for one region and tool, in newtons.

    ``trials`` are the forces of every accepted press (the first is the dropped one);
    ``measured_on`` is the day the caller says it was measured; ``side`` the side of
    the body it was measured on (``None``: not said, or stored before sides were asked).
    """

    region_id: str
    ppt_n: float
    band_low_n: float
    band_high_n: float
    ceiling_n: float
    tool: str = "ball"
    trials: tuple[float, ...] = ()
    measured_on: date | None = None
    side: Side | None = None

    @property
    def low(self) -> bool:
        """A low threshold: the band sits at or under the PPT (tender mode, see a clinician)."""
        return self.band_high_n <= self.ppt_n * (1 + 1e-9)


def remeasure_due(targets: PersonalTargets, today: date, *, flare: bool) -> str | None:
    """Why a measured band should be measured again, or ``None``."""
    if flare:
        return "a flare changes what the tissue takes: measure your band again (c)"
    if targets.measured_on is not None and (today - targets.measured_on).days >= REMEASURE_DAYS:
        return f"measured over {REMEASURE_DAYS} days ago: measure your band again (c)"
    return None


def contact_area_cm2(region: Region, tool: Tool) -> float:
    """The contact through which ``tool`` loads ``region``, cm² (never above the row's)."""
    return min(CONTACT_AREA_CM2[tool], region.contact_cm2)


def ramp_target_n_per_s(region: Region, tool: Tool) -> float:
    """How fast to press while measuring: 5 N/s x √(contact cm²) (a ball: ~13 N/s)."""
    return RAMP_N_PER_S_CM * math.sqrt(contact_area_cm2(region, tool))


def tolerance_n(region: Region, tool: Tool, ppt_n: float) -> float:
    """Pain tolerance estimated from the PPT: 1.2 x PPT + 4.7 N x √(contact cm²)."""
    return TOLERANCE_RATIO * ppt_n + TOLERANCE_OFFSET_N * math.sqrt(contact_area_cm2(region, tool))


def low_ppt_n(region: Region, tool: Tool) -> float:
    """Under this a threshold is *low*: half the region's default band low for the tool."""
    return MIN_PPT_FRACTION * region.band_low_n * limit_scale(tool, region.contact_cm2)


def check_tap(region: Region, force_n: float, cap_n: float) -> None:
    """Refuse one press's first-pain force that cannot be a threshold.

    Raises:
        PptError: no force, under 5 N (noise), or at or past the cap.
    """
    if not math.isfinite(force_n) or force_n < MIN_PPT_N:
        raise PptError(
            f"{force_n:.0f} N is under the {MIN_PPT_N:.0f} N a threshold can be read at: "
            "put the tool on the spot and press until it first hurts"
        )
    if force_n >= cap_n:
        raise PptError(
            f"{force_n:.0f} N is at or past your ceiling on {region.name} ({cap_n:.0f} N): "
            "if nothing hurt up to it, choose 'no pain'; your targets stay"
        )


def kept_ppt_n(trials_n: Sequence[float]) -> float:
    """The PPT from the accepted presses: the mean of the last two, the first dropped.

    Raises:
        PptError: fewer than ``TRIALS`` presses, or the last two differ by > 25 % (retake).
    """
    if len(trials_n) < TRIALS:
        raise PptError(f"{TRIALS} presses are needed, {len(trials_n)} so far")
    low, high = sorted(trials_n[-2:])
    if high > (1 + AGREEMENT) * low:
        raise PptError(
            f"the last two presses ({trials_n[-2]:.0f} N, {trials_n[-1]:.0f} N) differ by more "
            f"than {AGREEMENT:.0%}: retake one press"
        )
    return (low + high) / 2


def targets_from_ppt(
    region: Region,
    tool: Tool,
    ppt_n: float,
    *,
    cap_n: float,
    trials: tuple[float, ...] = (),
    measured_on: date | None = None,
) -> PersonalTargets:
    """Band and ceiling from one PPT by the rules in the module docstring.

    Raises:
        PptError: a PPT under 5 N (noise), or one so high that the band with its 15 %
            headroom would pass the cap.
    """
    if not math.isfinite(ppt_n) or ppt_n < MIN_PPT_N:
        raise PptError(
            f"a threshold of {ppt_n:.1f} N is under {MIN_PPT_N:.0f} N: too light to read "
            "(tool off the spot?); measure again"
        )
    tolerance = tolerance_n(region, tool, ppt_n)
    if ppt_n < low_ppt_n(region, tool):
        low, high = LOW_BAND[0] * ppt_n, LOW_BAND[1] * ppt_n
    else:
        high = (ppt_n + tolerance) / 2
        low = widened_low(ppt_n, high)
    ceiling = max(min(tolerance, cap_n), BAND_HEADROOM * high)
    if ceiling > cap_n:
        raise PptError(
            f"first pain at {ppt_n:.0f} N leaves no room under your ceiling on {region.name} "
            f"({cap_n:.0f} N): your targets stay"
        )
    return PersonalTargets(
        region.id, ppt_n, low, high, ceiling, tool.value, tuple(trials), measured_on
    )


def personal_targets(
    region: Region,
    taps_n: Sequence[float],
    *,
    cap_n: float,
    tool: Tool = Tool.BALL,
    measured_on: date | None = None,
) -> PersonalTargets:
    """Targets from the forces at which separate presses first hurt (first dropped).

    Raises:
        PptError: a press that cannot be a threshold, too few presses, the last two
            disagreeing (retake), or targets outside the rules (see ``targets_from_ppt``).
    """
    for force in taps_n:
        check_tap(region, force, cap_n)
    ppt = kept_ppt_n(taps_n)
    return targets_from_ppt(
        region, tool, ppt, cap_n=cap_n, trials=tuple(taps_n), measured_on=measured_on
    )
