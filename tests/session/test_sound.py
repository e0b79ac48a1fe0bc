"""Cues by ear: the clips, a real player process on a pipe, and a session's cues in order.

The "player" is a real child process reading the pipe (a copy to a file), as aplay
would; only the sound card is missing here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from firmware_host.source import LinkChanged, LinkState
from knotmeter.core.config import PipelineConfig
from knotmeter.core.events import Cue
from knotmeter.session import Session
from knotmeter.sound import NOTES, PLAYER_ENV, RATE_HZ, Speaker, clip, follow, player_command
from tests.session.test_session import HandSource, ManualClock, Running, samples

COPY = "import shutil, sys; shutil.copyfileobj(sys.stdin.buffer, open(sys.argv[1], 'wb'))"


def recorder(out: Path) -> list[str]:
    return [sys.executable, "-c", COPY, str(out)]


@pytest.mark.parametrize("cue", list(Cue))
def test_each_clip_is_its_notes_at_their_pitch(cue: Cue) -> None:
    pcm = np.frombuffer(clip(cue), dtype="<i2").astype(np.float64)
    notes = NOTES[cue]
    assert pcm.size == sum(round(seconds * RATE_HZ) for _, seconds in notes)
    assert np.abs(pcm).max() < 32767 * 0.31
    assert pcm[0] == 0.0, "notes fade in: no click"
    freq, seconds = notes[0]
    first = pcm[: round(seconds * RATE_HZ)]
    spectrum = np.abs(np.fft.rfft(first))
    peak_hz = np.argmax(spectrum) * RATE_HZ / first.size
    assert peak_hz == pytest.approx(freq, abs=RATE_HZ / first.size)


def test_clips_reach_the_player_whole_and_in_order(tmp_path: Path) -> None:
    out = tmp_path / "played.raw"
    speaker = Speaker.open(recorder(out))
    assert speaker is not None
    for cue in (Cue.IN_BAND, Cue.TOO_HARD, Cue.HOLD_COMPLETE):
        assert speaker.play(cue)
    speaker.close()
    assert out.read_bytes() == clip(Cue.IN_BAND) + clip(Cue.TOO_HARD) + clip(Cue.HOLD_COMPLETE)


def test_a_player_that_died_costs_a_dropped_cue_not_a_crash(tmp_path: Path) -> None:
    speaker = Speaker.open([sys.executable, "-c", "pass"])
    assert speaker is not None
    speaker._process.wait()  # it read nothing and left
    assert not speaker.play(Cue.TOO_HARD)
    assert speaker.dropped == 1
    speaker.close()


def test_no_player_means_no_speaker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert Speaker.open([str(tmp_path / "no-such-player")]) is None
    monkeypatch.setenv(PLAYER_ENV, "my-player --raw")
    assert player_command() == ["my-player", "--raw"]


async def test_a_session_is_heard_in_band_then_too_hard_then_quiet(tmp_path: Path) -> None:
    out = tmp_path / "played.raw"
    speaker = Speaker.open(recorder(out))
    assert speaker is not None
    source = HandSource()
    session = Session(source, PipelineConfig.for_region("upper-trapezius"), clock=ManualClock())
    follow(session, speaker)
    running = Running(session)
    source.push(
        LinkChanged(0.0, LinkState.LIVE),
        samples(0.0, 2.0, 52.0),  # in band
        samples(2.0, 2.5, 125.0),  # over the 110 N ceiling
        samples(2.5, 4.0, 0.0),  # released: nothing to say
    )
    await source.drained()
    await running.stop()
    speaker.close()
    assert out.read_bytes() == clip(Cue.IN_BAND) + clip(Cue.TOO_HARD)
