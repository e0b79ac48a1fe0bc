"""What the live page is sent: the session's snapshot as JSON-ready values, in the
terminal's own words (``knotmeter/wording.py``), and the cues' notes for WebAudio.

The page draws exactly what a frame says and decides nothing itself, so the safety
wording and the order of the alarms are the terminal's, tested once in Python.
"""

from __future__ import annotations

import math
from typing import Any

from knotmeter.core.alarms import HARD_ALARMS
from knotmeter.core.cues import HARD_CUES, URGENCY
from knotmeter.core.events import AlarmKind
from knotmeter.session import LinkState, Session
from knotmeter.sound import AMPLITUDE, EDGE_S, NOTES
from knotmeter.wording import (
    INSTRUCTIONS,
    LINK_TEXTS,
    PAUSED_INSTRUCTION,
    STALE_INSTRUCTION,
    STALE_WORD,
    STEP_LABELS,
    ZONE_WORDS,
    banner_for,
    countdown_text,
    hold_caption,
)

Frame = dict[str, Any]
WAITING = "Waiting for the tool: the page follows as soon as a session starts"


def hello() -> Frame:
    """Sent once per connection: how each cue sounds (the terminal's notes), which are
    urgent, and which alarms are hard (the phone vibrates for those)."""
    return {
        "type": "hello",
        "notes": {cue.value: [list(note) for note in NOTES[cue]] for cue in URGENCY},
        "urgency": [cue.value for cue in URGENCY],
        "hard_cues": sorted(cue.value for cue in HARD_CUES),
        "hard_alarms": sorted(kind.value for kind in HARD_ALARMS),
        "amplitude": AMPLITUDE,
        "edge_s": EDGE_S,
        "stale_word": STALE_WORD,  # what the page says when it loses knotmeter itself
    }


def waiting() -> Frame:
    """Before the dashboard has a session (its picker is open)."""
    return {"type": "waiting", "text": WAITING}


def frame(session: Session) -> Frame:
    """The session now, as the page shows it."""
    state = session.state
    link = session.link
    live = link is LinkState.LIVE and AlarmKind.SIGNAL_LOST not in state.alarms
    severity, lines = banner_for(state.alarms, link)
    hold = state.hold
    if session.paused:
        word, instruction = "PAUSED", PAUSED_INSTRUCTION
    elif not live:
        word, instruction = STALE_WORD, STALE_INSTRUCTION
    else:
        word, instruction = ZONE_WORDS[state.zone], INSTRUCTIONS[state.zone]
    config = session.config
    return {
        "type": "frame",
        "t": state.t,
        "force_n": round(state.force_n, 1),
        "unit": "N",
        "zone": state.zone.value,
        "zone_word": word,
        "instruction": instruction,
        "live": live,
        "paused": session.paused,
        "link": LINK_TEXTS[link],
        "label": session.label,
        "point": f"{config.region.name} · {state.tool}",
        "band_n": [round(state.band_low_n, 1), round(state.band_high_n, 1)],
        "ceiling_n": round(state.ceiling_n, 1),
        "hold": {
            "left_s": math.ceil(max(0.0, hold.target_s - hold.in_band_s)),
            "target_s": round(hold.target_s),
            "caption": hold_caption(hold),
            "active": hold.active,
            "complete": hold.complete,
        },
        "banner": {"severity": severity, "lines": list(lines)},
        "alarms": sorted(kind.value for kind in state.alarms),
        "routine": _routine(session),
    }


def _routine(session: Session) -> Frame | None:
    routine = session.routine
    if routine is None:
        return None
    step = routine.state
    head = f"{routine.plan.name} · {STEP_LABELS[step.step]}"
    if step.point is not None and step.point_index is not None:
        head += f" · point {step.point_index + 1} of {step.points}: {step.point.region.name}"
    return {
        "head": head,
        "instruction": step.instruction,
        "countdown": countdown_text(step.left_s(session.state.t)),
    }
