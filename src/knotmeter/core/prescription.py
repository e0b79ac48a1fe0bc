"""One prescription: everything a point's targets are built from, in one frozen input.

A point's band, ceiling and hold come from many parts (the region's row, the tool, the
tool's range, the person's measured band, the mode, the screening's light profile, a
go-lighter step after a painful hold). :func:`prescribe` composes them, and nothing else
does, in this fixed order:

1. tool scale       the region's row scaled to the tool's contact (``tools.limit_scale``);
2. personal targets the person's measured band and ceiling replace it (``ppt.py``);
3. range cap        the ceiling stays under 85 % of the tool's full scale
                    (``config.limits_for``); a band that cannot fit under it is refused;
4. mode             flare or tender: a lighter slice of that band (``modes.apply_mode``);
5. light profile    ceilings halved, holds ≤ 60 s, no neck or face
                    (``screening.apply_light_profile``);
6. lighter          each go-lighter step after a hold rated 7/10 or more, a pain level
                    lower (``modes.one_level_lighter``).

Steps 4-6 only ever lower what step 3 allowed, so no ceiling is ever above the range's
cap or the point's own ceiling. A prescription the parts cannot coach is a
:class:`Refused` with words that name the case; the caller keeps what it had:

>>> print(prescribe(Rx("upper-trapezius", full_scale_n=30.0)).reason)  # doctest: +ELLIPSIS
this tool's 30 N range is too small for the upper trapezius: band 40-65 N; use a tool ...
>>> lighter = prescribe(Rx("rhomboids", lighter=1))
>>> round(lighter.config.ceiling_n, 1), lighter.provenance.band
(65.2, 'default')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from knotmeter.core.config import RANGE_FRACTION, PipelineConfig, limits_for
from knotmeter.core.errors import CoachInputError
from knotmeter.core.modes import Mode, apply_mode, one_level_lighter
from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.regions import Region, get_region
from knotmeter.core.screening import LightProfile, apply_light_profile
from knotmeter.core.tools import Tool

__all__ = ["Prescription", "Provenance", "Refused", "Rx", "light_refusal", "prescribe"]


@dataclass(slots=True, frozen=True)
class Rx:
    """Everything one point's targets are built from (a rebuild is ``replace(rx, …)``).

    Attributes:
        region_id: the point.
        tool: what presses.
        full_scale_n: the tool's measuring range, once known.
        hold_s: the advised hold range (a routine point's), else the region's.
        target_s: the point's hold target (a routine's), else its shortest hold.
        override_s: the user's own hold target (``--target``): wins over ``target_s``.
        mode: flare or tender coach lighter and shorter.
        light: the screening's light profile, if on.
        personal: the person's measured targets for this point and tool, if any.
        lighter: go-lighter steps taken on this point (a hold rated 7/10 or more).
    """

    region_id: str
    tool: Tool = Tool.BALL
    full_scale_n: float | None = None
    hold_s: tuple[float, float] | None = None
    target_s: float | None = None
    override_s: float | None = None
    mode: Mode = Mode.NORMAL
    light: LightProfile | None = None
    personal: PersonalTargets | None = None
    lighter: int = 0

    @classmethod
    def of(cls, config: PipelineConfig) -> Rx:
        """What a given config's point, tool, range and holds would be prescribed from."""
        hold_s = (config.hold_min_s, config.cap_s)
        return cls(config.region.id, config.tool, config.full_scale_n, hold_s, config.target_s)


@dataclass(slots=True, frozen=True)
class Provenance:
    """Where the prescribed targets came from, for the title's words.

    ``band`` is ``"yours"`` when the person's measured band was used; ``capped`` when the
    tool's range lowered the ceiling; ``unlit_ceiling_n`` is the ceiling before the mode,
    the light profile and any go-lighter step (the most the point may ever get).
    """

    band: Literal["default", "yours"]
    capped: bool
    unlit_ceiling_n: float
    personal: PersonalTargets | None = None


@dataclass(slots=True, frozen=True)
class Prescription:
    """Targets to coach: the pipeline's config, and where its numbers came from."""

    config: PipelineConfig
    provenance: Provenance


@dataclass(slots=True, frozen=True)
class Refused:
    """Targets that cannot be coached, and why, in words a person can act on."""

    reason: str


def prescribe(rx: Rx) -> Prescription | Refused:
    """The point's targets from ``rx``, in the documented order, or why not."""
    region = get_region(rx.region_id)
    why = None if rx.light is None else rx.light.barred_why(region.id)
    if why is not None:
        return Refused(
            f"{region.name} is {why}: not under the lighter coaching your screening answers "
            "asked for; choose another point"
        )
    personal = rx.personal
    if personal is not None and (personal.region_id, personal.tool) != (region.id, rx.tool):
        personal = None  # measured on another point or with another tool: not these targets
    band = None if personal is None else (personal.band_low_n, personal.band_high_n)
    ceiling = None if personal is None else personal.ceiling_n
    unscaled = limits_for(region, rx.tool, band=band, ceiling_n=ceiling)  # steps 1-2
    if rx.full_scale_n is not None:
        try:  # step 3
            limits_for(region, rx.tool, band=band, ceiling_n=ceiling, full_scale_n=rx.full_scale_n)
        except CoachInputError:
            return Refused(
                f"this tool's {rx.full_scale_n:g} N range is too small for the "
                f"{region.name.lower()}: band {unscaled.band_low_n:g}-{unscaled.band_high_n:g} N; "
                "use a tool with a larger range (a ceiling must stay under "
                f"{RANGE_FRACTION * rx.full_scale_n:g} N)"
            )
    hold_min, hold_max = (
        rx.hold_s if rx.hold_s is not None else (region.hold_min_s, region.hold_max_s)
    )
    target = rx.override_s if rx.override_s is not None else rx.target_s
    if target is not None and target > hold_max:
        return Refused(
            f"a hold target of {target:g} s is longer than the longest hold for "
            f"{region.name} ({hold_min:g}-{hold_max:g} s); choose {hold_max:g} s or less"
        )
    try:
        config = PipelineConfig.for_region(
            region.id,
            band=band,
            ceiling_n=ceiling,
            target_s=target,
            tool=rx.tool,
            full_scale_n=rx.full_scale_n,
            hold_s=(hold_min, hold_max),
        )
        unlit_ceiling = config.ceiling_n
        config = apply_mode(config, rx.mode)  # step 4
        if rx.light is not None:
            config = apply_light_profile(config, rx.light)  # step 5
        for _ in range(rx.lighter):  # step 6
            config = one_level_lighter(config)
    except CoachInputError as err:  # targets that make no sense together: say which
        return Refused(str(err))
    provenance = Provenance(
        band="default" if personal is None else "yours",
        capped=config.ceiling_capped,
        unlit_ceiling_n=unlit_ceiling,
        personal=personal,
    )
    return Prescription(config, provenance)


def light_refusal(light: LightProfile | None, points: Sequence[Region]) -> Refused | None:
    """Why ``points`` (a session's point and its routine's) cannot be coached under the
    light profile (each barred point named once, with why), and what remains to press;
    ``None`` when all can be."""
    if light is None:
        return None
    unique = list({region.id: region for region in points}.values())
    barred = [f"{r.name} ({light.barred_why(r.id)})" for r in unique if not light.allows(r.id)]
    if not barred:
        return None
    left = [f"{r.name} (`knotmeter --region {r.id}`)" for r in unique if light.allows(r.id)]
    remains = f"you can still press {', '.join(left)}" if left else "start on another point"
    return Refused(
        f"{'; '.join(barred)}: the lighter coaching rules these out; {remains}, or "
        "choose another routine (`knotmeter --plan`)"
    )
