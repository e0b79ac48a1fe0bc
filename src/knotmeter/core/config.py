"""Every number the coach decides with, in one frozen value with documented defaults.

The defaults and why each was chosen are tabled in ``core/README.md``; the
per-region targets come from ``regions.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knotmeter.core.calibration import Calibration
from knotmeter.core.regions import Region, get_region

RELEASE_FRACTION = 0.4
"""Default release level as a fraction of the band's low edge (the brief caps it at 0.5)."""


@dataclass(slots=True, frozen=True)
class PipelineConfig:
    """Targets and detector settings for one point; build it with :meth:`for_region`.

    Attributes:
        region: the point being treated.
        band_low_n, band_high_n, ceiling_n: effective targets (region defaults unless
            overridden).
        target_s: in-band seconds that complete a hold (default: the region's shortest hold).
        release_n: under this force the tool counts as released (default 0.4 x band low).
        hysteresis_n: width of the dead band around every zone edge, half on each
            side (default max(0.5 N, 4 % of the band width)), so noise at an edge does
            not flicker the zone.
        cap_s: ``long_hold`` fires this long after the hold started.
        grace_s: a dip below the band shorter than this does not end the hold.
        release_s: this long under ``release_n`` ends the hold.
        min_cutoff_hz, beta, d_cutoff_hz: One Euro smoother (cutoff at rest, cutoff
            gain per N/s of movement, cutoff of the rate estimate).
        ceiling_clear_fraction: ``over_ceiling`` clears below this fraction of the ceiling.
        over_band_s: ``over_band`` fires after this long above the band.
        fast_ramp_n_per_s: ``fast_ramp`` fires when the force enters the band rising faster.
        sawing_amplitude_n: a swing at least this big counts as one direction reversal
            (default max(2 N, 25 % of the band width)).
        sawing_reversals, sawing_window_s: that many reversals within the window is sawing.
        signal_lost_s: silence longer than this raises ``signal_lost``.
        still_window_s, still_sd_n: tare needs this much recent data this steady.
        auto_zero_tau_s: time constant of the slow auto-zero while released and still
            (``math.inf`` turns auto-zero off).
        auto_zero_max_n: auto-zero only corrects a residual this small (drift, not touch).
        still_rate_n_per_s: "still" means the smoothed rate is below this.
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
    cap_s: float = 90.0
    grace_s: float = 2.0
    release_s: float = 1.0
    min_cutoff_hz: float = 1.5
    beta: float = 0.05
    d_cutoff_hz: float = 1.0
    ceiling_clear_fraction: float = 0.95
    over_band_s: float = 0.5
    fast_ramp_n_per_s: float = 40.0
    sawing_reversals: int = 4
    sawing_window_s: float = 3.0
    signal_lost_s: float = 0.5
    still_window_s: float = 0.5
    still_sd_n: float = 0.5
    auto_zero_tau_s: float = 10.0
    auto_zero_max_n: float = 3.0
    still_rate_n_per_s: float = 2.0
    calibration: Calibration = field(default_factory=Calibration)

    def __post_init__(self) -> None:
        problems = [
            (self.band_low_n > 0, "band low must be > 0 N"),
            (self.band_low_n < self.band_high_n, "band low must be below band high"),
            (self.ceiling_n > self.band_high_n, "ceiling must be above the band's high edge"),
            (0 < self.release_n <= self.band_low_n / 2, "release level must be in (0, band low/2]"),
            (self.target_s > 0, "target must be > 0 s"),
            (self.cap_s > 0, "cap must be > 0 s"),
            (self.hysteresis_n >= 0, "hysteresis must be >= 0 N"),
            (self.sawing_amplitude_n > 0, "sawing amplitude must be > 0 N"),
            (self.sawing_reversals >= 2, "sawing needs at least 2 reversals"),
            (0 < self.ceiling_clear_fraction <= 1, "ceiling clear fraction must be in (0, 1]"),
            (self.min_cutoff_hz > 0 and self.d_cutoff_hz > 0, "filter cutoffs must be > 0 Hz"),
            (self.beta >= 0, "beta must be >= 0"),
            (self.signal_lost_s > 0, "signal_lost_s must be > 0"),
            (self.auto_zero_tau_s > 0, "auto-zero time constant must be > 0 s"),
        ]
        for ok, problem in problems:
            if not ok:
                raise ValueError(f"region {self.region.id}: {problem}")

    @classmethod
    def for_region(
        cls,
        region_id: str,
        *,
        band: tuple[float, float] | None = None,
        ceiling_n: float | None = None,
        target_s: float | None = None,
    ) -> PipelineConfig:
        """Defaults for ``region_id`` with optional overrides of band, ceiling and target.

        Raises:
            UnknownRegion: ``region_id`` is not a known region.
            ValueError: the overrides make no sense together (e.g. band low >= high).
        """
        region = get_region(region_id)
        low, high = band if band is not None else (region.band_low_n, region.band_high_n)
        width = high - low
        return cls(
            region=region,
            band_low_n=low,
            band_high_n=high,
            ceiling_n=region.ceiling_n if ceiling_n is None else ceiling_n,
            target_s=region.hold_min_s if target_s is None else target_s,
            release_n=RELEASE_FRACTION * low,
            hysteresis_n=max(0.5, 0.04 * width),
            sawing_amplitude_n=max(2.0, 0.25 * width),
        )
