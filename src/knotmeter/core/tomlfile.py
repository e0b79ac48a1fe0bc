"""The packaged TOML data files: parse, check the schema, and find a field's line.

``tomllib`` gives values without positions, yet a person fixing a hand-edited file
needs the line. A light scan of the text maps every table's keys to line numbers;
it is enough for the flat files knotmeter ships (no multi-line strings, no dotted
keys), and it falls back to a table's header line where it cannot say more.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from knotmeter.core.errors import CoachInputError

ID = re.compile(r"^[a-z][a-z0-9-]*$")
"""What an id in a data file may look like: lowercase letters, digits and dashes."""

_KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")
_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*(?:#.*)?$")


@dataclass(slots=True)
class TableLines:
    """Where one table's keys and sub-tables start (``line`` is its header; 0 at the top)."""

    line: int
    keys: dict[str, int] = field(default_factory=dict)
    tables: dict[str, list[TableLines]] = field(default_factory=dict)

    def of(self, key: str) -> int:
        """The line of ``key`` (a value or a sub-table), else this table's header line."""
        if key in self.keys:
            return self.keys[key]
        if key in self.tables:
            return self.tables[key][0].line
        return self.line

    def items(self, name: str, count: int) -> list[TableLines]:
        """Line maps for the ``count`` tables of the array ``name``.

        An inline array (``name = [{...}]``) has no headers: each item then maps to
        the line of ``name`` itself.
        """
        found = self.tables.get(name, [])
        return found if len(found) == count else [TableLines(self.of(name))] * count


def table_lines(text: str) -> TableLines:
    """Map the top-level keys and every (array-of-)table's keys to 1-based line numbers."""
    root = TableLines(0)
    current = root
    for number, line in enumerate(text.splitlines(), start=1):
        if header := _HEADER.match(line):
            *parents, name = header.group(1).split(".")
            parent = root
            for part in parents:
                parent = parent.tables.setdefault(part, [TableLines(number)])[-1]
            current = TableLines(number)
            parent.tables.setdefault(name, []).append(current)
        elif key := _KEY_LINE.match(line):
            current.keys.setdefault(key.group(1), number)
    return root


def read_toml(
    text: str, source: str, schema: int, error: type[CoachInputError]
) -> tuple[dict[str, Any], TableLines]:
    """Parse ``text`` and check its ``schema`` version; ``source`` names it in errors.

    Raises:
        error: one line naming ``source`` for bad TOML or a schema other than ``schema``
            (a newer file is refused rather than half-understood).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise error(f"{source}: not valid TOML: {err}") from None
    lines = table_lines(text)
    found = data.get("schema")
    if found != schema:
        where = f"line {lines.keys['schema']}" if "schema" in lines.keys else "top"
        raise error(
            f"{source} {where}: schema must be {schema} (got {found!r}); "
            "a newer file needs a newer knotmeter"
        )
    return data, lines


def number(value: Any) -> float | None:
    """``value`` as a float if it is an int or float (not a bool), else ``None``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def pair(value: Any) -> tuple[float, float] | None:
    """``value`` as ``(low, high)`` if it is a list of exactly two numbers, else ``None``."""
    if not isinstance(value, list) or len(value) != 2:
        return None
    low, high = number(value[0]), number(value[1])
    return None if low is None or high is None else (low, high)
