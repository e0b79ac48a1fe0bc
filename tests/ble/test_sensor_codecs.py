"""Each kind's bytes, built by hand from the published layouts (not by our encoders), and
the small parts every kind shares: the arrival timeline and the silence watch."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmware_host.ble import dyno, entralpi, forceboard, whc06
from firmware_host.ble.arrival import ArrivalTimeline
from firmware_host.ble.progressor_driver import ProgressorDriver
from firmware_host.silence import SilenceWatch, Verdict
from knotmeter.core.samples import SampleBatch
from knotmeter.core.units import NEWTONS_PER_LBF, STANDARD_GRAVITY

G = STANDARD_GRAVITY


def v1_packet(pairs: list[tuple[int, int]], head: bytes = b"\x01\x00") -> bytes:
    """REFERENCE §3 (Frez Dyno protocol v1), read by the test itself: ``01 00`` then nine
    (int32 LE raw count, uint32 LE elapsed ms) pairs, 74 bytes."""
    return head + b"".join(struct.pack("<iI", raw, ms) for raw, ms in pairs)


def test_dyno_v1_golden_packet_gives_raw_counts_on_the_device_clock() -> None:
    # The first pair spelled out: raw 84213 = 0x000148F5, 1000 ms = 0x000003E8, LE each.
    golden = bytes.fromhex("0100" + "f5480100" + "e8030000")
    pairs = [(84_213 + 10 * k, 1000 + 4 * k) for k in range(9)]
    pairs[4] = (-5, 1016)  # the count is signed: below the ADC's zero
    data = v1_packet(pairs)
    assert data.startswith(golden)
    assert len(data) == dyno.PACKET_BYTES == 74
    packet = dyno.decode_packet(data)
    assert packet.raw[:5] == (84_213, 84_223, 84_233, 84_243, -5)
    assert packet.ms == tuple(1000 + 4 * k for k in range(9))
    (batch,) = dyno.DynoDriver().on_notification(data, host_t=5.0)
    assert isinstance(batch, SampleBatch)
    assert batch.force_n[4] == -5.0  # counts, not newtons: the app calibrates them
    assert np.diff(batch.t).tolist() == pytest.approx([0.004] * 8)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (v1_packet([(1, k) for k in range(9)])[:73], "73 bytes"),  # truncated
        (v1_packet([(1, k) for k in range(9)], head=b"\x01\x07"), "reserved byte"),
        (v1_packet([(1, k) for k in range(9)], head=b"\x02\x00"), "packet type"),
        (v1_packet([(1, k // 2) for k in range(9)]), "do not increase"),  # a duplicate stamp
        (v1_packet([(1, 10 - k) for k in range(9)]), "do not increase"),  # decreasing
    ],
)
def test_dyno_v1_refuses_what_the_layout_does_not_allow(data: bytes, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        dyno.DynoDriver().on_notification(data, host_t=0.0)


def test_dyno_stamps_must_move_on_across_packets_and_gaps_count_as_lost() -> None:
    driver = dyno.DynoDriver()
    driver.on_notification(v1_packet([(7, 4 * k) for k in range(9)]), host_t=0.0)
    with pytest.raises(ValueError, match="repeats or goes back"):
        driver.on_notification(v1_packet([(7, 32 + 4 * k) for k in range(9)]), host_t=0.1)
    driver.on_notification(v1_packet([(7, 48 + 4 * k) for k in range(9)]), host_t=0.2)
    assert driver.lost == 3  # 36, 40 and 44 ms never came


def test_the_progressor_framing_fails_on_a_v1_packet_as_issue_23_says() -> None:
    """The driver as it was (the Progressor's framing on the Dyno's UUIDs) rejects every
    v1 packet: its length byte is the reserved zero."""
    with pytest.raises(ValueError, match="length byte says 0 but 72 payload bytes follow"):
        ProgressorDriver().on_notification(v1_packet([(1, k) for k in range(9)]), host_t=0.0)


@pytest.mark.parametrize(
    ("data", "kg"),
    [
        (b"\x1b\x58", 70.00),  # 0x1B58 = 7000 hundredths
        (b"\x00\x64\xff\xff", 1.00),  # trailing bytes are not part of the weight
        (b"\xff\xff", 655.35),
    ],
)
def test_entralpi_u16_big_endian_hundredths_of_a_kilogram(data: bytes, kg: float) -> None:
    assert entralpi.decode_weight_kg(data) == pytest.approx(kg)
    (batch,) = entralpi.EntralpiDriver().on_notification(data, host_t=1.0)
    assert isinstance(batch, SampleBatch)
    assert batch.force_n.tolist() == pytest.approx([kg * G])


def test_entralpi_short_notification_is_a_bad_frame() -> None:
    with pytest.raises(ValueError, match="no weight"):
        entralpi.decode_weight_kg(b"\x01")


def test_force_board_count_then_three_bytes_per_sample() -> None:
    data = b"\x00\x02" + b"\x00\x00\x64" + b"\x00\x01\x2c"  # 2 samples: 100 lb, 300 lb
    assert forceboard.decode_packet(data).pounds == [100.0, 300.0]
    assert forceboard.decode_packet(data, forceboard.GRIP_CONNECT).pounds == [100.0, 300.0]
    (batch,) = forceboard.ForceBoardDriver().on_notification(data, host_t=2.0)
    assert isinstance(batch, SampleBatch)
    assert batch.force_n.tolist() == pytest.approx([444.82216, 1334.46648])
    assert np.diff(batch.t).tolist() == pytest.approx([1 / forceboard.RATE_HZ])


def test_force_board_readings_disagree_only_above_65535_counts() -> None:
    data = b"\x00\x01" + b"\x01\x00\x00"
    assert forceboard.decode_packet(data).pounds == [65536.0]  # plain big-endian 24-bit
    assert forceboard.decode_packet(data, forceboard.GRIP_CONNECT).pounds == [32768.0]


@pytest.mark.parametrize(
    ("data", "pounds", "missing"),
    [
        (b"\x00\x03" + b"\x00\x00\x64" + b"\x00\x01\x2c", [100.0, 300.0], 1),
        (b"\x00\x02\x00\x00", [], 2),  # not even one whole sample
        (b"\x00\x02\x00\x00\x64\x00\x00", [100.0], 1),  # cut inside the second
        (b"\x00\x00\x01", [], 0),
    ],
)
def test_force_board_keeps_the_whole_samples_of_a_short_packet(
    data: bytes, pounds: list[float], missing: int
) -> None:
    packet = forceboard.decode_packet(data)
    assert (packet.pounds, packet.missing) == (pounds, missing)
    driver = forceboard.ForceBoardDriver()
    batches = driver.on_notification(data, host_t=1.0)
    assert sum(len(b) for b in batches if isinstance(b, SampleBatch)) == len(pounds)
    assert driver.lost == missing


@pytest.mark.parametrize("data", [b"", b"\x00"])
def test_force_board_packet_without_a_count_is_refused(data: bytes) -> None:
    with pytest.raises(ValueError, match="no count"):
        forceboard.decode_packet(data)


def whc06_data(weight: bytes, status: int) -> bytes:
    """REFERENCE §3 read by the test: bytes 10-11 the weight, byte 14 the status."""
    return bytes(10) + weight + bytes(2) + bytes([status])


@pytest.mark.parametrize(
    ("weight", "status", "value", "unit", "stable", "newtons"),
    [
        (b"\x1b\x58", 0x11, 70.00, "kg", True, 70.0 * G),  # 0x1B58 = 7000 hundredths
        (b"\xff\x38", 0x01, -2.00, "kg", False, -2.0 * G),  # tared: not 653.36 kg
        (b"\x08\x9d", 0x12, 22.05, "lb", True, 22.05 * NEWTONS_PER_LBF),  # not 22.05 kg
        (b"\x80\x00", 0x02, -327.68, "lb", False, -327.68 * NEWTONS_PER_LBF),
    ],
)
def test_whc06_signed_hundredths_in_the_scales_own_unit(
    weight: bytes, status: int, value: float, unit: str, stable: bool, newtons: float
) -> None:
    data = whc06_data(weight, status)
    reading = whc06.decode_reading(data)
    assert reading.value == pytest.approx(value)
    assert (reading.unit, reading.stable) == (unit, stable)
    (batch,) = whc06.WhC06Listener().on_advertisement(data, host_t=3.0)
    assert isinstance(batch, SampleBatch)
    assert batch.force_n.tolist() == pytest.approx([newtons])


def test_whc06_unknown_unit_and_short_data_are_bad_frames() -> None:
    with pytest.raises(ValueError, match="unit code 3"):
        whc06.decode_reading(whc06_data(b"\x00\x64", 0x13))
    with pytest.raises(ValueError, match="no weight"):
        whc06.decode_reading(bytes(14))


def test_arrival_timeline_puts_the_newest_at_its_arrival() -> None:
    timeline = ArrivalTimeline(period_s=0.0125)
    first = timeline.place(4, host_t=100.0)
    later = timeline.place(4, host_t=100.05)
    assert first.tolist() == pytest.approx([0.0, 0.0125, 0.025, 0.0375])
    assert later.tolist() == pytest.approx([0.0500, 0.0625, 0.075, 0.0875])


@given(st.lists(st.tuples(st.integers(1, 20), st.floats(0.0, 2.0)), min_size=1, max_size=40))
def test_arrival_time_is_strictly_increasing_however_packets_bunch(
    packets: list[tuple[int, float]],
) -> None:
    timeline = ArrivalTimeline(period_s=0.0125)
    host_t, placed = 0.0, []
    for n, step in packets:
        host_t += step
        placed.extend(timeline.place(n, host_t).tolist())
    assert bool(np.all(np.diff(placed) > 0))


@given(st.floats(0.0, 10.0))
def test_silence_verdict_follows_the_thresholds(silent_s: float) -> None:
    now = [0.0]
    watch = SilenceWatch(no_data_s=1.0, drop_s=3.0, clock=lambda: now[0])
    now[0] = silent_s
    expected = (
        Verdict.DROP if silent_s > 3.0 else Verdict.NO_DATA if silent_s > 1.0 else Verdict.FLOWING
    )
    assert watch.verdict() is expected
    watch.heard()
    assert watch.verdict() is Verdict.FLOWING
