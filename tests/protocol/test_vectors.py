"""The golden vectors in device/vectors/ are the contract between firmware and host."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from firmware_host.protocol.framing import decode_frame, encode_frame
from firmware_host.protocol.messages import (
    AckFrame,
    CommandFrame,
    ErrorCode,
    ErrorFrame,
    InfoFrame,
    Message,
    Op,
    ProtocolError,
    SampleFrame,
    StatusFrame,
    crc16,
    decode_payload,
    encode_payload,
)

VECTORS = json.loads(
    (Path(__file__).parents[2] / "device" / "vectors" / "payloads.json").read_text()
)


def _message(kind: str, fields: dict[str, Any]) -> Message:
    """Build the expected message from the vector's plain JSON fields."""
    f = dict(fields)
    match kind:
        case "sample":
            f["values"] = tuple(f["values"])
            return SampleFrame(**f)
        case "info":
            return InfoFrame(**f)
        case "status":
            return StatusFrame(**f)
        case "ack":
            return AckFrame(f["request_id"], Op[f["op"]])
        case "error":
            return ErrorFrame(f["request_id"], Op[f["op"]], ErrorCode[f["code"]], f["message"])
        case "command":
            return CommandFrame(Op[f["op"]], f["request_id"], f["value"])
    raise AssertionError(f"vector type {kind!r} has no builder")


def test_crc_check_value_matches_the_spec() -> None:
    crc = VECTORS["crc"]
    assert crc16(crc["input_ascii"].encode()) == int(crc["check_hex"], 16)


@pytest.mark.parametrize("vector", VECTORS["valid"], ids=lambda v: v["name"])
def test_valid_vector_decodes_to_its_fields_and_encodes_to_its_bytes(
    vector: dict[str, Any],
) -> None:
    expected = _message(vector["type"], vector["fields"])
    payload = bytes.fromhex(vector["payload_hex"])
    frame = bytes.fromhex(vector["frame_hex"])
    assert decode_payload(payload) == expected
    assert encode_payload(expected) == payload
    assert encode_frame(expected) == frame
    assert decode_frame(frame[1:-1]) == expected


@pytest.mark.parametrize("vector", VECTORS["invalid"], ids=lambda v: v["name"])
def test_invalid_vector_is_refused_with_the_reason(vector: dict[str, Any]) -> None:
    with pytest.raises(ProtocolError, match=vector["error"]):
        decode_payload(bytes.fromhex(vector["payload_hex"]))


def test_payload_sizes_fit_ble_mtus() -> None:
    def sample(n: int) -> SampleFrame:
        return SampleFrame(1, 2, 12500, 0.001, tuple(range(n)))

    assert len(encode_payload(sample(1))) <= 20
    assert len(encode_payload(sample(76))) <= 244
    with pytest.raises(ValueError, match="exceeds 244"):
        encode_payload(sample(77))


@pytest.mark.parametrize(
    ("msg", "field"),
    [
        (SampleFrame(1 << 16, 0, 1, 0.001, ()), "seq"),
        (SampleFrame(0, 1 << 32, 1, 0.001, ()), "device_us"),
        (SampleFrame(0, 0, 1 << 24, 0.001, ()), "period_us"),
        (SampleFrame(0, 0, 1, 0.1, ()), "resolution"),
        (SampleFrame(0, 0, 1, 0.001, (1 << 23,)), "24 bits"),
        (StatusFrame(70_000), "battery_mv"),
        (InfoFrame("x" * 33, "", "", 80.0, 1.0, 0), "longer than 32"),
        (CommandFrame(Op.SET_RATE, 1, -1.0), "value"),
    ],
)
def test_a_field_that_does_not_fit_is_refused_by_name(msg: Message, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        encode_payload(msg)
