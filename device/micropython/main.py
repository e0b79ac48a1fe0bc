"""Boot entry on the board: wires tool.py to the pins, USB serial, the radio and the
tick counter.

MicroPython only (``machine``, ``micropython``, ``aioble``); everything it wires is
plain Python tested on the host. Nothing here may print: stdout is the data line.
With ``config.RADIO = "ble"`` on a board with a radio, one loop serves USB serial
and Bluetooth LE together (``tool.run_pass`` over both links); otherwise serial only.
"""

import asyncio
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


def radio_link(the_tool):
    """The BLE link and its aioble radio, or None (serial only: configured so, or no radio)."""
    if config.RADIO != "ble":
        return None
    try:
        import aioble
        import bluetooth
    except ImportError:
        return None  # a plain Pico: no radio, no aioble
    import blelink

    try:
        from aioble import security

        security.load_secrets(config.BLE_SECRETS_FILE)  # bonds survive a reboot
    except ImportError:
        pass  # aioble without its security part: bonds last until power-off
    name = config.BLE_NAME or blelink.advertised_name(config.SERIAL_NUMBER)
    radio = blelink.AiobleRadio(aioble, bluetooth, name)
    link = blelink.BleLink(
        the_tool, radio, batch_ms=config.BLE_BATCH_MS, idle_us=config.IDLE_S * 1_000_000
    )
    return link, radio


async def show_link(link):
    """The status LED (see blelink.led_lit), if the board has one."""
    import blelink

    if config.LED_PIN is None:
        return
    led = machine.Pin(config.LED_PIN, machine.Pin.OUT)
    while True:
        led.value(1 if blelink.led_lit(link, time.ticks_ms()) else 0)
        await asyncio.sleep_ms(50)


async def serve_with_radio(the_tool, serial, ble, uptime):
    """One loop for both links: every pass yields so the radio's tasks run between."""
    link, radio = ble
    asyncio.create_task(radio.run(link))
    asyncio.create_task(show_link(link))
    links = [serial, link]
    while True:
        tool.run_pass(the_tool, links, uptime.now())
        await asyncio.sleep_ms(0)


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
    ble = radio_link(the_tool)
    if ble is None:
        tool.serve(the_tool, [tool.SerialLink(UsbSerial())], uptime, lambda: True)
    else:
        serial = tool.SerialLink(UsbSerial(), idle_us=config.IDLE_S * 1_000_000)
        asyncio.run(serve_with_radio(the_tool, serial, ble, uptime))


if not repl_requested():
    main()
