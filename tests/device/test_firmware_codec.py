"""The firmware's codec (knotproto.py) against the golden vectors and the host's codec."""

from __future__ import annotations

import binascii
import itertools
import json
from pathlib import Path
from typing import Any

import knotproto
import pytest
from cobs import cobs
from hypothesis import given
from hypothesis import strategies as st

from firmware_host.protocol.framing import StreamDecoder, encode_frame
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
)
from tests.device.firmware_session import vector_payload

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parents[2] / "device" / "vectors" / "payloads.json").read_text()
)
SENT_BY_TOOL = [v for v in VECTORS["valid"] if v["type"] != "command"]
COMMANDS = [v for v in VECTORS["valid"] if v["type"] == "command"]

i24 = st.integers(-(1 << 23), (1 << 23) - 1)
text = st.text(max_size=8)  # up to 32 bytes of UTF-8


def host_reads(data: bytes) -> list[Message]:
    decoder = StreamDecoder()
    messages = decoder.feed(data)
    assert decoder.stats.bad_frames == 0, decoder.stats.last_error
    return messages


def test_crc_check_value_matches_the_spec() -> None:
    crc = VECTORS["crc"]
    assert knotproto.crc16(crc["input_ascii"].encode()) == int(crc["check_hex"], 16)


@given(st.binary(max_size=300))
def test_crc_matches_the_hosts_crc_hqx(data: bytes) -> None:
    assert knotproto.crc16(data) == binascii.crc_hqx(data, 0xFFFF)


@pytest.mark.parametrize("vector", SENT_BY_TOOL, ids=lambda v: v["name"])
def test_the_tool_sends_every_golden_vector_byte_for_byte(vector: dict[str, Any]) -> None:
    payload = vector_payload(vector["type"], vector["fields"])
    assert payload.hex() == vector["payload_hex"]
    assert knotproto.frame(payload).hex() == vector["frame_hex"]


@pytest.mark.parametrize("vector", COMMANDS, ids=lambda v: v["name"])
def test_the_tool_decodes_every_golden_command(vector: dict[str, Any]) -> None:
    f = vector["fields"]
    expected = (f["request_id"], Op[f["op"]], round(f["value"] * 1000))
    assert knotproto.decode_command(bytes.fromhex(vector["payload_hex"])) == expected
    splitter = knotproto.CommandSplitter()
    assert splitter.feed(bytes.fromhex(vector["frame_hex"])) == [expected]


def test_the_splitter_drops_and_counts_every_invalid_vector_and_keeps_going() -> None:
    splitter = knotproto.CommandSplitter()
    for vector in VECTORS["invalid"]:
        payload = bytes.fromhex(vector["payload_hex"])
        reason = vector["error"]
        if reason in ("SAMPLE", "STATUS"):
            reason = "not a command"  # the tool checks the type before any body
        with pytest.raises(ValueError, match=reason):
            knotproto.decode_command(payload)
        assert splitter.feed(knotproto.frame(payload)) == []
    assert splitter.bad_frames == len(VECTORS["invalid"])
    good = bytes.fromhex(COMMANDS[0]["frame_hex"])
    assert len(splitter.feed(good)) == 1


def test_the_splitter_counts_frames_meant_for_the_host_as_bad() -> None:
    splitter = knotproto.CommandSplitter()
    stream = b"".join(bytes.fromhex(v["frame_hex"]) for v in SENT_BY_TOOL)
    assert splitter.feed(stream) == []
    assert splitter.bad_frames == len(SENT_BY_TOOL)


def test_noise_and_overlong_runs_cost_only_themselves() -> None:
    splitter = knotproto.CommandSplitter()
    tare = bytes.fromhex(COMMANDS[0]["frame_hex"])
    assert splitter.feed(b"\x13\x37 joined mid-frame" + tare) == [(1, Op.TARE, 0)]
    assert splitter.resyncs == 1
    assert splitter.feed(b"\x01" * 600) == []  # a run no valid frame is that long
    assert splitter.feed(tare) == [(1, Op.TARE, 0)]
    assert splitter.resyncs == 2
    assert splitter.bad_frames == 0
    assert splitter.feed(tare[:-1] + b"\x00\x00") == [(1, Op.TARE, 0)]  # empty frames ignored


@given(st.binary(max_size=700))
def test_cobs_writes_the_hosts_bytes_and_round_trips(data: bytes) -> None:
    encoded = knotproto.cobs_encode(data)
    assert encoded == cobs.encode(data)
    assert knotproto.cobs_decode(encoded) == data


@given(st.binary(max_size=300).map(lambda b: b.replace(b"\x00", b"\x01")))
def test_cobs_decode_agrees_with_the_host_on_any_run(run: bytes) -> None:
    try:
        expected: bytes | None = cobs.decode(run)
    except cobs.DecodeError:
        expected = None
    try:
        got: bytes | None = knotproto.cobs_decode(run)
    except ValueError:
        got = None
    assert got == expected


@given(
    seq=st.integers(0, 0xFFFF),
    device_us=st.integers(0, 0xFFFFFFFF),
    period_us=st.integers(1, 0xFFFFFF),
    resolution_un=st.integers(1, 0xFFFF),
    flags=st.integers(0, 1),
    values=st.lists(i24, max_size=76),
)
def test_sample_frames_the_tool_writes_decode_on_the_host(
    seq: int, device_us: int, period_us: int, resolution_un: int, flags: int, values: list[int]
) -> None:
    data = knotproto.frame(
        knotproto.sample_payload(seq, device_us, period_us, resolution_un, flags, values)
    )
    sent = SampleFrame(seq, device_us, period_us, resolution_un / 1e6, tuple(values), flags)
    assert host_reads(data) == [sent]


@given(
    rate_mhz=st.sampled_from([10_000, 80_000]),
    counts_per_n=st.floats(-1e6, 1e6, width=32),
    offset=st.integers(-(1 << 31), (1 << 31) - 1),
    texts=st.tuples(text, text, text),
    battery_mv=st.integers(0, 0xFFFF),
    low=st.booleans(),
    charging=st.booleans(),
    request_id=st.integers(0, 255),
    op=st.sampled_from(Op),
    code=st.sampled_from(ErrorCode),
)
def test_replies_the_tool_writes_decode_on_the_host(
    rate_mhz: int,
    counts_per_n: float,
    offset: int,
    texts: tuple[str, str, str],
    battery_mv: int,
    low: bool,
    charging: bool,
    request_id: int,
    op: Op,
    code: ErrorCode,
) -> None:
    stream = b"".join(
        knotproto.frame(payload)
        for payload in (
            knotproto.info_payload(rate_mhz, counts_per_n, offset, *texts),
            knotproto.status_payload(battery_mv, low, charging),
            knotproto.ack_payload(request_id, op),
            knotproto.error_payload(request_id, op, code, texts[0]),
        )
    )
    assert host_reads(stream) == [
        InfoFrame(*texts, rate_mhz / 1000, counts_per_n, offset),
        StatusFrame(battery_mv, low, charging),
        AckFrame(request_id, op),
        ErrorFrame(request_id, op, code, texts[0]),
    ]


@given(
    commands=st.lists(
        st.tuples(st.integers(0, 255), st.sampled_from(Op), st.integers(0, 10**9)),
        min_size=1,
        max_size=10,
    ),
    noise=st.binary(max_size=40),
    cuts=st.lists(st.integers(0, 200), max_size=12),
)
def test_commands_the_host_writes_decode_on_the_tool_in_any_chunking(
    commands: list[tuple[int, Op, int]], noise: bytes, cuts: list[int]
) -> None:
    stream = noise + b"".join(
        encode_frame(CommandFrame(op, request_id, milli / 1000))
        for request_id, op, milli in commands
    )
    splitter = knotproto.CommandSplitter()
    got: list[tuple[int, int, int]] = []
    edges = [0, *sorted(min(c, len(stream)) for c in cuts), len(stream)]
    for start, end in itertools.pairwise(edges):
        got += splitter.feed(stream[start:end])
    assert got == commands
