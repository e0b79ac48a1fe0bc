"""After a sitting: bruising and next-day soreness, asked at the next one (REFERENCE §7).

Soreness after trigger-point pressure should be mild and gone within 24 h; bruising, or
soreness lasting longer, means the pressure was too much, so the next holds start a
level lighter (``modes.one_level_lighter``, the rule a hold rated 7/10 also triggers).

>>> Aftercare(bruising=False, sore_over_24h=False).lighter
False
>>> Aftercare(bruising=True, sore_over_24h=False).advice
'Bruising after the last session: the holds today start a level lighter.'
"""

from __future__ import annotations

from dataclasses import dataclass

QUESTIONS = (
    "Since your last session: did any bruise appear where you pressed?",
    "Since your last session: did the soreness last more than 24 hours?",
)


@dataclass(slots=True, frozen=True)
class Aftercare:
    """The two answers about the last session."""

    bruising: bool
    sore_over_24h: bool

    @property
    def lighter(self) -> bool:
        """The next holds start a level lighter."""
        return self.bruising or self.sore_over_24h

    @property
    def advice(self) -> str | None:
        """What the answers mean, in a line, or ``None`` when all was as it should be."""
        why = [
            what
            for what, yes in (
                ("Bruising", self.bruising),
                ("Soreness over 24 hours", self.sore_over_24h),
            )
            if yes
        ]
        if not why:
            return None
        return f"{' and '.join(why)} after the last session: the holds today start a level lighter."
