"""The live screen's title: what is coached, with what, and where its numbers came from.

Drawn from the session's prescription (its provenance says "(default)" or "(yours)")
and the pipeline's state, so the band in the title is the band on the gauge.
"""

from __future__ import annotations

from datetime import datetime

from knotmeter.core.modes import Mode
from knotmeter.core.ppt import remeasure_due
from knotmeter.core.screening import LightProfile
from knotmeter.session import Session
from knotmeter.ui.display import ForceFormat

MODE_NOTES: dict[Mode, str] = {
    Mode.FLARE: "FLARE: the band's lightest slice, holds halved",
    Mode.TENDER: "TENDER: a lighter slice of the band, holds 20-30 s",
}
"""What the title says of a mode other than normal."""


def title_text(session: Session, fmt: ForceFormat) -> str:
    """Label, point, tool and targets, and the notes that qualify them: whose band, a
    ceiling capped to the tool's range, a hold target shorter than advised."""
    state = session.state
    provenance = session.provenance
    own = provenance.personal
    measured = None if own is None else own.measured_on
    whose = (
        " (default)"
        if own is None or provenance.band == "default"
        else " (yours)"
        if measured is None
        else f" (yours, measured {measured.day} {measured:%b})"
    )
    if own is not None and provenance.band == "yours":
        today = datetime.now().astimezone().date()
        due = remeasure_due(own, today, flare=session.rx.mode is Mode.FLARE)
        whose += "" if due is None else f" ({due})"
    mode = MODE_NOTES.get(session.rx.mode, "")
    side = session.side
    point = session.config.region.name + ("" if side is None else f", {side}")
    parts = [session.label or "", light_label(session.rx.light), mode, point]
    parts.append(state.tool)
    parts.append(f"band {fmt.number(state.band_low_n)}-{fmt.text(state.band_high_n)}{whose}")
    ceiling = f"ceiling {fmt.text(state.ceiling_n)}"
    if state.ceiling_capped and state.full_scale_n is not None:
        ceiling += f" (capped: the tool reads to {fmt.text(state.full_scale_n)})"
    parts.append(ceiling)
    target_s = session.config.target_s
    hold = f"hold {target_s:.0f} s"
    advised_low, advised_high = state.advised_hold_s
    if target_s < advised_low:
        hold += f", shorter than advised ({advised_low:.0f}-{advised_high:.0f} s)"
    parts.append(hold)
    return "  ·  ".join(part for part in parts if part)


def light_label(light: LightProfile | None) -> str:
    """The light profile in a few words for the title (empty without one)."""
    if light is None:
        return ""
    if light.bone_rule:
        return "LIGHT PROFILE: ceilings halved (40 % over ribs and spine)"
    return "LIGHT PROFILE: ceilings halved"
