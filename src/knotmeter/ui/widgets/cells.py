"""Building block-character pictures cell by cell without drowning Rich in spans."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text


def append_runs(text: Text, cells: list[tuple[str, Style]]) -> None:
    """Append cells, merging neighbours of one style into one span (far fewer spans to render)."""
    run: list[str] = []
    run_style: Style | None = None
    for glyph, style in cells:
        if style != run_style and run:
            text.append("".join(run), run_style)
            run = []
        run.append(glyph)
        run_style = style
    if run:
        text.append("".join(run), run_style)
