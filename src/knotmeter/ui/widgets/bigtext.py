"""Digits as large as the space they are given: the far view's force and hold time.

Textual's ``Digits`` are three rows tall at any terminal size; read from a metre or
two away they need to grow with the terminal. Each character is a 5x7 dot pattern
(narrower for ``.`` and space) scaled by whole numbers and drawn with half blocks,
so a dot is two rows of pixels per terminal row: square dots at any scale. A figlet
font (pyfiglet) was weighed: its fonts have one fixed height each, which is the
problem to solve here.
"""

from __future__ import annotations

import math
from functools import lru_cache

from rich.segment import Segment
from textual.strip import Strip
from textual.widget import Widget

GLYPH_ROWS = 7
_FONT: dict[str, tuple[str, ...]] = {
    "0": (".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."),
    "1": ("..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "2": (".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"),
    "3": ("####.", "....#", "....#", ".###.", "....#", "....#", "####."),
    "4": ("...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."),
    "5": ("#####", "#....", "####.", "....#", "....#", "#...#", ".###."),
    "6": ("..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."),
    "7": ("#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."),
    "8": (".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."),
    "9": (".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."),
    "-": (".....", ".....", ".....", "#####", ".....", ".....", "....."),
    ".": ("..", "..", "..", "..", "..", "##", "##"),
    ":": ("..", "##", "##", "..", "##", "##", ".."),
    " ": ("...",) * GLYPH_ROWS,
}
_HALVES = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def text_width(text: str) -> int:
    """Width in dots, a one-dot gap between characters."""
    glyphs = [_FONT.get(char, _FONT[" "]) for char in text]
    return sum(len(glyph[0]) for glyph in glyphs) + max(0, len(glyphs) - 1)


def rows_for_scale(scale: int) -> int:
    """Terminal rows the text takes at ``scale`` dots of height per dot row."""
    return -(-GLYPH_ROWS * scale // 2)


def fit_scale(text: str, width: int, height: int) -> tuple[int, int]:
    """The largest ``(x, y)`` dot size that fits; ``x`` may shrink below ``y`` for room.

    ``y`` (half rows per dot) is even from 2 up, so every dot is whole rows and no
    glyph edge is cut by a half block.
    """
    dots = max(1, text_width(text))
    y = max(1, 2 * height // GLYPH_ROWS)
    if y > 1:
        y -= y % 2
    x = max(1, min(y, width // dots))
    return x, y


def scale_for_rows(rows: int) -> int:
    """The smallest even dot height whose text is at least ``rows`` tall."""
    scale = math.ceil(2 * rows / GLYPH_ROWS)
    return scale + scale % 2


@lru_cache(maxsize=64)
def render_lines(text: str, scale_x: int, scale_y: int) -> tuple[str, ...]:
    """``text`` as lines of half-block characters."""
    glyphs = [_FONT.get(char, _FONT[" "]) for char in text]
    dot_rows = []
    for row in range(GLYPH_ROWS):
        dots = ".".join(glyph[row] for glyph in glyphs)
        line = "".join(dot * scale_x for dot in dots)
        dot_rows.extend([line] * scale_y)
    if len(dot_rows) % 2:
        dot_rows.append("." * len(dot_rows[0]))
    return tuple(
        "".join(_HALVES[(a == "#", b == "#")] for a, b in zip(top, bottom, strict=True))
        for top, bottom in zip(dot_rows[::2], dot_rows[1::2], strict=True)
    )


class BigText(Widget):
    """A short text (digits, ``.``, ``-``, ``:``) drawn as large as the widget allows,
    centred; repaints only when the text changes."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.text = ""

    def show(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.refresh()

    def render_line(self, y: int) -> Strip:
        width, height = self.content_size
        lines = render_lines(self.text, *fit_scale(self.text, width, height))
        top = max(0, (height - len(lines)) // 2)
        style = self.rich_style
        if not top <= y < top + len(lines):
            return Strip.blank(width, style)
        line = lines[y - top]
        left = max(0, (width - len(line)) // 2)
        return Strip([Segment(" " * left + line, style)]).adjust_cell_length(width, style)
