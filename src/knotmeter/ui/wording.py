"""The words on the live screen: one instruction per zone, one banner per alarm, the steps.

Kept apart from the widgets so the texts can be reviewed (and tested) in one place.
"""

from __future__ import annotations

from knotmeter.core.alarms import ALARM_TABLE
from knotmeter.core.events import AlarmKind, Zone
from knotmeter.core.routine import Step
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

EASE_OFF_INSTRUCTION = "Hold complete: ease off slowly, then rate the pain 1-10 (0 is 10)"

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
