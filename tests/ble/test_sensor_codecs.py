"""Each kind's bytes, built by hand from the published layouts (not by our encoders), and
the small parts every kind shares: the arrival timeline and the silence watch."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmware_host.ble import entralpi, forceboard, whc06
from firmware_host.ble.arrival import ArrivalTimeline
from firmware_host.ble.dyno import DYNO
from firmware_host.ble.progressor_driver import ProgressorDriver
from firmware_host.silence import SilenceWatch, Verdict
from knotmeter.core.samples import SampleBatch
from knotmeter.core.units import STANDARD_GRAVITY

G = STANDARD_GRAVITY


def test_dyno_weight_notification_is_progressor_framing() -> None:
    # [code 1][len 16] then (float32 LE kg, u32 LE µs) twice: 12.5 kg at 1 s, 13.0 kg 12.5 ms on
    data = bytes([0x01, 0x10]) + struct.pack("<fIfI", 12.5, 1_000_000, 13.0, 1_012_500)
    (batch,) = ProgressorDriver(DYNO).on_notification(data, host_t=5.0)
    assert isinstance(batch, SampleBatch)
    assert batch.force_n.tolist() == pytest.approx([12.5 * G, 13.0 * G])
    assert batch.t.tolist() == pytest.approx([0.0, 0.0125])


def test_dyno_rejects_a_length_byte_that_lies() -> None:
    with pytest.raises(ValueError, match="length byte"):
        ProgressorDriver(DYNO).on_notification(bytes([0x01, 0x10, 0, 0]), host_t=0.0)


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
    assert forceboard.decode_pounds(data) == [100.0, 300.0]
    assert forceboard.decode_pounds(data, forceboard.GRIP_CONNECT) == [100.0, 300.0]
    (batch,) = forceboard.ForceBoardDriver().on_notification(data, host_t=2.0)
    assert isinstance(batch, SampleBatch)
    assert batch.force_n.tolist() == pytest.approx([444.82216, 1334.46648])
    assert np.diff(batch.t).tolist() == pytest.approx([1 / forceboard.RATE_HZ])


def test_force_board_readings_disagree_only_above_65535_counts() -> None:
    data = b"\x00\x01" + b"\x01\x00\x00"
    assert forceboard.decode_pounds(data) == [65536.0]  # plain big-endian 24-bit
    assert forceboard.decode_pounds(data, forceboard.GRIP_CONNECT) == [32768.0]


@pytest.mark.parametrize("data", [b"", b"\x00", b"\x00\x02\x00\x00\x64", b"\x00\x00\x01"])
def test_force_board_bad_layouts_are_refused(data: bytes) -> None:
    with pytest.raises(ValueError, match=r"count|bytes"):
        forceboard.decode_pounds(data)


def test_whc06_weight_at_bytes_10_11_in_hundredths_of_a_kilogram() -> None:
    data = bytes(10) + b"\x1b\x58" + bytes(2) + b"\x10"  # 70.00 kg, stable
    assert whc06.decode_weight_kg(data) == pytest.approx(70.0)
    (batch,) = whc06.WhC06Listener().on_advertisement(data, host_t=3.0)
    assert isinstance(batch, SampleBatch)
    assert batch.force_n.tolist() == pytest.approx([70.0 * G])
    assert whc06.encode_manufacturer_data(70.0, stable=True) == data


def test_whc06_short_manufacturer_data_is_a_bad_frame() -> None:
    with pytest.raises(ValueError, match="no weight"):
        whc06.decode_weight_kg(bytes(11))


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
