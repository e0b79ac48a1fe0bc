"""Every number the coach decides with, in one frozen value with documented defaults.

The defaults and why each was chosen are tabled in ``core/README.md``; the
per-region targets come from ``regions.toml``, scaled to the tool
(``core/tools.py``) and kept inside the tool's measuring range.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knotmeter.core.calibration import Calibration
from knotmeter.core.errors import CoachInputError
from knotmeter.core.guards.ramp import ramp_limit
from knotmeter.core.regions import Region, get_region
from knotmeter.core.tare import zero_window
from knotmeter.core.tools import Tool, limit_scale

RELEASE_FRACTION = 0.4
"""Default release level as a fraction of the band's low edge (the brief caps it at 0.5)."""

RANGE_FRACTION = 0.85
"""No ceiling at or above ~90 % of the tool's full scale (REFERENCE §2): the ceiling is
capped at 85 %, leaving room for the crossing to be seen before the cell clips at
98 % (``guards/full_scale.py``)."""

BAND_HEADROOM = 1.15
"""Where the range caps the ceiling, the band's top stays this far under it (the
ceiling is "always ≥ 15 % above the band's top", REFERENCE §2)."""


@dataclass(slots=True, frozen=True)
class Limits:
    """A point's band and ceiling for one tool and one measuring range."""

    band_low_n: float
    band_high_n: float
    ceiling_n: float
    capped: bool


def limits_for(
    region: Region,
    tool: Tool,
    *,
    band: tuple[float, float] | None = None,
    ceiling_n: float | None = None,
    full_scale_n: float | None = None,
) -> Limits:
    """The band and ceiling to coach: given ones, else the region's scaled to ``tool``;
    then capped under the tool's range.

    Raises:
        CoachInputError: the range is too small to coach this point at all.
    """
    scale = limit_scale(tool, region.contact_cm2)
    low, high = (
        band if band is not None else (region.band_low_n * scale, region.band_high_n * scale)
    )
    ceiling = ceiling_n if ceiling_n is not None else region.ceiling_n * scale
    if full_scale_n is None or ceiling <= RANGE_FRACTION * full_scale_n:
        return Limits(low, high, ceiling, capped=False)
    ceiling = RANGE_FRACTION * full_scale_n
    high = min(high, ceiling / BAND_HEADROOM)
    if not low < high:
        raise CoachInputError(
            f"a tool reading to {full_scale_n:g} N cannot coach {region.name}: its band starts "
            f"at {low:g} N and its ceiling must stay under {ceiling:g} N; use a tool with a "
            "larger range"
        )
    return Limits(low, high, ceiling, capped=True)


@dataclass(slots=True, frozen=True)
class PipelineConfig:
    """Targets and detector settings for one point; build it with :meth:`for_region`.

    Attributes:
        region: the point being treated.
        band_low_n, band_high_n, ceiling_n: effective targets (region defaults scaled to
            the tool and capped by its range, unless overridden).
        target_s: in-band seconds that complete a hold (default: the region's shortest hold).
        release_n: under this force the tool counts as released (default 0.4 x band low).
        hysteresis_n: width of the dead band around every zone edge, half on each
            side (default max(0.5 N, 4 % of the band width)), so noise at an edge does
            not flicker the zone.
        cap_s: the point's longest hold: ``long_hold`` fires when its pressing time
            (``core/pressing.py``) reaches it.
        hold_min_s: the point's shortest advised hold (a shorter target is allowed, and
            the screen says it is shorter than advised).
        rest_s: released this long, the point's pressing time starts again.
        grace_s: a dip below the band shorter than this does not end the hold.
        release_s: this long under ``release_n`` ends the hold.
        min_cutoff_hz, beta, d_cutoff_hz: One Euro smoother (cutoff at rest, cutoff
            gain per N/s of movement, cutoff of the rate estimate).
        ceiling_clear_fraction: ``over_ceiling`` clears below this fraction of the ceiling.
        over_band_s: ``over_band`` fires after this long above the band.
        fast_ramp_n_per_s: ``fast_ramp`` fires when the pressed force rises faster
            (default band low per second, ``guards/ramp.py``).
        sawing_amplitude_n: a swing at least this big counts as one direction reversal
            (default max(2 N, 25 % of the band width)).
        sawing_reversals, sawing_window_s: that many reversals within the window is sawing.
        signal_lost_s: silence longer than this raises ``signal_lost``.
        still_window_s, still_sd_n: tare needs this much recent data this steady.
        zero_window_n: tare needs the reading this close to zero, and ``bad_zero`` fires
            this far below it (default max(3 N, 10 % of band low), ``core/tare.py``).
        auto_zero_tau_s: time constant of the slow auto-zero while released and still
            (``math.inf`` turns auto-zero off).
        auto_zero_max_n: auto-zero only corrects a residual this small (drift, not touch).
        still_rate_n_per_s: "still" means the smoothed rate is below this.
        tool: what presses (its contact area scales the region's limits).
        full_scale_n: the tool's measuring range, if known.
        ceiling_capped: the ceiling was lowered to stay inside that range.
        calibration: the starting offset and scale.
    """

    region: Region
    band_low_n: float
    band_high_n: float
    ceiling_n: float
    target_s: float
    release_n: float
    hysteresis_n: float
    sawing_amplitude_n: float
    fast_ramp_n_per_s: float
    zero_window_n: float
    cap_s: float = 90.0
    hold_min_s: float = 60.0
    rest_s: float = 20.0
    grace_s: float = 2.0
    release_s: float = 1.0
    min_cutoff_hz: float = 1.5
    beta: float = 0.05
    d_cutoff_hz: float = 1.0
    ceiling_clear_fraction: float = 0.95
    over_band_s: float = 0.5
    sawing_reversals: int = 4
    sawing_window_s: float = 3.0
    signal_lost_s: float = 0.5
    still_window_s: float = 0.5
    still_sd_n: float = 0.5
    auto_zero_tau_s: float = 10.0
    auto_zero_max_n: float = 3.0
    still_rate_n_per_s: float = 2.0
    tool: Tool = Tool.BALL
    full_scale_n: float | None = None
    ceiling_capped: bool = False
    calibration: Calibration = field(default_factory=Calibration)

    def __post_init__(self) -> None:
        problems = [
            (self.band_low_n > 0, "band low must be > 0 N"),
            (self.band_low_n < self.band_high_n, "band low must be below band high"),
            (self.ceiling_n > self.band_high_n, "ceiling must be above the band's high edge"),
            (0 < self.release_n <= self.band_low_n / 2, "release level must be in (0, band low/2]"),
            (self.target_s > 0, "target must be > 0 s"),
            (self.cap_s > 0, "cap must be > 0 s"),
            (
                self.target_s <= self.cap_s,
                f"a hold target of {self.target_s:g} s is longer than this point's longest "
                f"hold ({self.cap_s:g} s; advised {self.hold_min_s:g}-{self.cap_s:g} s)",
            ),
            (self.hysteresis_n >= 0, "hysteresis must be >= 0 N"),
            (self.sawing_amplitude_n > 0, "sawing amplitude must be > 0 N"),
            (self.sawing_reversals >= 2, "sawing needs at least 2 reversals"),
            (self.fast_ramp_n_per_s > 0, "the ramp limit must be > 0 N/s"),
            (self.zero_window_n > 0, "the zero window must be > 0 N"),
            (0 < self.ceiling_clear_fraction <= 1, "ceiling clear fraction must be in (0, 1]"),
            (self.min_cutoff_hz > 0 and self.d_cutoff_hz > 0, "filter cutoffs must be > 0 Hz"),
            (self.beta >= 0, "beta must be >= 0"),
            (self.signal_lost_s > 0, "signal_lost_s must be > 0"),
            (self.auto_zero_tau_s > 0, "auto-zero time constant must be > 0 s"),
        ]
        for ok, problem in problems:
            if not ok:
                raise CoachInputError(f"{self.region.name}: {problem}")

    @property
    def target_short(self) -> bool:
        """The hold target is under the point's shortest advised hold."""
        return self.target_s < self.hold_min_s

    @classmethod
    def for_region(
        cls,
        region_id: str,
        *,
        band: tuple[float, float] | None = None,
        ceiling_n: float | None = None,
        target_s: float | None = None,
        tool: Tool = Tool.BALL,
        full_scale_n: float | None = None,
        hold_s: tuple[float, float] | None = None,
    ) -> PipelineConfig:
        """Defaults for ``region_id`` pressed with ``tool``, with optional overrides.

        Args:
            hold_s: the advised hold range (a routine point's), else the region's.

        Raises:
            UnknownRegion: ``region_id`` is not a known region.
            CoachInputError: the overrides make no sense together (e.g. band low >= high,
                a target longer than the longest hold, a range too small for the point).
        """
        region = get_region(region_id)
        limits = limits_for(region, tool, band=band, ceiling_n=ceiling_n, full_scale_n=full_scale_n)
        low, high = limits.band_low_n, limits.band_high_n
        hold_min, hold_max = (
            hold_s if hold_s is not None else (region.hold_min_s, region.hold_max_s)
        )
        width = high - low
        return cls(
            region=region,
            band_low_n=low,
            band_high_n=high,
            ceiling_n=limits.ceiling_n,
            target_s=hold_min if target_s is None else target_s,
            release_n=RELEASE_FRACTION * low,
            hysteresis_n=max(0.5, 0.04 * width),
            sawing_amplitude_n=max(2.0, 0.25 * width),
            fast_ramp_n_per_s=ramp_limit(low),
            zero_window_n=zero_window(low),
            cap_s=hold_max,
            hold_min_s=hold_min,
            tool=tool,
            full_scale_n=full_scale_n,
            ceiling_capped=limits.capped,
        )
