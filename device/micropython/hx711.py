"""Bit-banged HX711 load-cell ADC: channel A, gain 128, 24-bit two's complement.

The pins are passed in (``machine.Pin`` on the board, fakes in the tests), so
this file never imports ``machine``. Datasheet rules it follows: DOUT low means
a conversion is ready; each SCK pulse shifts out one bit, MSB first; pulses
after the 24th pick the next conversion's input (1 more = channel A, gain 128);
SCK held high for over 60 µs powers the chip down, SCK low powers it up (back
on channel A, gain 128, after a settling time of 4 conversions).
"""

GAIN_A_128_PULSES = 1
RATES_HZ = (10, 80)


class HX711:
    """One HX711. ``rate`` is the pin wired to the chip's RATE input (high = 80 Hz),
    or None when the board fixes the rate: many breakouts tie RATE to ground (10 Hz)."""

    def __init__(self, dout, sck, rate=None, board_rate_hz: int = 80):
        self._dout = dout
        self._sck = sck
        self._rate = rate
        self.rate_hz = board_rate_hz
        sck.value(0)
        if rate is not None:
            rate.value(1 if board_rate_hz == 80 else 0)

    def ready(self) -> bool:
        """A conversion is waiting: poll this instead of blocking in :meth:`read`."""
        return self._dout.value() == 0

    def read(self) -> int:
        """The waiting conversion, in counts (-2^23 .. 2^23 - 1); call only when ready().

        Each SCK high phase must stay under 60 µs or the chip powers down:
        callers on a busy board run this with interrupts off.
        """
        dout = self._dout
        sck = self._sck
        raw = 0
        for _ in range(24):
            sck.value(1)
            sck.value(0)
            raw = (raw << 1) | dout.value()
        for _ in range(GAIN_A_128_PULSES):
            sck.value(1)
            sck.value(0)
        if raw & 0x800000:
            raw -= 0x1000000
        return raw

    def set_rate(self, hz: int) -> bool:
        """Switch to ``hz`` (10 or 80); False if the board's wiring cannot."""
        if hz not in RATES_HZ:
            return False
        if self._rate is None:
            return hz == self.rate_hz
        self._rate.value(1 if hz == 80 else 0)
        self.rate_hz = hz
        return True

    def power_down(self) -> None:
        """Hold SCK high: the chip sleeps (about 1 µA) until :meth:`power_up`."""
        self._sck.value(0)
        self._sck.value(1)

    def power_up(self) -> None:
        self._sck.value(0)
