"""The knotmeter Textual app: a tool picker when no source was named, then the live screen.

The app never builds a source or a session itself: the CLI hands it a running
choice (a :class:`Session`) or a ``connect`` function for the picker's choice, so
tests drive the real app with any source they like.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from knotmeter.core.errors import CoachInputError
from knotmeter.core.modes import Mode
from knotmeter.core.regions import load_regions
from knotmeter.core.sides import Side
from knotmeter.core.tools import Tool
from knotmeter.errors import KnotmeterError
from knotmeter.session import Session
from knotmeter.store import Moment, ScreeningRecord
from knotmeter.ui.commands import COMMANDS
from knotmeter.ui.display import ForceFormat
from knotmeter.ui.screens.live import FRAME_HZ, LiveScreen
from knotmeter.ui.screens.picker import Discover, ToolPicker
from knotmeter.ui.screens.regions import region_targets
from knotmeter.ui.screens.screening import ScreeningScreen
from knotmeter.ui.screens.sessions import SessionsScreen
from knotmeter.ui.summary import SessionSummary

ENDING_SIGNALS = (signal.SIGHUP, signal.SIGTERM)
"""A closed terminal or a polite kill ends the session as ``q`` does: end time written,
the source (and any simulated port) closed, the summary kept."""

Connect = Callable[[str], Session]
"""Open a source by moniker and wrap it in a session (raises ``KnotmeterError``)."""


class KnotmeterApp(App[None]):
    """Live pressure coaching in the terminal.

    Args:
        session: start straight on this session's live screen.
        connect, discover: without a session, show the tool picker (``discover``)
            and open the chosen moniker with ``connect``.
        simulated_moniker: what the picker offers as the simulated tool.
        fmt: the unit the forces start in.
        frame_hz: redraw rate cap of the live screen.
        notice: a warning to show once the app is up (e.g. why sound is off).
        screenshot_dir: where the palette's Screenshot saves (default: the current
            directory).

    After it exits, :attr:`summary` holds what the session came to (``None`` if no
    session was opened); it is also stored with the session.
    """

    CSS_PATH = Path(__file__).with_name("knotmeter.tcss")  # absolute: subclasses live elsewhere
    TITLE = "knotmeter"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit")]

    def __init__(
        self,
        *,
        session: Session | None = None,
        connect: Connect | None = None,
        discover: Discover | None = None,
        simulated_moniker: str = "sim:calm",
        fmt: ForceFormat | None = None,
        frame_hz: float = FRAME_HZ,
        notice: str | None = None,
        screenshot_dir: Path | None = None,
    ) -> None:
        super().__init__()
        if session is None and (connect is None or discover is None):
            raise ValueError("KnotmeterApp needs a session, or connect and discover for the picker")
        self.session = session
        self._connect = connect
        self._discover = discover
        self._simulated_moniker = simulated_moniker
        self._fmt = fmt or ForceFormat()
        self._frame_hz = frame_hz
        self._notice = notice
        self.screenshot_dir = screenshot_dir or Path.cwd()
        self.summary: SessionSummary | None = None
        self._quitting = False
        self._hung_up = False

    def on_mount(self) -> None:
        loop = asyncio.get_running_loop()
        for number in ENDING_SIGNALS:
            loop.add_signal_handler(number, self._on_ending_signal, number)
        if self._notice is not None:
            self.notify(self._notice, severity="warning", timeout=6)
        if self.session is not None:
            self._go_live(self.session)
        else:
            self._pick_tool()

    async def on_unmount(self) -> None:
        """However the app ends (``q``, an error, an embedding's exit), the session lets
        go of its tool (a simulated one stops) and finishes its record; after ``q`` this
        is a no-op."""
        if self.session is not None:
            await self.session.close()

    def _pick_tool(self, problem: str | None = None) -> None:
        assert self._discover is not None
        picker = ToolPicker(self._discover, self._simulated_moniker, problem=problem)
        self.push_screen(picker, self._open)

    def _open(self, moniker: str | None) -> None:
        if moniker is None:
            return
        assert self._connect is not None
        try:
            session = self._connect(moniker)
        except KnotmeterError as err:
            self._pick_tool(problem=f"Could not open {moniker}: {err}")
            return
        self.session = session
        self._go_live(session)

    def _go_live(self, session: Session) -> None:
        """The live screen, after the screening unless current answers allow coaching.

        A session without a store (tests, embedding) has nowhere to keep answers and
        is not screened; the dashboard always has one.
        """
        try:
            stored = session.screening()
        except KnotmeterError as err:  # asked again, rather than coaching unscreened
            self.notify(f"Screening answers not read: {err}", severity="warning", timeout=10)
            stored = None
        if stored is not None and not stored.current(datetime.now(UTC)):
            stored = None  # older than 30 days: asked again
        if session.store is None or (
            stored is not None and stored.outcome.coaching and _refusal(session, stored) is None
        ):
            self._screened(session, stored)
            return
        screen = ScreeningScreen(lambda record: _refusal(session, record), stored=stored)
        self.push_screen(screen, partial(self._screened, session))

    def _screened(self, session: Session, record: ScreeningRecord | None) -> None:
        """Press by the answers (the light profile, if any), then go (or stay) live."""
        if record is not None:
            try:
                session.apply_screening(record)
            except CoachInputError as err:  # the screen checked; a race only
                self.notify(str(err), severity="error", timeout=15)
                return
            except KnotmeterError as err:  # they hold this sitting all the same
                self.notify(f"Screening answers not saved: {err}", severity="warning")
        live = next((s for s in self.screen_stack if isinstance(s, LiveScreen)), None)
        if live is not None:
            live.redraw()
            return
        self.push_screen(LiveScreen(session, self._fmt, frame_hz=self._frame_hz))

    def action_screening(self) -> None:
        """The palette's "Screening": answer again; escape keeps the answers there were."""
        session = self.session
        if session is not None:
            screen = ScreeningScreen(lambda record: _refusal(session, record), cancellable=True)
            self.push_screen(screen, partial(self._screened, session))

    def _on_ending_signal(self, number: signal.Signals) -> None:
        self._hung_up = number is signal.SIGHUP
        self.call_next(self.action_quit)

    async def action_quit(self) -> None:
        """Close the session first so the source lets go of the port and the store is
        finished, then keep its summary (stored with the session, printed by the CLI). A
        store that cannot take the rest is given a few seconds, then left (what was not
        saved is the session's :attr:`~Session.store_health`)."""
        if self._quitting:
            return
        self._quitting = True
        session = self.session
        if session is not None:
            health = session.store_health
            if health is not None and health.pending:
                self.notify(f"Saving {health.pending} queued samples before quitting…")
            await session.close()
            self._keep_summary(session)
        if self._hung_up:
            # The terminal is gone. Textual's output thread dies on the first write to
            # it, and the app's shutdown then waits forever to queue the terminal's
            # reset behind it. The session is closed and stored: leave now.
            os._exit(128 + signal.SIGHUP)
        self.exit()

    def _keep_summary(self, session: Session) -> None:
        live = next((s for s in self.screen_stack if isinstance(s, LiveScreen)), None)
        if live is None:
            return
        self.summary = live.tally.summary(session.span_s)
        if session.store is not None and session.session_id is not None:
            try:
                session.store.save_summary(session.session_id, self.summary.as_json())
            except KnotmeterError as err:  # the terminal still shows it
                self.summary = dataclasses.replace(self.summary, not_saved=str(err))

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        """Save to :attr:`screenshot_dir` (Textual's default is a Downloads folder that
        may not exist) and say where."""
        try:
            saved = self.save_screenshot(filename, path or str(self.screenshot_dir), time_format)
            os.chmod(saved, 0o600)  # the screen shows health data: private, like the store
        except OSError as err:
            self.notify(f"Screenshot not saved: {err}", severity="error", timeout=10)
            return None
        self.notify(f"Screenshot saved to {saved}", timeout=10)
        return saved

    def _set_side(self, screen: LiveScreen, side: Side) -> None:
        """The palette's Side: …; the title shows it from the next redraw."""
        screen.session.set_side(side)
        screen.redraw()
        self.notify(f"Side: {side}; holds and ratings are kept under it")

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if not isinstance(screen, LiveScreen):
            return
        for command in COMMANDS:
            if command.palette and screen.check_action(command.action, ()):
                action = partial(screen.run_action, command.action)
                yield SystemCommand(command.label, command.text, action)
        for tool in Tool:
            yield SystemCommand(
                f"Tool: {tool}",
                "press with this tool: the band and ceiling follow its contact area",
                partial(screen.set_tool, tool),
            )
        for side in Side:
            yield SystemCommand(
                f"Side: {side}",
                "press on this side: holds, ratings and bands are kept under it",
                partial(self._set_side, screen, side),
            )
        if screen.session.routine is not None:
            for moment, when in ((Moment.START, "before"), (Moment.RETEST, "after")):
                yield SystemCommand(
                    f"Complaint: {when} the routine",
                    "rate the complaint's pain and function 1-10 (and the retest), for history",
                    partial(screen.rate_complaint, moment),
                )
        for mode in Mode:
            yield SystemCommand(
                f"Mode: {mode}",
                "flare: band ~2-3/10, holds halved; tender: lighter, holds 20-30 s",
                partial(screen.set_mode, mode),
            )
        yield SystemCommand(
            "Forget your band here",
            "this point's measured bands (every tool) are forgotten: its default applies",
            screen.forget_targets,
        )
        yield SystemCommand(
            "Forget all your bands",
            "every measured band is forgotten: each point's default applies",
            partial(screen.forget_targets, everywhere=True),
        )
        yield SystemCommand(
            "Screening",
            "answer the screening again: who should not self-treat, who should go lighter",
            self.action_screening,
        )
        yield SystemCommand(
            "Sessions",
            "Past sittings: trace, holds, alarms, pain",
            lambda: self.push_screen(SessionsScreen.of(screen.session, screen.fmt)),
        )
        for region in load_regions().values():
            yield SystemCommand(
                f"Treat: {region.name}",
                region_targets(region),
                partial(screen.set_region, region.id),
                discover=False,
            )


def _refusal(session: Session, record: ScreeningRecord) -> str | None:
    return session.light_refusal(record.outcome.light)
