"""Every alarm kind in one table: how serious, how urgent, what the banner says, how it sounds.

A kind missing here would be an alarm nobody hears, so the table is checked to cover
:class:`AlarmKind` when the module loads. Rows are in priority order: the banner and
the sound lead with the first active one.

Hard alarms mean "stop or change what you are doing now": they ring the bell, take
the banner in red and have a cue of their own that repeats while they last.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from knotmeter.core.events import AlarmKind, Cue


class Severity(StrEnum):
    HARD = "hard"
    SOFT = "soft"


@dataclass(slots=True, frozen=True)
class AlarmSpec:
    """One alarm kind's row: severity, the banner's words, the cue it sounds, and its
    name in plain words for every text a person reads after the fact (a summary, a list)."""

    kind: AlarmKind
    severity: Severity
    banner: str
    cue: Cue
    words: str


ALARMS: tuple[AlarmSpec, ...] = (
    AlarmSpec(
        AlarmKind.OVER_CEILING, Severity.HARD, "TOO HARD: RELEASE NOW", Cue.TOO_HARD, "too hard"
    ),
    AlarmSpec(
        AlarmKind.SATURATION,
        Severity.HARD,
        "TOO HARD: THE TOOL IS AT ITS LIMIT, RELEASE NOW",
        Cue.TOO_HARD,
        "too hard: the tool at its limit",
    ),
    AlarmSpec(
        AlarmKind.BAD_ZERO,
        Severity.HARD,
        "BAD ZERO: take the tool off the body and tare (t)",
        Cue.BAD_ZERO,
        "bad zero",
    ),
    AlarmSpec(
        AlarmKind.LONG_HOLD,
        Severity.HARD,
        "HOLD LIMIT REACHED: RELEASE",
        Cue.LONG_HOLD,
        "held past the point's limit",
    ),
    AlarmSpec(
        AlarmKind.SIGNAL_LOST,
        Severity.HARD,
        "SIGNAL LOST: readings are not live",
        Cue.NO_DATA,
        "readings stopped",
    ),
    AlarmSpec(
        AlarmKind.OVER_BAND,
        Severity.SOFT,
        "Above the band: ease off",
        Cue.OVER_BAND,
        "above the band",
    ),
    AlarmSpec(
        AlarmKind.FAST_RAMP,
        Severity.SOFT,
        "Pressing in too fast: slow down",
        Cue.OVER_BAND,
        "pressed in too fast",
    ),
    AlarmSpec(
        AlarmKind.SAWING,
        Severity.SOFT,
        "Keep the tool still: no sawing back and forth",
        Cue.OVER_BAND,
        "sawing back and forth",
    ),
)
"""Most urgent first."""

ALARM_TABLE: dict[AlarmKind, AlarmSpec] = {spec.kind: spec for spec in ALARMS}
HARD_ALARMS = frozenset(spec.kind for spec in ALARMS if spec.severity is Severity.HARD)
PRIORITY: tuple[AlarmKind, ...] = tuple(spec.kind for spec in ALARMS)

_missing = set(AlarmKind) - set(ALARM_TABLE)
if _missing or len(ALARM_TABLE) != len(ALARMS):
    raise RuntimeError(f"core/alarms.py: every alarm kind needs one row; missing {_missing}")


def by_priority(alarms: frozenset[AlarmKind]) -> list[AlarmKind]:
    """``alarms`` hardest first, as the banner lists them."""
    return [kind for kind in PRIORITY if kind in alarms]


def most_urgent(alarms: frozenset[AlarmKind]) -> AlarmKind | None:
    """The alarm to lead with, or ``None`` when all is well."""
    return next((kind for kind in PRIORITY if kind in alarms), None)


def severity(kind: AlarmKind) -> Severity:
    return ALARM_TABLE[kind].severity


def alarm_words(kind: AlarmKind | str) -> str:
    """The alarm's name in plain words; a kind this version does not know (a newer
    store's) is shown as it was stored, spaces for underscores."""
    try:
        return ALARM_TABLE[AlarmKind(kind)].words
    except ValueError:
        return str(kind).replace("_", " ")
