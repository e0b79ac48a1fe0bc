"""The body regions the coach knows, with their default band, ceiling and hold range.

The numbers live in ``regions.toml`` (package data) so they can be reviewed and
replaced without touching code; the file is validated on load and every error names
the line and field, because a wrong ceiling is a safety bug, not a typo.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from knotmeter.core.errors import CoachInputError
from knotmeter.core.tomlfile import ID, number, pair, read_toml

SCHEMA = 2
_FIELDS = frozenset({"id", "name", "band_n", "ceiling_n", "hold_s", "contact_cm2"})


@dataclass(slots=True, frozen=True)
class Region:
    """One treatable point: where to press, how hard, and for how long."""

    id: str
    name: str
    band_low_n: float
    band_high_n: float
    ceiling_n: float
    hold_min_s: float
    hold_max_s: float
    contact_cm2: float = 7.0


class RegionsFileError(CoachInputError):
    """The regions file is malformed; the message names the file, line and field."""


class UnknownRegion(CoachInputError):
    """A region id that is not in the regions file; the message lists the valid ids."""


def _region(raw: dict[str, Any]) -> tuple[Region | None, str, str]:
    """Build one region, or return ``(None, field, problem)`` for the first bad field."""
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        return None, unknown[0], f"unknown field (allowed: {', '.join(sorted(_FIELDS))})"
    missing = sorted(_FIELDS - set(raw))
    if missing:
        return None, "[[region]]", f"missing field {missing[0]!r}"
    region_id, name = raw["id"], raw["name"]
    if not isinstance(region_id, str) or not ID.match(region_id):
        return None, "id", "must be lowercase letters, digits and dashes"
    if not isinstance(name, str) or not name.strip():
        return None, "name", "must be a non-empty string"
    band = pair(raw["band_n"])
    if band is None or not 0 < band[0] < band[1]:
        return None, "band_n", "must be [low, high] newtons with 0 < low < high"
    ceiling = number(raw["ceiling_n"])
    if ceiling is None or ceiling <= band[1]:
        return None, "ceiling_n", "must be a number of newtons above the band's high edge"
    hold = pair(raw["hold_s"])
    if hold is None or not 0 < hold[0] <= hold[1]:
        return None, "hold_s", "must be [min, max] seconds with 0 < min <= max"
    contact = number(raw["contact_cm2"])
    if contact is None or not 0 < contact <= 100:
        return None, "contact_cm2", "must be the contact area the row assumes, in (0, 100] cm²"
    region = Region(region_id, name.strip(), band[0], band[1], ceiling, hold[0], hold[1], contact)
    return region, "", ""


def parse_regions(text: str, source: str) -> dict[str, Region]:
    """Parse and validate a regions file; ``source`` names it in error messages.

    Raises:
        RegionsFileError: one line naming ``source``, the line, the field and the fix.
    """
    data, lines = read_toml(text, source, SCHEMA, RegionsFileError)
    raw_regions = data.get("region")
    if not isinstance(raw_regions, list) or not raw_regions:
        raise RegionsFileError(f"{source}: no [[region]] tables")
    regions: dict[str, Region] = {}
    for raw, table in zip(raw_regions, lines.items("region", len(raw_regions)), strict=True):
        region, field, problem = _region(raw)
        if region is None:
            raise RegionsFileError(f"{source} line {table.of(field)}: {field}: {problem}")
        if region.id in regions:
            raise RegionsFileError(
                f"{source} line {table.of('id')}: id: {region.id!r} is defined twice"
            )
        regions[region.id] = region
    return regions


@cache
def load_regions() -> dict[str, Region]:
    """The packaged regions, validated once per process (callers must not mutate)."""
    text = resources.files("knotmeter.core").joinpath("regions.toml").read_text("utf-8")
    return parse_regions(text, "regions.toml")


def get_region(region_id: str) -> Region:
    """Look up a region by id.

    Raises:
        UnknownRegion: naming the bad id and listing every valid one.
    """
    regions = load_regions()
    try:
        return regions[region_id]
    except KeyError:
        raise UnknownRegion(
            f"unknown region {region_id!r}; choose one of: {', '.join(regions)}"
        ) from None
