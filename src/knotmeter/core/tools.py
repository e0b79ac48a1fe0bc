"""The tools a person presses with, and how each one scales a region's limits.

The regional bands (``regions.toml``) are for the tool their row assumes: a ball of
about 7 cm² contact at working depth, or fingertips (~1 cm²) on the jaw. The same
tissue threshold is reached with less force through a smaller contact, and threshold
force scales with the square root of the contact area (REFERENCE §2, "Other tools").

Rule (our derivation, documented here): a tool's band and ceiling are the region's
times ``min(1, sqrt(tool_area / region_reference_area))``. A tool with more contact
than the row assumes keeps the row's numbers: a derivation never raises a limit.

>>> round(limit_scale(Tool.HOOK, 7.0), 2)
0.53
>>> limit_scale(Tool.BALL, 1.0)
1.0
"""

from __future__ import annotations

import math
from enum import StrEnum


class Tool(StrEnum):
    """What touches the body: the word used by ``--tool``, plans and stored targets."""

    BALL = "ball"
    HOOK = "hook"
    THUMB = "thumb"


CONTACT_AREA_CM2: dict[Tool, float] = {
    Tool.BALL: 7.0,  # 63.5 mm ball at 5 mm depth: 5-9 cm² (REFERENCE §2 "Contact area")
    Tool.HOOK: 2.0,  # hook tip: 1.5-2.5 cm² (REFERENCE §2 "Other tools")
    Tool.THUMB: 2.0,  # thumb pad: 1.5-2.5 cm² (same)
}
"""Typical contact area of each tool at working depth, cm² (the middle of the range)."""


def limit_scale(tool: Tool, reference_area_cm2: float) -> float:
    """The factor on a region's band and ceiling when pressing with ``tool``."""
    return min(1.0, math.sqrt(CONTACT_AREA_CM2[tool] / reference_area_cm2))


def parse_tool(text: str) -> Tool:
    """``Tool`` from its word; ``ValueError`` naming the choices otherwise."""
    try:
        return Tool(text.strip().lower())
    except ValueError:
        choices = ", ".join(tool.value for tool in Tool)
        raise ValueError(f"unknown tool {text!r}; choose one of: {choices}") from None
