"""Text readings from DIY boards and polled gauges, converted to newtons."""

from __future__ import annotations

import math

import pytest

from firmware_host.protocol.textlines import (
    MAX_LINE,
    LineSplitter,
    TextReading,
    parse_gauge_reply,
    parse_reading,
)
from knotmeter.core.units import NEWTONS_PER_LBF, STANDARD_GRAVITY


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("12.5", TextReading(12.5)),
        ("-0.25", TextReading(-0.25)),
        ("1.5,12.5", TextReading(12.5, 1.5)),
        ("1.5\t12.5", TextReading(12.5, 1.5)),
        ("1.5; 12.5", TextReading(12.5, 1.5)),
        ("1.5 12.5", TextReading(12.5, 1.5)),
        ("", None),
        ("force_n", None),
        ("# HX711 demo", None),
    ],
)
def test_line_shapes_are_detected_per_line(line: str, expected: TextReading | None) -> None:
    assert parse_reading(line) == expected


def test_scale_unit_and_time_unit_apply() -> None:
    reading = parse_reading("1500,2000", scale=0.001, unit="kg", time_scale=0.001)
    assert reading == TextReading(pytest.approx(2.0 * STANDARD_GRAVITY), 1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("line", ["1,2,3", "12.5x", "1,nan", "1e999"])
def test_junk_lines_raise_value_error(line: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_reading(line)


@pytest.mark.parametrize(
    ("reply", "newtons"),
    [
        ("-18.78 lbF", -18.78 * NEWTONS_PER_LBF),
        ("2.50 kgF", 2.5 * STANDARD_GRAVITY),
        ("12.3 N", 12.3),
        ("  7.0N", 7.0),
        ("4.2", 4.2),
    ],
)
def test_gauge_replies_convert_to_newtons(reply: str, newtons: float) -> None:
    assert parse_gauge_reply(reply) == pytest.approx(newtons)


@pytest.mark.parametrize("reply", ["OVERLOAD", "-18.78 furlongs", ""])
def test_bad_gauge_replies_raise(reply: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_gauge_reply(reply)


def test_line_splitter_takes_any_chunking_and_drops_overlong_runs() -> None:
    splitter = LineSplitter()
    assert splitter.feed(b"1.0\r\n2.") == ["1.0"]
    assert splitter.feed(b"0\n") == ["2.0"]
    assert splitter.feed(b"x" * (MAX_LINE + 1)) == []
    assert splitter.overlong == 1
    assert splitter.feed(b"\n3.0\n") == ["3.0"]  # the over-long line's end goes with it


@pytest.mark.parametrize("chunk", [1, 7, MAX_LINE + 10, 10_000])
def test_an_overlong_line_is_dropped_whatever_the_chunking(chunk: int) -> None:
    data = b"1.0\n" + b"2" * (MAX_LINE + 1) + b"\n3.0\n"
    splitter = LineSplitter()
    lines = [
        line for i in range(0, len(data), chunk) for line in splitter.feed(data[i : i + chunk])
    ]
    assert lines == ["1.0", "3.0"]
    assert splitter.overlong == 1


@pytest.mark.parametrize(
    ("line", "unit", "scale"), [("1e308", "lbf", 1.0), ("1e300", "N", 1e10), ("2", "N", math.inf)]
)
def test_a_reading_that_overflows_on_conversion_is_junk(line: str, unit: str, scale: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        parse_reading(line, unit=unit, scale=scale)


def test_a_gauge_reply_too_big_for_a_float_is_junk() -> None:
    with pytest.raises(ValueError, match="finite"):
        parse_gauge_reply("9" * 400 + " N")


def test_after_a_reset_the_first_possibly_partial_line_is_dropped() -> None:
    splitter = LineSplitter()
    splitter.reset(joined_mid_flow=True)
    assert splitter.feed(b"00\r\n12") == []
    assert splitter.feed(b"00\r\n") == ["1200"]
