"""The coaching pipeline: samples in, zone changes, holds and alarms out.

Stages, per sample: calibration (offset, scale, slow auto-zero) → spike rejection
(median of the last 3 samples; the alarms read this) → One Euro smoother (the gauge,
zones and hold timer read this) → zone with hysteresis → hold timer → detectors.

Why one fused loop: the pipeline must keep up with 1 kHz sources while the UI
runs in the same process, and per-sample objects or per-stage function calls cost
more than the arithmetic. So every stage is a few lines of local-variable code in
:meth:`Pipeline.feed`, state lives on the instance between batches (any split of a
stream gives identical results), and an event object is made only when something
changes. Every default is documented in :mod:`knotmeter.core.config` and tabled in
``core/README.md``.
"""

from __future__ import annotations

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
    HoldCompleted,
    HoldEnded,
    HoldStarted,
    Zone,
    ZoneChanged,
)
from knotmeter.core.samples import SampleBatch
from knotmeter.core.state import CoachState, HoldState

__all__ = ["Pipeline", "PipelineConfig"]

_RELEASED, _BELOW, _IN_BAND, _OVER_BAND, _OVER_CEILING = range(5)
_ZONES = (Zone.RELEASED, Zone.BELOW, Zone.IN_BAND, Zone.OVER_BAND, Zone.OVER_CEILING)
_TWO_PI = 2.0 * math.pi
_FAST_RAMP_CLEAR = 1 / 3  # fast_ramp clears once the rate falls below a third of its limit


def _without_non_finite(batch: SampleBatch) -> SampleBatch:
    """Drop NaN/inf forces (counted as lost): one would poison the smoother for good."""
    finite = np.isfinite(batch.force_n)
    if bool(finite.all()):
        return batch
    return SampleBatch(
        batch.t[finite],
        batch.force_n[finite],
        seq0=batch.seq0,
        lost=batch.lost + int(finite.size - np.count_nonzero(finite)),
        saturated=batch.saturated,
    )


class Pipeline:
    """A stateful coach for one tool; feed it batches in time order.

    Not thread-safe: one owner feeds it and reads :attr:`state`.
    """

    def __init__(self, config: PipelineConfig) -> None:
        self.config = config
        self._offset = config.calibration.offset_n
        self._scale = config.calibration.scale
        # Filters start from an unloaded tool, so a spike in the very first samples
        # is rejected like any other.
        self._x1 = 0.0  # last two calibrated samples (median-of-3 history)
        self._x2 = 0.0
        self._raw = 0.0  # spike-rejected force
        self._y = 0.0  # smoothed force
        self._dx = 0.0  # the smoother's own derivative estimate, N/s
        self._rate = 0.0  # slope of the smoothed force, N/s (shown; fast_ramp, stillness)
        self._t: float | None = None
        self._samples = 0
        self._lost = 0
        self._paused = False  # link went down: the next interval does not count
        self._zone = _RELEASED
        self._zone_lo = -math.inf  # leave the zone below/above these (hysteresis)
        self._zone_hi = math.inf
        self._over_since: float | None = None
        self._active: set[AlarmKind] = set()
        self._hold_on = False
        self._hold_start = 0.0
        self._in_band = 0.0
        self._over_band = 0.0
        self._peak = 0.0
        self._total = 0.0
        self._count = 0
        self._complete = False
        self._left_t = 0.0  # when the force last fell below the band during the hold
        self._released_t = 0.0  # when it last fell under the release level
        self._last_hold: HoldState | None = None
        self._saw_dir = 1.0
        self._saw_ext = 0.0
        self._saw_times: list[float] = []
        self._recent: deque[SampleBatch] = deque()  # batches reaching into tare's window
        self._reclassify()

    # -- commands -----------------------------------------------------------------

    def feed(self, batch: SampleBatch) -> list[Event]:
        """Run every stage over ``batch``; returns the events it caused, in order.

        Raises:
            ValueError: sample times are not strictly increasing (within the batch or
                after the previous one): a source bug that would corrupt the timers.
        """
        f_list: list[float] = batch.force_n.tolist()
        if not math.isfinite(sum(f_list)):  # cheap test first; rare slow path
            batch = _without_non_finite(batch)
            f_list = batch.force_n.tolist()
        if not f_list:
            self._lost += batch.lost
            return []
        t_list: list[float] = batch.t.tolist()
        if len(t_list) > 1 and not bool(np.all(np.diff(batch.t) > 0)):
            raise ValueError("sample times must be strictly increasing within a batch")
        if self._t is not None and not t_list[0] > self._t:
            raise ValueError(f"sample time {t_list[0]} does not follow {self._t}")
        self._remember(batch)
        events: list[Event] = []
        self._batch_flags(batch, t_list[0], events)
        if self._t is None:
            # The first sample only fills the filter history: with nothing before it
            # there is no interval to time and no rate to estimate.
            self._t = t_list[0]
            self._x2, self._x1 = self._x1, (f_list[0] - self._offset) * self._scale
            self._samples = 1
            t_list, f_list = t_list[1:], f_list[1:]
        self._run(t_list, f_list, batch.lost > 0, events)
        return events

    def tick(self, t: float) -> list[Event]:
        """Time ``t`` passed on the source timeline with no new samples.

        Raises ``signal_lost`` once the silence exceeds ``signal_lost_s``, dated at the
        moment it did; the first sample to arrive clears it.
        """
        events: list[Event] = []
        if self._t is not None and t - self._t > self.config.signal_lost_s:
            self._raise(AlarmKind.SIGNAL_LOST, self._t + self.config.signal_lost_s, events)
        return events

    def link_lost(self, t: float) -> list[Event]:
        """The source reports its link down: ``signal_lost`` now, hold timer paused.

        In-band time does not accrue over the interval that spans the outage, however
        short it turns out to be.
        """
        events: list[Event] = []
        self._paused = True
        self._raise(AlarmKind.SIGNAL_LOST, t, events)
        return events

    def tare(self) -> bool:
        """Zero the force on the recent still window; False if there was none.

        "Still" means at least ``still_window_s / 2`` of samples within the last
        ``still_window_s`` with a standard deviation under ``still_sd_n``. The filters
        shift with the offset, so the gauge drops to zero at once instead of ramping.
        """
        if self._t is None:
            return False
        cfg = self.config
        all_t = np.concatenate([batch.t for batch in self._recent])
        recent = all_t >= self._t - cfg.still_window_s
        times = all_t[recent]
        if times.size < 3 or self._t - float(times[0]) < cfg.still_window_s / 2:
            return False
        all_f = np.concatenate([batch.force_n for batch in self._recent])
        values = (all_f[recent] - self._offset) * self._scale
        if float(values.std()) > cfg.still_sd_n:
            return False
        shift = float(values.mean())
        self._offset += shift / self._scale
        self._x1 -= shift
        self._x2 -= shift
        self._raw -= shift
        self._y -= shift
        return True

    def stop_hold(self) -> list[Event]:
        """End the hold in progress now (session stopped, trace ended); no-op if none."""
        events: list[Event] = []
        if self._hold_on and self._t is not None:
            self._end_hold(self._t, events)
        return events

    def reconfigure(self, config: PipelineConfig) -> list[Event]:
        """Switch to new targets (the next point): keeps tare, calibration and filters.

        A hold in progress ends (it belonged to the previous point) and the zone is
        re-judged on the next sample against the new targets.
        """
        events = self.stop_hold()
        for kind in (AlarmKind.OVER_BAND, AlarmKind.FAST_RAMP):
            self._clear(kind, self._t or 0.0, events)
        self._over_since = None
        self.config = config
        self._reclassify()
        return events

    # -- views --------------------------------------------------------------------

    @property
    def calibration(self) -> Calibration:
        """The offset and scale in use now (tare and auto-zero move the offset)."""
        return Calibration(self._offset, self._scale)

    @property
    def state(self) -> CoachState:
        """A snapshot of the coach after the last sample (built on demand)."""
        cfg = self.config
        return CoachState(
            t=self._t if self._t is not None else 0.0,
            raw_n=self._raw,
            force_n=self._y,
            rate_n_per_s=self._rate,
            zone=_ZONES[self._zone],
            band_low_n=cfg.band_low_n,
            band_high_n=cfg.band_high_n,
            ceiling_n=cfg.ceiling_n,
            release_n=cfg.release_n,
            hold=self._hold_state(),
            alarms=frozenset(self._active),
            samples=self._samples,
            lost=self._lost,
        )

    # -- internals ----------------------------------------------------------------

    def _hold_state(self) -> HoldState:
        if self._hold_on:
            return self._hold_snapshot()
        if self._last_hold is not None:
            return self._last_hold
        return HoldState(False, None, 0.0, 0.0, self.config.target_s, self.config.cap_s, 0.0, False)

    def _hold_snapshot(self) -> HoldState:
        return HoldState(
            active=self._hold_on,
            started_t=self._hold_start,
            in_band_s=self._in_band,
            over_band_s=self._over_band,
            target_s=self.config.target_s,
            cap_s=self.config.cap_s,
            peak_n=self._peak,
            complete=self._complete,
        )

    def _reclassify(self) -> None:
        """Make the next sample re-judge its zone (after start-up or new targets)."""
        self._zone_lo = math.inf

    def _raise(self, kind: AlarmKind, t: float, events: list[Event]) -> None:
        if kind not in self._active:
            self._active.add(kind)
            events.append(AlarmRaised(t, kind, self._raw))

    def _clear(self, kind: AlarmKind, t: float, events: list[Event]) -> None:
        if kind in self._active:
            self._active.discard(kind)
            events.append(AlarmCleared(t, kind))

    def _batch_flags(self, batch: SampleBatch, t0: float, events: list[Event]) -> None:
        """Source-level facts that arrive with a batch: saturation and lost samples."""
        if batch.lost > 0:
            self._lost += batch.lost
            if self._t is not None and t0 - self._t > self.config.signal_lost_s:
                self._raise(AlarmKind.SIGNAL_LOST, self._t + self.config.signal_lost_s, events)
            self._raise(AlarmKind.SIGNAL_LOST, t0, events)
        if batch.saturated:
            self._raise(AlarmKind.SATURATION, t0, events)
        else:
            self._clear(AlarmKind.SATURATION, t0, events)

    def _remember(self, batch: SampleBatch) -> None:
        """Keep the batches that reach into tare's still window (by reference: cheap)."""
        recent = self._recent
        recent.append(batch)
        horizon = float(batch.t[-1]) - self.config.still_window_s
        while float(recent[0].t[-1]) < horizon:
            recent.popleft()

    def _end_hold(self, t: float, events: list[Event]) -> None:
        mean = self._total / self._count if self._count else self._peak
        events.append(
            HoldEnded(
                t=t,
                start=self._hold_start,
                in_band_s=self._in_band,
                over_band_s=self._over_band,
                peak_n=self._peak,
                mean_n=mean,
                complete=self._complete,
            )
        )
        self._hold_on = False
        self._last_hold = self._hold_snapshot()
        self._clear(AlarmKind.LONG_HOLD, t, events)
        self._clear(AlarmKind.SAWING, t, events)

    def _run(
        self, t_list: list[float], f_list: list[float], seq_gap: bool, events: list[Event]
    ) -> None:
        cfg = self.config
        active = self._active
        emit = events.append
        # Targets and settings as locals: attribute lookups cost more than the maths.
        offset, scale = self._offset, self._scale
        release, low, high, ceiling = cfg.release_n, cfg.band_low_n, cfg.band_high_n, cfg.ceiling_n
        # A zone is left only half the hysteresis width past its nominal edges.
        half = cfg.hysteresis_n / 2
        edges_lo = (-math.inf, release - half, low - half, high - half, ceiling - half)
        edges_hi = (release + half, low + half, high + half, ceiling + half, math.inf)
        ceiling_clear = cfg.ceiling_clear_fraction * ceiling
        lost_s, grace, release_s, cap = cfg.signal_lost_s, cfg.grace_s, cfg.release_s, cfg.cap_s
        target, over_band_s = cfg.target_s, cfg.over_band_s
        w_min, w_beta, w_d = (
            _TWO_PI * cfg.min_cutoff_hz,
            _TWO_PI * cfg.beta,
            _TWO_PI * cfg.d_cutoff_hz,
        )
        fast_rate = cfg.fast_ramp_n_per_s
        fast_clear = fast_rate * _FAST_RAMP_CLEAR
        saw_amp, saw_window, saw_count = (
            cfg.sawing_amplitude_n,
            cfg.sawing_window_s,
            cfg.sawing_reversals,
        )
        still, zero_max, zero_tau = cfg.still_rate_n_per_s, cfg.auto_zero_max_n, cfg.auto_zero_tau_s
        ceil_on = AlarmKind.OVER_CEILING in active
        lost_on = AlarmKind.SIGNAL_LOST in active
        band_on = AlarmKind.OVER_BAND in active
        ramp_on = AlarmKind.FAST_RAMP in active
        saw_on = AlarmKind.SAWING in active
        long_on = AlarmKind.LONG_HOLD in active
        # Filter, zone and hold state as locals; stored back after the loop.
        x1, x2, m, y, dx, rate = self._x1, self._x2, self._raw, self._y, self._dx, self._rate
        tp = self._t if self._t is not None else 0.0
        paused = self._paused
        zone, zone_lo, zone_hi = self._zone, self._zone_lo, self._zone_hi
        over_since = self._over_since
        hold_on, start, complete = self._hold_on, self._hold_start, self._complete
        in_band, over_band = self._in_band, self._over_band
        peak, total, count = self._peak, self._total, self._count
        left_t, released_t = self._left_t, self._released_t
        saw_dir, saw_ext, saw_times = self._saw_dir, self._saw_ext, self._saw_times

        for t, f in zip(t_list, f_list, strict=True):
            dt = t - tp
            # Silence or a link outage: the interval does not count toward the hold.
            counts = True
            if dt > lost_s or paused:
                counts = paused = False
                if dt > lost_s and not lost_on:
                    lost_on = True
                    active.add(AlarmKind.SIGNAL_LOST)
                    emit(AlarmRaised(tp + lost_s, AlarmKind.SIGNAL_LOST, m))
            if lost_on:
                if seq_gap:  # this sample revealed the gap; the next one clears it
                    seq_gap = False
                else:
                    lost_on = False
                    active.discard(AlarmKind.SIGNAL_LOST)
                    emit(AlarmCleared(t, AlarmKind.SIGNAL_LOST))

            x = (f - offset) * scale
            # Spike rejection: median of this and the two previous samples.
            if x1 > x2:
                m = x2 if x < x2 else (x1 if x > x1 else x)
            else:
                m = x1 if x < x1 else (x2 if x > x2 else x)
            x2 = x1
            x1 = x
            # One Euro smoother: the cutoff rises with the speed of the force, so it
            # is steady at rest and quick on a press.
            r = w_d * dt
            a_d = r / (r + 1.0)
            dx += a_d * ((m - y) / dt - dx)
            r = (w_min + w_beta * (dx if dx > 0.0 else -dx)) * dt
            y_prev = y
            y += r / (r + 1.0) * (m - y)
            # The rate people see (and fast_ramp judges) is the smoothed force's slope,
            # far steadier at rest than the smoother's own derivative estimate.
            rate += a_d * ((y - y_prev) / dt - rate)

            # The interval since the previous sample belongs to the previous zone.
            if hold_on:
                if counts:
                    if zone == _IN_BAND:
                        in_band += dt
                        if not complete and in_band >= target:
                            complete = True
                            emit(HoldCompleted(t - (in_band - target), target))
                    elif zone > _IN_BAND:
                        over_band += dt
                if zone != _RELEASED:
                    if m > peak:
                        peak = m
                    total += m
                    count += 1

            # Excessive pressure reads the spike-rejected force: a single-sample spike
            # never reaches it, a real crossing does by its second sample.
            if ceil_on:
                if m < ceiling_clear:
                    ceil_on = False
                    active.discard(AlarmKind.OVER_CEILING)
                    emit(AlarmCleared(t, AlarmKind.OVER_CEILING))
            elif m >= ceiling:
                ceil_on = True
                active.add(AlarmKind.OVER_CEILING)
                emit(AlarmRaised(t, AlarmKind.OVER_CEILING, m))

            if y < zone_lo or y >= zone_hi:
                if y < release:
                    new = _RELEASED
                elif y < low:
                    new = _BELOW
                elif y < high:
                    new = _IN_BAND
                elif y < ceiling:
                    new = _OVER_BAND
                else:
                    new = _OVER_CEILING
                zone_lo, zone_hi = edges_lo[new], edges_hi[new]
                if new != zone:
                    emit(ZoneChanged(t, _ZONES[new]))
                if new >= _IN_BAND:
                    if zone < _IN_BAND and rate > fast_rate and not ramp_on:
                        ramp_on = True
                        active.add(AlarmKind.FAST_RAMP)
                        emit(AlarmRaised(t, AlarmKind.FAST_RAMP, m))
                    if not hold_on:
                        hold_on, start, complete = True, t, False
                        in_band = over_band = total = 0.0
                        peak, count = m, 0
                        saw_dir, saw_ext = 1.0, y
                        saw_times.clear()
                        emit(HoldStarted(t))
                elif zone >= _IN_BAND:
                    left_t = t
                if new == _RELEASED:
                    released_t = t
                if new >= _OVER_BAND:
                    if over_since is None:
                        over_since = t
                else:
                    over_since = None
                    if band_on:
                        band_on = False
                        active.discard(AlarmKind.OVER_BAND)
                        emit(AlarmCleared(t, AlarmKind.OVER_BAND))
                zone = new

            if hold_on:
                if zone < _IN_BAND and (
                    t - left_t > grace or (zone == _RELEASED and t - released_t >= release_s)
                ):
                    self._hold_on, self._hold_start, self._complete = False, start, complete
                    self._in_band, self._over_band = in_band, over_band
                    self._peak, self._total, self._count = peak, total, count
                    self._end_hold(t, events)
                    hold_on = saw_on = long_on = False
                else:
                    if not long_on and t - start >= cap:
                        long_on = True
                        active.add(AlarmKind.LONG_HOLD)
                        emit(AlarmRaised(t, AlarmKind.LONG_HOLD, m))
                    # Sawing: count swings of the smoothed force that reverse by at
                    # least saw_amp; many within the window is grinding, not holding.
                    if saw_dir > 0.0:
                        if y > saw_ext:
                            saw_ext = y
                        elif saw_ext - y >= saw_amp:
                            saw_dir, saw_ext = -1.0, y
                            saw_times.append(t)
                    elif y < saw_ext:
                        saw_ext = y
                    elif y - saw_ext >= saw_amp:
                        saw_dir, saw_ext = 1.0, y
                        saw_times.append(t)
                    if saw_times and t - saw_times[0] > saw_window:
                        del saw_times[0]
                        if saw_on and not saw_times:
                            saw_on = False
                            active.discard(AlarmKind.SAWING)
                            emit(AlarmCleared(t, AlarmKind.SAWING))
                    if not saw_on and len(saw_times) >= saw_count:
                        saw_on = True
                        active.add(AlarmKind.SAWING)
                        emit(AlarmRaised(t, AlarmKind.SAWING, m))

            if over_since is not None and not band_on and t - over_since > over_band_s:
                band_on = True
                active.add(AlarmKind.OVER_BAND)
                emit(AlarmRaised(t, AlarmKind.OVER_BAND, m))
            if ramp_on and rate < fast_clear:
                ramp_on = False
                active.discard(AlarmKind.FAST_RAMP)
                emit(AlarmCleared(t, AlarmKind.FAST_RAMP))
            # Slow auto-zero: only a small residual, only while released and still (the
            # newest sample too: a press starting now is not drift).
            if (
                zone == _RELEASED
                and -still < rate < still
                and -zero_max < m < zero_max
                and -zero_max < x < zero_max
            ):
                offset += m / scale * (dt / (zero_tau + dt))
            tp = t

        self._offset = offset
        self._x1, self._x2, self._raw, self._y, self._dx, self._rate = x1, x2, m, y, dx, rate
        self._t = tp
        self._samples += len(t_list)
        self._paused = paused
        self._zone, self._zone_lo, self._zone_hi = zone, zone_lo, zone_hi
        self._over_since = over_since
        self._hold_on, self._hold_start, self._complete = hold_on, start, complete
        self._in_band, self._over_band = in_band, over_band
        self._peak, self._total, self._count = peak, total, count
        self._left_t, self._released_t = left_t, released_t
        self._saw_dir, self._saw_ext = saw_dir, saw_ext
