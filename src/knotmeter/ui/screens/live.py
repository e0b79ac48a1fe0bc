"""The live screen: what the person looks at while pressing.

Two paths feed it. A frame peeks at ``session.state`` when a batch has moved it on,
at most ``frame_hz`` times a second, so a frame rides the wake-up the sample
already caused instead of a timer waking the loop thirty times a second (on a
small machine a wake-up costs more than the frame). The session subscription
pushes alarms and link changes, which the banner shows in the same call, so an
alarm never waits for a frame.

Every paint costs a few milliseconds of CPU whatever it repaints, so a frame draws
the parts that follow the press (gauge, instruction, banner), the gauge only for a
zone change or a whole-cell move, and a timer gathers the parts that are read
rather than watched (digits, hold, trace, status, the gauge's small moves) into one
paint every :data:`DETAIL_PERIOD_S`; that paint also draws whatever frame the rate
limit held back. A steady press then costs a handful of paints a second.
"""

from __future__ import annotations

import asyncio
import gc
import math
import time
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.command import Provider
from textual.containers import Horizontal, Vertical
from textual.events import Key, Resize
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from knotmeter.core.alarms import HARD_ALARMS
from knotmeter.core.events import (
    AlarmCleared,
    AlarmKind,
    AlarmRaised,
    HoldCompleted,
    Zone,
)
from knotmeter.core.modes import Mode
from knotmeter.core.ppt import LOW_PPT_ADVICE, PersonalTargets
from knotmeter.core.prescription import Refused
from knotmeter.core.regions import load_regions
from knotmeter.core.routine import HoldCounted, Step, StepChanged, StepRefused
from knotmeter.core.scores import HOLD_PAIN_TOO_HIGH, RETEST_NOTES, Outcome
from knotmeter.core.screening import STOP_WHILE_HOLDING
from knotmeter.core.sides import Side
from knotmeter.core.state import CoachState
from knotmeter.core.tools import Tool
from knotmeter.errors import KnotmeterError
from knotmeter.history import days_of_holds
from knotmeter.session import (
    DeviceInfo,
    LinkChanged,
    Session,
    SessionEvent,
    TargetsChanged,
    TargetsRefused,
)
from knotmeter.store import Moment
from knotmeter.ui.commands import ROUTINE_ACTIONS, ROUTINE_KEYS, LiveCommands, bindings
from knotmeter.ui.display import ForceFormat
from knotmeter.ui.screens.help import HelpScreen
from knotmeter.ui.screens.history import HISTORY_DAYS, HistoryScreen
from knotmeter.ui.screens.outcome import OutcomeScreen
from knotmeter.ui.screens.ppt import PptScreen
from knotmeter.ui.screens.regions import RegionPicker
from knotmeter.ui.screens.sessions import SessionsScreen
from knotmeter.ui.summary import SummaryTally
from knotmeter.ui.title import MODE_NOTES, title_text
from knotmeter.ui.widgets import (
    AlarmBanner,
    BigText,
    ForceReadout,
    Gauge,
    GaugeReading,
    HoldPanel,
    RoutinePanel,
    StatusLine,
    StatusReport,
    TextLine,
    TraceView,
)
from knotmeter.ui.widgets.bigtext import rows_for_scale, scale_for_rows
from knotmeter.ui.widgets.hold import limit_words
from knotmeter.ui.widgets.status import saving_text
from knotmeter.wording import (
    DEAD_LINK_BANNERS,
    EASE_OFF_INSTRUCTION,
    HOLD_LIMIT_INSTRUCTION,
    INSTRUCTIONS,
    PAUSED_INSTRUCTION,
    REFUSED_INSTRUCTION,
    RELEASE_WORD,
    REST_INSTRUCTION,
    REST_WORD,
    STALE_INSTRUCTION,
    STALE_WORD,
    ZONE_WORDS,
    hold_caption,
)

FRAME_HZ = 30.0
"""Upper bound on frames per second; readable motion, bounded CPU at any sample rate."""
DETAIL_PERIOD_S = 1 / 3
"""How often the digits, hold, trace and status are redrawn: a meter's pace (three
readings a second, as a multimeter), readable where a faster number only flickers."""
FAR_MIN_SIZE = (80, 24)
"""The far view is the default from this size up (columns, rows)."""
RISING_N_PER_S = 3.0
"""The live rate shows beside the gauge while the force rises faster than this."""


RATE_AT_START = "Before you start: o rates the complaint (pain and function 0-10), for history"
NO_ROUTINE = "n, b and o follow a routine: start one with --plan ID (`knotmeter plans` lists them)"
RATE_AT_RETEST = "Retest done? o rates the complaint: pain, function and better, same or worse"


class LiveScreen(Screen[None]):
    """Gauge, readout, hold, trace, banner and status for one running session.

    Two views of the same parts: far (the default from :data:`FAR_MIN_SIZE`): the
    force and the hold time left in digits a quarter of the screen tall, the zone as a
    word on a colour band; near: the detail (peak, hold bar, pressing time). ``f``
    switches. The title, label, banner, status and keys are in both.
    """

    BINDINGS: ClassVar[list[BindingType]] = [*bindings()]  # declared in ui/commands.py
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {LiveCommands}

    def __init__(self, session: Session, fmt: ForceFormat, *, frame_hz: float = FRAME_HZ) -> None:
        super().__init__()
        self.session = session
        self.fmt = fmt
        self.paused = False
        self.far: bool | None = None  # None: chosen by size at the first resize
        self._frame_period_s = 1 / frame_hz
        self._frame_t = -math.inf  # when the last frame was drawn (monotonic seconds)
        self._frame_due = False
        self._alarms: frozenset[AlarmKind] = frozenset()
        self._drawn_state: CoachState | None = None
        self._detailed_state: CoachState | None = None
        self._instruction_shown: tuple[Zone, bool, bool, bool, str, bool] | None = None
        self._title = Static(id="title")
        self._zone = TextLine(id="zone", classes="far-only")
        self._far_force = BigText(id="far-force")
        self._far_side = TextLine(id="far-side")
        self._far_hold = BigText(id="far-hold")
        self._far_hold_caption = TextLine(id="far-hold-caption")
        self._rate = TextLine(id="rate")
        self._banner = AlarmBanner(id="banner")
        self._refused = TextLine(id="refused")  # a standing refusal of the targets
        self._readout = ForceReadout(id="readout")
        self._hold = HoldPanel(id="hold")
        self._instruction = TextLine(id="instruction")
        self._gauge = Gauge(id="gauge")
        self._trace = TraceView(frame_hz=frame_hz, id="trace")
        self._status = StatusLine(id="status")
        routine = session.routine
        self._routine = None if routine is None else RoutinePanel(routine.plan.name, id="routine")
        self._unsubscribe = session.subscribe(self._on_session_event)
        self._unwatch = session.watch(self._on_new_state)
        self.tally = SummaryTally(session)

    def compose(self) -> ComposeResult:
        yield self._title
        if self._routine is not None:
            yield self._routine
        yield self._banner
        yield self._refused
        yield self._zone
        with Horizontal(id="far-main", classes="far-only"):
            yield self._far_force
            yield self._far_side
            with Vertical(id="far-hold-box"):
                yield self._far_hold
                yield self._far_hold_caption
        with Horizontal(id="top", classes="near-only"):
            yield self._readout
            yield self._hold
        yield self._instruction
        with Horizontal(id="gauge-row"):
            yield self._gauge
            yield self._rate
        yield self._trace
        yield self._status
        yield Footer()

    def on_mount(self) -> None:
        self._run_session()
        self.set_interval(DETAIL_PERIOD_S, self.draw_frame)
        self.redraw()
        if self.session.routine is not None:
            self.notify(RATE_AT_START, timeout=8)
        # Everything built so far lives as long as the screen: leave it out of the
        # collector's full passes, which otherwise stall the loop (and an alarm) for
        # tens of milliseconds every few seconds.
        self.call_after_refresh(gc.freeze)

    def on_unmount(self) -> None:
        self._unsubscribe()
        self._unwatch()
        self.tally.unsubscribe()

    def on_resize(self, event: Resize) -> None:
        """Size the far view's digits to a quarter of the height (the trace gives way)."""
        width, height = event.size
        if self.far is None:
            self.far = width >= FAR_MIN_SIZE[0] and height >= FAR_MIN_SIZE[1]
            self._show_view()
        digits_rows = rows_for_scale(scale_for_rows(math.ceil(height / 4)))
        self.query_one("#far-main").styles.height = digits_rows
        self._zone.styles.height = 3 if height >= 32 else 1

    def _show_view(self) -> None:
        self.set_class(bool(self.far), "-far")
        self.set_class(not self.far, "-near")

    def action_toggle_view(self) -> None:
        """``f``: the far view (big digits, the zone as a word) or the near view (detail)."""
        self.far = not self.far
        self._show_view()
        self.redraw()

    @work(exit_on_error=False, group="session")
    async def _run_session(self) -> None:
        await self.session.run()

    @on(Worker.StateChanged)
    def _session_ended(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.notify(f"The source stopped: {event.worker.error}", severity="error", timeout=30)
        if event.state in (WorkerState.ERROR, WorkerState.SUCCESS):
            self._draw_status()

    def _on_session_event(self, event: SessionEvent) -> None:
        """Runs inside the session's ingest path: show alarms now, ring for hard ones."""
        match event:
            case AlarmRaised(kind=kind):
                # The state after the whole batch, with every alarm it raised latched
                # (core/latch.py): a jab raised and cleared in one batch still shows.
                self._alarms = self.session.state.shown_alarms
                if kind in HARD_ALARMS:
                    self.app.bell()
                self._draw_banner()
            case AlarmCleared():
                self._alarms = self.session.state.shown_alarms
                self._draw_banner()
            case LinkChanged():
                self._draw_banner()
                self._draw_status()
                self._draw_instruction(self.session.state)
            case TargetsChanged() | TargetsRefused() | DeviceInfo():
                self.redraw()  # the refusal stands, or the range capped the targets
            case HoldCompleted():
                self.notify(EASE_OFF_INSTRUCTION)
            case StepChanged(step=step):
                if step is Step.RETEST:
                    self.notify(RATE_AT_RETEST, timeout=15)
                self.redraw()  # a new point has its own band, ceiling and hold
            case HoldCounted(holds_done=done, holds_needed=needed) if needed > 1:
                self.notify(f"Hold {done} of {needed} counted at this point")
            case _:
                pass

    def _on_new_state(self) -> None:
        """Runs inside the ingest path: queue a frame right after it, unless one was drawn
        less than a frame period ago (the next detail paint then draws that state)."""
        if self._frame_due or time.monotonic() - self._frame_t < self._frame_period_s:
            return
        self._frame_due = True
        asyncio.get_running_loop().call_soon(self._draw_motion_frame)

    def _draw_motion_frame(self) -> None:
        self._frame_due = False
        self._frame_t = time.monotonic()
        self.draw_frame(details=False)

    def draw_frame(self, *, details: bool = True) -> None:
        """Peek at the newest state; redraw only what a new state changes.

        Without ``details`` only the parts that follow the press are drawn; the
        trace still takes the frame's point so its peaks miss nothing.
        """
        state = self.session.state
        if state != self._drawn_state:
            self._drawn_state = state
            self._alarms = state.shown_alarms
            self._draw_banner()
            if not self.paused:
                self._draw_motion(state)
        if not details:
            return
        self._draw_status()
        self._draw_banner()  # sound may have gone off since (no event says so)
        self._draw_routine()
        if state != self._detailed_state and not self.paused:
            self._detailed_state = state
            self._draw_details(state)

    def _draw_motion(self, state: CoachState) -> None:
        """What follows the press frame by frame: instruction, gauge jumps, the trace's point."""
        self._draw_instruction(state)
        self._draw_gauge(state, fine=False)
        self._trace.push(state.t, state.force_n)

    def _draw_gauge(self, state: CoachState, *, fine: bool) -> None:
        reading = GaugeReading(
            state.shown_force_n,
            state.shown_zone,
            state.band_low_n,
            state.band_high_n,
            state.ceiling_n,
        )
        self._gauge.show(reading, self.fmt, fine=fine)

    def _draw_details(self, state: CoachState) -> None:
        """What is read rather than watched: digits, peak, hold, small gauge moves, the trace."""
        self._draw_gauge(state, fine=True)
        hold = state.hold
        peak = hold.peak_n if hold.started_t is not None else None
        self._readout.show(state.shown_force_n, peak, self.fmt)
        self._hold.show(hold, state.t, (state.pressing_s, state.pressing_cap_s))
        self._trace.show((state.band_low_n, state.band_high_n), state.ceiling_n, self.fmt)
        self._draw_rate(state)
        self._draw_far(state)

    def _draw_rate(self, state: CoachState) -> None:
        """The live rate beside the gauge while the force rises (``fast_ramp`` judges it)."""
        rising = state.rate_n_per_s > RISING_N_PER_S and state.zone != Zone.RELEASED
        rate = f"▲ {self.fmt.number(state.rate_n_per_s)}\n{self.fmt.unit}/s" if rising else ""
        self._rate.set(rate)

    def _draw_far(self, state: CoachState) -> None:
        """The far view: the force, the zone's word, the hold time left, all large."""
        if not self.far:
            return
        self._far_force.show(self.fmt.reading(state.shown_force_n).strip())
        hold = state.hold
        left = max(0.0, hold.target_s - hold.in_band_s)
        self._far_hold.show(f"{math.ceil(left)}")
        at_limit = AlarmKind.LONG_HOLD in state.shown_alarms
        if self.session.refusal is not None and not (hold.active or at_limit):
            self._far_hold_caption.set("no targets here\nsee above")  # no band to hold here
        else:
            self._far_hold_caption.set(hold_caption(hold, at_limit=at_limit))
        peak = f"peak {self.fmt.text(hold.peak_n)}" if hold.started_t is not None else ""
        limit = limit_words(state.pressing_s, state.pressing_cap_s)
        self._far_side.set(f"{self.fmt.unit}\n\n{peak}\n{limit}")

    def _draw_state(self, state: CoachState) -> None:
        """All of a state at once, whatever the frame (a unit or region change, pausing)."""
        self._draw_motion(state)
        self._draw_details(state)

    def _draw_instruction(self, state: CoachState) -> None:
        """The zone's instruction (ease off once the hold is complete, whatever the zone),
        unless the readings are stale: then say that instead. The far view's zone band
        says the zone in a word; at the hold limit both say release, then rest."""
        zone = state.shown_zone
        done = state.hold.complete and state.hold.active
        holding = state.hold.active and not done
        refusal = self.session.refusal
        limit = AlarmKind.LONG_HOLD in state.shown_alarms
        dead = self.session.link in DEAD_LINK_BANNERS
        shown = (zone, dead, done, holding, str(refusal), limit)
        if shown == self._instruction_shown:
            return
        self._instruction_shown = shown
        if self.paused:
            self._instruction.set(PAUSED_INSTRUCTION)
            self._instruction.set_classes("stale")
            self._zone.set("PAUSED")
            self._zone.set_classes("far-only stale")
            return
        self._zone.set_classes(f"far-only zone-{zone}")
        self._zone.set(ZONE_WORDS[zone])
        too_hard = zone is Zone.OVER_CEILING or AlarmKind.SATURATION in state.shown_alarms
        if refusal is not None and not too_hard:  # never "press a little more" toward it
            self._instruction.set(REFUSED_INSTRUCTION)
            self._instruction.set_classes("zone-over_ceiling")
            self._zone.set("NO TARGETS")
            self._zone.set_classes("far-only zone-over_ceiling")
        elif shown[1]:
            self._instruction.set(STALE_INSTRUCTION)
            self._instruction.set_classes("stale")
            self._zone.set(STALE_WORD)
            self._zone.set_classes("far-only stale")
        elif limit and zone is not Zone.OVER_CEILING:
            resting = zone is Zone.RELEASED
            self._instruction.set(REST_INSTRUCTION if resting else HOLD_LIMIT_INSTRUCTION)
            self._instruction.set_classes("zone-over_ceiling")
            self._zone.set(REST_WORD if resting else RELEASE_WORD)
            self._zone.set_classes("far-only zone-over_ceiling")
        elif done and zone is not Zone.OVER_CEILING:
            self._instruction.set(EASE_OFF_INSTRUCTION)
            self._instruction.set_classes("zone-complete")
        elif holding and zone is Zone.IN_BAND:  # the stop rule from the hold's start
            self._instruction.set(f"{INSTRUCTIONS[zone]}  ·  {STOP_WHILE_HOLDING}")
            self._instruction.set_classes(f"zone-{zone}")
        else:
            self._instruction.set(INSTRUCTIONS[zone])
            self._instruction.set_classes(f"zone-{zone}")

    def _draw_title(self) -> None:
        self._title.update(title_text(self.session, self.fmt))

    def _draw_routine(self) -> None:
        routine = self.session.routine
        if self._routine is not None and routine is not None:  # both or neither
            self._routine.show(routine.state, self.session.state.t)

    def _draw_banner(self) -> None:
        self._banner.show(self._alarms, self.session.link, self.session.sound_note or "")

    def _draw_refusal(self) -> None:
        refusal = self.session.refusal
        self._refused.set("" if refusal is None else f"!!  {refusal.reason}  !!")
        self._refused.set_class(refusal is not None, "-on")

    def _draw_status(self) -> None:
        stats = self.session.stats
        self._status.show(
            StatusReport(
                kind=self.session.label or "",
                moniker=self.session.moniker,
                link=self.session.link,
                rate_hz=round(self.session.rate_hz),
                lost=stats.lost,
                bad_frames=stats.bad_frames,
                battery_mv=self.session.battery_mv,
                paused=self.paused,
                saving=saving_text(self.session.store_health),
                detail=self.session.link_detail,
                sound=self.session.sound_note or "",
                clock=self.session.clock_note or "",
            )
        )

    def redraw(self) -> None:
        """Draw everything again, e.g. after a unit or region change, or (un)pausing."""
        self._draw_title()
        self._draw_refusal()
        self._instruction_shown = None
        self._draw_state(self.session.state)
        self._draw_banner()
        self._draw_status()
        self._draw_routine()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The routine's keys exist only with a routine (hidden from the footer otherwise)."""
        return action not in ROUTINE_ACTIONS or self.session.routine is not None

    def on_key(self, event: Key) -> None:
        """A routine's key without a routine (its binding is off) says why, not nothing."""
        if self.session.routine is None and event.key in ROUTINE_KEYS:
            event.stop()
            self.notify(NO_ROUTINE, timeout=8)

    def action_next_step(self) -> None:
        """``n``: the routine's next step, or why not (it never throws a point away)."""
        self._say_refused(self.session.advance_routine())

    def action_back_step(self) -> None:
        self._say_refused(self.session.back_routine())

    def _say_refused(self, refused: StepRefused | None) -> None:
        if refused is not None:
            self.notify(refused.reason)

    async def action_tare(self) -> None:
        result = await self.session.tare()
        self.notify(result.message, severity="information" if result.ok else "warning", timeout=8)

    def set_tool(self, tool: Tool) -> None:
        """Press with another tool: its limits for this point (the palette's Tool: …)."""
        said = f"Tool: {tool}; this point's band and ceiling follow it"
        self._changed(self.session.set_tool(tool), said)

    def set_side(self, side: Side) -> None:
        """The palette's Side: holds, ratings and bands are kept under it from now on."""
        said = f"Side: {side}; holds and ratings are kept under it"
        self._changed(self.session.set_side(side), said)

    def _changed(self, refused: Refused | None, said: str | None = None) -> None:
        """Redraw after a change of targets; say why it was refused, else ``said``."""
        self.redraw()
        if refused is not None:
            self.notify(refused.reason, severity="error", timeout=15)
        elif said is not None:
            self.notify(said)

    def action_region(self) -> None:
        current = self.session.config.region.id
        picker = RegionPicker(load_regions(), current, self.session.preview)
        self.app.push_screen(picker, self._picked_region)

    def _picked_region(self, region_id: str | None) -> None:
        if region_id is not None:
            self.set_region(region_id)

    def set_region(self, region_id: str) -> None:
        """Move on to another point: its band, ceiling and hold target; a point the light
        profile rules out is refused with the reason."""
        self._changed(self.session.set_region(region_id))

    def action_units(self) -> None:
        self.fmt = self.fmt.next()
        self.redraw()

    def action_pain(self, score: int) -> None:
        """Rate the hold in progress, or the last one here; before any, the session says so."""
        refused = self.session.rate_pain(score)
        if refused is not None:
            self.notify(refused.reason)
            return
        if score < HOLD_PAIN_TOO_HIGH:
            self.notify(f"Pain {score}/10 logged with this hold")
            return
        self.redraw()
        self.notify(
            f"Pain {score}/10 logged: that is too much. Go lighter: the next hold here "
            "starts a level lower",
            severity="warning",
            timeout=10,
        )

    def action_pause(self) -> None:
        """Pause the session (a replay stops) and hold the picture still; alarms keep
        showing, and a live tool's samples keep being judged."""
        self.paused = not self.paused
        self.session.pause(self.paused)
        self._instruction_shown = None
        self.redraw()

    def action_history(self) -> None:
        """This point's and the plans' last two weeks on a real tool, from the session's store."""
        store = self.session.store
        region = self.session.config.region
        try:
            holds = [] if store is None else store.holds(region=region.id, days=HISTORY_DAYS)
            # a plan is judged from its first rating (REFERENCE §7), however old
            complaints = {} if store is None else store.outcomes(days=math.inf)
        except KnotmeterError as err:  # a store damaged mid-session: coaching goes on
            self.notify(f"No history: {err}", severity="error", timeout=15)
            return
        side = self.session.side  # on a side, that side's days (sides differ)
        if side is not None:
            holds = [hold for hold in holds if hold.side is side]
        name = region.name if side is None else f"{region.name}, {side}"
        screen = HistoryScreen(name, days_of_holds(holds), self.fmt, complaints=complaints)
        self.app.push_screen(screen)

    def action_measure_targets(self) -> None:
        """Measure this point's pain threshold; the band and ceiling follow it."""
        self.app.push_screen(PptScreen(self.session, self.fmt), self._measured)

    def _measured(self, targets: PersonalTargets | None) -> None:
        if targets is None:
            return
        fmt = self.fmt
        said = (
            f"Your band is {fmt.number(targets.band_low_n)}-{fmt.text(targets.band_high_n)} "
            f"here, ceiling {fmt.text(targets.ceiling_n)}"
            + (f". {LOW_PPT_ADVICE}" if targets.low else "")
        )
        refused = self.session.use_targets(targets)
        if refused is None and targets.low:  # REFERENCE §7: a low threshold, coached tender
            refused = self.session.set_mode(Mode.TENDER)
        self._changed(refused, said)

    def action_rate_complaint(self) -> None:
        """``o``: the complaint before the routine, or, from its retest on, after it."""
        routine = self.session.routine
        if routine is not None:
            late = routine.state.step in (Step.RETEST, Step.DONE)
            self.rate_complaint(Moment.RETEST if late else Moment.START)

    def rate_complaint(self, moment: Moment) -> None:
        """Ask the complaint's pain and function (and the retest), kept with the session."""
        self.app.push_screen(
            OutcomeScreen(moment, datetime.now().astimezone().date()),
            lambda outcome: self._rated(moment, outcome),
        )

    def _rated(self, moment: Moment, outcome: Outcome | None) -> None:
        """Keep the rating; after a retest, say modestly what one retest means."""
        if outcome is None:
            return
        self.session.record_outcome(moment, outcome)
        if outcome.retest is not None:
            self.notify(RETEST_NOTES[outcome.retest], timeout=10)

    def set_mode(self, mode: Mode) -> None:
        """Flare, tender or normal from now on: the band, ceiling and holds follow."""
        said = f"Mode: {MODE_NOTES.get(mode, 'normal band and holds')}"
        self._changed(self.session.set_mode(mode), said)

    def forget_targets(self, *, everywhere: bool = False) -> None:
        """Forget the measured band here (or everywhere): the defaults apply again."""
        where = "every point" if everywhere else self.session.config.region.name
        said = f"Measured bands forgotten on {where}: the default band applies"
        self._changed(self.session.forget_targets(everywhere=everywhere), said)

    @property
    def page_url(self) -> str | None:
        """The live page's address when the dashboard serves one (``--serve``)."""
        url = getattr(self.app, "page_url", None)
        return url if isinstance(url, str) else None

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def open_sessions(self) -> None:
        """Past sittings (the palette's Sessions)."""
        self.app.push_screen(SessionsScreen.of(self.session, self.fmt))
