"""One sitting with one tool: the sequence from a source through the pipeline to its
consumers (see :class:`Session`); the parts it sequences decide."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from firmware_host.source import (
    BatteryStatus,
    CoachAim,
    DeviceInfo,
    KindChanged,
    Source,
    SourceStats,
)
from firmware_host.source import LinkChanged as LinkChanged  # re-exported: screens learn
from firmware_host.source import LinkState as LinkState  # link state from the session
from knotmeter.core.cadence import FramePeriod
from knotmeter.core.clock_check import ArrivalClock, ClockCheck, rate_text
from knotmeter.core.errors import CoachInputError
from knotmeter.core.events import Event, HoldStarted
from knotmeter.core.modes import Mode
from knotmeter.core.pipeline import Pipeline, PipelineConfig
from knotmeter.core.plans import Plan
from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.prescription import (
    Prescription,
    Provenance,
    Refused,
    Rx,
    light_refusal,
    prescribe,
)
from knotmeter.core.routine import Routine, RoutineEvent, Step, StepChanged, StepRefused
from knotmeter.core.samples import SampleBatch
from knotmeter.core.scores import Outcome
from knotmeter.core.screening import LightProfile
from knotmeter.core.sides import Side
from knotmeter.core.state import CoachState
from knotmeter.core.tare import TareResult
from knotmeter.core.tools import Tool
from knotmeter.fanout import Fanout
from knotmeter.session_events import (
    NotScreened,
    Pausable,
    SessionEvent,
    Subscriber,
    TargetsChanged,
    TargetsRefused,
    Watcher,
)
from knotmeter.store import (
    Moment,
    SaveState,
    ScreeningRecord,
    SessionStore,
    SourceKind,
    StoreHealth,
    StoreWriter,
    check_pain_score,
)
from knotmeter.store.sitting import SittingLog

__all__ = [
    "LINK_DOWN",
    "SILENCE_SLACK_S",
    "DeviceInfo",
    "NotScreened",
    "SaveState",
    "Session",
    "SessionEvent",
    "StoreHealth",
    "Subscriber",
    "TargetsChanged",
    "TargetsRefused",
    "Watcher",
]
# The session's own events and interfaces live beside it (``session_events.py``).

SILENCE_SLACK_S = 0.01
"""The watchdog wakes this long after the newest sample turns ``signal_lost_s`` old, so
the silence it finds is past the limit (the pipeline's test is strict)."""

LINK_DOWN = frozenset({LinkState.NO_DATA, LinkState.RECONNECTING})

_log = logging.getLogger(__name__)

NO_HOLD_YET = Refused("No hold to rate yet: press into the band first, then rate it 0-10 (x is 10)")


class Session:
    """One sitting: it sequences, the parts decide.

    - Source → pipeline → events: :meth:`run` drains the source; every batch goes through
      the pipeline, its events to subscribers at once (the alarm path waits for no screen
      and no disk), then to the routine, then to the store's writer queue (never waited
      on: :attr:`store_health` says how saving goes). A watchdog judges silence.
    - Targets: the session holds one frozen :class:`~knotmeter.core.prescription.Rx`.
      Every change (point, tool, range, mode, measured targets, light profile, a
      go-lighter step) is one ``replace`` of it, prescribed by ``core/prescription.py``;
      the new Rx and the pipeline's new config are committed only on success, otherwise
      a :class:`TargetsRefused` is published and stands (:attr:`refusal`) until a change
      is prescribed. The tool's range is a fact, not a choice: it is kept even when it
      refuses the point, and the pipeline learns it so saturation still fires.
    - Screening: a session that coaches a live tool needs a screening decision
      (``screening=``, or :meth:`apply_screening` before :meth:`run`); a replay does not.
    - Commands back into the pipeline: tare, next/back, pain ratings, pause.
    - Screens peek at :attr:`state` at their own frame rate (:meth:`watch` wakes them).

    Args:
        source: where samples come from; the session owns it and closes it.
        start: the first point's prescription input, or a pipeline config to coach as
            given (a test's own band); the first change prescribes from its Rx.
        store: where samples, holds, pain and alarms are kept; ``None`` keeps nothing.
        clock: host seconds, to measure silence (injected by tests).
        hold_target_s: the user's own hold target (``--target``), kept for every point.
        plan: a routine to coach point by point.
        screening: the screening answers that allow coaching this sitting.
    """

    def __init__(
        self,
        source: Source,
        start: Rx | PipelineConfig,
        *,
        store: SessionStore | None = None,
        clock: Callable[[], float] = time.monotonic,
        hold_target_s: float | None = None,
        plan: Plan | None = None,
        screening: ScreeningRecord | None = None,
    ) -> None:
        self.source = source
        self.routine = None if plan is None else Routine(plan, 0.0)
        self.store = store
        self._clock = clock
        self._fanout: Fanout[SessionEvent] = Fanout(_log)
        self._link = LinkState.CONNECTING
        self._link_detail = ""
        self._battery_mv: int | None = None
        self._info: DeviceInfo | None = None
        self._first_t: float | None = None
        self._last_t: float | None = None
        self._now = 0.0  # source time the session last judged (see ``now``)
        self._hold_t: float | None = None  # start of the hold subscribers last heard of
        self._last_arrival = 0.0
        self._period = FramePeriod()  # how often the source is heard from: its silence limit
        self._sound_note: Callable[[], str | None] = lambda: None
        self._clock_check = ClockCheck()
        self._arrival_clock: ArrivalClock | None = None  # once the source's clock is wrong
        self._running = False
        self._stopped = asyncio.Event()
        self._closed = False
        self._paused_at: float | None = None  # host clock, while paused
        self.pauses: list[float] = []
        """How long each finished pause lasted (host seconds), for the session's record."""
        self._kind = source.kind  # then only what the stream says (KindChanged)
        self._log = SittingLog(store, None)  # the writer comes once the first point is set
        self.refusal: Refused | None = None
        """The standing refusal of the last change, until a change is prescribed."""
        if isinstance(start, PipelineConfig):  # coached as given until the first change
            config, self._rx = start, replace(Rx.of(start), override_s=hold_target_s)
            self.provenance = Provenance("default", start.ceiling_capped, start.ceiling_n)
        else:
            rx = start if hold_target_s is None else replace(start, override_s=hold_target_s)
            rx = replace(rx, personal=self._log.targets(rx.region_id, rx.tool))
            first = prescribe(rx)
            if isinstance(first, Refused):
                raise CoachInputError(first.reason)
            self._rx, config, self.provenance = rx, first.config, first.provenance
        self.pipeline = Pipeline(config)
        self._closed_health: StoreHealth | None = None
        self._writer: StoreWriter | None = (
            None
            if store is None
            else store.begin_writer(source=source.moniker, kind=self._kind, region=config.region.id)
        )
        self._log = SittingLog(store, self._writer)
        if screening is not None:
            refused = self.apply_screening(screening)
            if refused is not None:
                raise CoachInputError(refused.reason)

    @property
    def state(self) -> CoachState:
        """The latest snapshot; cheap, for screens that draw at their own rate."""
        return self.pipeline.state

    @property
    def config(self) -> PipelineConfig:
        """The targets the coach presses by now: region, band, ceiling, hold target."""
        return self.pipeline.config

    @property
    def rx(self) -> Rx:
        """What the targets are prescribed from (the last change that was prescribed)."""
        return self._rx

    @property
    def stats(self) -> SourceStats:
        """The link's counters (rate, lost samples, bad frames), for the status line."""
        return self.source.stats

    @property
    def moniker(self) -> str:
        """The source's name as the user gave it (``serial:…``, ``sim:…``, ``file:…``)."""
        return self.source.moniker

    @property
    def now(self) -> float:
        """When the session last judged, on the source's timeline: the newest sample's
        time, or later, the moment the watchdog found a silence or the link went down."""
        return self._now

    @property
    def span_s(self) -> float:
        """How long the sitting ran on the source's timeline, first sample to :attr:`now`:
        a replay's trace time at any speed, as the stored session's length says."""
        return 0.0 if self._first_t is None else self._now - self._first_t

    @property
    def link(self) -> LinkState:
        return self._link

    @property
    def link_detail(self) -> str:
        """The source's last word on its link (where it is, or why it cannot get there:
        "no tool named X nearby", "data is not in the expected format", …)."""
        return self._link_detail

    @property
    def battery_mv(self) -> int | None:
        return self._battery_mv

    @property
    def info(self) -> DeviceInfo | None:
        return self._info

    @property
    def kind(self) -> SourceKind:
        """The source's kind at open, as its stream has changed it since."""
        return self._kind

    @property
    def label(self) -> str | None:
        """``SIMULATED`` or ``REPLAY``, shown in every view; ``None`` for a real tool."""
        return None if self.kind is SourceKind.DEVICE else self.kind.name

    @property
    def coaches(self) -> bool:
        """A person presses on what this session says (a replay only shows a recording)."""
        return self.kind is not SourceKind.REPLAY

    @property
    def screened(self) -> bool:
        """Coaching is allowed: a replay, or screening answers that allow it this sitting."""
        record = self._log.screening
        if not self.coaches:
            return True
        # Today's decision: a clinician's clearance lapses after 7 days, even mid-sitting.
        return record is not None and record.outcome_at(datetime.now(UTC)).coaching

    @property
    def session_id(self) -> int | None:
        """The store's row for this session, if there is a store and it has been written."""
        return None if self._writer is None else self._writer.session_id

    @property
    def store_health(self) -> StoreHealth | None:
        """How saving goes (``None`` without a store); after :meth:`close`, what was
        saved in the end. Coaching never depends on it."""
        if self._closed_health is not None or self._writer is None:
            return self._closed_health
        return self._writer.health

    def report_sound(self, note: Callable[[], str | None]) -> None:
        """Whoever plays this session's cues says here how sound goes (``sound.follow``)."""
        self._sound_note = note

    @property
    def sound_note(self) -> str | None:
        """ "SOUND OFF: …" once the cues can no longer be heard; ``None`` while they can
        (or nobody plays them: the dashboard says so when it starts)."""
        return self._sound_note()

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback`` with every event, synchronously, the moment it happens.

        Callbacks run on the event loop inside the ingest path: they must be quick
        (post a message, set a flag). Returns the function that unsubscribes.
        """
        return self._fanout.subscribe(callback)

    def watch(self, callback: Watcher) -> Callable[[], None]:
        """Call ``callback`` each time a batch has moved :attr:`state` on, after its events;
        also while no batch comes, each time the watchdog finds the silence (and at once
        when the link goes down), so sound and screen follow a silence too (:attr:`now`).

        The same rules as :meth:`subscribe`. Returns the function that stops watching.
        """
        return self._fanout.watch(callback)

    async def run(self) -> None:
        """Drain the source until it closes, watching for silence meanwhile.

        Raises:
            NotScreened: the session coaches a live tool and has no screening decision
                that allows it (nothing is read from the source).
        """
        if self._running:
            raise RuntimeError("Session.run() is already running")
        if not self.screened:
            await self.source.close()
            raise NotScreened(
                "no screening answers allow coaching this sitting: answer the screening first"
            )
        self._running = True
        self._aim_source()
        watchdog = asyncio.create_task(self._watch_silence(), name="knotmeter-silence-watchdog")
        try:
            async for item in self.source.events():
                self._ingest(item)
        finally:
            if self._link is not LinkState.CLOSED:  # never "live" over a stopped readout
                self._link = LinkState.CLOSED
                self._fanout.emit(LinkChanged(self.pipeline.state.t, LinkState.CLOSED))
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog
            self._stopped.set()

    @property
    def ratings(self) -> dict[float | None, int]:
        """This sitting's pain ratings, one per hold (by its start), corrections applied."""
        return dict(self._log.ratings)

    async def tare(self) -> TareResult:
        """Zero the force if the tool is still and unloaded; the result says why not.

        Software tare only, never ``source.tare()``: the store keeps raw samples, so
        a tare that lives in the pipeline replays exactly, and a device-side tare on
        top would shift the raw stream under the pipeline's own offset.
        """
        return self.pipeline.tare()

    # -- targets: each change is one replace of the Rx, then prescribe --------------

    def set_region(
        self,
        region_id: str,
        *,
        target_s: float | None = None,
        hold_s: tuple[float, float] | None = None,
    ) -> Refused | None:
        """Move to another point (a routine's ``target_s`` and advised ``hold_s``, else the
        region's); the user's own hold target carries over, a go-lighter step does not."""
        return self._change(self._at_point(region_id, self._rx.tool, target_s, hold_s))

    @property
    def side(self) -> Side | None:
        """The side of the body being pressed, if the person said (``None``: not said)."""
        return self._log.side

    def set_side(self, side: Side | None) -> Refused | None:
        """Press on ``side`` from now on: holds (with their pain) and measurements are
        kept under it, and a band measured on this side is the one coached (never the
        other side's)."""
        self._log.side = side
        region, tool = self._rx.region_id, self._rx.tool
        return self._change(replace(self._rx, personal=self._log.targets(region, tool)))

    def set_tool(self, tool: Tool) -> Refused | None:
        """Press with ``tool`` from now on: the point's limits scale to its contact area."""
        region = self._rx.region_id
        return self._change(replace(self._rx, tool=tool, personal=self._log.targets(region, tool)))

    def set_mode(self, mode: Mode) -> Refused | None:
        """Coach in ``mode`` from now on, on this point and the next."""
        return self._change(replace(self._rx, mode=mode))

    def use_targets(self, targets: PersonalTargets) -> Refused | None:
        """Keep the person's measured targets and press by them from now on."""
        self._log.save_targets(targets)
        return self._change(replace(self._rx, personal=targets))

    def forget_targets(self, *, everywhere: bool = False) -> Refused | None:
        """Forget the measured targets of this point (every tool), or of every point:
        the defaults apply from now on, here and in the store."""
        self._log.forget_targets(None if everywhere else self._rx.region_id)
        return self._change(replace(self._rx, personal=None))

    def preview(self, region_id: str) -> Prescription | Refused:
        """What moving to ``region_id`` would prescribe now (the point picker's list)."""
        return prescribe(self._at_point(region_id, self._rx.tool, None, None))

    def _at_point(
        self, region_id: str, tool: Tool, target_s: float | None, hold_s: tuple[float, float] | None
    ) -> Rx:
        return replace(
            self._rx,
            region_id=region_id,
            tool=tool,
            target_s=target_s,
            hold_s=hold_s,
            personal=self._log.targets(region_id, tool),
            lighter=0,
        )

    def _change(self, rx: Rx, *, fact: bool = False) -> Refused | None:
        changes, refused = self._prescribe(rx, fact=fact)
        self._settle(changes)
        return refused

    def _prescribe(
        self, rx: Rx, *, fact: bool = False
    ) -> tuple[list[RoutineEvent], Refused | None]:
        """Commit ``rx`` and move the pipeline to its prescription, or publish why not.

        A ``fact`` (the tool's range) is kept even when refused: the pipeline keeps its
        targets and learns the range, so saturation still fires. The hold in progress
        ends and is published before the move, so it is filed under its own point.
        """
        got = prescribe(rx)
        if isinstance(got, Refused):
            self.refusal = got
            self._fanout.emit(TargetsRefused(self._now, got.reason))
            if not fact:
                return [], got
            self._rx = rx
            return self._reconfigure(replace(self.config, full_scale_n=rx.full_scale_n)), got
        if rx.region_id != self._rx.region_id:
            self._hold_t = None  # the holds before belong to the point before
        self._rx, self.provenance, self.refusal = rx, got.provenance, None
        changes = self._reconfigure(got.config)
        self._fanout.emit(TargetsChanged(self._now))
        return changes, None

    def _reconfigure(self, config: PipelineConfig) -> list[RoutineEvent]:
        changes = self._publish(self.pipeline.stop_hold(), None)
        changes += self._publish(self.pipeline.reconfigure(config), None)
        self._aim_source()
        return changes

    # -- screening ------------------------------------------------------------------

    def screening(self) -> ScreeningRecord | None:
        """The newest screening answers: given this sitting, else the store's.

        Raises:
            KnotmeterError: the store cannot be read.
        """
        if self._log.screening is not None or self.store is None:
            return self._log.screening
        return self.store.latest_screening()

    def points(self) -> tuple[str, ...]:
        """The region ids this sitting presses: the point now and the routine's."""
        points = [self.config.region.id]
        if self.routine is not None:
            points += [point.region.id for point in self.routine.plan.points]
        return tuple(dict.fromkeys(points))

    def light_refusal(self, light: LightProfile | None) -> str | None:
        """Why this session cannot be coached under ``light`` (a neck or face point, now
        or in the routine), or ``None``."""
        plan = [] if self.routine is None else [p.region for p in self.routine.plan.points]
        refused = light_refusal(light, [self.config.region, *plan])
        return None if refused is None else refused.reason

    def apply_screening(self, screening: ScreeningRecord) -> Refused | None:
        """Press by ``screening``'s decision from now on (its light profile, if any), and
        keep it with this sitting (through the writer's queue); a refusal changes nothing.
        """
        refusal = self.light_refusal(screening.outcome.light)
        if refusal is not None:
            return Refused(refusal)
        refused = self._change(replace(self._rx, light=screening.outcome.light))
        if refused is not None:
            return refused
        self._log.save_screening(screening)
        return None

    # -- the routine and the person's commands ---------------------------------------

    def advance_routine(self) -> StepRefused | None:
        """The person's "next" in the routine (warm-up done, spot found, move done, skip),
        or why not (a hold is running: "next" would throw the point away)."""
        return (
            None
            if self.routine is None
            else self._step(self.routine.advance(self.pipeline.state.t))
        )

    def back_routine(self) -> StepRefused | None:
        """The person's "back" in the routine (to the start of the point, or the one before)."""
        return (
            None if self.routine is None else self._step(self.routine.back(self.pipeline.state.t))
        )

    def _step(self, got: list[RoutineEvent] | StepRefused) -> StepRefused | None:
        if isinstance(got, StepRefused):
            return got
        self._settle(got)
        return None

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    def pause(self, paused: bool) -> None:
        """Pause (or go on): the hold stops accruing, a recording stops where it is; the
        pause is kept in :attr:`pauses`. Alarms and pressing time keep working on a live
        tool, whose samples still flow."""
        now = self._clock()
        if paused == self.paused:
            return
        if paused:
            self._paused_at = now
        else:
            assert self._paused_at is not None
            self.pauses.append(now - self._paused_at)
            self._paused_at = None
            self._last_arrival = now  # a stopped recording's quiet was ours, not the link's
        self.pipeline.pause_hold(paused)
        if isinstance(self.source, Pausable):
            self.source.pause(paused)

    def rate_pain(self, score: int) -> Refused | None:
        """Rate this point's current or last hold 0-10 (``ValueError`` outside); a second
        rating of the same hold replaces the first, and takes back its go-lighter step if
        it falls under 7/10. Refused before any hold at this point.

        "Current" is as subscribers saw it: a rating given while handling a
        ``HoldStarted`` goes to that hold.
        """
        check_pain_score(score)
        if self._hold_t is None:
            return NO_HOLD_YET
        if self._log.rate(self._hold_t, self._rx.region_id, score) < 0 and self._rx.lighter:
            self._change(replace(self._rx, lighter=self._rx.lighter - 1))
        self._settle(())
        return None

    def start_lighter(self) -> None:
        """Bruising or soreness over 24 h after the last session: the next holds start a
        level lighter (as after a hold rated 7/10 or more)."""
        self._log.lighter_due += 1
        self._settle(())

    def record_outcome(self, moment: Moment, outcome: Outcome) -> None:
        """The complaint rated at the routine's start or retest, kept with this session
        under the routine's plan (without a routine there is no plan to judge)."""
        if self.routine is not None:
            self._log.record_outcome(self.routine.plan.id, moment, outcome)

    async def close(self) -> None:
        """Stop the source, wait for the drain to end, and close the session's record:
        the writer gets a few seconds to catch up (see :attr:`store_health` for what
        it could not save). Never raises for the store's sake."""
        if self._closed:
            return
        self._closed = True
        await self.source.close()
        await asyncio.sleep(0)  # a run() task made but not started yet starts: wait for it too
        if self._running:
            await self._stopped.wait()
        # A hold still running ends as the pipeline ends any hold, and goes where every
        # hold goes (subscribers, the store, the routine), mean force included.
        self._settle(self._publish(self.pipeline.stop_hold(), None))
        if self._writer is not None:
            self._closed_health = await asyncio.to_thread(self._writer.close)

    def _ingest(
        self, item: SampleBatch | LinkChanged | DeviceInfo | BatteryStatus | KindChanged
    ) -> None:
        match item:
            case SampleBatch():
                item = self._timed(item)
                events = self.pipeline.feed(item)
                if len(item):
                    if self._first_t is None:
                        self._first_t = float(item.t[0])
                    self._last_t = self._now = float(item.t[-1])
                    self._last_arrival = self._clock()
                    period = self._period.update(float(item.t[0]), self._last_t, len(item))
                    self.pipeline.allow_frames(period)
                self._settle(self._publish(events, item))
                self._fanout.call_watchers()
            case LinkChanged(state=state, detail=detail):
                self._link = state
                self._link_detail = detail
                self._fanout.emit(item)
                if state in LINK_DOWN and self._last_t is not None:
                    self._now = self._source_now()
                    self._settle(self._publish(self.pipeline.link_lost(self._now), None))
                    self._fanout.call_watchers()
            case BatteryStatus(millivolts=millivolts):
                self._battery_mv = millivolts
                self._fanout.emit(item)
            case DeviceInfo():
                self._info = item
                if item.full_scale_n != self._rx.full_scale_n:  # the same point, in range
                    self._change(replace(self._rx, full_scale_n=item.full_scale_n), fact=True)
                self._fanout.emit(item)
            case KindChanged(kind=kind):
                self._follow_kind(kind)

    @property
    def clock_note(self) -> str | None:
        """Names a source whose stamps are far off its arrivals (``core/clock_check.py``),
        with the likely cause, e.g. "time=us looks wrong: 80 MHz stamped, 80 Hz arriving";
        ``None`` while its clock is believed."""
        verdict = self._clock_check.verdict
        if verdict is None:
            return None
        options = self.moniker.partition("?")[2].split("&")
        time_option = next((option for option in options if option.startswith("time=")), None)
        who = f"{time_option} looks wrong" if time_option else "the tool's clock looks wrong"
        stamped, arriving = rate_text(verdict.stamped_hz), rate_text(verdict.arrival_hz)
        return f"{who}: {stamped} stamped, {arriving} arriving (timed by arrival)"

    @property
    def rate_hz(self) -> float:
        """Samples a second: the source's count, or the arrival rate where its clock is wrong."""
        verdict = self._clock_check.verdict
        return self.stats.rate_hz if verdict is None else verdict.arrival_hz

    def _timed(self, batch: SampleBatch) -> SampleBatch:
        """Clock sanity: a live source whose stamped rate is far off its arrival rate is
        timed by arrival from then on, so the hold limit and pressing time still work (a
        recording plays at any speed: its own clock is the only one)."""
        if not len(batch) or self._kind is SourceKind.REPLAY:
            return batch
        if self._arrival_clock is not None:
            return self._arrival_clock.retime(batch, self._clock())
        arrival = self._clock()
        stamped_s = float(batch.t[-1]) - (
            float(batch.t[0]) if self._last_t is None else self._last_t
        )
        if self._clock_check.update(len(batch), stamped_s, arrival) is None:
            return batch
        assert self._last_t is not None  # a verdict needs batches before this one
        _log.warning("%s: %s", self.moniker, self.clock_note)
        self._arrival_clock = ArrivalClock(last_t=self._last_t, arrival_t=self._last_arrival)
        return self._arrival_clock.retime(batch, arrival)

    def _aim_source(self) -> None:
        """Tell the source what is coached now: real tools ignore it, the simulated person
        presses there (the UI never learns which it is)."""
        config = self.pipeline.config
        self.source.aim(
            CoachAim(
                config.region.id,
                config.tool.value,
                config.band_low_n,
                config.band_high_n,
                config.ceiling_n,
                config.target_s,
            )
        )

    def _follow_kind(self, kind: SourceKind) -> None:
        """A source may learn it is simulated only once the tool describes itself (a
        ``SIM-`` serial number, a simulator's advert): relabel the stored session (queued
        before subscribers hear of the tool's info, which the source sends after)."""
        if kind is not self._kind:
            self._kind = kind
            if self._writer is not None:
                self._writer.submit(lambda r: r.set_kind(kind))

    def _source_now(self) -> float:
        """Now on the source's timeline: the newest sample plus host time since it came."""
        assert self._last_t is not None
        return self._last_t + (self._clock() - self._last_arrival)

    async def _watch_silence(self) -> None:
        """Look for silence when the newest sample turns as old as the source's silence
        limit (``signal_lost_s``, or 1.5 of its frame periods: ``core/cadence.py``).

        While samples flow this wakes about twice a second; polling at a fixed
        period would wake the loop many times a second to find nothing.
        """
        while True:
            limit = self.pipeline.silence_limit_s
            if self.paused and isinstance(self.source, Pausable):
                self._last_arrival = self._clock()  # a stopped recording is not a dead link
            quiet_s = 0.0 if self._last_t is None else self._clock() - self._last_arrival
            if quiet_s <= limit:
                await asyncio.sleep(limit - quiet_s + SILENCE_SLACK_S)
                continue
            self._now = self._source_now()
            self._settle(self._publish(self.pipeline.tick(self._now), None))
            self._fanout.call_watchers()
            await asyncio.sleep(limit)

    def _publish(self, events: Sequence[Event], batch: SampleBatch | None) -> list[RoutineEvent]:
        """Subscribers first (alarms wait for nothing), then the store's queue, filed under
        the point being coached; returns what the routine makes of the events, which
        :meth:`_settle` applies once they are all out. Never moves the pipeline itself."""
        for event in events:
            if isinstance(event, HoldStarted):
                self._hold_t = event.t
            self._fanout.emit(event)
        if self._writer is not None:
            self._writer.record(
                batch, events, region=self.pipeline.config.region.id, side=self._log.side
            )
        if self.routine is None or not events:
            return []
        return self.routine.feed(events)

    def _settle(self, changes: Iterable[RoutineEvent]) -> None:
        """Apply what published events called for, one after another: the routine's next
        point (the pipeline moves there before subscribers hear of the step, so they see
        it) and a lighter level once no hold runs after a painful rating. Whatever moving
        ends is published and queued here in turn: the session never re-enters itself."""
        due = deque(changes)
        while True:
            if due:
                change = due.popleft()
                if isinstance(change, StepChanged) and change.step is Step.FIND:
                    due.extend(self._to_routine_point(change))
                self._fanout.emit(change)
            elif self._log.lighter_due and not self.pipeline.state.hold.active:
                self._log.take_lighter_step()  # the next hold here starts a level lower
                due.extend(self._prescribe(replace(self._rx, lighter=self._rx.lighter + 1))[0])
            else:
                return

    def _to_routine_point(self, change: StepChanged) -> list[RoutineEvent]:
        assert self.routine is not None
        assert change.point_index is not None
        point = self.routine.plan.points[change.point_index]
        hold_s = (point.hold_min_s, point.hold_max_s)
        return self._prescribe(self._at_point(point.region.id, point.tool, hold_s[0], hold_s))[0]
