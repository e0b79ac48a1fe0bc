"""Cues by ear: the clips, a real player process on a pipe, and every hard state heard
from a real session.

The "player" is a real child process (``recording_player.py``) that reads the pipe
no faster than a sound card plays and records what came when; only the card is
missing here. Waits are on what the player has recorded, with a deadline.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest

from firmware_host.source import LinkChanged, LinkState
from knotmeter import sound
from knotmeter.core.alarms import ALARM_TABLE
from knotmeter.core.config import PipelineConfig
from knotmeter.core.cues import HARD_CUES, REPEAT_S
from knotmeter.core.events import AlarmKind, Cue
from knotmeter.core.samples import SampleBatch
from knotmeter.session import Session
from knotmeter.sound import (
    CHUNK_BYTES,
    CHUNK_S,
    LEAD_S,
    NOTES,
    PLAYER_ENV,
    RATE_HZ,
    SOUND_OFF,
    Speaker,
    clip,
    follow,
    player_command,
)
from tests.screened import none_apply
from tests.session.recording_player import Heard, heard, reads
from tests.session.test_session import HandSource, ManualClock, Running, samples

PLAYER = Path(__file__).with_name("recording_player.py")
OPENINGS = {cue: clip(cue)[:CHUNK_BYTES] for cue in Cue}
DEADLINE_S = 5.0
REGION = "upper-trapezius"  # band 40-65 N, ceiling 110 N


def stream(out: Path) -> bytes:
    return b"".join(data for _, data in reads(out))


def clip_s(cue: Cue) -> float:
    return len(clip(cue)) / (2 * RATE_HZ)


async def wait_heard(out: Path, cue: Cue, times: int = 1) -> list[Heard[Cue]]:
    """Everything the player heard, once it has heard ``cue`` ``times`` times."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        found = heard(out, OPENINGS)
        if sum(h.key is cue for h in found) >= times:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{cue} not heard {times}x in {DEADLINE_S} s: {found}")
        await asyncio.sleep(0.002)


@pytest.fixture
def played(tmp_path: Path) -> Path:
    return tmp_path / "played.raw"


class NotingSpeaker(Speaker):
    """Notes when each cue was asked for."""

    asked: list[tuple[float, Cue]]

    def play(self, cue: Cue) -> bool:
        self.asked.append((time.monotonic(), cue))
        return super().play(cue)

    def fed_at_most_s(self, cut: Cue, by: Cue) -> float:
        """How much of ``cut`` the feeder may have written before ``by`` was asked for:
        ``LEAD_S`` at once, then real time, and a chunk due right then."""
        first = next(t for t, cue in self.asked if cue is cut)
        then = next(t for t, cue in self.asked if cue is by and t >= first)
        return then - first + LEAD_S + CHUNK_S


@pytest.fixture
async def speaker(played: Path) -> AsyncIterator[NotingSpeaker]:
    speaker = NotingSpeaker.open([sys.executable, str(PLAYER), str(played)])
    assert speaker is not None
    speaker.asked = []
    yield speaker
    speaker.close()


def fed_s(cut: Heard[Cue], by: Heard[Cue]) -> float:
    """Sound the player got of ``cut`` before ``by`` started."""
    return (by.offset - cut.offset) / (2 * RATE_HZ)


@pytest.mark.parametrize("cue", list(Cue))
def test_each_clip_is_its_notes_at_their_pitch(cue: Cue) -> None:
    pcm = np.frombuffer(clip(cue), dtype="<i2").astype(np.float64)
    notes = NOTES[cue]
    sound = sum(round(seconds * RATE_HZ) for _, seconds in notes)
    assert pcm.size * 2 % CHUNK_BYTES == 0, "whole chunks"
    assert 0 <= pcm.size - sound < CHUNK_BYTES // 2, "the notes, then silence to the chunk's end"
    assert np.abs(pcm).max() < 32767 * 0.31
    assert pcm[0] == pcm[-1] == 0.0, "notes fade in and out: no click"
    freq, seconds = notes[0]
    first = pcm[: round(seconds * RATE_HZ)]
    spectrum = np.abs(np.fft.rfft(first))
    peak_hz = np.argmax(spectrum) * RATE_HZ / first.size
    assert peak_hz == pytest.approx(freq, abs=RATE_HZ / first.size)


def test_every_cue_sounds_its_own_way_and_ends_before_it_repeats() -> None:
    openings = [NOTES[cue][0][0] for cue in Cue]
    assert len(set(openings)) == len(openings), "each cue opens on a pitch of its own"
    assert NOTES[Cue.TOO_HARD][0][0] == max(openings), "too hard: the highest"
    low, rest, again = NOTES[Cue.NO_DATA]
    assert low == again, "no data: a double tone"
    assert low[0] == min(openings) < 300, "and the lowest"
    assert rest[0] == 0.0
    for cue, period in REPEAT_S.items():
        assert clip_s(cue) < period


async def test_a_less_urgent_cue_waits_for_the_clip_playing(
    speaker: NotingSpeaker, played: Path
) -> None:
    assert speaker.play(Cue.TOO_HARD)
    assert speaker.play(Cue.HOLD_COMPLETE)
    assert speaker.play(Cue.IN_BAND)  # the newest waiting cue wins
    (first, _), *_, (last, _) = speaker.asked
    assert last - first < clip_s(Cue.TOO_HARD) - LEAD_S, "asked while too hard still played"
    speaker.close()
    assert stream(played).endswith(clip(Cue.TOO_HARD) + clip(Cue.IN_BAND))
    assert [h.key for h in heard(played, OPENINGS)] == [Cue.TOO_HARD, Cue.IN_BAND]


async def test_a_more_urgent_cue_cuts_the_clip_short(speaker: NotingSpeaker, played: Path) -> None:
    assert speaker.play(Cue.IN_BAND)
    await wait_heard(played, Cue.IN_BAND)  # it plays
    assert speaker.play(Cue.TOO_HARD)
    in_band, too_hard = await wait_heard(played, Cue.TOO_HARD)
    assert fed_s(in_band, too_hard) <= speaker.fed_at_most_s(Cue.IN_BAND, Cue.TOO_HARD)
    speaker.close()
    assert stream(played).endswith(clip(Cue.TOO_HARD))


def test_a_player_that_cannot_start_again_turns_sound_off_with_a_note() -> None:
    """A player that is gone and fails every restart: after the backoff sound is off for
    good, the note says so, and every later cue is dropped (the caller rings the bell)."""
    speaker = Speaker.open([sys.executable, "-c", "pass"], backoff_s=(0.01, 0.02))
    assert speaker is not None
    speaker._process.wait()  # it read nothing and left
    assert speaker.play(Cue.TOO_HARD)  # noticed here: restarted (and dies again)
    deadline = time.monotonic() + DEADLINE_S
    while speaker.off_note is None:
        assert time.monotonic() < deadline, "the dying player was never given up"
        speaker.play(Cue.TOO_HARD)
        time.sleep(0.01)
    assert speaker.off_note == SOUND_OFF
    assert speaker.off_at is not None
    assert speaker.restarts >= 1
    assert not speaker.play(Cue.TOO_HARD)
    assert speaker.dropped >= 1
    speaker.close()


async def test_a_player_that_dies_mid_clip_is_started_again(tmp_path: Path) -> None:
    """The first player takes one chunk and leaves; the next one is the recording card:
    the clip that was cut goes on there, and later cues are heard."""
    played = tmp_path / "played.raw"
    script = tmp_path / "player.sh"
    first = tmp_path / "first-done"
    script.write_text(
        f"if [ -e {first} ]; then exec {sys.executable} {PLAYER} {played}; fi\n"
        f"touch {first}; head -c {CHUNK_BYTES} >/dev/null\n"
    )
    speaker = Speaker.open(["sh", str(script)], backoff_s=(0.01,))
    assert speaker is not None
    assert speaker.play(Cue.NO_DATA)
    deadline = time.monotonic() + DEADLINE_S
    while speaker.restarts < 1:
        assert time.monotonic() < deadline, "the dead player was never restarted"
        await asyncio.sleep(0.01)
    assert speaker.play(Cue.TOO_HARD)
    await wait_heard(played, Cue.TOO_HARD)
    assert speaker.off_note is None
    speaker.close()
    assert not speaker._feeder.is_alive()


def test_a_hung_player_is_started_again(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A player that reads nothing (a pipe's worth behind for BLOCKED_S) is killed and
    started again."""
    monkeypatch.setattr(sound, "BLOCKED_S", 0.2)
    speaker = Speaker.open([sys.executable, "-c", "import time; time.sleep(60)"], backoff_s=(0.01,))
    assert speaker is not None
    hung = speaker._process
    deadline = time.monotonic() + DEADLINE_S
    while speaker.restarts < 1:
        assert time.monotonic() < deadline, "the hung player was never restarted"
        speaker.play(Cue.LONG_HOLD)
        time.sleep(0.05)
    assert hung.poll() is not None  # killed
    speaker.close()


def test_no_player_means_no_speaker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert Speaker.open([str(tmp_path / "no-such-player")]) is None
    monkeypatch.setenv(PLAYER_ENV, "my-player --raw")
    assert player_command() == ["my-player", "--raw"]


class Followed:
    """A session followed by a speaker, on a hand-pushed source and a manual clock."""

    def __init__(self, speaker: Speaker, *, config: PipelineConfig | None = None) -> None:
        self.source = HandSource()
        self.clock = ManualClock()
        session = Session(
            self.source,
            config or PipelineConfig.for_region(REGION),
            clock=self.clock,
            screening=none_apply(),
        )
        follow(session, speaker)
        self.running = Running(session)


@pytest.fixture
async def rig(speaker: Speaker) -> AsyncIterator[Followed]:
    rig = Followed(speaker)
    rig.source.push(LinkChanged(0.0, LinkState.LIVE), samples(0.0, 1.0, 52.0))  # in band
    yield rig
    await rig.running.stop()


def saturated(batch: SampleBatch) -> SampleBatch:
    return SampleBatch(t=batch.t, force_n=batch.force_n, saturated=True)


@pytest.mark.parametrize(
    ("hard", "kind"),
    [
        pytest.param([samples(1.0, 1.5, 125.0)], AlarmKind.OVER_CEILING, id="over-the-ceiling"),
        pytest.param(
            [saturated(samples(1.0, 1.5, 60.0))], AlarmKind.SATURATION, id="saturated-in-band"
        ),
        pytest.param(
            [samples(1.0 + k, 2.0 + k, 52.0) for k in range(120)],
            AlarmKind.LONG_HOLD,
            id="two-minutes-in-band",
        ),
        pytest.param([samples(1.0, 4.0, -20.0)], AlarmKind.BAD_ZERO, id="reading-below-zero"),
    ],
)
async def test_each_hard_state_is_heard_as_its_cue(
    rig: Followed, played: Path, hard: list[SampleBatch], kind: AlarmKind
) -> None:
    await wait_heard(played, Cue.IN_BAND)
    rig.source.push(*hard)
    await rig.source.drained()
    assert kind in rig.running.session.state.alarms
    cue = ALARM_TABLE[kind].cue
    found = await wait_heard(played, cue)
    since = next(h.t for h in found if h.key is cue)
    assert not [h for h in found if h.t >= since and h.key not in HARD_CUES], (
        "nothing soft is heard over a hard state"
    )


async def test_a_link_down_is_heard_at_once_and_every_two_seconds(
    rig: Followed, played: Path
) -> None:
    await wait_heard(played, Cue.IN_BAND)
    rig.source.push(LinkChanged(1.0, LinkState.NO_DATA))
    await wait_heard(played, Cue.NO_DATA)  # at once: the clock has not moved
    for times in (2, 3):
        rig.clock.now += REPEAT_S[Cue.NO_DATA] + 0.05  # the watchdog finds the silence
        await wait_heard(played, Cue.NO_DATA, times)


async def test_a_silent_tool_is_heard_without_any_link_event(rig: Followed, played: Path) -> None:
    await wait_heard(played, Cue.IN_BAND)
    await rig.source.drained()
    rig.clock.now += 2.0  # past 1.5 of the rig's 1 s batches: the source's own rhythm
    await wait_heard(played, Cue.NO_DATA)


async def test_too_hard_cuts_the_in_band_cue_short(
    rig: Followed, speaker: NotingSpeaker, played: Path
) -> None:
    """The too-hard clip waits behind no more of the in-band clip than the time since
    it started and ``LEAD_S``: a press over the ceiling mid-clip cuts it short."""
    await wait_heard(played, Cue.IN_BAND)  # it plays
    rig.source.push(samples(1.0, 1.5, 125.0))
    in_band, too_hard, *_ = await wait_heard(played, Cue.TOO_HARD)
    assert too_hard.key is Cue.TOO_HARD
    assert fed_s(in_band, too_hard) <= speaker.fed_at_most_s(Cue.IN_BAND, Cue.TOO_HARD)


async def test_hard_cues_ring_the_bell_once_sound_is_off() -> None:
    speaker = Speaker.open([sys.executable, "-c", "pass"], backoff_s=())
    assert speaker is not None
    speaker._process.wait()
    speaker.play(Cue.IN_BAND)  # found gone, and with no restart left: sound off
    deadline = time.monotonic() + DEADLINE_S
    while speaker.off_note is None:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.01)
    bells: list[None] = []
    source, clock = HandSource(), ManualClock()
    session = Session(
        source, PipelineConfig.for_region(REGION), clock=clock, screening=none_apply()
    )
    follow(session, speaker, bell=lambda: bells.append(None))
    running = Running(session)
    assert session.sound_note == SOUND_OFF
    source.push(LinkChanged(0.0, LinkState.LIVE), samples(0.0, 1.0, 52.0))
    await source.drained()
    assert not bells  # the in-band cue is no alarm
    source.push(samples(1.0, 1.5, 125.0))
    await source.drained()
    assert bells
    await running.stop()
    speaker.close()
