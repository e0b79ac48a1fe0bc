"""tool.py with a clock the test moves and a fake ADC; the host codec reads its replies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import config
import knotproto
import pytest
import tool

from firmware_host.protocol.framing import encode_frame
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
    crc16,
    decode_payload,
)
from tests.device.fakes import IDENTITY, FakeAdc, MicroTicks
from tests.device.firmware_session import Wire, serial_pass

COUNTS_PER_N = 10_000.0
OFFSET = 100_000
PERIOD_80HZ_US = 12_500
VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parents[2] / "device" / "vectors" / "payloads.json").read_text()
)


class Bench:
    """One tool on the bench: a fake ADC, a clock the test moves, replies as host messages."""

    def __init__(self, adc: FakeAdc | None = None, battery_mv: int | None = 3900) -> None:
        self.adc = adc or FakeAdc()
        self.saved: list[tuple[float, int]] = []
        self.battery_mv = battery_mv
        self.tool: Any = tool.Tool(
            self.adc,
            IDENTITY,
            COUNTS_PER_N,
            OFFSET,
            save=lambda cpn, offset: self.saved.append((cpn, offset)),
            battery=lambda: self.battery_mv,
        )
        self.link: Any = tool.SerialLink(Wire())
        self.now_us = 0

    def step(self, received: bytes = b"") -> list[Message]:
        return [decode_payload(p) for p in serial_pass(self.tool, self.link, self.now_us, received)]

    def send(self, op: Op, value: float = 0.0, request_id: int = 1) -> list[Message]:
        """The host's own bytes for a command; ``value`` in the host's units (Hz, g)."""
        return self.step(encode_frame(CommandFrame(op, request_id, value)))

    def convert(self, *counts: int) -> list[Message]:
        """One conversion per count, a sample period apart."""
        out: list[Message] = []
        for c in counts:
            self.adc.pending.append(c)
            out += self.step()
            self.now_us += PERIOD_80HZ_US
        return out

    def samples(self, *counts: int) -> list[SampleFrame]:
        out = self.convert(*counts)
        assert all(isinstance(m, SampleFrame) for m in out), out
        return [m for m in out if isinstance(m, SampleFrame)]

    def info(self) -> InfoFrame:
        (reply,) = self.send(Op.GET_INFO)
        assert isinstance(reply, InfoFrame)
        return reply


def counts_at(force_n: float, counts_per_n: float = COUNTS_PER_N, offset: int = OFFSET) -> int:
    return offset + round(force_n * counts_per_n)


def raw_command(request_id: int, op: int, value_milli: int) -> bytes:
    """A COMMAND frame for an op the host's enum cannot name."""
    head = bytes((1, 0x10, request_id, op)) + value_milli.to_bytes(4, "little")
    frame: bytes = knotproto.frame(head + crc16(head).to_bytes(2, "little"))
    return frame


def test_silent_until_the_host_speaks_then_one_sample_per_conversion() -> None:
    bench = Bench()
    assert bench.convert(*[counts_at(1.0)] * 5) == []  # measured and counted, never sent
    info = bench.info()
    assert (info.firmware, info.serial_number, info.adc) == IDENTITY
    assert (info.rate_hz, info.counts_per_n, info.offset_counts) == (80.0, COUNTS_PER_N, OFFSET)
    t0 = bench.now_us
    got = bench.samples(counts_at(1.0), counts_at(2.5), counts_at(-0.25))
    assert [(s.seq, s.values) for s in got] == [(5, (1000,)), (6, (2500,)), (7, (-250,))]
    assert [s.device_us for s in got] == [t0, t0 + PERIOD_80HZ_US, t0 + 2 * PERIOD_80HZ_US]
    assert {(s.period_us, s.resolution_n, s.flags) for s in got} == {(PERIOD_80HZ_US, 0.001, 0)}


def test_tare_zeroes_on_the_mean_of_the_last_eight_and_is_saved() -> None:
    bench = Bench()
    bench.send(Op.GET_INFO)
    bench.convert(*[counts_at(50.0)] * 4)  # older than the window: must not count
    window = [counts_at(3.0) + d for d in (-7, 3, 0, 12, -1, 5, 2, -6)]
    bench.convert(*window)
    assert bench.send(Op.TARE, request_id=9) == [AckFrame(9, Op.TARE)]
    zero = round(sum(window) / 8)
    assert bench.info().offset_counts == zero
    assert bench.saved == [(COUNTS_PER_N, zero)]
    assert bench.samples(zero)[0].values == (0,)


def test_a_flash_that_cannot_save_keeps_the_tare_and_says_so() -> None:
    bench = Bench()

    def full_flash(counts_per_n: float, offset: int) -> None:
        raise OSError(28, "no space left on device")

    bench.tool = tool.Tool(bench.adc, IDENTITY, COUNTS_PER_N, OFFSET, save=full_flash)
    bench.convert(*[counts_at(2.0)] * 8)
    assert bench.send(Op.TARE, request_id=4) == [
        ErrorFrame(4, Op.TARE, ErrorCode.CALIBRATION_FAILED, "applied; saving to flash failed")
    ]
    assert bench.info().offset_counts == counts_at(2.0)


def test_tare_and_calibrate_need_live_samples() -> None:
    bench = Bench()
    assert bench.send(Op.TARE, request_id=2) == [
        ErrorFrame(2, Op.TARE, ErrorCode.NOT_STREAMING, "tare needs live samples")
    ]
    bench.convert(counts_at(0.0))
    assert bench.send(Op.STOP, request_id=3) == [AckFrame(3, Op.STOP)]
    assert not bench.adc.powered
    (error,) = bench.send(Op.CALIBRATE, 2000.0, request_id=4)
    assert isinstance(error, ErrorFrame)
    assert error.code is ErrorCode.NOT_STREAMING
    assert bench.saved == []


def test_stop_powers_the_adc_down_and_start_resumes_the_count() -> None:
    bench = Bench()
    bench.send(Op.GET_INFO)
    assert [s.seq for s in bench.samples(OFFSET, OFFSET)] == [0, 1]
    bench.send(Op.STOP)
    assert not bench.adc.powered
    bench.adc.powered = True  # even with a conversion waiting in the chip,
    bench.adc.pending.append(OFFSET)
    assert bench.step() == []  # a stopped tool does not read it
    bench.adc.powered = False
    ack, sample = bench.send(Op.START, request_id=7)
    assert ack == AckFrame(7, Op.START)
    assert bench.adc.powered
    assert isinstance(sample, SampleFrame)
    assert sample.seq == 2  # the count carries on: no gap for the host to book as lost


def test_calibrate_with_a_known_mass_sets_the_slope_and_saves_it() -> None:
    bench = Bench()
    bench.send(Op.GET_INFO)
    bench.convert(*[OFFSET] * 8)
    bench.send(Op.TARE)
    true_counts_per_n = 25_000.0
    loaded = counts_at(2.0 * 9.80665, true_counts_per_n)  # 2 kg hung on the tool
    bench.convert(*[loaded] * 8)
    assert bench.send(Op.CALIBRATE, 2000.0, request_id=5) == [AckFrame(5, Op.CALIBRATE)]
    assert bench.info().counts_per_n == pytest.approx(
        true_counts_per_n, rel=1e-5
    )  # counts are whole
    assert bench.saved[-1][0] == pytest.approx(true_counts_per_n, rel=1e-5)
    assert bench.samples(loaded)[0].values == (19613,)  # 2 kg x g = 19.613 N, in mN


@pytest.mark.parametrize(("grams", "load_n"), [(0.0, 20.0), (2000.0, 0.0)])
def test_calibrate_without_a_mass_or_without_a_load_fails(grams: float, load_n: float) -> None:
    bench = Bench()
    bench.send(Op.GET_INFO)
    bench.convert(*[counts_at(load_n)] * 8)
    (error,) = bench.send(Op.CALIBRATE, grams)
    assert isinstance(error, ErrorFrame)
    assert error.code is ErrorCode.CALIBRATION_FAILED
    assert bench.info().counts_per_n == COUNTS_PER_N
    assert bench.saved == []


def test_set_rate_to_10_hz_changes_the_adc_and_the_period() -> None:
    bench = Bench()
    assert bench.send(Op.SET_RATE, 10.0, request_id=2) == [AckFrame(2, Op.SET_RATE)]
    assert bench.adc.rate_hz == 10
    assert bench.samples(OFFSET)[0].period_us == 100_000
    assert bench.info().rate_hz == 10.0


@pytest.mark.parametrize("hz", [50.0, 10.5, 0.0, 800.0])
def test_any_other_rate_is_a_bad_argument_byte_for_byte_as_the_vector(hz: float) -> None:
    bench = Bench()
    frame = encode_frame(CommandFrame(Op.SET_RATE, 10, hz))
    (payload,) = serial_pass(bench.tool, bench.link, 0, frame)
    (vector,) = [v for v in VECTORS["valid"] if v["name"] == "error bad rate"]
    assert payload.hex() == vector["payload_hex"]
    assert bench.adc.rate_hz == 80


def test_a_board_with_a_fixed_rate_refuses_the_other_rate() -> None:
    bench = Bench(FakeAdc(rate_hz=80, rates=(80,)))
    (error,) = bench.send(Op.SET_RATE, 10.0)
    assert error == ErrorFrame(
        1, Op.SET_RATE, ErrorCode.BAD_ARGUMENT, "rate fixed at 80 Hz by the board"
    )
    assert bench.send(Op.SET_RATE, 80.0) == [AckFrame(1, Op.SET_RATE)]


def test_an_unknown_op_is_answered_not_ignored_and_bad_frames_are_counted() -> None:
    bench = Bench()
    (error,) = bench.step(raw_command(33, 9, 0))
    assert error == ErrorFrame(33, 9, ErrorCode.UNKNOWN_OP, "unknown op 9")
    flipped = bytearray(encode_frame(CommandFrame(Op.TARE, 1)))
    flipped[4] ^= 0x40
    assert bench.step(bytes(flipped)) == []
    assert bench.link.splitter.bad_frames == 1


def test_seq_wraps_modulo_2_16() -> None:
    bench = Bench()
    bench.convert(*[OFFSET] * 65_534)  # before the host speaks: counted, not encoded
    bench.send(Op.GET_INFO)
    assert [s.seq for s in bench.samples(*[OFFSET] * 4)] == [65_534, 65_535, 0, 1]


def test_device_us_wraps_modulo_2_32_across_the_shorter_tick_wraps() -> None:
    clock_us = 123_456
    ticks = MicroTicks(lambda: clock_us)
    uptime = tool.Uptime(ticks.ticks_us, ticks.ticks_diff)
    step_us = (1 << 28) + 12_345  # under half a tick period: uptime sees every step
    seen = []
    for _ in range(20):  # 5.4e9 µs: past 2^32 once, past 2^30 five times
        clock_us += step_us
        seen.append(uptime.now())
    assert seen == [(k * step_us) % (1 << 32) for k in range(1, 21)]

    bench = Bench()
    bench.send(Op.GET_INFO)
    bench.now_us = (1 << 32) - PERIOD_80HZ_US
    bench.adc.pending.extend([OFFSET, OFFSET])
    first = bench.step()
    bench.now_us = (bench.now_us + PERIOD_80HZ_US) % (1 << 32)
    second = bench.step()
    assert [m.device_us for m in first + second if isinstance(m, SampleFrame)] == [
        (1 << 32) - PERIOD_80HZ_US,
        0,
    ]


def test_the_saturation_flag_marks_adc_rails_and_clipped_values() -> None:
    bench = Bench()
    bench.send(Op.GET_INFO)
    rail, low_rail = (1 << 23) - 1, -(1 << 23)
    got = bench.samples(rail, OFFSET, low_rail)
    assert [s.flags for s in got] == [1, 0, 1]
    sensitive = Bench()
    sensitive.tool.counts_per_n = 0.5  # 1 count = 2 N: the rail is 16.7 kN, past an i24 in mN
    sensitive.send(Op.GET_INFO)
    (clipped,) = sensitive.samples(OFFSET + 5_000_000)
    assert (clipped.values, clipped.flags) == ((knotproto.I24_MAX,), 1)


def test_status_every_five_seconds_once_the_host_has_spoken() -> None:
    bench = Bench(battery_mv=3450)
    for _ in range(60):  # 6 s of silence: no STATUS to nobody
        assert bench.step() == []
        bench.now_us += 100_000
    assert bench.send(Op.GET_STATUS) == [StatusFrame(3450, low_battery=True)]
    sent_at = []
    for _ in range(120):  # 6 s .. 18 s of uptime
        if replies := bench.step():
            assert replies == [StatusFrame(3450, low_battery=True)]
            sent_at.append(bench.now_us)
        bench.now_us += 100_000
    assert sent_at == [10_000_000, 15_000_000]  # on the 5 s cadence that runs from boot


def test_a_board_without_battery_sensing_reports_zero_millivolts() -> None:
    bench = Bench(battery_mv=None)
    assert bench.send(Op.GET_STATUS) == [StatusFrame(0, low_battery=False)]


def test_calibration_survives_a_power_cycle_and_a_damaged_file_boots_on_defaults(
    tmp_path: Path,
) -> None:
    path = str(tmp_path / "calibration.json")
    assert config.load_calibration(path) == (config.COUNTS_PER_N, config.OFFSET_COUNTS)
    config.save_calibration(24_987.5, -4_321, path)
    assert config.load_calibration(path) == (24_987.5, -4_321)
    for damaged in ('{"counts_per_n": 0, "offset_counts": 5}', "{not json", '{"offset": 1}'):
        Path(path).write_text(damaged)
        assert config.load_calibration(path) == (config.COUNTS_PER_N, config.OFFSET_COUNTS)
