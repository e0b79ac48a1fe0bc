"""The words on the live screens: one instruction per zone, one banner per alarm, the steps.

Kept apart from the widgets so the texts can be reviewed (and tested) in one place, and
below the UI layer so the terminal and the web page (``knotmeter serve``) say the same.
"""

from __future__ import annotations

from knotmeter.core.alarms import ALARM_TABLE, HARD_ALARMS, by_priority
from knotmeter.core.events import AlarmKind, Zone
from knotmeter.core.routine import Step
from knotmeter.core.state import HoldState
from knotmeter.session import LinkState

INSTRUCTIONS: dict[Zone, str] = {
    Zone.RELEASED: "Released: find the spot and press slowly",
    Zone.BELOW: "Press a little more",
    Zone.IN_BAND: "In band: hold still and breathe",
    Zone.OVER_BAND: "Ease off a little",
    Zone.OVER_CEILING: "TOO HARD: release now",
}

ZONE_WORDS: dict[Zone, str] = {
    Zone.RELEASED: "RELEASED",
    Zone.BELOW: "BELOW THE BAND",
    Zone.IN_BAND: "IN BAND",
    Zone.OVER_BAND: "OVER THE BAND",
    Zone.OVER_CEILING: "TOO HARD",
}
"""The far view's zone band: one word, readable from where the person presses (and
without colour)."""

EASE_OFF_INSTRUCTION = "Hold complete: ease off slowly, then rate the pain 0-10 (x is 10)"

HOLD_LIMIT_INSTRUCTION = "Hold limit reached: release now, then let this point rest"
REST_INSTRUCTION = "Resting: stay off this point until the hold limit clears, or move on"
RELEASE_WORD = "RELEASE"
REST_WORD = "RESTING"
"""At the hold limit (``long_hold``) the zone band and the instruction say release, then
rest: no new hold starts here until the point has rested (``core/pressing.py``)."""

PAUSED_INSTRUCTION = "PAUSED: p goes on (alarms still work)"

STALE_WORD = "NOT LIVE"
"""The far view's zone band while readings have stopped (the zone below it is old)."""

STALE_INSTRUCTION = "Not live: the numbers below are the last ones received"

ALARM_BANNERS: dict[AlarmKind, str] = {kind: spec.banner for kind, spec in ALARM_TABLE.items()}
"""The banner's words per alarm (the table in ``core/alarms.py`` owns them)."""

LINK_TEXTS: dict[LinkState, str] = {
    LinkState.CONNECTING: "connecting",
    LinkState.LIVE: "live",
    LinkState.NO_DATA: "NO DATA",
    LinkState.RECONNECTING: "RECONNECTING",
    LinkState.CLOSED: "closed",
}

DEAD_LINK_BANNERS: dict[LinkState, str] = {
    LinkState.NO_DATA: "NO DATA from the tool: check it is on and in range",
    LinkState.RECONNECTING: "RECONNECTING to the tool: readings are not live",
    LinkState.CLOSED: "The source has closed: readings have stopped",
}


STEP_LABELS: dict[Step, str] = {
    Step.WARM_UP: "Warm up",
    Step.FIND: "Find the spot",
    Step.PRESS: "Press",
    Step.MOVE: "Move",
    Step.RETEST: "Retest",
    Step.DONE: "Done",
}
"""The routine's steps as the routine line names them (the instruction follows)."""

REFUSED_INSTRUCTION = "No targets here for this tool: change the tool or the point (see above)"
"""The instruction while the targets are refused: never a push toward a band it cannot coach."""


def banner_for(
    alarms: frozenset[AlarmKind], link: LinkState, sound: str = ""
) -> tuple[str, tuple[str, ...]]:
    """``(severity, lines)``: every alarm shown, hard ones first, then a dead link, then
    sound being off (``sound``: its words, "" while it works), then the soft ones
    (``by_priority`` within each).

    A dead link stands in for ``signal_lost``, which it explains; severity is that of
    the first line: ``hard``, ``soft``, ``link`` (a dead link or no sound) or ``""``.
    """
    link_line = DEAD_LINK_BANNERS.get(link)
    if link_line is not None:
        alarms = alarms - {AlarmKind.SIGNAL_LOST}
    ordered = by_priority(alarms)
    hard = [ALARM_BANNERS[kind] for kind in ordered if kind in HARD_ALARMS]
    soft = [ALARM_BANNERS[kind] for kind in ordered if kind not in HARD_ALARMS]
    notes = [line for line in (link_line, sound) if line]
    lines = (*hard, *notes, *soft)
    if not lines:
        return "", ()
    if hard:
        return "hard", lines
    return ("link" if notes else "soft"), lines


def countdown_text(left_s: float | None) -> str:
    """A step's countdown as the routine line says it (empty without one)."""
    if left_s is None:
        return ""
    if left_s <= 0:
        return "time is up: n goes on"
    minutes, seconds = divmod(int(left_s + 0.999), 60)
    return f"{minutes}:{seconds:02d} left"


def hold_caption(hold: HoldState, *, at_limit: bool = False) -> str:
    """What the hold's big number means, in two lines (the far view's and the page's);
    at the hold limit (``long_hold`` shown) it says release and rest."""
    if at_limit:
        return "HOLD LIMIT\nrelease and rest"
    if hold.complete:
        return "HOLD COMPLETE\nease off slowly"
    if hold.active:
        return f"s left in band\nof {hold.target_s:.0f} s"
    return "s in band to hold\npress into the band"
