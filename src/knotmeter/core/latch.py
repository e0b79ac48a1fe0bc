"""The alarm latch: an alarm stays shown (and heard) a while after it clears.

A source may hand the coach many samples at once (a 76-sample frame is 0.95 s at
80 Hz), and every screen and the sound look at the state at the end of a batch: a
0.4 s jab raised and cleared inside one batch would be counted and never shown. So the
pipeline keeps its recent alarms here, each with the highest spike-rejected force seen
while it lasted, and shows every one until ``HOLD_S`` of its severity has passed both
since it cleared and since the batch that revealed it ended (:meth:`AlarmLatch.seen`):
a person gets the whole hold time to read it, however late the batch came. The
banner, the zone word, the digits (the force that raised it, not the calm value one
frame later) and the cue all read :attr:`CoachState.shown` from here.

Why 1.5 s and 1 s: a hard alarm must be read and heard (the too-hard cue repeats every
0.25 s, so it sounds several times); a soft one is advice, shown long enough to read.
``signal_lost`` is not latched: its clearing means the readings are live again, and a
banner saying "not live" over live readings would be false (the status line keeps the
count of samples lost).

A jab over the ceiling raised and cleared inside one batch that ended at 1.0 s:

>>> from knotmeter.core.events import AlarmKind
>>> latch = AlarmLatch()
>>> latch.raised(AlarmKind.OVER_CEILING, 0.40, 118.0)
>>> latch.follow(131.0)
>>> latch.cleared(AlarmKind.OVER_CEILING, 0.80)
>>> latch.seen(1.0)
>>> [(a.kind.value, a.peak_n, a.cleared_t) for a in latch.shown(2.4)]
[('over_ceiling', 131.0, 0.8)]
>>> latch.shown(2.5)
()
"""

from __future__ import annotations

from dataclasses import dataclass

from knotmeter.core.alarms import HARD_ALARMS, PRIORITY
from knotmeter.core.events import AlarmKind

HARD_HOLD_S = 1.5
"""A hard alarm stays shown this long after it clears (and after the batch showing it)."""
SOFT_HOLD_S = 1.0
"""A soft alarm, likewise."""

PEAK_KINDS = frozenset({AlarmKind.OVER_CEILING, AlarmKind.SATURATION})
"""Alarms about how hard the press is: their peak follows the force while they last (a
per-sample cost paid only then; a long ``long_hold`` costs nothing per sample)."""
NOT_LATCHED = frozenset({AlarmKind.SIGNAL_LOST})
"""Shown only while active (see above)."""

_RANK = {kind: rank for rank, kind in enumerate(PRIORITY)}


@dataclass(slots=True, frozen=True)
class LatchedAlarm:
    """An alarm being shown: active (``cleared_t`` is ``None``) or latched after it cleared.

    ``peak_n``: for a too-hard alarm (``PEAK_KINDS``), the highest spike-rejected force
    while it was active (what raised it); for the others, the force when it was raised.
    """

    kind: AlarmKind
    raised_t: float
    peak_n: float
    cleared_t: float | None = None


def hold_s(kind: AlarmKind) -> float:
    """How long ``kind`` stays shown after it clears."""
    return HARD_HOLD_S if kind in HARD_ALARMS else SOFT_HOLD_S


class _Entry:
    __slots__ = ("cleared_t", "kind", "peak_n", "raised_t", "seen_t")

    def __init__(self, kind: AlarmKind, t: float, force_n: float) -> None:
        self.kind = kind
        self.raised_t = t
        self.peak_n = force_n
        self.cleared_t: float | None = None
        self.seen_t: float | None = None  # end of the batch that revealed it

    def until(self) -> float | None:
        """When it stops being shown; ``None`` while it is active or not yet seen."""
        if self.cleared_t is None or self.seen_t is None:
            return None
        return max(self.cleared_t, self.seen_t) + hold_s(self.kind)


class AlarmLatch:
    """Recent alarms, one entry per kind; ``following`` while a too-hard one is active
    (then :meth:`follow` wants every force)."""

    __slots__ = ("_entries", "following")

    def __init__(self) -> None:
        self._entries: dict[AlarmKind, _Entry] = {}
        self.following = 0

    def raised(self, kind: AlarmKind, t: float, force_n: float) -> None:
        entry = self._entries.get(kind)
        if entry is None:
            self._entries[kind] = _Entry(kind, t, force_n)
        elif entry.cleared_t is not None:  # again while still shown: the same alarm goes on
            entry.cleared_t = entry.seen_t = None
            entry.peak_n = max(entry.peak_n, force_n)
        else:
            return
        if kind in PEAK_KINDS:
            self.following += 1

    def follow(self, force_n: float) -> None:
        """The newest spike-rejected force, while an alarm is active: its peak."""
        for entry in self._entries.values():
            if entry.kind in PEAK_KINDS and entry.cleared_t is None and force_n > entry.peak_n:
                entry.peak_n = force_n

    def cleared(self, kind: AlarmKind, t: float) -> None:
        entry = self._entries.get(kind)
        if entry is not None and entry.cleared_t is None:
            entry.cleared_t = t
            if kind in PEAK_KINDS:
                self.following -= 1
            if kind in NOT_LATCHED:
                del self._entries[kind]

    def seen(self, t: float) -> None:
        """A batch (or a look at a silence) ended at ``t``: what it raised has been
        revealed from now; what has been shown long enough is forgotten."""
        if not self._entries:  # the common case, once per batch: nothing to do
            return
        for kind, entry in list(self._entries.items()):
            if entry.seen_t is None:
                entry.seen_t = t
            until = entry.until()
            if until is not None and t >= until:
                del self._entries[kind]

    def shown(self, now: float) -> tuple[LatchedAlarm, ...]:
        """Every alarm to show at ``now``, most urgent first."""
        shown = []
        for entry in self._entries.values():
            until = entry.until()
            if until is None or now < until:
                shown.append(
                    LatchedAlarm(entry.kind, entry.raised_t, entry.peak_n, entry.cleared_t)
                )
        shown.sort(key=lambda alarm: _RANK[alarm.kind])
        return tuple(shown)
