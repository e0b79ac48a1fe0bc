"""The routines (plans) the coach walks a person through: points, holds, follow-up, frequency.

They live in ``plans.toml`` (package data) beside ``regions.toml`` and are checked
against it on load: every point names a known region and asks for holds inside that
region's hold range, so a plan can never coach a longer press than the region allows.
The follow-up moves belong to the routine, once after its last point (REFERENCE §1:
"move" then "retest"); each plan carries how often (sessions a week) and how long
(minutes) a session is. Every error names the file, line and field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from knotmeter.core.errors import CoachInputError
from knotmeter.core.regions import Region, load_regions
from knotmeter.core.tomlfile import ID, TableLines, number, pair, read_toml
from knotmeter.core.tools import Tool, parse_tool

SCHEMA = 2
FLARE_PER_DAY = (1, 2)
FLARE_DAYS = (3, 5)
"""A fresh flare: 1-2 sessions a day for 3-5 days (REFERENCE §1), instead of ``per_week``."""
_PLAN_FIELDS = frozenset(
    {"id", "name", "purpose", "warm_up", "retest", "point", "moves", "per_week", "session_min"}
)
_POINT_FIELDS = frozenset({"region", "tool", "holds", "hold_s", "cue"})
_MOVE_FIELDS = frozenset({"what", "reps", "seconds"})


@dataclass(slots=True, frozen=True)
class Move:
    """One follow-up move: ``reps`` repetitions or ``seconds`` of it (exactly one is set)."""

    what: str
    reps: int | None = None
    seconds: float | None = None

    @property
    def label(self) -> str:
        """How the move reads on screen, e.g. "10 wall slides" or "stretch: 20 s"."""
        if self.reps is not None:
            return f"{self.reps} {self.what}"
        return f"{self.what}: {self.seconds:g} s"


@dataclass(slots=True, frozen=True)
class PlanPoint:
    """One point of a routine: where to press, how many holds (spots), how long."""

    region: Region
    tool: Tool
    holds: int
    hold_min_s: float
    hold_max_s: float
    cue: str

    @property
    def hold_label(self) -> str:
        """The hold length as the person reads it: "60 s" or "60-90 s"."""
        low, high = self.hold_min_s, self.hold_max_s
        return f"{low:g} s" if low == high else f"{low:g}-{high:g} s"


@dataclass(slots=True, frozen=True)
class Plan:
    """A routine: warm-up, its points in order, the follow-up moves, then the retest.

    ``per_week`` is the advised sessions a week (min, max) and ``session_min`` a
    session's length in minutes (min, max).
    """

    id: str
    name: str
    purpose: str
    warm_up: str
    retest: str
    points: tuple[PlanPoint, ...]
    moves: tuple[Move, ...]
    per_week: tuple[int, int]
    session_min: tuple[float, float]

    @property
    def schedule_label(self) -> str:
        """How often and how long, by mode (REFERENCE §1, §7): chronic 3-4 a week tapering
        to weekly, a fresh flare 1-2 a day for 3-5 days."""
        (week_low, week_high), (min_low, min_high) = self.per_week, self.session_min
        (day_low, day_high), (days_low, days_high) = FLARE_PER_DAY, FLARE_DAYS
        return (
            f"{week_low}-{week_high} sessions a week tapering to weekly (a fresh flare: "
            f"{day_low}-{day_high} a day for {days_low}-{days_high} days), "
            f"{min_low:g}-{min_high:g} min each"
        )


class PlansFileError(CoachInputError):
    """The plans file is malformed; the message names the file, line and field."""


class UnknownPlan(CoachInputError):
    """A plan id that is not in the plans file; the message lists the valid ids."""


class _Invalid(Exception):
    """One bad field: where it is (``line``) and what is wrong with it."""

    def __init__(self, line: int, field: str, problem: str) -> None:
        super().__init__(f"line {line}: {field}: {problem}")


def _check_fields(raw: Any, allowed: frozenset[str], lines: TableLines, table: str) -> None:
    if not isinstance(raw, dict):
        raise _Invalid(lines.line, table, "must be a table")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        allowed_list = ", ".join(sorted(allowed))
        raise _Invalid(lines.of(unknown[0]), unknown[0], f"unknown field (allowed: {allowed_list})")
    missing = sorted(allowed - set(raw))
    if missing:
        raise _Invalid(lines.line, table, f"missing field {missing[0]!r}")


def _text(raw: dict[str, Any], key: str, lines: TableLines) -> str:
    value = raw[key]
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(lines.of(key), key, "must be a non-empty string")
    return value.strip()


def _count(value: Any) -> int | None:
    """``value`` if it is a whole number above zero (not a bool), else ``None``."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _move(raw: Any, where: str, line: int) -> Move:
    if not isinstance(raw, dict):
        raise _Invalid(
            line, where, 'must be { what = "...", reps = N } or { what = "...", seconds = S }'
        )
    unknown = sorted(set(raw) - _MOVE_FIELDS)
    if unknown:
        allowed = ", ".join(sorted(_MOVE_FIELDS))
        raise _Invalid(line, f"{where}.{unknown[0]}", f"unknown field (allowed: {allowed})")
    what = raw.get("what")
    if not isinstance(what, str) or not what.strip():
        raise _Invalid(line, f"{where}.what", "must be a non-empty string")
    if ("reps" in raw) == ("seconds" in raw):
        raise _Invalid(line, where, "give either reps (a count) or seconds, not both or neither")
    if "reps" in raw:
        reps = _count(raw["reps"])
        if reps is None:
            raise _Invalid(line, f"{where}.reps", "must be a whole number above 0")
        return Move(what.strip(), reps=reps)
    seconds = number(raw["seconds"])
    if seconds is None or not seconds > 0:
        raise _Invalid(line, f"{where}.seconds", "must be a number of seconds above 0")
    return Move(what.strip(), seconds=seconds)


def _point(raw: Any, lines: TableLines, regions: Mapping[str, Region]) -> PlanPoint:
    _check_fields(raw, _POINT_FIELDS, lines, "[[plan.point]]")
    region_id = raw["region"]
    if not isinstance(region_id, str) or region_id not in regions:
        raise _Invalid(
            lines.of("region"),
            "region",
            f"unknown region {region_id!r}; choose one of: {', '.join(regions)}",
        )
    region = regions[region_id]
    try:
        tool = parse_tool(str(raw["tool"]))
    except ValueError as err:
        raise _Invalid(lines.of("tool"), "tool", str(err)) from None
    holds = _count(raw["holds"])
    if holds is None:
        raise _Invalid(lines.of("holds"), "holds", "must be a whole number above 0")
    hold = pair(raw["hold_s"])
    if hold is None or not region.hold_min_s <= hold[0] <= hold[1] <= region.hold_max_s:
        raise _Invalid(
            lines.of("hold_s"),
            "hold_s",
            f"must be [min, max] seconds with {region.hold_min_s:g} <= min <= max <= "
            f"{region.hold_max_s:g} (the {region_id} hold range in regions.toml)",
        )
    return PlanPoint(region, tool, holds, hold[0], hold[1], _text(raw, "cue", lines))


def _moves(raw: dict[str, Any], lines: TableLines) -> tuple[Move, ...]:
    moves = raw["moves"]
    if not isinstance(moves, list) or not moves:
        raise _Invalid(lines.of("moves"), "moves", "must list at least one follow-up move")
    line = lines.of("moves")
    return tuple(_move(move, f"moves[{n}]", line) for n, move in enumerate(moves, 1))


def _per_week(value: Any) -> tuple[int, int] | None:
    """``[min, max]`` sessions a week, whole numbers with 1 <= min <= max <= 14, or ``None``."""
    if not isinstance(value, list) or len(value) != 2:
        return None
    low, high = _count(value[0]), _count(value[1])
    return (low, high) if low is not None and high is not None and low <= high <= 14 else None


def _schedule(
    raw: dict[str, Any], lines: TableLines
) -> tuple[tuple[int, int], tuple[float, float]]:
    per_week = _per_week(raw["per_week"])
    if per_week is None:
        raise _Invalid(
            lines.of("per_week"),
            "per_week",
            "must be [min, max] whole sessions a week with 1 <= min <= max <= 14",
        )
    minutes = pair(raw["session_min"])
    if minutes is None or not 0 < minutes[0] <= minutes[1] <= 60:
        raise _Invalid(
            lines.of("session_min"),
            "session_min",
            "must be [min, max] minutes a session with 0 < min <= max <= 60",
        )
    return per_week, minutes


def _plan(raw: Any, lines: TableLines, regions: Mapping[str, Region]) -> Plan:
    _check_fields(raw, _PLAN_FIELDS, lines, "[[plan]]")
    plan_id = raw["id"]
    if not isinstance(plan_id, str) or not ID.match(plan_id):
        raise _Invalid(lines.of("id"), "id", "must be lowercase letters, digits and dashes")
    name, purpose, warm_up, retest = (
        _text(raw, key, lines) for key in ("name", "purpose", "warm_up", "retest")
    )
    raw_points = raw["point"]
    if not isinstance(raw_points, list) or not raw_points:
        raise _Invalid(lines.of("point"), "point", "a plan needs at least one [[plan.point]]")
    points = tuple(
        _point(point, point_lines, regions)
        for point, point_lines in zip(
            raw_points, lines.items("point", len(raw_points)), strict=True
        )
    )
    per_week, session_min = _schedule(raw, lines)
    return Plan(
        plan_id, name, purpose, warm_up, retest, points, _moves(raw, lines), per_week, session_min
    )


def parse_plans(text: str, source: str, regions: Mapping[str, Region]) -> dict[str, Plan]:
    """Parse and validate a plans file against ``regions``; ``source`` names it in errors.

    Raises:
        PlansFileError: one line naming ``source``, the line, the field and the fix.
    """
    data, lines = read_toml(text, source, SCHEMA, PlansFileError)
    unknown = sorted(set(data) - {"schema", "plan"})
    if unknown:
        raise PlansFileError(
            f"{source} line {lines.of(unknown[0])}: {unknown[0]}: unknown field "
            "(allowed at the top: schema, [[plan]])"
        )
    raw_plans = data.get("plan")
    if not isinstance(raw_plans, list) or not raw_plans:
        raise PlansFileError(f"{source}: no [[plan]] tables")
    plans: dict[str, Plan] = {}
    for raw, plan_lines in zip(raw_plans, lines.items("plan", len(raw_plans)), strict=True):
        try:
            plan = _plan(raw, plan_lines, regions)
        except _Invalid as err:
            raise PlansFileError(f"{source} {err}") from None
        if plan.id in plans:
            raise PlansFileError(
                f"{source} line {plan_lines.of('id')}: id: {plan.id!r} is defined twice"
            )
        plans[plan.id] = plan
    return plans


@cache
def load_plans() -> dict[str, Plan]:
    """The packaged plans, validated once per process (callers must not mutate)."""
    text = resources.files("knotmeter.core").joinpath("plans.toml").read_text("utf-8")
    return parse_plans(text, "plans.toml", load_regions())


def get_plan(plan_id: str) -> Plan:
    """Look up a packaged plan by id.

    Raises:
        UnknownPlan: naming the bad id and listing every valid one.
    """
    plans = load_plans()
    try:
        return plans[plan_id]
    except KeyError:
        raise UnknownPlan(f"unknown plan {plan_id!r}; choose one of: {', '.join(plans)}") from None
