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
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from firmware_host.source import LinkChanged
from knotmeter.core.alarms import HARD_ALARMS
from knotmeter.core.events import (
    AlarmCleared,
    AlarmKind,
    AlarmRaised,
    HoldCompleted,
    Zone,
)
from knotmeter.core.ppt import PersonalTargets
from knotmeter.core.regions import load_regions
from knotmeter.core.routine import HoldCounted, StepChanged
from knotmeter.core.state import CoachState
from knotmeter.history import days_of_holds
from knotmeter.session import Session, SessionEvent
from knotmeter.ui.display import ForceFormat
from knotmeter.ui.screens.help import HelpScreen
from knotmeter.ui.screens.history import HISTORY_DAYS, HistoryScreen
from knotmeter.ui.screens.ppt import PptScreen
from knotmeter.ui.screens.regions import RegionPicker
from knotmeter.ui.widgets import (
    AlarmBanner,
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
from knotmeter.ui.wording import DEAD_LINK_BANNERS, INSTRUCTIONS, STALE_INSTRUCTION

FRAME_HZ = 30.0
"""Upper bound on frames per second; readable motion, bounded CPU at any sample rate."""
DETAIL_PERIOD_S = 1 / 3
"""How often the digits, hold, trace and status are redrawn: a meter's pace (three
readings a second, as a multimeter), readable where a faster number only flickers."""


class LiveScreen(Screen[None]):
    """Gauge, readout, hold, trace, banner and status for one running session."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "tare", "Tare"),
        Binding("r", "region", "Region"),
        Binding("u", "units", "Units"),
        Binding("0", "pain(0)", "Pain", key_display="0-9"),
        *(Binding(str(n), f"pain({n})", f"Pain {n}", show=False) for n in range(1, 10)),
        Binding("p", "pause", "Pause"),
        Binding("n", "next_step", "Next step"),
        Binding("h", "history", "History"),
        Binding("c", "measure_targets", "Your band"),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(self, session: Session, fmt: ForceFormat, *, frame_hz: float = FRAME_HZ) -> None:
        super().__init__()
        self.session = session
        self.fmt = fmt
        self.paused = False
        self._frame_period_s = 1 / frame_hz
        self._frame_t = -math.inf  # when the last frame was drawn (monotonic seconds)
        self._frame_due = False
        self._alarms: frozenset[AlarmKind] = frozenset()
        self._drawn_state: CoachState | None = None
        self._detailed_state: CoachState | None = None
        self._instruction_shown: tuple[Zone, bool] | None = None
        self._title = TextLine(id="title")
        self._banner = AlarmBanner(id="banner")
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

    def compose(self) -> ComposeResult:
        yield self._title
        if self._routine is not None:
            yield self._routine
        yield self._banner
        with Horizontal(id="top"):
            yield self._readout
            yield self._hold
        yield self._instruction
        yield self._gauge
        yield self._trace
        yield self._status
        yield Footer()

    def on_mount(self) -> None:
        self._run_session()
        self.set_interval(DETAIL_PERIOD_S, self.draw_frame)
        self._redraw()
        # Everything built so far lives as long as the screen: leave it out of the
        # collector's full passes, which otherwise stall the loop (and an alarm) for
        # tens of milliseconds every few seconds.
        self.call_after_refresh(gc.freeze)

    def on_unmount(self) -> None:
        self._unsubscribe()
        self._unwatch()

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
                self._alarms |= {kind}
                if kind in HARD_ALARMS:
                    self.app.bell()
                self._draw_banner()
            case AlarmCleared(kind=kind):
                self._alarms -= {kind}
                self._draw_banner()
            case LinkChanged():
                self._draw_banner()
                self._draw_status()
                self._draw_instruction(self.session.state.zone)
            case HoldCompleted():
                self.notify("Hold complete: ease off slowly, then rate the pain 0-9")
            case StepChanged():
                self._redraw()  # a new point has its own band, ceiling and hold
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
            self._alarms = state.alarms
            self._draw_banner()
            if not self.paused:
                self._draw_motion(state)
        if not details:
            return
        self._draw_status()
        self._draw_routine()
        if state != self._detailed_state and not self.paused:
            self._detailed_state = state
            self._draw_details(state)

    def _draw_motion(self, state: CoachState) -> None:
        """What follows the press frame by frame: instruction, gauge jumps, the trace's point."""
        self._draw_instruction(state.zone)
        self._draw_gauge(state, fine=False)
        self._trace.push(state.t, state.force_n)

    def _draw_gauge(self, state: CoachState, *, fine: bool) -> None:
        reading = GaugeReading(
            state.force_n, state.zone, state.band_low_n, state.band_high_n, state.ceiling_n
        )
        self._gauge.show(reading, self.fmt, fine=fine)

    def _draw_details(self, state: CoachState) -> None:
        """What is read rather than watched: digits, peak, hold, small gauge moves, the trace."""
        self._draw_gauge(state, fine=True)
        hold = state.hold
        peak = hold.peak_n if hold.started_t is not None else None
        self._readout.show(state.force_n, peak, self.fmt)
        self._hold.show(hold, state.t)
        self._trace.show((state.band_low_n, state.band_high_n), state.ceiling_n)

    def _draw_state(self, state: CoachState) -> None:
        """All of a state at once, whatever the frame (a unit or region change, pausing)."""
        self._draw_motion(state)
        self._draw_details(state)

    def _draw_instruction(self, zone: Zone) -> None:
        """The zone's instruction, unless the readings are stale: then say that instead."""
        shown = (zone, self.session.link in DEAD_LINK_BANNERS)
        if shown == self._instruction_shown:
            return
        self._instruction_shown = shown
        if shown[1]:
            self._instruction.set(STALE_INSTRUCTION)
            self._instruction.set_classes("stale")
        else:
            self._instruction.set(INSTRUCTIONS[zone])
            self._instruction.set_classes(f"zone-{zone}")

    def _draw_title(self) -> None:
        config = self.session.pipeline.config
        fmt = self.fmt
        region = config.region
        defaults = (region.band_low_n, region.band_high_n, region.ceiling_n)
        whose = (
            ""
            if (config.band_low_n, config.band_high_n, config.ceiling_n) == defaults
            else " (yours)"
        )
        self._title.set(
            f"{region.name}  ·  band {fmt.number(config.band_low_n)}-"
            f"{fmt.text(config.band_high_n)}{whose}  ·  ceiling {fmt.text(config.ceiling_n)}"
            f"  ·  hold {config.target_s:.0f} s"
        )

    def _draw_routine(self) -> None:
        routine = self.session.routine
        if self._routine is not None and routine is not None:  # both or neither
            self._routine.show(routine.state)

    def _draw_banner(self) -> None:
        self._banner.show(self._alarms, self.session.link)

    def _draw_status(self) -> None:
        stats = self.session.source.stats
        self._status.show(
            StatusReport(
                kind=self.session.label or "",
                moniker=self.session.source.moniker,
                link=self.session.link,
                rate_hz=round(stats.rate_hz),
                lost=stats.lost,
                bad_frames=stats.bad_frames,
                battery_mv=self.session.battery_mv,
                paused=self.paused,
            )
        )

    def _redraw(self) -> None:
        """Draw everything again, e.g. after a unit or region change, or (un)pausing."""
        self._draw_title()
        self._draw_state(self.session.state)
        self._draw_banner()
        self._draw_status()
        self._draw_routine()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The next-step key exists only with a routine (hidden from the footer otherwise)."""
        return action != "next_step" or self.session.routine is not None

    def action_next_step(self) -> None:
        self.session.advance_routine()

    async def action_tare(self) -> None:
        result = await self.session.tare()
        self.notify(result.message, severity="information" if result.ok else "warning")

    def action_region(self) -> None:
        current = self.session.pipeline.config.region.id
        self.app.push_screen(RegionPicker(load_regions(), current), self._picked_region)

    def _picked_region(self, region_id: str | None) -> None:
        if region_id is not None:
            self.set_region(region_id)

    def set_region(self, region_id: str) -> None:
        """Move on to another point: its band, ceiling and hold target."""
        self.session.set_region(region_id)
        self._redraw()

    def action_units(self) -> None:
        self.fmt = self.fmt.next()
        self._redraw()

    def action_pain(self, score: int) -> None:
        self.session.rate_pain(score)
        self.notify(f"Pain {score}/9 logged with this hold")

    def action_pause(self) -> None:
        """Freeze the readout, gauge and trace for a look; alarms keep showing."""
        self.paused = not self.paused
        self._redraw()

    def action_history(self) -> None:
        """This point's last two weeks on a real tool, from the session's store."""
        store = self.session.store
        region = self.session.pipeline.config.region
        holds = [] if store is None else store.holds(region=region.id, days=HISTORY_DAYS)
        self.app.push_screen(HistoryScreen(region.name, days_of_holds(holds), self.fmt))

    def action_measure_targets(self) -> None:
        """Measure this point's pain threshold; the band and ceiling follow it."""
        self.app.push_screen(PptScreen(self.session, self.fmt), self._measured)

    def _measured(self, targets: PersonalTargets | None) -> None:
        if targets is None:
            return
        self.session.use_targets(targets)
        self._redraw()
        self.notify(
            f"Your band is {self.fmt.number(targets.band_low_n)}-"
            f"{self.fmt.text(targets.band_high_n)} here, ceiling {self.fmt.text(targets.ceiling_n)}"
        )

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())
