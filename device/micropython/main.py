"""Boot entry on the board: wires tool.py to the pins, USB serial and tick counter.

MicroPython only (``machine``, ``micropython``); everything it wires is plain
Python tested on the host. Nothing here may print: stdout is the data line.
"""

import select
import sys
import time

import config
import hx711
import machine
import micropython
import tool


class UsbSerial:
    """The USB CDC port as raw bytes, read without ever blocking the sampling loop."""

    def __init__(self):
        self._in = sys.stdin.buffer
        self._out = sys.stdout.buffer
        self._poll = select.poll()
        self._poll.register(sys.stdin, select.POLLIN)

    def read(self) -> bytes:
        data = bytearray()
        while len(data) < 64 and self._poll.poll(0):
            data.extend(self._in.read(1))
        return bytes(data)

    def write(self, data: bytes) -> None:
        self._out.write(data)


class BoardHX711(hx711.HX711):
    """Reads with interrupts off: a USB interrupt inside an SCK high phase longer than
    60 µs would power the chip down mid-word. 25 pulses take well under 1 ms."""

    def read(self) -> int:
        state = machine.disable_irq()
        try:
            return super().read()
        finally:
            machine.enable_irq(state)


def battery_reader():
    """Millivolts on VSYS (Pico: GP29 = VSYS / 3), or None where nothing is wired."""
    if config.VSYS_ADC_PIN is None:
        return None
    adc = machine.ADC(config.VSYS_ADC_PIN)
    return lambda: adc.read_u16() * 3 * 3300 // 65535


def repl_requested() -> bool:
    """``REPL_PIN`` held to ground at power-up: leave the REPL free for mpremote, because
    once the loop runs, Ctrl-C is ordinary data."""
    if config.REPL_PIN is None:
        return False
    return machine.Pin(config.REPL_PIN, machine.Pin.IN, machine.Pin.PULL_UP).value() == 0


def main():
    micropython.kbd_intr(-1)  # frames carry 0x03 bytes: Ctrl-C must not stop the tool
    rate_pin = None
    if config.HX711_RATE_PIN is not None:
        rate_pin = machine.Pin(config.HX711_RATE_PIN, machine.Pin.OUT)
    adc = BoardHX711(
        machine.Pin(config.HX711_DOUT_PIN, machine.Pin.IN, machine.Pin.PULL_UP),
        machine.Pin(config.HX711_SCK_PIN, machine.Pin.OUT),
        rate_pin,
        config.BOARD_RATE_HZ,
    )
    counts_per_n, offset_counts = config.load_calibration()
    the_tool = tool.Tool(
        adc,
        (config.FIRMWARE, config.SERIAL_NUMBER, config.ADC_NAME),
        counts_per_n,
        offset_counts,
        save=config.save_calibration,
        battery=battery_reader(),
        low_battery_mv=config.LOW_BATTERY_MV,
        full_scale_n=config.FULL_SCALE_N,
    )
    uptime = tool.Uptime(time.ticks_us, time.ticks_diff)
    tool.serve(the_tool, UsbSerial(), uptime, lambda: True)


if not repl_requested():
    main()
