"""The coaching pipeline: samples in, zone changes, holds and alarms out.

It composes one small part per stage and per guard, in this order, for every sample:

1. ``guards/signal.py``   silence, sequence gaps and link drops (``signal_lost``)
2. ``zero.py``            reported value → tared newtons (tare: ``tare.py``)
3. ``spike.py``           median of 3: the force the alarms read
4. ``smoother.py``        One Euro: the force the gauge, zones and hold timer read
5. ``hold.py``            the interval just past counts toward the hold in progress
6. ``guards/ceiling.py``  ``over_ceiling``, on the spike-rejected force from the lowest
   trusted zero (``Zero.lift_n``)
7. ``guards/full_scale.py`` ``saturation``, on the reported value and the ADC's flag
8. ``zones.py``           the zone, with hysteresis; a hold starts on entering the band
   (never while ``long_hold`` stands: the point must rest first)
9. ``guards/over_band.py``, ``guards/ramp.py``, ``pressing.py`` (``long_hold``)
10. ``hold.py`` end, or ``guards/sawing.py`` while it lasts
11. ``guards/bad_zero.py``, then the slow auto-zero while the tool rests
12. ``latch.py``          every alarm, with its peak force, stays shown a while after
    it clears (and after the batch that revealed it ended): :attr:`CoachState.shown`

State lives in the parts between batches, so any split of a stream into batches gives
identical events and state. Every default is documented in :mod:`knotmeter.core.config`
and tabled in ``core/README.md``; severity, banner and cue of each alarm kind are in
:mod:`knotmeter.core.alarms`.
"""

from __future__ import annotations

import itertools
import math
from collections import deque

import numpy as np

from knotmeter.core.calibration import Calibration
from knotmeter.core.config import PipelineConfig
from knotmeter.core.events import (
    AlarmCleared,
    AlarmKind,
    AlarmRaised,
    Event,
    ZoneChanged,
)
from knotmeter.core.guards.bad_zero import BadZeroAlarm
from knotmeter.core.guards.ceiling import CeilingAlarm
from knotmeter.core.guards.full_scale import FullScaleAlarm
from knotmeter.core.guards.over_band import OverBandAlarm
from knotmeter.core.guards.ramp import FastRampAlarm
from knotmeter.core.guards.sawing import SawingAlarm
from knotmeter.core.guards.signal import SignalWatch
from knotmeter.core.hold import HoldTimer
from knotmeter.core.latch import AlarmLatch
from knotmeter.core.pressing import PressingTime
from knotmeter.core.samples import SampleBatch
from knotmeter.core.smoother import OneEuro
from knotmeter.core.spike import SpikeFilter
from knotmeter.core.state import CoachState
from knotmeter.core.tare import TareResult, decide
from knotmeter.core.zero import Zero
from knotmeter.core.zones import RELEASED, ZONES, ZoneGate

__all__ = ["Pipeline", "PipelineConfig"]

_OVER_CEILING = AlarmKind.OVER_CEILING
_SATURATION = AlarmKind.SATURATION
_OVER_BAND = AlarmKind.OVER_BAND
_FAST_RAMP = AlarmKind.FAST_RAMP
_LONG_HOLD = AlarmKind.LONG_HOLD
_SAWING = AlarmKind.SAWING
_BAD_ZERO = AlarmKind.BAD_ZERO
_SIGNAL_LOST = AlarmKind.SIGNAL_LOST


def _usable(batch: SampleBatch, after: float | None) -> SampleBatch:
    """Drop samples the timers cannot use, counting them as lost: non-finite forces (one
    NaN would poison the smoother for good) and times that do not move forward (a
    hostile or broken tool's clock must not stop the coach)."""
    t, force = batch.t, batch.force_n
    keep = np.isfinite(force) & np.isfinite(t)
    if t.size:
        before = np.maximum.accumulate(
            np.concatenate(([-math.inf if after is None else after], t[:-1]))
        )
        keep &= t > before
    if bool(keep.all()):
        return batch
    return SampleBatch(
        t[keep],
        force[keep],
        seq0=batch.seq0,
        lost=batch.lost + int(keep.size - np.count_nonzero(keep)),
        saturated=batch.saturated,
    )


class Pipeline:
    """A stateful coach for one tool; feed it batches in time order.

    Not thread-safe: one owner feeds it and reads :attr:`state`.
    """

    def __init__(self, config: PipelineConfig) -> None:
        cal = config.calibration
        self._zero = Zero(
            offset_n=cal.offset_n,
            scale=cal.scale,
            window_n=config.zero_window_n,
            tau_s=config.auto_zero_tau_s,
            zero_max_n=config.auto_zero_max_n,
        )
        self._spikes = SpikeFilter()
        self._smooth = OneEuro(
            min_cutoff_hz=config.min_cutoff_hz, beta=config.beta, d_cutoff_hz=config.d_cutoff_hz
        )
        self._signal = SignalWatch(lost_s=config.signal_lost_s)
        self._full_scale = FullScaleAlarm(full_scale_n=config.full_scale_n)
        self._bad_zero = BadZeroAlarm(window_n=config.zero_window_n)
        self._pressing = PressingTime(cap_s=config.cap_s, rest_s=config.rest_s)
        self._raw = 0.0  # spike-rejected force, the alarms' input
        self._t: float | None = None
        self._samples = 0
        self._lost = 0
        self._active: set[AlarmKind] = set()
        self._latch = AlarmLatch()
        self._now: float | None = None  # the last time judged: newest sample, or a tick
        self._hold_paused = False  # the person paused the session: the hold stops accruing
        self._recent: deque[SampleBatch] = deque()  # batches reaching into tare's window
        self.config = config
        self._targets(config)

    def _targets(self, config: PipelineConfig) -> None:
        """The parts that follow the point's targets (new for each point)."""
        self.config = config
        self._gate = ZoneGate(
            release_n=config.release_n,
            low_n=config.band_low_n,
            high_n=config.band_high_n,
            ceiling_n=config.ceiling_n,
            hysteresis_n=config.hysteresis_n,
        )
        self._hold = HoldTimer(
            target_s=config.target_s,
            grace_s=config.grace_s,
            release_s=config.release_s,
            cap_s=config.cap_s,
            mid_n=(config.band_low_n + config.band_high_n) / 2,  # the credit rule's line
        )
        self._ceiling = CeilingAlarm(
            ceiling_n=config.ceiling_n, clear_fraction=config.ceiling_clear_fraction
        )
        self._ceiling.active = _OVER_CEILING in self._active
        self._over_band = OverBandAlarm(after_s=config.over_band_s)
        self._ramp = FastRampAlarm(limit_n_per_s=config.fast_ramp_n_per_s)
        self._sawing = SawingAlarm(
            amplitude_n=config.sawing_amplitude_n,
            reversals=config.sawing_reversals,
            window_s=config.sawing_window_s,
        )
        self._full_scale = FullScaleAlarm(full_scale_n=config.full_scale_n)
        self._full_scale.active = _SATURATION in self._active
        self._bad_zero.window_n = config.zero_window_n
        self._zero.window_n = config.zero_window_n
        self._pressing.cap_s = config.cap_s
        self._pressing.rest_s = config.rest_s

    # -- commands -----------------------------------------------------------------

    def feed(self, batch: SampleBatch) -> list[Event]:
        """Run every stage over ``batch``; returns the events it caused, in order.

        Samples whose force is not finite or whose time does not move forward are
        dropped and counted as lost.
        """
        t_list: list[float] = batch.t.tolist()
        f_list: list[float] = batch.force_n.tolist()
        if not _ordered_and_finite(t_list, f_list, self._t):  # rare: a broken source
            batch = _usable(batch, self._t)
            t_list, f_list = batch.t.tolist(), batch.force_n.tolist()
        events: list[Event] = []
        self._lost += batch.lost
        if not t_list:
            return events
        self._remember(batch)
        if batch.lost > 0 and self._t is not None:
            lost_s = self._signal.limit_s
            if t_list[0] - self._t > lost_s:
                self._alarm(_SIGNAL_LOST, self._signal.silence(math.inf), self._t + lost_s, events)
            self._alarm(_SIGNAL_LOST, self._signal.sequence_gap(), t_list[0], events)
        if self._t is None:
            # The first sample only fills the filter history: with nothing before it
            # there is no interval to time and no rate to estimate.
            self._t = t_list[0]
            first = self._zero.apply(f_list[0])
            self._spikes.prime(first)
            self._smooth.prime(first)
            self._samples = 1
            t_list, f_list = t_list[1:], f_list[1:]
        self._run(t_list, f_list, batch.saturated, events)
        self._samples += len(t_list)
        self._now = self._t
        self._latch.seen(self._t)
        return events

    def tick(self, t: float) -> list[Event]:
        """Time ``t`` passed on the source timeline with no new samples.

        Raises ``signal_lost`` once the silence exceeds :attr:`silence_limit_s`, dated at the
        moment it did; the first sample to arrive clears it.
        """
        events: list[Event] = []
        if self._t is not None:
            lost_s = self._signal.limit_s
            self._alarm(_SIGNAL_LOST, self._signal.silence(t - self._t), self._t + lost_s, events)
            self._now = max(t, self._now or t)
            self._latch.seen(self._now)
        return events

    def link_lost(self, t: float) -> list[Event]:
        """The source reports its link down: ``signal_lost`` now, hold timer paused.

        In-band time does not accrue over the interval that spans the outage, however
        short it turns out to be.
        """
        events: list[Event] = []
        self._alarm(_SIGNAL_LOST, self._signal.link_down(), t, events)
        self._latch.seen(max(t, self._now or t))
        return events

    def pause_hold(self, paused: bool) -> None:
        """The person paused (or resumed): while paused the hold in progress earns no
        in-band time. Pressing time and every alarm go on: a press is a press."""
        self._hold_paused = paused

    def tare(self) -> TareResult:
        """Zero the force if the tool is still and unloaded (``core/tare.py``).

        The filters shift with the zero, so the gauge drops to zero at once instead of
        ramping.
        """
        if self._t is None:
            return TareResult(False, "Not tared: no readings yet. Wait for the tool, then tare.")
        cfg = self.config
        all_t = np.concatenate([batch.t for batch in self._recent])
        recent = all_t >= self._t - cfg.still_window_s
        times = all_t[recent]
        all_f = np.concatenate([batch.force_n for batch in self._recent])
        values = ((all_f[recent] - self._zero.offset) * self._zero.scale).tolist()
        result = decide(
            values=values,
            span_s=self._t - float(times[0]) if times.size else 0.0,
            window_s=cfg.still_window_s,
            still_sd_n=cfg.still_sd_n,
            zero_window_n=cfg.zero_window_n,
            bad_zero=self._bad_zero.active,
        )
        if not result.ok:
            return result
        if not self._zero.shift_by(result.shift_n):
            return TareResult(
                False,
                f"Not tared: the zero has already moved {cfg.zero_window_n:g} N since this "
                "session started. Take the tool off the body; restart the tool if it still "
                "reads off zero.",
            )
        self._spikes.shift(result.shift_n)
        self._smooth.shift(result.shift_n)
        self._raw -= result.shift_n
        return result

    def stop_hold(self) -> list[Event]:
        """End the hold in progress now (session stopped, trace ended); no-op if none."""
        events: list[Event] = []
        if self._hold.active and self._t is not None:
            self._end_hold(self._t, events)
        return events

    def reconfigure(self, config: PipelineConfig) -> list[Event]:
        """Switch to new targets: keeps tare, calibration and filters.

        A hold in progress ends (it belonged to the previous targets) and the zone is
        re-judged on the next sample. Pressing time carries over while the region stays
        the same (a new tool or range is the same point), and starts again on a new one.
        """
        events = self.stop_hold()
        t = self._t or 0.0
        for kind, guard in ((_OVER_BAND, self._over_band), (_FAST_RAMP, self._ramp)):
            if guard.active:
                self._alarm(kind, False, t, events)
        if config.region.id != self.config.region.id:
            self._pressing = PressingTime(cap_s=config.cap_s, rest_s=config.rest_s)
            if _LONG_HOLD in self._active:
                self._alarm(_LONG_HOLD, False, t, events)
        self._targets(config)
        return events

    # -- views --------------------------------------------------------------------

    def allow_frames(self, frame_s: float) -> None:
        """The source is heard from every ``frame_s`` (its frame period, ``core/cadence.py``,
        told by whoever watches it arrive): silences up to 1.5 of them are its rhythm."""
        self._signal.allow(frame_s)

    @property
    def silence_limit_s(self) -> float:
        """The silence that raises ``signal_lost`` for this source now: ``signal_lost_s``,
        or 1.5 of its frame periods where longer (``guards/signal.py``)."""
        return self._signal.limit_s

    @property
    def calibration(self) -> Calibration:
        """The offset and scale in use now (tare and auto-zero move the offset)."""
        return Calibration(self._zero.offset, self._zero.scale)

    @property
    def state(self) -> CoachState:
        """A snapshot of the coach after the last sample (built on demand)."""
        cfg = self.config
        return CoachState(
            t=self._t if self._t is not None else 0.0,
            raw_n=self._raw,
            force_n=self._smooth.value,
            rate_n_per_s=self._smooth.rate,
            zone=ZONES[self._gate.zone],
            band_low_n=cfg.band_low_n,
            band_high_n=cfg.band_high_n,
            ceiling_n=cfg.ceiling_n,
            release_n=cfg.release_n,
            hold=self._hold.snapshot(),
            alarms=frozenset(self._active),
            samples=self._samples,
            lost=self._lost,
            tool=cfg.tool.value,
            full_scale_n=cfg.full_scale_n,
            ceiling_capped=cfg.ceiling_capped,
            pressing_s=self._pressing.pressed_s,
            pressing_cap_s=cfg.cap_s,
            advised_hold_s=(cfg.hold_min_s, cfg.cap_s),
            shown=self._latch.shown(self._now if self._now is not None else 0.0),
        )

    # -- internals ----------------------------------------------------------------

    def _alarm(self, kind: AlarmKind, change: bool | None, t: float, events: list[Event]) -> None:
        """Record a guard's change (``True`` raised, ``False`` cleared, ``None`` nothing)."""
        if change is None:
            return
        if change:
            self._active.add(kind)
            self._latch.raised(kind, t, self._raw)
            events.append(AlarmRaised(t, kind, self._raw))
        else:
            self._active.discard(kind)
            self._latch.cleared(kind, t)
            events.append(AlarmCleared(t, kind))

    def _remember(self, batch: SampleBatch) -> None:
        """Keep the batches that reach into tare's still window (by reference: cheap)."""
        recent = self._recent
        recent.append(batch)
        horizon = float(batch.t[-1]) - self.config.still_window_s
        while float(recent[0].t[-1]) < horizon:
            recent.popleft()

    def _end_hold(self, t: float, events: list[Event]) -> None:
        self._hold.end(t, events)
        self._alarm(_SAWING, self._sawing.stop(), t, events)

    def _run(
        self, t_list: list[float], f_list: list[float], flagged: bool, events: list[Event]
    ) -> None:
        """Each sample through every part, in the order the module docstring lists.

        The parts are bound to locals once per batch and a guard's ``update`` result is
        tested before a call to record it: at 1 kHz this loop is the hot path.
        """
        alarm = self._alarm
        signal, zero, spikes, smooth = self._signal, self._zero, self._spikes, self._smooth
        gate, hold, sawing = self._gate, self._hold, self._sawing
        ceiling, full_scale, over_band = self._ceiling, self._full_scale, self._over_band
        ramp, pressing, bad_zero, latch = self._ramp, self._pressing, self._bad_zero, self._latch
        lost_s, still = signal.limit_s, self.config.still_rate_n_per_s
        hold_paused = self._hold_paused
        tp: float = self._t  # type: ignore[assignment]  # feed() set it before any run
        for t, f in zip(t_list, f_list, strict=True):
            dt = t - tp
            if dt > lost_s or signal.engaged:
                if (c := signal.silence(dt)) is not None:
                    alarm(_SIGNAL_LOST, c, tp + lost_s, events)
                counts = signal.counts(dt)
                if (c := signal.flowing()) is not None:
                    alarm(_SIGNAL_LOST, c, t, events)
            else:
                counts = True
            counts = counts and not hold_paused

            x = (f - zero.offset) * zero.scale
            m = self._raw = spikes.update(x)
            y = smooth.update(m, dt)
            rate = smooth.rate

            was = zone = gate.zone
            hold.accrue(t, dt, counts, was, m, events)
            if (c := ceiling.update(m + zero.lift_n)) is not None:
                alarm(_OVER_CEILING, c, t, events)
            if (c := full_scale.update(f, flagged)) is not None:
                alarm(_SATURATION, c, t, events)
            if (new := gate.update(y)) is not None:
                if new != was:
                    events.append(ZoneChanged(t, ZONES[new]))
                if not hold.active:
                    if not pressing.active:  # at the hold limit no hold starts until rested
                        hold.on_zone(t, was, new, m, events)
                    if hold.active:
                        sawing.start(y)
                else:
                    hold.on_zone(t, was, new, m, events)
                zone = new
            if (c := over_band.update(t, zone)) is not None:
                alarm(_OVER_BAND, c, t, events)
            if (c := ramp.update(rate, zone != RELEASED)) is not None:
                alarm(_FAST_RAMP, c, t, events)
            if (c := pressing.update(t, dt, was != RELEASED, zone == RELEASED)) is not None:
                alarm(_LONG_HOLD, c, t, events)
            if hold.active:
                if hold.due_to_end(t, zone):
                    self._end_hold(t, events)
                elif (c := sawing.update(t, y)) is not None:
                    alarm(_SAWING, c, t, events)
            if (c := bad_zero.update(t, m)) is not None:
                alarm(_BAD_ZERO, c, t, events)
            if latch.following:
                latch.follow(m)
            # Slow auto-zero: only a small residual, only while released and still (the
            # newest sample too: a press starting now is not drift).
            if zone == RELEASED and -still < rate < still:
                zero.follow_drift(m, x, dt)
            tp = self._t = t


def _ordered_and_finite(t_list: list[float], f_list: list[float], after: float | None) -> bool:
    """The common case, cheaply: finite values and times that keep moving forward."""
    if not (math.isfinite(sum(f_list)) and math.isfinite(sum(t_list))):
        return False
    if t_list and after is not None and not t_list[0] > after:
        return False
    if len(t_list) > 32:
        return bool(np.all(np.diff(t_list) > 0))
    return all(a < b for a, b in itertools.pairwise(t_list))
