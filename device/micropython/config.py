"""Settings for one tool: edit them to match your board and wiring (see device/README.md).

The calibration below is only a starting guess; CALIBRATE and TARE from the
host replace it, and the result is kept in ``CALIBRATION_FILE`` on the board's
flash so it survives a power cycle.
"""

import json
import os

FIRMWARE = "knotmeter-mpy 0.1.0"
SERIAL_NUMBER = "KM-DIY-0042"
"""Give every tool its own; never start it with ``SIM-`` (hosts label those simulated)."""
ADC_NAME = "HX711"

# Raspberry Pi Pico pin numbers (GPn); on an ESP32 use e.g. 16 and 4.
HX711_DOUT_PIN = 16
HX711_SCK_PIN = 17
HX711_RATE_PIN = None
"""GPIO wired to the HX711 RATE input, or None when the breakout fixes the rate."""
BOARD_RATE_HZ = 80
"""The rate the chip runs at on power-up: 80 with RATE high, 10 with RATE to ground."""

REPL_PIN = 15
"""Tie this GPIO to ground while plugging in to skip the tool and get the REPL (to update
files with mpremote). None: no escape; then only reflashing MicroPython frees the board."""

VSYS_ADC_PIN = 29
"""Pico: GP29 reads VSYS / 3, the battery or USB supply. None where nothing is wired."""
LOW_BATTERY_MV = 3500

COUNTS_PER_N = 4380.0
"""Guess for a 50 kg bar cell (1 mV/V) at 3.3 V excitation and gain 128:
full scale 3.3 mV over 490 N, the HX711's ±12.9 mV spanning ±2^23 counts. 50 kg, not
20 kg: a 20 kg cell reads to ~196 N, under the gluteus medius ceiling (220 N), and the
host keeps every ceiling under ~90 % of the tool's range."""
OFFSET_COUNTS = 0
FULL_SCALE_N = 490.0
"""The load cell's rated range (50 kg): sent in INFO so the host keeps every ceiling under
~90 % of it and calls a reading at full scale "too hard". Set it to your cell's rating."""
CALIBRATION_FILE = "calibration.json"


def load_calibration(path: str = CALIBRATION_FILE) -> tuple:
    """``(counts_per_n, offset_counts)`` saved on flash, or the defaults above.

    A missing or damaged file must never stop the tool from booting: it then
    streams with the defaults until the next CALIBRATE.
    """
    try:
        with open(path) as f:
            saved = json.load(f)
        counts_per_n = float(saved["counts_per_n"])
        offset_counts = int(saved["offset_counts"])
    except (OSError, ValueError, KeyError, TypeError):
        return COUNTS_PER_N, OFFSET_COUNTS
    if counts_per_n == 0:
        return COUNTS_PER_N, OFFSET_COUNTS
    return counts_per_n, offset_counts


def save_calibration(counts_per_n: float, offset_counts: int, path: str = CALIBRATION_FILE):
    """Write to a temporary file and rename it, so a power cut leaves the old or the new one
    (littlefs, the rp2 and esp32 default, replaces on rename; FAT needs the old one gone)."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"counts_per_n": counts_per_n, "offset_counts": offset_counts}, f)
    try:
        os.rename(tmp, path)
    except OSError:
        os.remove(path)
        os.rename(tmp, path)

RADIO = "ble"
"""``"ble"``: also serve the tool over Bluetooth LE (Pico W, ESP32; PROTOCOL §5) beside USB
serial. ``None``: USB serial only. A board without a radio (plain Pico) runs serial only
either way."""
BLE_NAME = None
"""The advertised name; None: ``knotmeter-`` and the serial number's last part
(``KM-DIY-0042`` -> ``knotmeter-0042``)."""
BLE_BATCH_MS = 50
"""A sample waits at most this long for the notification that carries it: 4 samples a
notification at 80 Hz when the MTU allows (1 at MTU 23), so an alarm is never held back
longer, and the radio sends a quarter of the notifications."""
IDLE_S = 300
"""With no host on any link this long, the tool stops measuring and advertises slowly."""
LED_PIN = "LED"
"""The status LED: "LED" on a Pico W, 2 on most ESP32 dev boards; None: no LED."""
BLE_SECRETS_FILE = "ble_secrets.json"
"""Bonds with paired hosts, kept on flash so a paired host stays trusted after a reboot."""
