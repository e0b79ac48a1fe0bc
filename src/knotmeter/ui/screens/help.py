"""What the colours and keys mean, one key away from the live screen.

The card is longer than an 80x24 terminal, so it scrolls (arrows, j/k, space, page
keys, home/end) and says so in its title.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from knotmeter.core.events import Zone
from knotmeter.ui.commands import help_keys
from knotmeter.ui.wording import STALE_WORD, ZONE_WORDS

ZONE_MEANINGS: dict[Zone, str] = {
    Zone.RELEASED: "tool off the body",
    Zone.BELOW: "press a little more",
    Zone.IN_BAND: "the target: hold still, the hold counts",
    Zone.OVER_BAND: "ease off a little",
    Zone.OVER_CEILING: "release now",
}
STALE_WORDS = (STALE_WORD, "readings have stopped: the numbers are old")


HELP_TEXT = f"""\
  A red banner and the bell: release now (too hard, or held too long).
  An orange banner: a softer warning (above the band, too fast, sawing).

[b]Pressing[/b]
  Press slowly until the gauge reaches the shaded band, then hold still.
  Only time inside the band counts towards the hold.

[b]Keys[/b]
{help_keys()}

[b]By ear[/b] (--sound on)
  two short beeps: in the band    a beep a second: over it
  fast high beeps: too hard, release    rising pair: hold complete
  two long low tones: no readings    falling three: hold limit, release
  warble: bad zero, take the tool off and tare (t)

[b]Stop[/b] at sharp, electric, numb or tingling sensations.

[dim]escape, ? or q closes this card[/dim]"""


def legend() -> list[tuple[str, str, str]]:
    """Each zone's CSS class, word and meaning, then the stale state's: the rows drawn in
    the zone band's own colours (``knotmeter.tcss``), so the legend cannot drift from it."""
    rows = [(f"zone-{zone.value}", ZONE_WORDS[zone], ZONE_MEANINGS[zone]) for zone in Zone]
    return [*rows, ("stale", *STALE_WORDS)]


class HelpScreen(ModalScreen[None]):
    """A card that scrolls; any of escape, ? or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Back"),
        Binding("question_mark", "dismiss", "Back", show=False),
        Binding("q", "dismiss", "Back", show=False),
        Binding("j", "scroll('down')", "Down", show=False),
        Binding("k", "scroll('up')", "Up", show=False),
        Binding("space", "scroll('page_down')", "Page down", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static(
                "knotmeter help  [dim](scroll: arrows, space, page keys, end)[/dim]",
                classes="dialog-title",
            )
            yield Static("[b]Colours[/b] (the zone band, the gauge and the trace)")
            for classes, word, meaning in legend():
                with Horizontal(classes="legend"):
                    yield Static(word, classes=f"swatch {classes}")
                    yield Static(meaning, classes="meaning")
            yield Static(HELP_TEXT)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_scroll(self, how: str) -> None:
        """j, k and space move the card as the arrows and page keys already do."""
        card = self.query_one(VerticalScroll)
        {"down": card.scroll_down, "up": card.scroll_up, "page_down": card.scroll_page_down}[how]()
