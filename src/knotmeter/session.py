"""One sitting with one tool: the glue between a source, the pipeline and consumers.

The session drains the source: every batch goes through the pipeline, then its
events go to subscribers at once (the alarm path waits for no screen and no disk),
then samples and events are queued for the store's writer thread, which never makes
the session wait (:attr:`Session.store_health` says how saving goes). Screens peek at
:attr:`Session.state` at their own frame rate. Commands (tare, next point, pain
rating) are the only way back into the pipeline.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

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
from knotmeter.core.errors import CoachInputError
from knotmeter.core.events import Event, HoldStarted
from knotmeter.core.modes import Mode, apply_mode, one_level_lighter
from knotmeter.core.pipeline import Pipeline, PipelineConfig
from knotmeter.core.plans import Plan
from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.routine import Routine, RoutineEvent, Step, StepChanged
from knotmeter.core.samples import SampleBatch
from knotmeter.core.scores import HOLD_PAIN_TOO_HIGH, Outcome
from knotmeter.core.screening import LightProfile, apply_light_profile
from knotmeter.core.sides import Side
from knotmeter.core.state import CoachState
from knotmeter.core.tare import TareResult
from knotmeter.core.tools import Tool
from knotmeter.errors import KnotmeterError
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

__all__ = [
    "LINK_DOWN",
    "SILENCE_SLACK_S",
    "SaveState",
    "Session",
    "SessionEvent",
    "StoreHealth",
    "Subscriber",
    "Watcher",
    "region_config",
]

SessionEvent = Event | LinkChanged | BatteryStatus | DeviceInfo | RoutineEvent
Subscriber = Callable[[SessionEvent], None]
Watcher = Callable[[], None]

SILENCE_SLACK_S = 0.01
"""The watchdog wakes this long after the newest sample turns ``signal_lost_s`` old, so
the silence it finds is past the limit (the pipeline's test is strict)."""

LINK_DOWN = frozenset({LinkState.NO_DATA, LinkState.RECONNECTING})

_log = logging.getLogger(__name__)


@runtime_checkable
class Pausable(Protocol):
    """A source that can stop and go on (a recording); a live tool cannot."""

    def pause(self, paused: bool) -> None: ...


@dataclass(slots=True, frozen=True)
class Aim:
    """What the coach is set for besides the region: everything a config is built from."""

    tool: Tool = Tool.BALL
    full_scale_n: float | None = None
    hold_s: tuple[float, float] | None = None  # a routine point's advised hold range
    mode: Mode = Mode.NORMAL  # flare or tender: lighter band, shorter holds


def region_config(
    region_id: str,
    *,
    target_s: float | None = None,
    store: SessionStore | None = None,
    aim: Aim = Aim(),
) -> PipelineConfig:
    """A region's pipeline settings for the tool and its range, with the person's own
    band and ceiling where the store has a PPT measurement for it (the region's
    defaults, scaled to the tool, otherwise).

    Raises:
        CoachInputError: the target is longer than the point's longest hold, or the
            tool's range is too small for the point.
    """
    personal = None if store is None else store.targets(region_id, tool=aim.tool.value)
    return _config(region_id, personal, target_s, aim)


def _config(
    region_id: str, personal: PersonalTargets | None, target_s: float | None, aim: Aim
) -> PipelineConfig:
    config = PipelineConfig.for_region(
        region_id,
        band=None if personal is None else (personal.band_low_n, personal.band_high_n),
        ceiling_n=None if personal is None else personal.ceiling_n,
        target_s=target_s,
        tool=aim.tool,
        full_scale_n=aim.full_scale_n,
        hold_s=aim.hold_s,
    )
    return apply_mode(config, aim.mode)


class Session:
    """Runs one source through one pipeline and fans the results out.

    Args:
        source: where samples come from; the session owns it and closes it.
        config: the pipeline's starting point (region, band, targets).
        store: where samples, holds, pain and alarms are kept; ``None`` keeps nothing.
        clock: host seconds, to measure silence (injected by tests).
        hold_target_s: the user's own hold target (``--target``), kept for every
            point; ``None`` uses each region's shortest hold (or the plan's).
        plan: a routine to coach point by point; the session moves the pipeline to
            each point as the routine reaches it.
    """

    def __init__(
        self,
        source: Source,
        config: PipelineConfig,
        *,
        store: SessionStore | None = None,
        clock: Callable[[], float] = time.monotonic,
        hold_target_s: float | None = None,
        plan: Plan | None = None,
    ) -> None:
        self.source = source
        self.routine = None if plan is None else Routine(plan, 0.0)
        self.store = store
        self.pipeline = Pipeline(config)
        self._clock = clock
        self._subscribers: list[Subscriber] = []
        self._watchers: list[Watcher] = []
        self._link = LinkState.CONNECTING
        self._link_detail = ""
        self._battery_mv: int | None = None
        self._info: DeviceInfo | None = None
        self._first_t: float | None = None
        self._last_t: float | None = None
        self._now = 0.0  # source time the session last judged (see ``now``)
        self._hold_t: float | None = None  # start of the hold subscribers last heard of
        self._last_arrival = 0.0
        self._running = False
        self._stopped = asyncio.Event()
        self._closed = False
        self._paused_at: float | None = None  # host clock, while paused
        self.pauses: list[float] = []
        """How long each finished pause lasted (host seconds), for the session's record."""
        self._target_override = hold_target_s
        self._aim = Aim(tool=config.tool, full_scale_n=config.full_scale_n)
        self._kind = source.kind  # then only what the stream says (KindChanged)
        self._light: LightProfile | None = None
        self._unlit = config  # the config before the light profile (if on) scaled it
        self._screening: ScreeningRecord | None = None  # answered this sitting
        # Targets measured (or forgotten: None) this sitting, by (region, tool): the
        # store's writer may not have caught up; after "forget all" the store is not asked.
        self._measured: dict[tuple[str, str], PersonalTargets | None] = {}
        self._forgot_all = False
        self._side: Side | None = None
        self._lighter_due = False
        self._point_target_s: float | None = config.target_s  # before any mode's halving
        self._closed_health: StoreHealth | None = None
        self._writer: StoreWriter | None = (
            None
            if store is None
            else store.begin_writer(source=source.moniker, kind=self._kind, region=config.region.id)
        )

    @property
    def state(self) -> CoachState:
        """The latest snapshot; cheap, for screens that draw at their own rate."""
        return self.pipeline.state

    @property
    def config(self) -> PipelineConfig:
        """The targets the coach presses by now: region, band, ceiling, hold target."""
        return self.pipeline.config

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

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback`` with every event, synchronously, the moment it happens.

        Callbacks run on the event loop inside the ingest path: they must be quick
        (post a message, set a flag). Returns the function that unsubscribes.
        """
        return _register(self._subscribers, callback)

    def watch(self, callback: Watcher) -> Callable[[], None]:
        """Call ``callback`` each time a batch has moved :attr:`state` on, after its events;
        also while no batch comes, each time the watchdog finds the silence (and at once
        when the link goes down), so sound and screen follow a silence too (:attr:`now`).

        For screens that draw a frame when there is something new (at most at their
        own frame rate) rather than waking on a timer to find out; the same rules as
        :meth:`subscribe`. Returns the function that stops watching.
        """
        return _register(self._watchers, callback)

    async def run(self) -> None:
        """Drain the source until it closes, watching for silence meanwhile."""
        if self._running:
            raise RuntimeError("Session.run() is already running")
        self._running = True
        self._aim_source()
        watchdog = asyncio.create_task(self._watch_silence(), name="knotmeter-silence-watchdog")
        try:
            async for item in self.source.events():
                self._ingest(item)
        finally:
            if self._link is not LinkState.CLOSED:  # never "live" over a stopped readout
                self._link = LinkState.CLOSED
                self._emit(LinkChanged(self.pipeline.state.t, LinkState.CLOSED))
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog
            self._stopped.set()

    @property
    def tool(self) -> Tool:
        return self._aim.tool

    async def tare(self) -> TareResult:
        """Zero the force if the tool is still and unloaded; the result says why not.

        Software tare only, never ``source.tare()``: the store keeps raw samples, so
        a tare that lives in the pipeline replays exactly, and a device-side tare on
        top would shift the raw stream under the pipeline's own offset.
        """
        return self.pipeline.tare()

    def set_region(
        self,
        region_id: str,
        *,
        target_s: float | None = None,
        hold_s: tuple[float, float] | None = None,
    ) -> None:
        """Move to the next point: its band and ceiling for the tool in use (the person's
        own, if measured), and its hold target (or ``target_s``, a routine's hold for
        this point) unless the user set one; ``hold_s`` is a routine point's advised
        hold range (the region's otherwise).

        Band and ceiling overrides were given for one region's tissue, so they reset;
        a hold target is how long the user holds any point, so it carries over.

        Raises:
            CoachInputError: a neck or face point under the light profile.
        """
        if self._light is not None and not self._light.allows(region_id):
            raise CoachInputError(
                f"{region_id} is a neck or face point: not under the lighter coaching your "
                "screening answers asked for; choose another point"
            )
        self._settle(self._move_to(region_id, target_s, hold_s))

    def _move_to(
        self, region_id: str, target_s: float | None, hold_s: tuple[float, float] | None
    ) -> list[RoutineEvent]:
        target = self._target_override if self._target_override is not None else target_s
        self._aim = replace(self._aim, hold_s=hold_s)
        self._point_target_s = target
        return self._retarget(lambda aim: self._point_config(region_id, target, aim))

    @property
    def side(self) -> Side | None:
        """The side of the body being pressed, if the person said (``None``: not said)."""
        return self._side

    def set_side(self, side: Side | None) -> None:
        """Press on ``side`` from now on: holds (with their pain) and measurements are
        kept under it, and a band measured on this side is the one coached."""
        self._side = side
        self._settle(self._rebuild())

    def set_tool(self, tool: Tool) -> None:
        """Press with ``tool`` from now on: the point's limits scale to its contact area."""
        self._aim = replace(self._aim, tool=tool)
        self._settle(self._rebuild())

    @property
    def mode(self) -> Mode:
        return self._aim.mode

    def set_mode(self, mode: Mode) -> None:
        """Coach in ``mode`` from now on, on this point and the next (``modes.apply_mode``)."""
        self._aim = replace(self._aim, mode=mode)
        self._settle(self._rebuild())

    def _rebuild(self) -> list[RoutineEvent]:
        """This point's config again from what it is built of (a mode applies once)."""
        region_id, target = self.pipeline.config.region.id, self._point_target_s
        return self._retarget(lambda aim: self._point_config(region_id, target, aim))

    def use_targets(self, targets: PersonalTargets) -> None:
        """Keep the person's measured targets and press by them from now on; the hold
        target (the user's, or the routine point's) stays as it is; they are kept under
        the side being pressed, if said."""
        targets = replace(targets, side=targets.side or self._side)
        self._measured[targets.region_id, targets.tool] = targets
        if self._writer is not None:
            self._writer.save_targets(targets)
        region_id, target = self.pipeline.config.region.id, self._point_target_s
        self._settle(self._retarget(lambda aim: _config(region_id, targets, target, aim)))

    @property
    def own_targets(self) -> PersonalTargets | None:
        """The person's measured targets for this point and tool, if any (this sitting's
        first, then the store's); ``None`` means the coach presses by the defaults."""
        try:
            return self._targets_for(self.pipeline.config.region.id, self._aim.tool)
        except KnotmeterError:  # a damaged store: the title says "default", coaching goes on
            return None

    def forget_targets(self, *, everywhere: bool = False) -> None:
        """Forget the measured targets of this point (every tool), or of every point:
        the defaults apply from now on, here and in the store."""
        region = self.pipeline.config.region.id
        if everywhere:
            self._measured.clear()
            self._forgot_all = True
        else:
            self._measured.update(((region, tool.value), None) for tool in Tool)
        if self._writer is not None:
            self._writer.forget_targets(None if everywhere else region)
        self._settle(self._rebuild())

    def _targets_for(self, region_id: str, tool: Tool) -> PersonalTargets | None:
        """This sitting's measured targets before the store's (never the other side's)."""
        key = (region_id, tool.value)
        if key in self._measured:
            mine = self._measured[key]
            if mine is None or mine.side in (None, self._side):
                return mine
        if self._forgot_all or self.store is None:
            return None
        return self.store.targets(*key, side=self._side)

    @property
    def light(self) -> LightProfile | None:
        """The light profile the screening switched on, or ``None`` (standard targets)."""
        return self._light

    def screening(self) -> ScreeningRecord | None:
        """The newest screening answers: given this sitting, else the store's.

        Raises:
            KnotmeterError: the store cannot be read.
        """
        if self._screening is not None or self.store is None:
            return self._screening
        return self.store.latest_screening()

    def light_refusal(self, light: LightProfile | None) -> str | None:
        """Why this session cannot be coached under ``light`` (a neck or face point, now
        or in the routine), or ``None``."""
        if light is None:
            return None
        points = [self._unlit.region]
        if self.routine is not None:
            points += [point.region for point in self.routine.plan.points]
        barred = list(dict.fromkeys(r.name for r in points if not light.allows(r.id)))
        if not barred:
            return None
        return (
            f"{', '.join(barred)}: neck or face points, which the lighter coaching rules out; "
            "start on another point or routine (`knotmeter --region`, `--plan`)"
        )

    def apply_screening(self, screening: ScreeningRecord) -> None:
        """Press by ``screening``'s light profile from now on, and keep it (off the alarm
        path once running).

        Raises:
            CoachInputError: the light profile rules out a point of this session
                (:meth:`light_refusal`); nothing changes.
            KnotmeterError: the store could not keep the answers (they hold this
                sitting all the same).
        """
        light = screening.outcome.light
        refusal = self.light_refusal(light)
        if refusal is not None:
            raise CoachInputError(refusal)
        self._screening = screening
        self._light = light
        unlit = self._unlit
        self._settle(self._retarget(lambda _aim: unlit))
        if self._writer is not None and self._running:
            self._writer.save_screening(screening)
        elif self.store is not None:
            self.store.save_screening(screening)

    def _point_config(self, region_id: str, target_s: float | None, aim: Aim) -> PipelineConfig:
        """The point's config, from targets measured this sitting before the store's."""
        return _config(region_id, self._targets_for(region_id, aim.tool), target_s, aim)

    def _retarget(self, build: Callable[[Aim], PipelineConfig]) -> list[RoutineEvent]:
        """Move the pipeline to ``build(aim)`` and publish what that ends; returns what
        the routine makes of it, for :meth:`_settle` to apply. A config the tool cannot
        coach keeps the current one (logged).

        The hold in progress is ended and published before the move, so it is filed
        under the point it was pressed on.
        """
        try:
            unlit = build(self._aim)
            config = unlit if self._light is None else apply_light_profile(unlit, self._light)
        except CoachInputError:
            _log.exception("cannot coach with the new targets; keeping the current ones")
            return []
        self._unlit = unlit
        changes = self._publish(self.pipeline.stop_hold(), None)
        changes += self._publish(self.pipeline.reconfigure(config), None)
        self._aim_source()
        return changes

    def advance_routine(self) -> None:
        """The person's "next" in the routine (warm-up done, spot found, move done, skip)."""
        if self.routine is not None:
            self._settle(self.routine.advance(self.pipeline.state.t))

    def back_routine(self) -> None:
        """The person's "back" in the routine (to the start of the point, or the one before)."""
        if self.routine is not None:
            self._settle(self.routine.back(self.pipeline.state.t))

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

    def rate_pain(self, score: int) -> None:
        """Log a 1-10 pain rating with the current or last hold; ``ValueError`` outside 1-10.

        "Current" is as subscribers saw it: a rating given while handling a
        ``HoldStarted`` goes to that hold. Before any hold, it waits for the first.
        """
        check_pain_score(score)
        if self._writer is not None:
            self._writer.rate_pain(score, self._hold_t)
        if score >= HOLD_PAIN_TOO_HIGH:
            self._lighter_due = True
            self._settle(())

    def record_outcome(self, moment: Moment, outcome: Outcome) -> None:
        """The complaint rated at the routine's start or retest, kept with this session
        under the routine's plan (without a routine there is no plan to judge)."""
        if self.routine is not None and self._writer is not None:
            self._writer.record_outcome(self.routine.plan.id, moment, outcome)

    def _go_lighter(self) -> list[RoutineEvent]:
        """After a hold rated 7/10 or more the next one on this point starts a level lower
        (``modes.one_level_lighter``); :meth:`_settle` waits until no hold runs, so a
        hold is not moved under the person."""
        self._lighter_due = False
        current = self.pipeline.config
        return self._retarget(lambda _aim: one_level_lighter(current))

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
                events = self.pipeline.feed(item)
                if len(item):
                    if self._first_t is None:
                        self._first_t = float(item.t[0])
                    self._last_t = self._now = float(item.t[-1])
                    self._last_arrival = self._clock()
                self._settle(self._publish(events, item))
                self._call_watchers()
            case LinkChanged(state=state, detail=detail):
                self._link = state
                self._link_detail = detail
                self._emit(item)
                if state in LINK_DOWN and self._last_t is not None:
                    self._now = self._source_now()
                    self._settle(self._publish(self.pipeline.link_lost(self._now), None))
                    self._call_watchers()
            case BatteryStatus(millivolts=millivolts):
                self._battery_mv = millivolts
                self._emit(item)
            case DeviceInfo():
                self._info = item
                if item.full_scale_n != self._aim.full_scale_n:
                    self._aim = replace(self._aim, full_scale_n=item.full_scale_n)
                    self._settle(self._rebuild())  # the same point, inside the tool's range
                self._emit(item)
            case KindChanged(kind=kind):
                self._follow_kind(kind)

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
                self._writer.set_kind(kind)

    def _source_now(self) -> float:
        """Now on the source's timeline: the newest sample plus host time since it came."""
        assert self._last_t is not None
        return self._last_t + (self._clock() - self._last_arrival)

    async def _watch_silence(self) -> None:
        """Look for silence when the newest sample turns ``signal_lost_s`` old.

        While samples flow this wakes about twice a second; polling at a fixed
        period would wake the loop many times a second to find nothing.
        """
        while True:
            limit = self.pipeline.config.signal_lost_s
            if self.paused and isinstance(self.source, Pausable):
                self._last_arrival = self._clock()  # a stopped recording is not a dead link
            quiet_s = 0.0 if self._last_t is None else self._clock() - self._last_arrival
            if quiet_s <= limit:
                await asyncio.sleep(limit - quiet_s + SILENCE_SLACK_S)
                continue
            self._now = self._source_now()
            self._settle(self._publish(self.pipeline.tick(self._now), None))
            self._call_watchers()
            await asyncio.sleep(limit)

    def _publish(self, events: Sequence[Event], batch: SampleBatch | None) -> list[RoutineEvent]:
        """Subscribers first (alarms wait for nothing), then the store's queue, filed under
        the point being coached; returns what the routine makes of the events, which
        :meth:`_settle` applies once they are all out. Never moves the pipeline itself."""
        for event in events:
            if isinstance(event, HoldStarted):
                self._hold_t = event.t
            self._emit(event)
        if self._writer is not None:
            self._writer.record(
                batch, events, region=self.pipeline.config.region.id, side=self._side
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
                self._emit(change)
            elif self._lighter_due and not self.pipeline.state.hold.active:
                due.extend(self._go_lighter())
            else:
                return

    def _to_routine_point(self, change: StepChanged) -> list[RoutineEvent]:
        assert self.routine is not None
        assert change.point_index is not None
        point = self.routine.plan.points[change.point_index]
        self._aim = replace(self._aim, tool=point.tool)
        return self._move_to(
            point.region.id, point.hold_min_s, (point.hold_min_s, point.hold_max_s)
        )

    def _call_watchers(self) -> None:
        for watcher in tuple(self._watchers):
            _call_safely(watcher)

    def _emit(self, event: SessionEvent) -> None:
        for callback in tuple(self._subscribers):
            _call_safely(callback, event)


def _register(
    callbacks: list[Callable[..., None]], callback: Callable[..., None]
) -> Callable[[], None]:
    """Add ``callback``; return the function that removes it (twice is harmless)."""
    callbacks.append(callback)

    def remove() -> None:
        with contextlib.suppress(ValueError):
            callbacks.remove(callback)

    return remove


def _call_safely(callback: Callable[..., None], *args: object) -> None:
    """One broken consumer must not silence the alarm for the others: log, carry on."""
    try:
        callback(*args)
    except Exception:
        _log.exception("session callback %r failed on %r", callback, args)
