"""A line of text with a fixed size that repaints only when the text changes.

``Static.update`` re-lays-out the whole screen by default; at up to 30 frames a
second that layout pass costs more than everything else on the screen, so text
that cannot change size skips it.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class TextLine(Static):
    """Fixed-size text (its size comes from CSS, never from its content)."""

    def __init__(
        self, text: str = "", *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(text, id=id, classes=classes)
        self._text: str | Text = text

    def set(self, text: str | Text) -> None:
        """Show ``text``; a no-op when it is what is already shown."""
        if text != self._text:
            self._text = text
            self.update(text, layout=False)
