"""A hostile but CRC-valid tool: duplicated, reordered, oversized frames, period 0, glitches.

Every sample a simulated stream carries is numbered by its value (the sample's
index in the tool's stream), so what comes out of decoder and timeline can be
checked sample by sample: nothing emitted twice, nothing out of order, times
strictly increasing and true to the tool's clock, lost samples counted exactly
(a loss right after a glitched sequence number: within ``CLOCK_TOLERANCE`` of
it), and the same output whatever way the bytes were cut.

``test_fuzzed_hostile_streams`` runs ``FUZZ_SHARDS`` x ``STREAMS_PER_SHARD``
(100 000) generated streams; it is marked slow (CI runs it).
"""

from __future__ import annotations

import itertools
import random
import struct
from dataclasses import dataclass

import numpy as np
import pytest
from cobs import cobs

from firmware_host.protocol.framing import DELIMITER, StreamDecoder, encode_frame
from firmware_host.protocol.messages import MsgType, SampleFrame, crc16
from firmware_host.protocol.timeline import CLOCK_TOLERANCE, FrameTimeline
from knotmeter.core.samples import SampleBatch

PERIOD = 12_500
RESOLUTION_N = 0.001
FUZZ_SHARDS = 10
STREAMS_PER_SHARD = 10_000


def raw_frame(frame: SampleFrame) -> bytes:
    """Encode ``frame`` as a hostile tool would: no size or range checks, valid CRC."""
    body = struct.pack(
        "<HI3sHB",
        frame.seq % 65536,
        frame.device_us % 2**32,
        frame.period_us.to_bytes(3, "little"),
        round(frame.resolution_n * 1e6),
        frame.flags,
    ) + b"".join(v.to_bytes(3, "little", signed=True) for v in frame.values)
    head = bytes((1, MsgType.SAMPLE)) + body
    payload = head + crc16(head).to_bytes(2, "little")
    encoded: bytes = cobs.encode(payload)
    return DELIMITER + encoded + DELIMITER


def tool_frames(first: int, sizes: list[int], seq0: int, us0: int) -> list[SampleFrame]:
    """Consecutive frames of a well-behaved tool; sample ``k``'s value is ``first + k``."""
    frames, k = [], 0
    for n in sizes:
        values = tuple(range(first + k, first + k + n))
        frames.append(SampleFrame(seq0 + k, us0 + k * PERIOD, PERIOD, RESOLUTION_N, values))
        k += n
    return frames


@dataclass
class Output:
    batches: list[SampleBatch]
    lost: int
    stale: int
    bad_frames: int

    @property
    def values(self) -> list[int]:
        if not self.batches:
            return []
        force = np.concatenate([b.force_n for b in self.batches])
        return np.rint(force / RESOLUTION_N).astype(int).tolist()  # type: ignore[no-any-return]

    @property
    def times(self) -> np.ndarray:
        return np.concatenate([b.t for b in self.batches]) if self.batches else np.zeros(0)


def receive(data: bytes, cuts: list[int]) -> Output:
    """Decode ``data`` cut at ``cuts`` and place every frame on one timeline."""
    decoder, timeline = StreamDecoder(), FrameTimeline()
    batches: list[SampleBatch] = []
    start = 0
    for cut in [*sorted(cuts), len(data)]:
        for msg in decoder.feed(data[start:cut]):
            assert isinstance(msg, SampleFrame)
            batch = timeline.add(msg, host_t=0.0)
            if batch is not None:
                batches.append(batch)
        start = cut
    return Output(batches, timeline.lost, timeline.stats.stale, decoder.stats.bad_frames)


def hostile_stream(rng: random.Random) -> tuple[bytes, int, int]:
    """A tool's stream with duplicated, swapped, dropped, merged-oversized, period-0 and
    glitched-seq frames; returns the bytes and how many frames were oversized and glitched."""
    size = rng.choice([1, 1, 4, 16, 38, 76])
    sizes = [size] * rng.randint(3, 24)
    frames = tool_frames(
        rng.randrange(1000), sizes, rng.randrange(65536), rng.randrange(2**32)
    )  # seq and clock wrap somewhere in many streams
    out: list[bytes] = []
    oversized = glitches = 0
    i = 0
    while i < len(frames):
        frame = frames[i]
        roll = rng.random()
        if roll < 0.08 and i + 1 < len(frames):  # swapped with the next frame
            out += [raw_frame(frames[i + 1]), raw_frame(frame)]
            i += 2
            continue
        if roll < 0.14:  # duplicated, right away or a little later
            out.append(raw_frame(frame))
            out.insert(len(out) - rng.randint(0, min(2, len(out) - 1)), raw_frame(frame))
        elif roll < 0.18:  # dropped on the way
            pass
        elif (
            roll < 0.22
            and i + 1 < len(frames)
            and len(frame.values) + len(frames[i + 1].values) > 76
        ):
            merged = SampleFrame(
                frame.seq, frame.device_us, PERIOD, RESOLUTION_N,
                frame.values + frames[i + 1].values,
            )  # fmt: skip
            out.append(raw_frame(merged))  # one frame over the protocol's size
            oversized += 1
            i += 2
            continue
        elif roll < 0.28 and i > 0:  # period 0: the last good period stands in
            out.append(
                raw_frame(SampleFrame(frame.seq, frame.device_us, 0, RESOLUTION_N, frame.values))
            )
        elif roll < 0.31 and i > 0:  # a glitched sequence number, clock intact
            glitched = SampleFrame(
                rng.randrange(65536), frame.device_us, PERIOD, RESOLUTION_N, frame.values
            )
            out.append(raw_frame(glitched))
            glitches += 1
        else:
            out.append(raw_frame(frame))
        i += 1
    return b"".join(out), oversized, glitches


def check_stream(seed: int) -> None:
    rng = random.Random(seed)
    data, oversized, glitches = hostile_stream(rng)
    whole = receive(data, [])
    cuts = [rng.randrange(len(data) + 1) for _ in range(rng.randint(1, 12))]
    if rng.random() < 0.05:
        cuts = list(range(len(data)))  # byte by byte
    chunked = receive(data, cuts)
    assert chunked.values == whole.values, "the output must not depend on the chunking"
    assert np.array_equal(chunked.times, whole.times)
    assert (chunked.lost, chunked.stale, chunked.bad_frames) == (
        whole.lost,
        whole.stale,
        whole.bad_frames,
    )
    assert whole.bad_frames == oversized, "oversized frames, and only they, are bad"
    values = whole.values
    if not values:
        return
    assert all(b > a for a, b in itertools.pairwise(values)), "a sample emitted twice or late"
    times = whole.times
    assert np.all(np.diff(times) > 0)
    np.testing.assert_allclose(times - times[0], (np.array(values) - values[0]) * PERIOD / 1e6)
    never_emitted = values[-1] - values[0] + 1 - len(values)
    # Exact, but for a loss next to a glitched number: within the clock's tolerance of it.
    allowed = glitches * (CLOCK_TOLERANCE * never_emitted + 2)
    assert abs(whole.lost - never_emitted) <= allowed, "lost counts the samples never handed out"


def test_a_duplicated_frame_is_dropped_and_counted() -> None:
    frames = tool_frames(0, [4, 4, 4], 0, 0)
    timeline = FrameTimeline()
    out = [timeline.add(f, 0.0) for f in (frames[0], frames[1], frames[1], frames[2])]
    assert out[2] is None
    assert [b.seq0 for b in out if b is not None] == [0, 4, 8]
    assert (timeline.lost, timeline.stats.stale, timeline.stats.stale_frames) == (0, 4, 1)


def test_two_swapped_frames_lose_only_the_overtaken_one() -> None:
    frames = tool_frames(0, [16, 16, 16, 16], 0, 0)
    timeline = FrameTimeline()
    out = [timeline.add(f, 0.0) for f in (frames[0], frames[2], frames[1], frames[3])]
    assert out[2] is None  # overtaken: its place on the timeline is gone
    assert timeline.lost == 16
    assert [b.seq0 for b in out if b is not None] == [0, 32, 48]


def test_one_glitched_sequence_number_costs_nothing() -> None:
    frames = tool_frames(0, [8] * 4, 100, 0)
    glitched = SampleFrame(30_100, frames[1].device_us, PERIOD, RESOLUTION_N, frames[1].values)
    timeline = FrameTimeline()
    out = [timeline.add(f, 0.0) for f in (frames[0], glitched, frames[2], frames[3])]
    assert all(b is not None for b in out)
    assert timeline.lost == 0
    times = np.concatenate([b.t for b in out if b is not None])
    np.testing.assert_allclose(np.diff(times), PERIOD / 1e6)


def test_period_zero_borrows_the_last_period_and_an_untimed_first_frame_is_dropped() -> None:
    timeline = FrameTimeline()
    assert timeline.add(SampleFrame(0, 0, 0, RESOLUTION_N, (1, 2)), 0.0) is None
    assert timeline.stats.untimed == 1
    first = timeline.add(SampleFrame(2, 2 * PERIOD, PERIOD, RESOLUTION_N, (3,)), 0.0)
    zero = timeline.add(SampleFrame(3, 3 * PERIOD, 0, RESOLUTION_N, (4, 5, 6)), 0.0)
    assert first is not None
    assert zero is not None
    np.testing.assert_allclose(zero.t, [0.0125, 0.025, 0.0375])


def test_a_clock_that_stands_still_is_placed_by_order() -> None:
    timeline = FrameTimeline()
    batches = [
        timeline.add(SampleFrame(k, 5000, PERIOD, RESOLUTION_N, (k,)), 0.0) for k in range(5)
    ]
    times = [b.t[0] for b in batches if b is not None]
    np.testing.assert_allclose(np.diff(times), PERIOD / 1e6)
    assert timeline.lost == 0


@pytest.mark.parametrize("chunking", ["whole", "bytewise"])
def test_an_oversized_frame_is_rejected_whatever_the_chunking(chunking: str) -> None:
    big = raw_frame(SampleFrame(0, 0, PERIOD, RESOLUTION_N, tuple(range(77))))
    good = encode_frame(SampleFrame(77, 77 * PERIOD, PERIOD, RESOLUTION_N, (1,)))
    data = big + good
    decoder = StreamDecoder()
    pieces = [data] if chunking == "whole" else [data[i : i + 1] for i in range(len(data))]
    got = [msg for piece in pieces for msg in decoder.feed(piece)]
    assert len(got) == 1
    assert (decoder.stats.bad_frames, decoder.stats.oversized) == (1, 1)


@pytest.mark.parametrize("seed", range(300))
def test_hostile_streams_quick(seed: int) -> None:
    check_stream(seed)


@pytest.mark.slow
@pytest.mark.parametrize("shard", range(FUZZ_SHARDS))
def test_fuzzed_hostile_streams(shard: int) -> None:
    for seed in range(shard * STREAMS_PER_SHARD, (shard + 1) * STREAMS_PER_SHARD):
        check_stream(1_000_000 + seed)
