"""The Progressor decoder against notifications built by hand from the public layout.

Layout (REFERENCE §3): ``[u8 code][u8 length][payload]``, little-endian; code 1 carries
``length / 8`` samples of (float32 kg, uint32 µs). The bytes below are written out
with ``struct`` from that description, not produced by our encoder.
"""

from __future__ import annotations

import struct

import pytest

from firmware_host.ble.progressor import (
    CommandResponse,
    LowPowerWarning,
    Opcode,
    OtherNotification,
    ProgressorFormatError,
    WeightSamples,
    app_version,
    battery_millivolts,
    decode_notification,
    encode_command,
    encode_weight,
)


def test_one_weight_sample_decodes_from_its_published_bytes() -> None:
    # code 1, length 8, then 12.5 kg as float32 LE (0x41480000) and 1_000_000 µs LE.
    data = bytes.fromhex("01 08 00004841 40420f00")
    assert decode_notification(data) == WeightSamples(kg=(12.5,), device_us=(1_000_000,))


def test_fifteen_samples_fill_one_notification() -> None:
    pairs = [(0.25 * i, 12_500 * i + 7) for i in range(15)]
    body = b"".join(struct.pack("<fI", kg, us) for kg, us in pairs)
    data = bytes([1, len(body)]) + body
    assert len(data) == 2 + 15 * 8
    msg = decode_notification(data)
    assert isinstance(msg, WeightSamples)
    assert msg.kg == tuple(kg for kg, _ in pairs)  # quarters are exact in float32
    assert msg.device_us == tuple(us for _, us in pairs)


def test_timestamp_near_the_wrap_is_read_unsigned() -> None:
    data = bytes([1, 8]) + struct.pack("<fI", -0.5, 0xFFFF_FFF0)
    assert decode_notification(data) == WeightSamples(kg=(-0.5,), device_us=(0xFFFF_FFF0,))


def test_battery_and_version_answers_are_code_zero() -> None:
    battery = decode_notification(bytes([0, 4]) + struct.pack("<I", 3987))
    assert isinstance(battery, CommandResponse)
    assert battery_millivolts(battery) == 3987
    version = decode_notification(bytes([0, 5]) + b"1.2.3")
    assert isinstance(version, CommandResponse)
    assert app_version(version) == "1.2.3"


def test_low_power_warning_and_unknown_codes() -> None:
    assert decode_notification(bytes([4, 0])) == LowPowerWarning(b"")
    assert decode_notification(bytes([2, 1, 9])) == OtherNotification(2, b"\x09")


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        (b"", "no header"),
        (b"\x01", "no header"),
        (bytes([1, 8]) + bytes(7), "length byte says 8"),
        (bytes([1, 7]) + bytes(7), "not 8-byte samples"),
        (bytes([1, 4]) + bytes(9), "length byte says 4"),
    ],
)
def test_bad_layouts_are_rejected_with_a_reason(data: bytes, complaint: str) -> None:
    with pytest.raises(ProgressorFormatError, match=complaint):
        decode_notification(data)


def test_battery_answer_of_the_wrong_size_is_rejected() -> None:
    with pytest.raises(ProgressorFormatError, match="expected 4"):
        battery_millivolts(CommandResponse(b"\x01\x02"))


def test_commands_are_single_opcode_bytes() -> None:
    assert encode_command(Opcode.TARE) == b"\x64"
    assert encode_command(Opcode.START_WEIGHT) == b"\x65"
    assert encode_command(Opcode.GET_BATTERY_VOLTAGE) == b"\x6f"


def test_simulator_encoder_matches_the_hand_built_layout() -> None:
    assert encode_weight([(12.5, 1_000_000)]) == bytes.fromhex("01 08 00004841 40420f00")
    with pytest.raises(ValueError, match="exceed 15"):
        encode_weight([(0.0, 0)] * 16)
