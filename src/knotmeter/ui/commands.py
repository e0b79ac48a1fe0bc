"""Every command of the live screen, declared once.

The live screen's key bindings, the command palette, the help card and the
README's key list are all generated from :data:`COMMANDS`, so a new command is one
line here (and a test fails until the README says the same). The palette's groups
(tools, modes, points, …) are declared here too, in :func:`palette`, and reach the
palette through one Textual ``COMMANDS`` provider, :class:`LiveCommands`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Protocol, runtime_checkable

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from knotmeter.core.modes import Mode
from knotmeter.core.regions import load_regions
from knotmeter.core.sides import Side
from knotmeter.core.tools import Tool
from knotmeter.session import Session
from knotmeter.store import Moment
from knotmeter.ui.screens.regions import region_targets

TEN_KEY = "x"
"""The key for a rating of 10 (the Roman ten): 0-9 are the digits, one key a rating."""


@dataclass(slots=True, frozen=True)
class Command:
    """One thing the person can do on the live screen.

    Attributes:
        key: the key (Textual's name for it: ``question_mark``), or ``0`` for the pain
            keys ``0``-``9`` and ``x`` (the Roman ten) for 10 (``action`` then takes the
            score: ``pain({digit})``): one key a rating, for a person leaning on a ball.
        action: the screen action it runs (``app.…`` for the app's).
        label: its name in the footer and the palette.
        text: what it does, in the help card, the palette and the README.
        footer: shown in the footer (keys that must stay in sight come first).
        palette: offered in the command palette.
    """

    key: str
    action: str
    label: str
    text: str
    footer: bool = False
    palette: bool = True

    @property
    def shown_key(self) -> str:
        """The key as a person reads it."""
        if self.key == "question_mark":
            return "?"
        return "0-9, x" if self.key == "0" else self.key

    @property
    def is_digits(self) -> bool:
        return self.key == "0"

    def bindings(self) -> list[Binding]:
        if not self.is_digits:
            return [
                Binding(
                    self.key, self.action, self.label, show=self.footer, key_display=self.shown_key
                )
            ]
        first = Binding("0", self.action.format(digit=0), self.label, key_display="0-9,x")
        rest = [
            Binding(str(n), self.action.format(digit=n), f"{self.label} {n}", show=False)
            for n in range(1, 10)
        ]
        ten = Binding(TEN_KEY, self.action.format(digit=10), f"{self.label} 10", show=False)
        return [first, *rest, ten]


COMMANDS: tuple[Command, ...] = (
    Command("q", "app.quit", "Quit", "end the session and show its summary", True, False),
    Command("question_mark", "help", "Help", "what the colours and keys mean", True),
    Command("t", "tare", "Tare", "zero the reading (tool still, off the body)", True),
    Command("n", "next_step", "Next", "next step of the routine (with --plan)", True),
    Command("b", "back_step", "Back", "back a step of the routine"),
    Command(
        "p", "pause", "Pause", "pause: the hold stops counting, a replay stops; alarms work", True
    ),
    Command("f", "toggle_view", "Far/near", "far view (big digits) or near view (detail)", True),
    Command("0", "pain({digit})", "Pain", "rate this hold's pain 0-10 (x is 10)", True, False),
    Command("r", "region", "Region", "choose the point being treated"),
    Command("u", "units", "Units", "switch units: N, kgf, lbf (and pressure with an area)"),
    Command("h", "history", "History", "this point's last two weeks: holds, force, pain"),
    Command("c", "measure_targets", "Your band", "measure your own band here (three presses)"),
    Command(
        "o",
        "rate_complaint",
        "Complaint",
        "rate the complaint 0-10, pain and function (with --plan): before the routine, "
        "and after it with the retest",
        palette=False,  # the palette offers "Complaint: before / after the routine"
    ),
)
"""In footer order: quit and help first, so they stay in sight at 80 columns."""

ROUTINE_ACTIONS = frozenset({"next_step", "back_step", "rate_complaint"})
ROUTINE_KEYS = frozenset(c.key for c in COMMANDS if c.action in ROUTINE_ACTIONS)
"""The keys that only work in a routine (``n``, ``b``, ``o``)."""
"""Actions that exist only while a routine is coached."""


def bindings() -> list[Binding]:
    """The live screen's key bindings."""
    return [binding for command in COMMANDS for binding in command.bindings()]


def help_keys() -> str:
    """The help card's key list, two columns of ``key  what it does``."""
    lines = [f"  {c.shown_key:<4} {c.text}" for c in COMMANDS]
    lines.append(f"  {'^p':<4} every command (the palette)")
    return "\n".join(lines)


def readme_keys() -> str:
    """The README's key list (``tests/ui/test_commands.py`` checks the README has it)."""
    lines = [f"- `{c.shown_key}` {c.text}" for c in COMMANDS]
    lines.append("- `ctrl+p` the command palette: every command above, the points, the tools")
    return "\n".join(lines)


@runtime_checkable
class PaletteTarget(Protocol):
    """What the palette's entries run on: the live screen."""

    session: Session

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None: ...
    async def run_action(self, action: str) -> None: ...
    def set_tool(self, tool: Tool) -> None: ...
    def set_side(self, side: Side) -> None: ...
    def set_mode(self, mode: Mode) -> None: ...
    def set_region(self, region_id: str) -> None: ...
    def forget_targets(self, *, everywhere: bool = False) -> None: ...
    def rate_complaint(self, moment: Moment) -> None: ...
    def open_sessions(self) -> None: ...
    @property
    def page_url(self) -> str | None: ...


@dataclass(slots=True, frozen=True)
class PaletteEntry:
    """One palette line: its title, what it does, and what it runs. ``discover``: listed
    before anything is typed (the points are found by typing)."""

    title: str
    help: str
    run: Callable[[], object]
    discover: bool = True


MODE_HELP: dict[Mode, str] = {
    Mode.NORMAL: "the point's own band and holds",
    Mode.FLARE: "a flare-up: the band's lightest slice, holds halved",
    Mode.TENDER: "tender all over: a lighter slice of the band, holds of 20-30 s",
}
"""Each palette Mode entry says what it does (one description each)."""


def palette(screen: PaletteTarget) -> list[PaletteEntry]:
    """Every palette entry of the live screen: the commands, then the groups."""
    entries = [
        PaletteEntry(c.label, c.text, partial(screen.run_action, c.action))
        for c in COMMANDS
        if c.palette and screen.check_action(c.action, ())
    ]
    tool_help = "press with this tool: the band and ceiling follow its contact area"
    entries += [PaletteEntry(f"Tool: {t}", tool_help, partial(screen.set_tool, t)) for t in Tool]
    side_help = "press on this side: holds, ratings and bands are kept under it"
    entries += [PaletteEntry(f"Side: {s}", side_help, partial(screen.set_side, s)) for s in Side]
    entries += [PaletteEntry(f"Mode: {m}", MODE_HELP[m], partial(screen.set_mode, m)) for m in Mode]
    if screen.session.routine is not None:
        complaint = "rate the complaint's pain and function 0-10 (and the retest), for history"
        entries += [
            PaletteEntry(
                f"Complaint: {when} the routine", complaint, partial(screen.rate_complaint, m)
            )
            for m, when in ((Moment.START, "before"), (Moment.RETEST, "after"))
        ]
    entries += [
        PaletteEntry(
            "Forget your band here",
            "this point's measured bands (every tool) are forgotten: its default applies",
            screen.forget_targets,
        ),
        PaletteEntry(
            "Forget all your bands",
            "every measured band is forgotten: each point's default applies",
            partial(screen.forget_targets, everywhere=True),
        ),
        *(
            []
            if screen.page_url is None
            else [
                PaletteEntry(
                    f"Live page: {screen.page_url}",
                    "this session on a phone's browser, read-only (the URL goes to the clipboard)",
                    partial(screen.run_action, "app.page_url"),
                )
            ]
        ),
        PaletteEntry(
            "Screening",
            "answer the screening again: who should not self-treat, who should go lighter",
            partial(screen.run_action, "app.screening"),
        ),
        PaletteEntry("Sessions", "Past sittings: trace, holds, alarms, pain", screen.open_sessions),
    ]
    entries += [
        PaletteEntry(
            f"Treat: {region.name}",
            region_targets(screen.session.preview(region.id)),
            partial(screen.set_region, region.id),
            discover=False,
        )
        for region in load_regions().values()
    ]
    return entries


class LiveCommands(Provider):
    """The live screen's palette: :func:`palette`'s entries, found by fuzzy match."""

    def _entries(self) -> list[PaletteEntry]:
        screen = self.screen
        return palette(screen) if isinstance(screen, PaletteTarget) else []

    async def discover(self) -> Hits:
        for entry in self._entries():
            if entry.discover:
                yield DiscoveryHit(entry.title, entry.run, help=entry.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in self._entries():
            score = matcher.match(entry.title)
            if score > 0:
                yield Hit(score, matcher.highlight(entry.title), entry.run, help=entry.help)
