"""The bit-banged HX711 driver against a model of the chip's two wires."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import hx711
import pytest
from hypothesis import given
from hypothesis import strategies as st


class Hx711Chip:
    """The chip's side of DOUT and SCK, per the datasheet's timing diagram.

    DOUT is low while a conversion waits; each SCK rising edge shifts out the next
    bit, MSB first; after the 24th bit DOUT goes high, and the total number of
    pulses picks the next conversion's channel and gain (25: A, 128).
    """

    def __init__(self) -> None:
        self.word = 0
        self.waiting = False
        self.pulses = 0
        self.sck = 0
        self.dout_level = 1
        self.reads: list[int] = []  # pulses per completed read

    def convert(self, word: int) -> None:
        self.word, self.waiting, self.pulses, self.dout_level = word, True, 0, 0

    def clock(self, level: int) -> None:
        if level and not self.sck:
            self.pulses += 1
            if self.pulses <= 24:
                self.dout_level = (self.word >> (24 - self.pulses)) & 1
            else:
                self.dout_level = 1
                self.waiting = False
        self.sck = level


class InputPin:
    """``machine.Pin`` as the driver reads it: ``value()`` is the line's level."""

    def __init__(self, level: Callable[[], int]) -> None:
        self._level = level

    def value(self) -> int:
        return self._level()


class OutputPin:
    """``machine.Pin`` as the driver drives it: ``value(x)`` sets the line."""

    def __init__(self, on_change: Callable[[int], None] | None = None) -> None:
        self.level = 0
        self._on_change = on_change

    def value(self, level: int) -> None:
        self.level = level
        if self._on_change is not None:
            self._on_change(level)


def wire(chip: Hx711Chip, rate: OutputPin | None = None, board_rate_hz: int = 80) -> Any:
    """An HX711 driver on the chip's lines (the firmware module is untyped: Any)."""
    return hx711.HX711(
        InputPin(lambda: chip.dout_level), OutputPin(chip.clock), rate, board_rate_hz
    )


def test_ready_follows_dout() -> None:
    chip = Hx711Chip()
    adc = wire(chip)
    assert not adc.ready()
    chip.convert(0x000001)
    assert adc.ready()


@given(st.integers(0, (1 << 24) - 1))
def test_a_read_is_24_bits_msb_first_sign_extended_then_one_gain_pulse(word: int) -> None:
    chip = Hx711Chip()
    adc = wire(chip)
    chip.convert(word)
    counts = adc.read()
    assert counts == (word - (1 << 24) if word & 0x800000 else word)
    assert chip.pulses == 25, "24 data bits + 1 pulse: channel A, gain 128 next"
    assert chip.sck == 0, "SCK left high would power the chip down"
    assert not adc.ready()


@pytest.mark.parametrize(
    ("word", "counts"),
    [(0x7FFFFF, (1 << 23) - 1), (0x800000, -(1 << 23)), (0xFFFFFF, -1), (0x123456, 0x123456)],
)
def test_rails_and_bit_order(word: int, counts: int) -> None:
    chip = Hx711Chip()
    adc = wire(chip)
    chip.convert(word)
    assert adc.read() == counts


def test_power_down_holds_sck_high_and_power_up_releases_it() -> None:
    chip = Hx711Chip()
    adc = wire(chip)
    adc.power_down()
    assert chip.sck == 1
    adc.power_up()
    assert chip.sck == 0


def test_a_wired_rate_pin_switches_between_10_and_80_hz() -> None:
    rate = OutputPin()
    adc = wire(Hx711Chip(), rate, board_rate_hz=80)
    assert rate.level == 1
    assert adc.set_rate(10)
    assert (rate.level, adc.rate_hz) == (0, 10)
    assert not adc.set_rate(40)
    assert adc.rate_hz == 10


def test_without_a_rate_pin_only_the_boards_rate_is_possible() -> None:
    adc = wire(Hx711Chip(), board_rate_hz=10)
    assert adc.set_rate(10)
    assert not adc.set_rate(80)
    assert adc.rate_hz == 10
