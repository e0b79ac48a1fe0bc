"""Flare and tender modes (REFERENCE §1 "Troubleshooting"): lighter, shorter holds.

The source gives the pressure as a pain level: a normal hold is 3-6/10, a flare wants
2-3/10 for half the time, "everything tender" wants shorter (20-30 s), lighter holds.
Our rule (documented here) reads the point's current band as that 3-6/10 scale,
linearly: the band's low edge is 3/10, its top 6/10, so one level is a third of the
band's width, ``level(p) = low + (p - 3) x (high - low) / 3``. Then:

- flare: band level(2) .. level(3) (i.e. up to the usual band's low edge), ceiling
  level(4.5), holds and target halved;
- tender: band level(2) .. level(4), ceiling level(5), holds 20-30 s (target 20 s);
- after a hold rated 7/10 or more (``scores.hold_pain_advice``), the next hold on that
  point starts a level lower: band level(2) .. level(5), ceiling level(6), the holds
  unchanged (``one_level_lighter``).

Never above what the point had, always sane: level(2) is floored at half the band's
low edge; the band spans at least ±10 % of its middle (its low edge comes down); the
ceiling is at least 15 % above the band's top and never above the point's ceiling
(where both cannot hold, the band's top comes down under it). The mode reads the
point's band as the tool, the person's own targets and the range cap left it; the light
profile then scales the mode's band, and a go-lighter step reads the result
(``prescription.py`` composes them in that order, and nothing else does).

>>> t = mode_targets(40.0, 65.0, 110.0, Mode.FLARE)
>>> round(t.band_low_n, 1), round(t.band_high_n, 1), round(t.ceiling_n, 1)
(31.7, 40.0, 52.5)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from knotmeter.core.adjust import adjusted_config, widened_low
from knotmeter.core.config import BAND_HEADROOM, PipelineConfig

LEVEL_FLOOR_FRACTION = 0.5
"""The 2/10 level is never under half the band's low edge."""
TENDER_HOLD_S = (20.0, 30.0)


class Mode(StrEnum):
    """How the session coaches today."""

    NORMAL = "normal"
    FLARE = "flare"
    TENDER = "tender"


@dataclass(slots=True, frozen=True)
class ModeTargets:
    """A band and ceiling in newtons."""

    band_low_n: float
    band_high_n: float
    ceiling_n: float


_LEVELS: dict[Mode, tuple[float, float, float]] = {
    Mode.FLARE: (2.0, 3.0, 4.5),
    Mode.TENDER: (2.0, 4.0, 5.0),
}
"""Per mode: the pain levels of the band's low edge, its top, and the ceiling."""
LIGHTER_LEVELS = (2.0, 5.0, 6.0)
"""The next hold after a painful one: a level lower all through."""


def mode_targets(
    band_low_n: float, band_high_n: float, ceiling_n: float, mode: Mode
) -> ModeTargets:
    """The band and ceiling for ``mode`` from a point's current ones (rule above)."""
    if mode is Mode.NORMAL:
        return ModeTargets(band_low_n, band_high_n, ceiling_n)
    return at_levels(band_low_n, band_high_n, ceiling_n, _LEVELS[mode])


def at_levels(
    band_low_n: float, band_high_n: float, ceiling_n: float, levels: tuple[float, float, float]
) -> ModeTargets:
    """The band and ceiling at these pain ``levels`` (band low, band top, ceiling), read
    on the scale where the current band is 3-6/10, kept inside the rules above."""
    step = (band_high_n - band_low_n) / 3

    def level(pain: float) -> float:
        return band_low_n + (pain - 3.0) * step

    low_level, high_level, ceiling_level = levels
    low = max(level(low_level), LEVEL_FLOOR_FRACTION * band_low_n)
    high = min(level(high_level), ceiling_n / BAND_HEADROOM)
    ceiling = min(ceiling_n, max(level(ceiling_level), BAND_HEADROOM * high))
    return ModeTargets(widened_low(min(low, high), high), high, ceiling)


def apply_mode(config: PipelineConfig, mode: Mode) -> PipelineConfig:
    """``config`` coached in ``mode``: lighter band and ceiling, shorter holds."""
    if mode is Mode.NORMAL:
        return config
    targets = mode_targets(config.band_low_n, config.band_high_n, config.ceiling_n, mode)
    if mode is Mode.FLARE:
        hold = (config.hold_min_s / 2, config.cap_s / 2)
        target = config.target_s / 2
    else:
        hold = (min(TENDER_HOLD_S[0], config.hold_min_s), min(TENDER_HOLD_S[1], config.cap_s))
        target = hold[0]
    return adjusted_config(
        config,
        band=(targets.band_low_n, targets.band_high_n),
        ceiling_n=targets.ceiling_n,
        hold_s=hold,
        target_s=target,
    )


def one_level_lighter(config: PipelineConfig) -> PipelineConfig:
    """``config`` for the next hold after one rated 7/10 or more: a pain level lower."""
    targets = at_levels(config.band_low_n, config.band_high_n, config.ceiling_n, LIGHTER_LEVELS)
    return adjusted_config(
        config,
        band=(targets.band_low_n, targets.band_high_n),
        ceiling_n=targets.ceiling_n,
        hold_s=(config.hold_min_s, config.cap_s),
        target_s=config.target_s,
    )
