"""Counts as a person says them, for every text read after the fact (a summary, a list).

>>> plural(1, "alarm"), plural(3, "alarm"), times(1), times(2), times(5)
('1 alarm', '3 alarms', 'once', 'twice', '5 times')
"""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """``1 alarm``, ``0 alarms``, ``3 alarms`` (nouns here take a plain ``s``)."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def times(count: int) -> str:
    """``once``, ``twice``, ``3 times``: how often something happened."""
    return {1: "once", 2: "twice"}.get(count, f"{count} times")
