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
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from knotmeter.core.aftercare import Aftercare
from knotmeter.core.screening import ITEMS
from knotmeter.errors import KnotmeterError
from knotmeter.session import Session
from knotmeter.store import ScreeningRecord
from knotmeter.ui.display import ForceFormat
from knotmeter.ui.screens.aftercare import AftercareScreen
from knotmeter.ui.screens.live import FRAME_HZ, LiveScreen
from knotmeter.ui.screens.picker import Discover, ToolPicker
from knotmeter.ui.screens.screening import ScreeningScreen
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
        self.page_url: str | None = None
        """The live page's URL (``knotmeter --serve``): said at the start, in the palette."""
        self._quitting = False
        self._hung_up = False

    def on_mount(self) -> None:
        loop = asyncio.get_running_loop()
        for number in ENDING_SIGNALS:
            loop.add_signal_handler(number, self._on_ending_signal, number)
        if self._notice is not None:
            self.notify(self._notice, severity="warning", timeout=6)
        if self.page_url is not None:
            self.action_page_url()
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
        """The live screen, after the screening items due now (every item the first
        time and after 30 days; the acute ones every sitting; the neck, jaw and shoulder
        ones when such a routine starts) unless current answers allow coaching. A session
        built screened (a replay needs none) goes straight on; ``core/screening`` decides,
        and the session refuses to run unscreened."""
        if session.screened:
            self._screened(session, None)
            return
        try:
            stored = session.screening()
        except KnotmeterError as err:  # asked again, rather than coaching unscreened
            self.notify(f"Screening answers not read: {err}", severity="warning", timeout=10)
            stored = None
        now = datetime.now(UTC)
        if stored is not None and not stored.current(now):
            stored = None  # older than 30 days, or the questions changed: asked again
        due = ITEMS if stored is None else stored.due(now, session.points())
        if (
            stored is not None
            and not due
            and stored.outcome_at(now).coaching
            and _refusal(session, stored) is None
        ):
            self._screened(session, stored)
            return
        screen = ScreeningScreen(lambda record: _refusal(session, record), stored=stored, items=due)
        self.push_screen(screen, partial(self._screened, session))

    def _screened(self, session: Session, record: ScreeningRecord | None) -> None:
        """Press by the answers (the light profile, if any), then go (or stay) live."""
        if record is not None:
            refused = session.apply_screening(record)
            if refused is not None:  # the screen checked; a race only
                self.notify(refused.reason, severity="error", timeout=15)
                return
        live = next((s for s in self.screen_stack if isinstance(s, LiveScreen)), None)
        if live is not None:
            live.redraw()
            return
        self.push_screen(LiveScreen(session, self._fmt, frame_hz=self._frame_hz))
        if session.store is not None and _aftercare_due(self, session):
            self.push_screen(AftercareScreen(), partial(self._aftercare, session))

    def _aftercare(self, session: Session, answers: Aftercare | None) -> None:
        """Keep the answers; bruising or long soreness start the holds a level lighter."""
        if answers is None or session.store is None:
            return
        if answers.lighter:
            session.start_lighter()
        if answers.advice is not None:
            self.notify(answers.advice, timeout=15)
        try:
            session.store.save_aftercare(answers, datetime.now(UTC))
        except KnotmeterError as err:
            self.notify(f"Answers not saved: {err}", severity="warning")

    def action_screening(self) -> None:
        """The palette's "Screening": answer again; escape keeps the answers there were."""
        session = self.session
        if session is not None:
            screen = ScreeningScreen(lambda record: _refusal(session, record), cancellable=True)
            self.push_screen(screen, partial(self._screened, session))

    def action_page_url(self) -> None:
        """The palette's "Live page": its URL, also put on the clipboard where it can be."""
        if self.page_url is not None:
            self.copy_to_clipboard(self.page_url)
            self.notify(f"Live page: {self.page_url}", timeout=15)

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


def _aftercare_due(app: KnotmeterApp, session: Session) -> bool:
    """A session ended since the last bruising and soreness answers (unread: not asked)."""
    assert session.store is not None
    try:
        return session.store.aftercare_due()
    except KnotmeterError as err:
        app.notify(f"Past sessions not read: {err}", severity="warning")
        return False


def _refusal(session: Session, record: ScreeningRecord) -> str | None:
    return session.light_refusal(record.outcome.light)
