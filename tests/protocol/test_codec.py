"""Codec round trips and the stream decoder under fuzzing.

The decoder must take any chunking, garbage and mutated frames without an
exception and without losing an intact frame. The fuzz runs
``KNOTMETER_FUZZ_EXAMPLES`` generated streams (10 000 by default, about half a
minute here); for a longer soak run e.g.
``KNOTMETER_FUZZ_EXAMPLES=200000 .venv/bin/pytest tests/protocol/test_codec.py``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmware_host.protocol.framing import MAX_ENCODED, StreamDecoder, encode_frame
from firmware_host.protocol.messages import (
    AckFrame,
    CommandFrame,
    ErrorCode,
    ErrorFrame,
    InfoFrame,
    Message,
    Op,
    SampleFrame,
    StatusFrame,
    decode_payload,
    encode_payload,
)

FUZZ_EXAMPLES = int(os.environ.get("KNOTMETER_FUZZ_EXAMPLES", "10000"))

_texts = st.text(max_size=8)  # 4 bytes per char at most: fits 32
_f32 = st.sampled_from([0.5, 1.0, 50_000.0, -1.25, 2.0**-20])

messages: st.SearchStrategy[Message] = st.one_of(
    st.builds(
        SampleFrame,
        seq=st.integers(0, 0xFFFF),
        device_us=st.integers(0, 0xFFFFFFFF),
        period_us=st.integers(0, 0xFFFFFF),
        resolution_n=st.integers(1, 0xFFFF).map(lambda u: u / 1_000_000),
        values=st.lists(st.integers(-(1 << 23), (1 << 23) - 1), max_size=76).map(tuple),
        flags=st.integers(0, 255),
    ),
    st.builds(
        InfoFrame,
        firmware=_texts,
        serial_number=_texts,
        adc=_texts,
        rate_hz=st.integers(0, 10**6).map(lambda m: m / 1000),
        counts_per_n=_f32,
        offset_counts=st.integers(-(1 << 31), (1 << 31) - 1),
    ),
    st.builds(StatusFrame, st.integers(0, 0xFFFF), st.booleans(), st.booleans()),
    st.builds(AckFrame, st.integers(0, 255), st.sampled_from(Op)),
    st.builds(
        ErrorFrame, st.integers(0, 255), st.sampled_from(Op), st.sampled_from(ErrorCode), _texts
    ),
    st.builds(
        CommandFrame,
        st.sampled_from(Op),
        st.integers(0, 255),
        st.integers(0, 0xFFFFFFFF).map(lambda m: m / 1000),
    ),
)


@given(messages)
def test_every_message_survives_a_round_trip(msg: Message) -> None:
    assert decode_payload(encode_payload(msg)) == msg


_garbage = st.binary(min_size=1, max_size=300)


@st.composite
def _mutated(draw: st.DrawFn) -> bytes:
    """A valid frame with its body damaged: a flipped bit, a cut, or bytes spliced in."""
    frame = bytearray(encode_frame(draw(messages)))
    how = draw(st.sampled_from(["flip", "cut", "splice"]))
    if how == "flip":
        index = draw(st.integers(1, len(frame) - 2))
        frame[index] ^= 1 << draw(st.integers(0, 7))
    elif how == "cut":
        frame = frame[: draw(st.integers(1, len(frame) - 1))]
    else:
        index = draw(st.integers(1, len(frame) - 1))
        frame[index:index] = draw(st.binary(min_size=1, max_size=8).filter(lambda b: 0 not in b))
    return bytes(frame)


_piece = st.one_of(
    messages.map(lambda m: ("good", m)),
    _garbage.map(lambda b: ("junk", b)),
    _mutated().map(lambda b: ("junk", b)),
)


def _stream(pieces: list[tuple[str, object]]) -> tuple[bytes, list[Message]]:
    data = bytearray()
    good: list[Message] = []
    for kind, item in pieces:
        if kind == "good":
            assert not isinstance(item, bytes)
            data += encode_frame(item)  # type: ignore[arg-type]
            good.append(item)  # type: ignore[arg-type]
        else:
            assert isinstance(item, bytes)
            data += item
    return bytes(data), good


def _is_subsequence(small: list[Message], big: list[Message]) -> bool:
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


@pytest.mark.slow
@settings(max_examples=FUZZ_EXAMPLES, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(_piece, max_size=12), cuts=st.lists(st.integers(0, 4000), max_size=8))
def test_fuzzed_streams_never_raise_and_keep_every_intact_frame(
    pieces: list[tuple[str, object]], cuts: list[int]
) -> None:
    data, good = _stream(pieces)
    whole = StreamDecoder()
    at_once = whole.feed(data)
    chunked = StreamDecoder()
    out: list[Message] = []
    start = 0
    for cut in sorted(c % (len(data) + 1) for c in cuts):
        out += chunked.feed(data[start:cut])
        start = cut
    out += chunked.feed(data[start:])
    assert out == at_once, "the result must not depend on how the stream was cut"
    assert chunked.stats == whole.stats
    assert _is_subsequence(good, out), "an intact frame was lost"
    assert whole.stats.frames == len(at_once)


def test_garbage_then_a_frame_recovers_the_frame_and_counts_the_garbage() -> None:
    frame = SampleFrame(5, 100, 12500, 0.001, (1, 2, 3))
    decoder = StreamDecoder()
    assert decoder.feed(encode_frame(frame)) == [frame]
    assert decoder.feed(b"\x13\x37\x00\xff\xfe" + encode_frame(frame)) == [frame]
    assert decoder.stats.bad_frames == 2
    assert decoder.stats.frames == 2


def test_joining_mid_frame_is_a_resync_not_a_bad_frame() -> None:
    frame = encode_frame(SampleFrame(5, 100, 12500, 0.001, (1, 2, 3)))
    decoder = StreamDecoder()
    assert decoder.feed(frame[5:] + frame) == [SampleFrame(5, 100, 12500, 0.001, (1, 2, 3))]
    assert (decoder.stats.resyncs, decoder.stats.bad_frames) == (1, 0)


def test_an_endless_run_without_delimiter_is_dropped_and_memory_stays_bounded() -> None:
    decoder = StreamDecoder()
    for _ in range(100):
        assert decoder.feed(b"\x01" * 1000) == []
    assert len(decoder._buf) <= MAX_ENCODED + 1000
    frame = SampleFrame(1, 2, 3, 0.001, (4,))
    assert decoder.feed(encode_frame(frame)) == [frame]
    assert (decoder.stats.resyncs, decoder.stats.bad_frames) == (1, 0)  # joined mid-run: once
