"""What a ``ble:`` moniker asks for, which advertisers are tools, and the SIG Force value."""

from __future__ import annotations

import pytest

from firmware_host.ble import dyno, entralpi, forceboard, whc06
from firmware_host.ble.kinds import BY_WORD, KNOTMETER, classify
from firmware_host.ble.progressor_driver import KIND as PROGRESSOR
from firmware_host.ble.scan import BleTarget, FoundTool, is_simulated, parse_target
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
        ("", BleTarget(kind=KNOTMETER)),
        ("progressor", BleTarget(kind=PROGRESSOR)),
        ("Progressor", BleTarget(kind=PROGRESSOR)),
        ("dyno", BleTarget(kind=dyno.KIND)),
        ("WHC06", BleTarget(kind=whc06.KIND)),
        ("c0:ff:ee:00:00:01", BleTarget(address="C0:FF:EE:00:00:01")),
        ("knotmeter-SIM-0001", BleTarget(name="knotmeter-SIM-0001")),
        ("C0:FF:EE:00:00", BleTarget(name="C0:FF:EE:00:00")),
    ],
)
def test_moniker_targets(spec: str, target: BleTarget) -> None:
    assert parse_target(spec) == target


def test_tools_are_known_by_service_name_prefix_or_manufacturer_data() -> None:
    assert classify("anything", [KNOTMETER_SERVICE.upper()]) is KNOTMETER
    assert classify(None, [PROGRESSOR_SERVICE]) is PROGRESSOR
    assert classify("Progressor_0042", []) is PROGRESSOR
    assert classify("Frez Dyno 7", []) is dyno.KIND
    assert classify(None, ["DA8A6C41-154B-4B9A-9B00-2F84DFCEBFE9"]) is dyno.KIND
    assert classify("ENTRALPI", []) is entralpi.KIND
    assert classify("Force Board", [sig_uuid(0x180F)]) is forceboard.KIND
    assert classify(None, [], {0x0100: bytes(15)}) is whc06.KIND
    assert classify("Some Headphones", [sig_uuid(0x180F)], {0x004C: b"\x02"}) is None


def test_every_kind_has_its_own_word_and_simulator() -> None:
    assert sorted(BY_WORD) == ["dyno", "entralpi", "forceboard", "knotmeter", "progressor", "whc06"]
    assert all(kind.simulator.count(":") == 1 for kind in BY_WORD.values())
    assert [w for w, kind in BY_WORD.items() if kind.low_rate] == ["entralpi", "whc06"]


@pytest.mark.parametrize(
    ("spec", "name", "matches"),
    [
        ("knotmeter-sim", "knotmeter-SIM-0001", True),
        ("KNOTMETER-SIM-0001", "knotmeter-SIM-0001", True),
        ("Progressor_1", "Progressor_1A2B", True),
        ("nosuchtool", "knotmeter-SIM-0001", False),
        ("knotmeter-SIM-0001-extra", "knotmeter-SIM-0001", False),
    ],
)
def test_a_name_is_a_prefix_in_any_case(spec: str, name: str, matches: bool) -> None:
    tool = FoundTool("C0:FF:EE:00:00:01", name, KNOTMETER, -60, False, device=None)  # type: ignore[arg-type]
    assert tool.matches(parse_target(spec)) is matches


def test_not_found_names_what_was_heard() -> None:
    err = parse_target("nosuchtool").not_found(["knotmeter-SIM-0001", "Progressor_1A2B"])
    assert str(err) == "no tool named nosuchtool nearby (seen: knotmeter-SIM-0001, Progressor_1A2B)"
    assert str(parse_target("dyno").not_found([])) == "no Frez Dyno nearby (seen: nothing)"


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
