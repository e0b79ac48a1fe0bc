"""Which side of the body a point is pressed on: a clinician compares left with right.

A point is a region and, where the person said so, a side. Rows stored before sides
were known have none (``None``), and are shown as such rather than guessed.

>>> parse_side("Left")
<Side.LEFT: 'left'>
>>> side_label(None)
'-'
"""

from __future__ import annotations

from enum import StrEnum

from knotmeter.core.errors import CoachInputError


class Side(StrEnum):
    """The word used by ``--side``, the store and every listing."""

    LEFT = "left"
    RIGHT = "right"


class UnknownSide(CoachInputError):
    """Text that names no side; ``str()`` says what to type."""


def parse_side(text: str) -> Side:
    """A side from what the person typed, in any case.

    Raises:
        UnknownSide: anything but left or right, naming both.
    """
    try:
        return Side(text.strip().lower())
    except ValueError:
        raise UnknownSide(f"a side is left or right, not {text.strip()!r}") from None


def side_label(side: Side | str | None) -> str:
    """A side as a listing shows it: the word, or ``-`` for a row without one."""
    return "-" if side is None else str(side)
