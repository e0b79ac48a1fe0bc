"""Numbers a person types, checked once: finite, in a sane range, named in one line.

Every numeric option and moniker value goes through :func:`bounded` or
:func:`bounded_int`, so ``inf``, ``nan``, ``1e308`` and ``-1`` all get the same
kind of answer: which option, what was typed, and the range it must be in.
"""

from __future__ import annotations

import math

from knotmeter.errors import BadInput


def bounded(what: str, text: str | float, low: float, high: float, unit: str = "") -> float:
    """``text`` as a number in ``low..high`` (inclusive); BadInput naming ``what`` otherwise.

    ``what`` names the option as the person typed it, e.g. ``--seconds`` or
    ``source 'sim:calm?seed=x': seed``.
    """
    value = _number(text)
    if not low <= value <= high:  # NaN fails too
        raise BadInput(f"{what} {str(text)[:40]!r}: {_expected(low, high, unit, 'a number')}")
    return value


def bounded_int(what: str, text: str | int, low: int, high: int, unit: str = "") -> int:
    """``text`` as a whole number in ``low..high``; BadInput naming ``what`` otherwise."""
    value = _number(text)
    if not (low <= value <= high and value.is_integer()):
        expected = _expected(low, high, unit, "a whole number")
        raise BadInput(f"{what} {str(text)[:40]!r}: {expected}")
    return int(value)


def _number(text: str | float) -> float:
    try:
        value = float(text)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def _expected(low: float, high: float, unit: str, kind: str) -> str:
    units = f" {unit}" if unit else ""
    return f"expected {kind} from {_show(low)} to {_show(high)}{units}"


def _show(bound: float) -> str:
    """``4,294,967,295`` rather than ``4.29497e+09``; ``0.05`` as it is."""
    return f"{int(bound):,}" if float(bound).is_integer() else f"{bound:g}"
