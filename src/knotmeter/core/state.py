"""The snapshot of the coach that screens read at their own frame rate."""

from __future__ import annotations

from dataclasses import dataclass

from knotmeter.core.events import AlarmKind, Zone


@dataclass(slots=True, frozen=True)
class HoldState:
    """The current (or last) hold, as the person should see it."""

    active: bool
    started_t: float | None
    in_band_s: float
    over_band_s: float
    target_s: float
    cap_s: float
    peak_n: float
    complete: bool


@dataclass(slots=True, frozen=True)
class CoachState:
    """Everything a consumer needs to draw one frame; cheap to copy, never mutated.

    Attributes:
        t: time of the newest sample (source timeline, seconds).
        raw_n: newest spike-rejected, tared force (what the alarms see).
        force_n: newest smoothed force (what the gauge and zones see).
        rate_n_per_s: smoothed rate of rise, for live ramp feedback.
        zone: zone of the smoothed force.
        band_low_n, band_high_n, ceiling_n, release_n: the active targets.
        hold: the current or most recent hold.
        alarms: alarms active right now.
        samples: samples processed so far; lost: samples known lost.
        tool: what the person presses with (``ball``, ``hook``, ``thumb``).
        full_scale_n: the tool's measuring range, when the source said it.
        ceiling_capped: the ceiling was lowered to stay inside the tool's range.
        pressing_s: how long this point has been pressed, short dips included.
        pressing_cap_s: the point's longest hold; ``long_hold`` fires there.
        advised_hold_s: the point's advised hold range (min, max) in seconds.
    """

    t: float
    raw_n: float
    force_n: float
    rate_n_per_s: float
    zone: Zone
    band_low_n: float
    band_high_n: float
    ceiling_n: float
    release_n: float
    hold: HoldState
    alarms: frozenset[AlarmKind]
    samples: int
    lost: int
    tool: str = "ball"
    full_scale_n: float | None = None
    ceiling_capped: bool = False
    pressing_s: float = 0.0
    pressing_cap_s: float = 90.0
    advised_hold_s: tuple[float, float] = (60.0, 90.0)
