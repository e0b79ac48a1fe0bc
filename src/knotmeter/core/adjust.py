"""Rebuilding a point's config with lighter targets or shorter holds.

The light profile (``screening.py``) and the flare and tender modes (``modes.py``) all
end the same way: a new band, ceiling and hold range for the same point, tool and
range, with every derived setting (release level, hysteresis, ramp limit) recomputed
from the new band by ``PipelineConfig.for_region`` and the zero calibration kept.
Bands never get narrower than ±10 % of their middle (a held plateau wanders that
much); where one would, its low edge comes down, never its top up:

>>> round(widened_low(45.0, 50.0), 2)
40.91
>>> widened_low(40.0, 65.0)
40.0
"""

from __future__ import annotations

from dataclasses import replace

from knotmeter.core.config import PipelineConfig

MIN_BAND_HALF_WIDTH = 0.10
"""A band spans at least ±10 % of its middle (REFERENCE §2)."""


def widened_low(low_n: float, high_n: float) -> float:
    """The band's low edge, lowered if needed so the band spans ±10 % of its middle."""
    return min(low_n, high_n * (1 - MIN_BAND_HALF_WIDTH) / (1 + MIN_BAND_HALF_WIDTH))


def adjusted_config(
    config: PipelineConfig,
    *,
    band: tuple[float, float],
    ceiling_n: float,
    hold_s: tuple[float, float],
    target_s: float,
) -> PipelineConfig:
    """``config``'s point, tool and range with this band, ceiling and hold range.

    Raises:
        CoachInputError: the new targets make no sense together (see ``PipelineConfig``).
    """
    rebuilt = PipelineConfig.for_region(
        config.region.id,
        band=band,
        ceiling_n=ceiling_n,
        target_s=target_s,
        tool=config.tool,
        full_scale_n=config.full_scale_n,
        hold_s=hold_s,
    )
    return replace(rebuilt, calibration=config.calibration)
