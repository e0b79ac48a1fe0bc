"""The knotmeter Textual app: a tool picker when no source was named, then the live screen.

The app never builds a source or a session itself: the CLI hands it a running
choice (a :class:`Session`) or a ``connect`` function for the picker's choice, so
tests drive the real app with any source they like.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from knotmeter.core.regions import load_regions
from knotmeter.errors import KnotmeterError
from knotmeter.session import Session
from knotmeter.ui.display import ForceFormat
from knotmeter.ui.screens.live import FRAME_HZ, LiveScreen
from knotmeter.ui.screens.picker import Discover, ToolPicker
from knotmeter.ui.screens.regions import region_targets
from knotmeter.ui.screens.sessions import SessionsScreen

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

    def on_mount(self) -> None:
        if self._notice is not None:
            self.notify(self._notice, severity="warning", timeout=6)
        if self.session is not None:
            self._go_live(self.session)
        else:
            self._pick_tool()

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
        self.push_screen(LiveScreen(session, self._fmt, frame_hz=self._frame_hz))

    async def action_quit(self) -> None:
        """Close the session first so the source lets go of the port and the store is finished."""
        if self.session is not None:
            await self.session.close()
        self.exit()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if not isinstance(screen, LiveScreen):
            return
        yield SystemCommand(
            "Tare", "Zero the reading (tool still, off the body)", screen.action_tare
        )
        yield SystemCommand(
            "Switch units", "N, kgf, lbf (and pressure with an area)", screen.action_units
        )
        yield SystemCommand(
            "Pause display", "Freeze the readout; alarms still show", screen.action_pause
        )
        yield SystemCommand(
            "History", "This point's last two weeks: holds, force, pain", screen.action_history
        )
        yield SystemCommand(
            "Sessions",
            "Past sittings: trace, holds, alarms, pain",
            lambda: self.push_screen(SessionsScreen.of(screen.session, screen.fmt)),
        )
        yield SystemCommand(
            "Measure your band",
            "Three presses to first pain set this point's band and ceiling",
            screen.action_measure_targets,
        )
        yield SystemCommand("Help", "What the colours and keys mean", screen.action_help)
        for region in load_regions().values():
            yield SystemCommand(
                f"Treat: {region.name}",
                region_targets(region),
                partial(screen.set_region, region.id),
                discover=False,
            )
