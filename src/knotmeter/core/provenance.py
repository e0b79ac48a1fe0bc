"""Where samples come from: one word every layer reads from the source itself.

A source says its kind when it opens and, if it learns more later (a tool that
turns out to be a simulator), says so with an event; the session relabels its
record from that, and history counts only ``device`` sessions.
"""

from __future__ import annotations

from enum import StrEnum


class SourceKind(StrEnum):
    """Where a session's samples came from; only ``device`` sessions are health history."""

    DEVICE = "device"
    SIMULATED = "simulated"
    REPLAY = "replay"
