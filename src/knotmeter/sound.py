"""Playing the coach's cues (``core/cues.py``) through the machine's audio player.

The clips are synthesised once (short sine notes with soft edges) and fed as raw
16-bit mono PCM to one long-running player process (``aplay``, ``paplay``, or the
command in ``$KNOTMETER_AUDIO_PLAYER``) in 10 ms chunks, paced against the playback
rate so that at most ``LEAD_S`` of sound is ever on its way (pipe and player). A
more urgent cue cuts the rest of a clip short and is heard within ``LEAD_S``, where a
whole clip written at once could queue it behind a pipe's worth (1.5 s) of sound.

The chunks are written by a thread of its own, as python-can gives each blocking
device one: pacing needs a wake-up every 10 ms while a clip plays, which the event
loop cannot promise while it draws a frame, and with nothing to play the thread waits
on a condition, with no timer at all. The pipe is non-blocking, so the thread never
stalls either: a player more than a pipe's worth behind loses the clip. Nothing here
blocks the event loop, and the alarm banner and the terminal bell do not depend on
sound at all.

The speaker watches its player: one that exits, errors or stays blocked for
``BLOCKED_S`` is started again after a backoff (``BACKOFF_S``). A player that keeps
dying within ``STABLE_S`` of its start is given up after the last backoff: sound is
then off for good, :attr:`Speaker.off_note` says so (the status line and the banner
show it), hard cues ring the terminal bell instead (:func:`follow`), and
:attr:`Speaker.off_at` says when, for the exit summary.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from functools import cache
from typing import Protocol, Self

import numpy as np

from knotmeter.core.cues import HARD_CUES, URGENCY, CueSchedule
from knotmeter.core.events import Cue, HoldCompleted
from knotmeter.session import Session, SessionEvent

RATE_HZ = 22_050
PLAYER_ENV = "KNOTMETER_AUDIO_PLAYER"
"""A command that plays raw signed 16-bit little-endian mono PCM at ``RATE_HZ`` from stdin."""
PLAYERS: tuple[tuple[str, ...], ...] = (
    ("aplay", "-q", "-t", "raw", "-f", "S16_LE", "-r", str(RATE_HZ), "-c", "1",
     "--buffer-time=60000", "--period-time=10000", "--start-delay=1", "-"),
    ("paplay", "--raw", "--format=s16le", f"--rate={RATE_HZ}", "--channels=1",
     "--latency-msec=20"),
)  # fmt: skip
"""Each starts on the first chunk: aplay would otherwise wait for a full buffer, which
the paced feed never gives it, and play everything that much later."""
NOTES: dict[Cue, tuple[tuple[float, float], ...]] = {
    Cue.TOO_HARD: ((1320.0, 0.09),),  # one short high pip, four a second
    Cue.NO_DATA: ((220.0, 0.16), (0.0, 0.1), (220.0, 0.16)),  # low "boop boop"
    Cue.LONG_HOLD: ((988.0, 0.1), (0.0, 0.03), (740.0, 0.1), (0.0, 0.03), (587.0, 0.16)),
    Cue.BAD_ZERO: ((330.0, 0.07), (494.0, 0.07), (330.0, 0.07), (494.0, 0.07)),  # a warble
    Cue.HOLD_COMPLETE: ((523.0, 0.12), (0.0, 0.03), (784.0, 0.18)),  # rising: done
    Cue.OVER_BAND: ((660.0, 0.12),),
    Cue.IN_BAND: ((440.0, 0.06), (0.0, 0.06), (440.0, 0.06)),
}
"""Each cue as ``(frequency Hz, seconds)`` notes, 0 Hz a rest: higher means harder, a
falling run means "let go". Every cue opens on a pitch of its own."""
AMPLITUDE = 0.3
EDGE_S = 0.005
"""Fade in and out over this long, so a note starts and stops without a click."""
CHUNK_FRAMES = 220
CHUNK_BYTES = 2 * CHUNK_FRAMES
"""10 ms a write: under ``PIPE_BUF``, so a write to the pipe is whole or nothing."""
CHUNK_S = CHUNK_FRAMES / RATE_HZ
LEAD_S = 2 * CHUNK_S
"""Sound on its way to the speaker is kept under this: what a more urgent cue waits behind."""
RANK = {cue: rank for rank, cue in enumerate(URGENCY)}
CLOSE_S = 2.0
"""On close, the clip in progress (and one waiting) may play out for this long."""
BACKOFF_S = (0.1, 0.5, 1.0, 2.0, 4.0)
"""Waits before each restart of a player that died young; past the last, sound is off.
A cue lost to a restart costs at most a repeat (the too-hard cue comes every 0.25 s)."""
STABLE_S = 10.0
"""A player that ran this long before dying starts the backoff afresh."""
BLOCKED_S = 2.0
"""A player that takes nothing for this long (a pipe's worth behind) is hung: restarted."""
SOUND_OFF = "SOUND OFF: the player stopped"


@cache
def clip(cue: Cue) -> bytes:
    """The cue's notes as raw PCM (signed 16-bit little-endian, mono, ``RATE_HZ``), then
    silence up to a whole chunk, so a player never holds back a torn tail."""
    parts = []
    for freq, seconds in NOTES[cue]:
        t = np.arange(round(seconds * RATE_HZ)) / RATE_HZ
        note = np.sin(2 * np.pi * freq * t) * AMPLITUDE
        edge = min(round(EDGE_S * RATE_HZ), t.size // 2)
        ramp = np.linspace(0.0, 1.0, edge)
        note[:edge] *= ramp
        note[t.size - edge :] *= ramp[::-1]
        parts.append(note)
    pcm = np.concatenate(parts)
    pcm = np.pad(pcm, (0, -pcm.size % CHUNK_FRAMES))
    return (pcm * 32767).astype("<i2").tobytes()


def player_command() -> list[str] | None:
    """``$KNOTMETER_AUDIO_PLAYER``, else the first of aplay and paplay installed."""
    if override := os.environ.get(PLAYER_ENV):
        return shlex.split(override)
    for command in PLAYERS:
        if shutil.which(command[0]):
            return list(command)
    return None


class Speaker:
    """One player process, fed one clip at a time in real-time chunks by a thread.

    Open it with :meth:`open`. :meth:`play` returns at once: a cue at least as urgent
    as the clip playing (``core/cues.URGENCY``) cuts it short and starts now; a less
    urgent one waits for it to end (the newest waiting one wins).

    Attributes:
        dropped: cues lost because the player was gone, or too far behind to catch up.
    """

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        command: Sequence[str] | None = None,
        *,
        backoff_s: Sequence[float] = BACKOFF_S,
    ) -> None:
        self._command = None if command is None else list(command)
        self._backoff_s = tuple(backoff_s)
        self._take(process)
        self.dropped = 0
        self.restarts = 0
        self.off_at: float | None = None
        """When sound went off for good (``time.time()``), for the exit summary."""
        self._failures = 0  # deaths in a row, each within STABLE_S of its start
        self._dead = False  # the player is gone: restart it before the next chunk
        self._blocked_since: float | None = None
        self._wake = threading.Condition()  # guards everything below
        self._cue: Cue | None = None  # the clip being fed
        self._rest = memoryview(b"")  # its part not fed yet
        self._waiting: Cue | None = None
        self._played_by = 0.0  # when what was fed will have played (time.monotonic)
        self._closing = False
        self._gone = False
        self._feeder = threading.Thread(target=self._feed, name="knotmeter-speaker", daemon=True)
        self._feeder.start()

    @classmethod
    def open(
        cls, command: Sequence[str] | None = None, *, backoff_s: Sequence[float] = BACKOFF_S
    ) -> Self | None:
        """Start the player; ``None`` when there is none (the caller says sound is off)."""
        command = command if command is not None else player_command()
        if command is None:
            return None
        process = _spawn(command)
        return None if process is None else cls(process, command, backoff_s=backoff_s)

    @property
    def off_note(self) -> str | None:
        """:data:`SOUND_OFF` once the player is given up; ``None`` while sound works."""
        return None if self.off_at is None else SOUND_OFF

    def play(self, cue: Cue) -> bool:
        """Start (or queue) ``cue``'s clip; ``False`` (and counted) once sound is off for
        good. A player found gone is restarted first (by the feeder, after its backoff)."""
        with self._wake:
            if self._gone or self._closing or self.off_at is not None:
                self.dropped += 1
                return False
            if not self._dead and self._process.poll() is not None:
                self._died()  # it left while there was nothing to play
            if self._cue is None or RANK[cue] <= RANK[self._cue]:
                self._start(cue)
            else:
                self._waiting = cue
            self._wake.notify()
        return True

    def close(self) -> None:
        """Let the clip in progress play out, briefly; then stop the player."""
        with self._wake:
            self._closing = True
            self._wake.notify()
        self._feeder.join(CLOSE_S)
        with self._wake:  # the feeder writes only holding this: none after it is gone
            self._gone = True
            self._wake.notify()
        with contextlib.suppress(OSError):
            self._stdin.close()
        try:
            self._process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def _take(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdin is not None
        self._process = process
        self._stdin = process.stdin
        self._fd = process.stdin.fileno()
        os.set_blocking(self._fd, False)
        self._started_at = time.monotonic()

    def _died(self) -> None:
        """The player exited, errored or hung: the feeder restarts it before the next chunk."""
        self._dead = True
        self._blocked_since = None
        if time.monotonic() - self._started_at >= STABLE_S:
            self._failures = 0
        self._wake.notify()

    def _revive(self) -> bool:
        """Start the player again after its backoff (the lock is let go meanwhile);
        ``False`` when there is nothing more to do: closing, or sound off for good."""
        if self._command is None or self._failures >= len(self._backoff_s):
            self.off_at = time.time()
            self._rest, self._waiting = memoryview(b""), None
            return False
        deadline = time.monotonic() + self._backoff_s[self._failures]
        self._failures += 1
        while not self._closing and (left := deadline - time.monotonic()) > 0:
            self._wake.wait(left)
        if self._closing:
            return False
        old, command = self._process, self._command
        self._wake.release()
        try:
            _stop(old)
            process = _spawn(command)
        finally:
            self._wake.acquire()
        if process is not None:
            self._take(process)
            self._dead = False
            self.restarts += 1
        return True

    def _start(self, cue: Cue | None) -> None:
        self._cue = cue
        self._rest = memoryview(b"" if cue is None else clip(cue))

    def _feed(self) -> None:
        """The feeder thread: a chunk whenever less than ``LEAD_S`` is left to play;
        asleep on the condition, with no timer, while there is nothing to play."""
        with self._wake:
            while not self._gone:
                if self._dead:
                    if not self._revive():
                        return
                    continue
                if not self._rest:
                    self._start(self._waiting)
                    self._waiting = None
                    if self._cue is None:
                        if self._closing:
                            return
                        self._wake.wait()
                    continue
                now = time.monotonic()
                early_s = self._played_by - now - (LEAD_S - CHUNK_S)
                if early_s > 0:
                    self._wake.wait(early_s)
                    continue
                chunk, self._rest = self._rest[:CHUNK_BYTES], self._rest[CHUNK_BYTES:]
                self._write(chunk, now)

    def _write(self, chunk: memoryview, now: float) -> None:
        """One chunk into the pipe; never blocks (``_wake`` is held)."""
        try:
            os.write(self._fd, chunk)
        except BlockingIOError:  # a pipe's worth (over a second) behind: lose this clip
            self.dropped += 1
            self._rest = memoryview(b"")
            if self._blocked_since is None:
                self._blocked_since = now
            elif now - self._blocked_since >= BLOCKED_S:  # hung: start it again
                self._died()
        except OSError:  # the player is gone: this clip goes on once it is back
            self._rest = memoryview(bytes(chunk) + bytes(self._rest))
            self._died()
        else:
            self._blocked_since = None
            self._played_by = max(self._played_by, now) + CHUNK_S


def _spawn(command: Sequence[str]) -> subprocess.Popen[bytes] | None:
    try:
        return subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    except OSError:
        return None


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End a player that is gone or hung, without waiting on it."""
    if process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.close()
    if process.poll() is None:
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=1.0)


class CuePlayer(Protocol):
    """Anything that plays cues: the :class:`Speaker`, or the live page's server, which
    hands each cue to the phones to play by WebAudio."""

    def play(self, cue: Cue) -> bool: ...


def follow(
    session: Session, speaker: CuePlayer, *, bell: Callable[[], None] | None = None
) -> Callable[[], None]:
    """Play ``session``'s cues on ``speaker`` as the session judges (each batch, and each
    look at a silence); returns the function that stops. No timer of its own.

    Once sound is off for good, each hard cue rings ``bell`` (the terminal bell) instead,
    and the session tells its screens so (:meth:`Session.report_sound`).
    """
    schedule = CueSchedule()
    if isinstance(speaker, Speaker):  # the page's player has no sound of its own to lose
        session.report_sound(lambda: speaker.off_note)
    completed = False

    def on_event(event: SessionEvent) -> None:
        nonlocal completed
        completed = completed or isinstance(event, HoldCompleted)

    def on_state() -> None:
        nonlocal completed
        cue = schedule.update(session.state, session.now, hold_completed=completed)
        completed = False
        if cue is not None and not speaker.play(cue) and cue in HARD_CUES and bell is not None:
            bell()

    unsubscribe = session.subscribe(on_event)
    unwatch = session.watch(on_state)

    def stop() -> None:
        unsubscribe()
        unwatch()

    return stop
