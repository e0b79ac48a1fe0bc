"""Playing the coach's cues (``core/cues.py``) through the machine's audio player.

The clips are synthesised once (short sine notes with soft edges) and written as raw
16-bit mono PCM to one long-running player process (``aplay``, ``paplay``, or the
command in ``$KNOTMETER_AUDIO_PLAYER``). Writes never block the event loop: the pipe
is non-blocking and a clip that does not fit is dropped, like a frame a slow screen
skips; the alarm banner and the terminal bell do not depend on sound at all.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
from collections.abc import Callable, Sequence
from functools import cache

import numpy as np

from knotmeter.core.cues import CueSchedule
from knotmeter.core.events import Cue, HoldCompleted
from knotmeter.session import Session, SessionEvent

RATE_HZ = 22_050
PLAYER_ENV = "KNOTMETER_AUDIO_PLAYER"
"""A command that plays raw signed 16-bit little-endian mono PCM at ``RATE_HZ`` from stdin."""
PLAYERS: tuple[tuple[str, ...], ...] = (
    ("aplay", "-q", "-t", "raw", "-f", "S16_LE", "-r", str(RATE_HZ), "-c", "1",
     "--buffer-time=60000", "-"),
    ("paplay", "--raw", "--format=s16le", f"--rate={RATE_HZ}", "--channels=1",
     "--latency-msec=60"),
)  # fmt: skip
NOTES: dict[Cue, tuple[tuple[float, float], ...]] = {
    Cue.TOO_HARD: ((1320.0, 0.09),),
    Cue.HOLD_COMPLETE: ((523.0, 0.12), (0.0, 0.03), (784.0, 0.18)),
    Cue.OVER_BAND: ((660.0, 0.12),),
    Cue.IN_BAND: ((440.0, 0.06), (0.0, 0.06), (440.0, 0.06)),
}
"""Each cue as ``(frequency Hz, seconds)`` notes, 0 Hz a rest: higher means harder."""
AMPLITUDE = 0.3
EDGE_S = 0.005
"""Fade in and out over this long, so a note starts and stops without a click."""


@cache
def clip(cue: Cue) -> bytes:
    """The cue's notes as raw PCM (signed 16-bit little-endian, mono, ``RATE_HZ``)."""
    parts = []
    for freq, seconds in NOTES[cue]:
        t = np.arange(round(seconds * RATE_HZ)) / RATE_HZ
        note = np.sin(2 * np.pi * freq * t) * AMPLITUDE
        edge = min(round(EDGE_S * RATE_HZ), t.size // 2)
        ramp = np.linspace(0.0, 1.0, edge)
        note[:edge] *= ramp
        note[t.size - edge :] *= ramp[::-1]
        parts.append(note)
    return (np.concatenate(parts) * 32767).astype("<i2").tobytes()


def player_command() -> list[str] | None:
    """``$KNOTMETER_AUDIO_PLAYER``, else the first of aplay and paplay installed."""
    if override := os.environ.get(PLAYER_ENV):
        return shlex.split(override)
    for command in PLAYERS:
        if shutil.which(command[0]):
            return list(command)
    return None


class Speaker:
    """One player process fed clips; open it with :meth:`open`."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdin is not None
        self._process = process
        self._stdin = process.stdin
        os.set_blocking(self._stdin.fileno(), False)
        self.dropped = 0

    @classmethod
    def open(cls, command: Sequence[str] | None = None) -> Speaker | None:
        """Start the player; ``None`` when there is none (the caller says sound is off)."""
        command = command if command is not None else player_command()
        if command is None:
            return None
        try:
            process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        except OSError:
            return None
        return cls(process)

    def play(self, cue: Cue) -> bool:
        """Queue ``cue``'s clip; ``False`` (and counted) if the player is behind or gone."""
        data = clip(cue)
        try:
            written = os.write(self._stdin.fileno(), data)
        except (BlockingIOError, BrokenPipeError):
            written = 0
        if written < len(data):  # a torn clip would click: the rest is dropped too
            self.dropped += 1
            return False
        return True

    def close(self) -> None:
        """Let the player finish what it has, briefly; then stop it."""
        with contextlib.suppress(OSError):
            self._stdin.close()
        try:
            self._process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def follow(session: Session, speaker: Speaker) -> Callable[[], None]:
    """Play ``session``'s cues on ``speaker`` as samples arrive; returns the function
    that stops. Decided in the ingest path from sample time: no timer of its own."""
    schedule = CueSchedule()
    completed = False

    def on_event(event: SessionEvent) -> None:
        nonlocal completed
        completed = completed or isinstance(event, HoldCompleted)

    def on_state() -> None:
        nonlocal completed
        cue = schedule.update(session.state, hold_completed=completed)
        completed = False
        if cue is not None:
            speaker.play(cue)

    unsubscribe = session.subscribe(on_event)
    unwatch = session.watch(on_state)

    def stop() -> None:
        unsubscribe()
        unwatch()

    return stop
