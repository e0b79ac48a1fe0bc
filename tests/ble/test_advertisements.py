"""What a ``ble:`` moniker asks for, which advertisers are tools, and the SIG Force value."""

from __future__ import annotations

import pytest

from firmware_host.ble.scan import BleTarget, ToolKind, classify, is_simulated, parse_target
from firmware_host.ble.uuids import (
    KNOTMETER_SERVICE,
    PROGRESSOR_SERVICE,
    SIMULATED_COMPANY_ID,
    SIMULATED_MARKER,
    decode_force,
    encode_force,
    sig_uuid,
)


@pytest.mark.parametrize(
    ("spec", "target"),
    [
        ("", BleTarget(kind=ToolKind.KNOTMETER)),
        ("progressor", BleTarget(kind=ToolKind.PROGRESSOR)),
        ("Progressor", BleTarget(kind=ToolKind.PROGRESSOR)),
        ("c0:ff:ee:00:00:01", BleTarget(address="C0:FF:EE:00:00:01")),
        ("knotmeter-SIM-0001", BleTarget(name="knotmeter-SIM-0001")),
        ("C0:FF:EE:00:00", BleTarget(name="C0:FF:EE:00:00")),
    ],
)
def test_moniker_targets(spec: str, target: BleTarget) -> None:
    assert parse_target(spec) == target


def test_tools_are_known_by_service_or_progressor_name() -> None:
    assert classify("anything", [KNOTMETER_SERVICE.upper()]) is ToolKind.KNOTMETER
    assert classify(None, [PROGRESSOR_SERVICE]) is ToolKind.PROGRESSOR
    assert classify("Progressor_0042", []) is ToolKind.PROGRESSOR
    assert classify("Force Board", [sig_uuid(0x180F)]) is None


def test_only_the_test_company_marker_means_simulated() -> None:
    assert is_simulated({SIMULATED_COMPANY_ID: SIMULATED_MARKER})
    assert not is_simulated({SIMULATED_COMPANY_ID: b"other"})
    assert not is_simulated({0x0059: SIMULATED_MARKER})


def test_sig_force_is_int32_millinewtons_with_an_unknown_value() -> None:
    assert encode_force(52.125) == (52125).to_bytes(4, "little", signed=True)
    assert encode_force(-1.5) == (-1500).to_bytes(4, "little", signed=True)
    assert encode_force(None) == bytes.fromhex("ffffff7f")
    assert decode_force(encode_force(52.125)) == 52.125
    assert decode_force(bytes.fromhex("ffffff7f")) is None
