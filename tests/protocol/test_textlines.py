"""Text readings from DIY boards and polled gauges, converted to newtons."""

from __future__ import annotations

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
    assert splitter.feed(b"\n3.0\n") == ["", "3.0"]


def test_after_a_reset_the_first_possibly_partial_line_is_dropped() -> None:
    splitter = LineSplitter()
    splitter.reset(joined_mid_flow=True)
    assert splitter.feed(b"00\r\n12") == []
    assert splitter.feed(b"00\r\n") == ["1200"]
