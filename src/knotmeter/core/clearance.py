"""A clinician's clearance of a red flag: who cleared it, and when (REFERENCE §7).

A red flag stops coaching until the person types who cleared them and on which day.
The clearance holds ``VALID_DAYS`` days from that day, then the red flag stops coaching
again and is asked about again. A date that is empty, not a date, in the future or
already older than ``VALID_DAYS`` days is refused, with its words, as a value.

>>> today = date(2026, 12, 8)
>>> parse_clearance("Dr Lee, GP", "2026-12-07", today)
Clearance(who='Dr Lee, GP', on=datetime.date(2026, 12, 7))
>>> parse_clearance("Dr Lee", "2026-12-09", today).words
'clearance date 2026-12-09 is in the future: type the day the clinician cleared you'
>>> parse_clearance("Dr Lee", "2026-11-30", today).words[:44]
'clearance date 2026-11-30 is older than 7 da'
>>> parse_clearance("Dr Lee", "2026-12-07", today).valid_on(date(2026, 12, 14))
False
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

VALID_DAYS = 7
"""A clearance holds for this many days from the day it was given (REFERENCE §7)."""
WHO_MAX_CHARS = 80


@dataclass(slots=True, frozen=True)
class Clearance:
    """A clinician cleared the person's red flags on ``on``; ``who`` names them."""

    who: str
    on: date

    def valid_on(self, today: date) -> bool:
        """Given on or before ``today`` and less than ``VALID_DAYS`` days before it."""
        return 0 <= (today - self.on).days < VALID_DAYS

    @property
    def expires(self) -> date:
        """The first day the clearance no longer holds."""
        return self.on + timedelta(days=VALID_DAYS)


@dataclass(slots=True, frozen=True)
class ClearanceRefused:
    """Why a typed clearance is not taken, in one line."""

    words: str


def parse_clearance(who: str, on: str, today: date) -> Clearance | ClearanceRefused:
    """The clearance the person typed, or the one line that says what to fix."""
    name = " ".join(who.split())
    if not name:
        return ClearanceRefused("clearance: type who cleared you (e.g. 'Dr Lee, GP')")
    if len(name) > WHO_MAX_CHARS or not name.isprintable():
        return ClearanceRefused(
            f"clearance: the name is at most {WHO_MAX_CHARS} printable characters"
        )
    text = on.strip()
    if not text:
        return ClearanceRefused("clearance date is empty: type the day as YYYY-MM-DD")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return ClearanceRefused(f"clearance date {text[:20]!r} is not a date: type YYYY-MM-DD")
    if len(text) != len("YYYY-MM-DD"):
        return ClearanceRefused(f"clearance date {text[:20]!r} is not a date: type YYYY-MM-DD")
    if day > today:
        return ClearanceRefused(
            f"clearance date {day} is in the future: type the day the clinician cleared you"
        )
    clearance = Clearance(name, day)
    if not clearance.valid_on(today):
        return ClearanceRefused(
            f"clearance date {day} is older than {VALID_DAYS} days: a clearance holds "
            f"{VALID_DAYS} days; ask your clinician again"
        )
    return clearance
