"""The pain-threshold measurement as a pure, time-injected state machine.

The protocol (REFERENCE §2 "Personal calibration"): separate presses, each ramped at
about 5 N/s x √(contact cm²) from a lift-off, a tap at the first pain, a lift-off
under the release level and ~30 s of rest before the next press; three presses, the
first dropped; the kept two within 25 % of each other, else one more press; at most
``MAX_PRESSES`` presses in all, refused ones included (REFERENCE §7). The cap a tap must
stay under is the session's effective ceiling (light profile, tool, range), never the
region's default. A screen feeds it ``(t, force)`` samples and the person's "tap" and
"no pain" keys and draws the ``PptView`` each call returns.

Rules the machine enforces, each refusal with its reason in ``PptView.refusal``:

- a tap counts only in a press that started from a lift-off (after the rest); a
  second tap in the same press, a tap while lifted, or a tap during the rest is refused;
- a press is too fast when its force rose faster than 1.5 x the target ramp over the
  last ``JUDGE_WINDOW_S`` before the tap (a quick first contact does not count, a fast
  push to the threshold does); the live rate over ``LIVE_WINDOW_S`` is shown meanwhile;
- a tap under 5 N or at the cap is refused (``ppt.check_tap``); a low but repeatable
  threshold is a result (``ppt.targets_from_ppt``: band 0.8-1.0 x PPT, tender mode).

>>> from knotmeter.core.regions import get_region
>>> m = PptMeasurement(get_region("upper-trapezius"), Tool.BALL, release_n=16.0, cap_n=55.0)
>>> m.feed(0.0, 0.0).phase
<PptPhase.READY: 'ready'>
>>> m.feed(1.0, 20.0).phase
<PptPhase.PRESSING: 'pressing'>
>>> m.tap(1.0).refusal is None, m.tap(1.0).refusal[:19]
(True, 'one tap per press: ')
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from knotmeter.core.ppt import (
    LOW_PPT_ADVICE,
    MAX_PRESSES,
    TRIALS,
    PersonalTargets,
    PptError,
    check_tap,
    kept_ppt_n,
    ramp_target_n_per_s,
    targets_from_ppt,
)
from knotmeter.core.regions import Region
from knotmeter.core.tools import Tool

REST_S = 30.0
"""Rest between presses, from the lift-off (REFERENCE §2)."""
RAMP_MARGIN = 1.5
"""A ramp over 1.5 x the target is too fast: the tap then lags the first pain."""
LIVE_WINDOW_S = 1.0
JUDGE_WINDOW_S = 2.0


class PptPhase(StrEnum):
    """Where the measurement is."""

    READY = "ready"  # lifted off and rested: press slowly
    PRESSING = "pressing"  # a press from a lift-off: tap at the first pain
    LIFT = "lift"  # this press is over (tapped, or started too early): lift off
    REST = "rest"  # lifted off after a press: wait for the countdown
    DONE = "done"  # targets measured: ``result``
    KEPT_DEFAULTS = "kept_defaults"  # no pain up to the ceiling: the defaults stay
    FAILED = "failed"  # no targets from this measurement: ``refusal`` says why


FINISHED = frozenset({PptPhase.DONE, PptPhase.KEPT_DEFAULTS, PptPhase.FAILED})


@dataclass(slots=True, frozen=True)
class PptView:
    """What the dialog shows now.

    Attributes:
        phase: where the measurement is.
        trials_n: the accepted presses' first-pain forces, in order.
        rest_left_s: seconds of rest still to wait (0 outside the rest).
        ramp_n_per_s: the live ramp rate (0 when not pressing).
        ramp_target_n_per_s: the rate to press at.
        too_fast: the live rate is over ``RAMP_MARGIN`` x the target.
        message: the one line to tell the person now.
        refusal: why the last tap, press or measurement was refused, else ``None``.
        result: the targets once ``phase`` is ``DONE``.
    """

    phase: PptPhase
    trials_n: tuple[float, ...]
    rest_left_s: float
    ramp_n_per_s: float
    ramp_target_n_per_s: float
    too_fast: bool
    message: str
    refusal: str | None = None
    result: PersonalTargets | None = None


class PptMeasurement:
    """One pain-threshold measurement on one region with one tool.

    Args:
        release_n: under this force the tool counts as lifted off (the point's release
            level, ``PipelineConfig.release_n``).
        cap_n: the session's effective ceiling here (``PipelineConfig.ceiling_n``: light
            profile, tool and range in it): no tap may reach it, no ceiling pass it.
        measured_on: the day stamped on the result.
    """

    def __init__(
        self,
        region: Region,
        tool: Tool,
        *,
        release_n: float,
        cap_n: float,
        measured_on: date | None = None,
    ) -> None:
        self.region = region
        self.tool = tool
        self.release_n = release_n
        self.measured_on = measured_on
        self.target_rate = ramp_target_n_per_s(region, tool)
        self.cap_n = cap_n
        self._phase = PptPhase.LIFT  # a press counts from a lift-off, the first one too
        self._rest_due = False
        self._trials: list[float] = []
        self._presses = 0
        self._recent: deque[tuple[float, float]] = deque()
        self._rest_until = -math.inf
        self._t = -math.inf
        self._refusal: str | None = None
        self._result: PersonalTargets | None = None

    @property
    def view(self) -> PptView:
        """The view at the last sample's time."""
        live = self._rate(LIVE_WINDOW_S) if self._phase is PptPhase.PRESSING else 0.0
        return PptView(
            phase=self._phase,
            trials_n=tuple(self._trials),
            rest_left_s=self._rest_left(),
            ramp_n_per_s=live,
            ramp_target_n_per_s=self.target_rate,
            too_fast=live > RAMP_MARGIN * self.target_rate,
            message=self._message(),
            refusal=self._refusal,
            result=self._result,
        )

    # -- inputs -------------------------------------------------------------------------

    def feed(self, t: float, force_n: float) -> PptView:
        """One sample; a non-finite force or a sample from the past is ignored."""
        if self._phase in FINISHED or not math.isfinite(force_n) or t < self._t:
            return self.view
        self._t = t
        lifted = force_n < self.release_n
        match self._phase:
            case PptPhase.READY if not lifted:
                self._phase = PptPhase.PRESSING
                self._refusal = None
                self._recent.clear()
            case PptPhase.PRESSING | PptPhase.LIFT if lifted:
                self._lift_off(t)
            case PptPhase.REST if not lifted:
                self._phase = PptPhase.LIFT
                self._rest_due = True
                self._refusal = f"rest {self._rest_left():.0f} s more before the next press"
            case PptPhase.REST if t >= self._rest_until:
                self._phase = PptPhase.READY
        if self._phase is PptPhase.PRESSING:
            self._recent.append((t, force_n))
            while self._recent[0][0] < t - JUDGE_WINDOW_S:
                self._recent.popleft()
        return self.view

    def tap(self, t: float) -> PptView:
        """The person's "first pain" key, at the last sample's force."""
        if self._phase in FINISHED:
            return self.view
        if self._phase is not PptPhase.PRESSING:
            self._refusal = self._tap_refusal()
            return self.view
        self._phase = PptPhase.LIFT
        self._rest_due = True
        self._presses += 1
        force = self._recent[-1][1]
        judged = self._rate(JUDGE_WINDOW_S)
        try:
            if judged > RAMP_MARGIN * self.target_rate:
                raise PptError(
                    f"that press rose at {judged:.0f} N/s, too fast to tap in time: lift off, "
                    f"rest, and press at about {self.target_rate:.0f} N/s"
                )
            check_tap(self.region, force, self.cap_n)
        except PptError as err:
            self._refusal = str(err)
        else:
            self._refusal = None
            self._trials.append(force)
            self._finish_if_measured()
        if self._presses >= MAX_PRESSES and self._phase not in FINISHED:
            self._fail(
                f"{MAX_PRESSES} presses without a threshold: stop for today and measure "
                "another day; your targets stay"
            )
        return self.view

    def no_pain(self, t: float) -> PptView:
        """ "No pain up to the ceiling": keep the default targets and say so."""
        if self._phase not in FINISHED:
            self._phase = PptPhase.KEPT_DEFAULTS
            self._refusal = None
        return self.view

    # -- rules -------------------------------------------------------------------------

    def _lift_off(self, t: float) -> None:
        """Lifted off: rest after a press that was tapped (or began too early), else ready."""
        self._phase = PptPhase.REST if self._rest_due else PptPhase.READY
        if self._rest_due:
            self._rest_until = t + REST_S
        self._rest_due = False
        self._recent.clear()

    def _finish_if_measured(self) -> None:
        if len(self._trials) < TRIALS:
            return
        try:
            ppt = kept_ppt_n(self._trials)
        except PptError as err:  # the kept two disagree: one more press, within limits
            if len(self._trials) < MAX_PRESSES:
                self._refusal = str(err)
            else:
                self._fail(f"{err}; after {MAX_PRESSES} presses, measure another day")
            return
        try:
            self._result = targets_from_ppt(
                self.region,
                self.tool,
                ppt,
                cap_n=self.cap_n,
                trials=tuple(self._trials),
                measured_on=self.measured_on,
            )
        except PptError as err:
            self._fail(str(err))
            return
        self._phase = PptPhase.DONE

    def _fail(self, reason: str) -> None:
        self._phase = PptPhase.FAILED
        self._refusal = reason

    def _tap_refusal(self) -> str:
        match self._phase:
            case PptPhase.LIFT if self._rest_due:
                return "one tap per press: lift off fully, rest, then press again"
            case PptPhase.LIFT:
                return "lift off fully first: a press counts from a lift-off"
            case PptPhase.REST:
                return f"rest {self._rest_left():.0f} s more, then press again from a lift-off"
            case _:
                return "press into the point first: a tap counts while pressing"

    def _rate(self, window_s: float) -> float:
        """Force rise per second over the last ``window_s`` of this press (0 if too short)."""
        if len(self._recent) < 2:
            return 0.0
        t_end, f_end = self._recent[-1]
        t0, f0 = next((t, f) for t, f in self._recent if t >= t_end - window_s)
        return 0.0 if t_end - t0 < 0.25 * window_s else (f_end - f0) / (t_end - t0)

    def _rest_left(self) -> float:
        return max(0.0, self._rest_until - self._t) if self._phase is PptPhase.REST else 0.0

    def _message(self) -> str:
        done = len(self._trials)
        match self._phase:
            case PptPhase.READY:
                return (
                    f"Press {done + 1}: press slowly, about {self.target_rate:.0f} N a second, "
                    "and tap at the first pain"
                )
            case PptPhase.PRESSING:
                return f"Slowly, about {self.target_rate:.0f} N/s: tap at the first pain"
            case PptPhase.LIFT:
                return "Lift off fully"
            case PptPhase.REST:
                return f"Rest: {self._rest_left():.0f} s before press {done + 1}"
            case PptPhase.DONE if self._result is not None and self._result.low:
                return f"Measured. {LOW_PPT_ADVICE}"
            case PptPhase.DONE:
                return "Measured: these are your targets"
            case PptPhase.KEPT_DEFAULTS:
                return f"No pain up to your ceiling ({self.cap_n:.0f} N): your targets stay"
            case PptPhase.FAILED:
                return "No targets from this measurement: your targets stay"
