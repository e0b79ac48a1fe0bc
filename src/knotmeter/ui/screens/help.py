"""What the colours and keys mean, one key away from the live screen."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from knotmeter.ui.commands import help_keys

HELP_TEXT = f"""\
[b]Pressing[/b]
  Press slowly until the gauge reaches the shaded band, then hold still.
  Only time inside the band counts towards the hold.
  A red banner and the bell mean: release now (too hard, or held too long).

[b]Keys[/b]
{help_keys()}

[b]By ear[/b] (--sound on)
  two short beeps: in the band    a beep a second: over it
  fast high beeps: too hard, release    rising pair: hold complete
  two long low tones: no readings    falling three: hold limit, release
  warble: bad zero, take the tool off and tare (t)

[b]Stop[/b] at sharp, electric, numb or tingling sensations."""


class HelpScreen(ModalScreen[None]):
    """A short card; any of escape, ? or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Back"),
        Binding("question_mark", "dismiss", "Back", show=False),
        Binding("q", "dismiss", "Back", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("knotmeter help", classes="dialog-title")
            yield Static(HELP_TEXT)
