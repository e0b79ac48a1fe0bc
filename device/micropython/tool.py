"""What the tool does, free of pins and clocks: conversions and commands in, payloads out.

``main.py`` hands it the HX711, the USB serial port and the tick counter; the
tests hand it fakes and a real pty. Time is an argument (µs since boot, modulo
2^32), so every rule here runs the same on the bench and on the board.
"""

import knotproto

RESOLUTION_UN = 1000
"""Force per count sent, µN: 1 mN steps, ±8.4 kN in an i24, far past any hand."""
TARE_WINDOW = 8
STATUS_PERIOD_US = 5_000_000
STANDARD_GRAVITY = 9.80665
CAL_MIN_COUNTS = 1000
"""A known mass must move the reading by more than this (noise is tens of counts)."""
SEQ_MASK = 0xFFFF
US_MASK = 0xFFFFFFFF
ADC_MIN = -(1 << 23)
ADC_MAX = (1 << 23) - 1


class Uptime:
    """µs since boot modulo 2^32, from a tick counter that wraps sooner.

    MicroPython's ``ticks_us`` wraps at 2^30 on rp2 and esp32; reading it at
    least every 2^29 µs (9 minutes; the main loop reads it thousands of times a
    second) keeps this count exact across every wrap.
    """

    def __init__(self, ticks_us, ticks_diff):
        self._ticks_us = ticks_us
        self._ticks_diff = ticks_diff
        self._last = ticks_us()
        self._us = 0

    def now(self) -> int:
        ticks = self._ticks_us()
        self._us = (self._us + self._ticks_diff(ticks, self._last)) & US_MASK
        self._last = ticks
        return self._us


class Tool:
    """The firmware's behaviour (PROTOCOL §2-3).

    ``adc`` has ``ready()``, ``read()``, ``set_rate(hz) -> bool``, ``power_down()``
    and ``power_up()`` (an :class:`hx711.HX711`). ``identity`` is ``(firmware,
    serial_number, adc_name)``. ``save(counts_per_n, offset_counts)`` keeps a new
    calibration; ``battery()`` returns millivolts, or None where nothing measures it.
    """

    def __init__(
        self,
        adc,
        identity: tuple,
        counts_per_n: float,
        offset_counts: int,
        save=None,
        battery=None,
        low_battery_mv: int = 3500,
        full_scale_n: float = 0.0,
    ):
        self.adc = adc
        self.identity = identity
        self.rate_hz = adc.rate_hz
        self.streaming = True
        self.counts_per_n = counts_per_n
        self.offset_counts = offset_counts
        self.commands = knotproto.CommandSplitter()
        self._save = save
        self._battery = battery
        self._low_battery_mv = low_battery_mv
        self._full_scale_mn = int(full_scale_n * 1000)  # 0: not known
        self._host_ready = False
        self._seq = 0
        self._recent = []
        self._status_us = 0
        self._handlers = {
            knotproto.OP_TARE: self._tare,
            knotproto.OP_SET_RATE: self._set_rate,
            knotproto.OP_START: self._start,
            knotproto.OP_STOP: self._stop,
            knotproto.OP_CALIBRATE: self._calibrate,
        }
        self.info()  # an identity text too long for INFO fails here, at boot, not mid-session

    def step(self, now_us: int, received: bytes = b"") -> list:
        """One pass of the main loop: answer ``received`` commands, take a conversion if
        one is ready, send STATUS when due. Returns the payloads to send, in order."""
        out = []
        if received:
            for request_id, op, value in self.commands.feed(received):
                self._host_ready = True  # PROTOCOL §3: silent until the host has spoken
                out.append(self._answer(request_id, op, value))
        if self.streaming and self.adc.ready():
            sample = self._sample(self.adc.read(), now_us)
            if sample is not None:
                out.append(sample)
        if ((now_us - self._status_us) & US_MASK) >= STATUS_PERIOD_US:
            self._status_us = now_us
            if self._host_ready:
                out.append(self.status())
        return out

    def info(self) -> bytes:
        firmware, serial_number, adc_name = self.identity
        return knotproto.info_payload(
            self.rate_hz * 1000,
            self.counts_per_n,
            self.offset_counts,
            firmware,
            serial_number,
            adc_name,
            self._full_scale_mn,
        )

    def status(self) -> bytes:
        mv = self._battery() if self._battery is not None else None
        if mv is None:
            return knotproto.status_payload(0, False, False)
        return knotproto.status_payload(mv, mv < self._low_battery_mv, False)

    def _sample(self, counts: int, now_us: int):
        """One conversion -> a one-sample SAMPLE payload (the lowest latency at 80 Hz),
        or None before the host has spoken: the sample is counted but never sent."""
        self._recent.append(counts)
        if len(self._recent) > TARE_WINDOW:
            self._recent.pop(0)
        seq = self._seq
        self._seq = (seq + 1) & SEQ_MASK
        if not self._host_ready:
            return None
        force_un = (counts - self.offset_counts) * 1_000_000 / self.counts_per_n
        value = round(force_un / RESOLUTION_UN)
        clipped = min(max(value, knotproto.I24_MIN), knotproto.I24_MAX)
        saturated = clipped != value or counts <= ADC_MIN or counts >= ADC_MAX
        return knotproto.sample_payload(
            seq,
            now_us & US_MASK,
            1_000_000 // self.rate_hz,
            RESOLUTION_UN,
            1 if saturated else 0,
            (clipped,),
        )

    def _answer(self, request_id: int, op: int, value: int) -> bytes:
        if op == knotproto.OP_GET_INFO:
            return self.info()
        if op == knotproto.OP_GET_STATUS:
            return self.status()
        handler = self._handlers.get(op)
        error = handler(value) if handler else (knotproto.ERR_UNKNOWN_OP, "unknown op %d" % op)
        if error:
            return knotproto.error_payload(request_id, op, error[0], error[1])
        return knotproto.ack_payload(request_id, op)

    # Each handler takes the command's value and returns None or (error code, message).

    def _start(self, value: int):
        if not self.streaming:
            self.adc.power_up()
            self.streaming = True

    def _stop(self, value: int):
        if self.streaming:
            self.adc.power_down()
            self.streaming = False
            self._recent = []

    def _set_rate(self, value: int):
        hz = value // 1000
        if value % 1000 or hz not in (10, 80):
            return knotproto.ERR_BAD_ARGUMENT, "rate must be 10 or 80 Hz"
        if not self.adc.set_rate(hz):
            return knotproto.ERR_BAD_ARGUMENT, "rate fixed at %d Hz by the board" % self.rate_hz
        self.rate_hz = hz
        self._recent = []  # the tare window must not mix rates (the chip resettles)

    def _tare(self, value: int):
        if not self.streaming or not self._recent:
            return knotproto.ERR_NOT_STREAMING, "tare needs live samples"
        self.offset_counts = round(sum(self._recent) / len(self._recent))
        return self._persist()

    def _calibrate(self, mass_mg: int):
        """Slope from the load the known mass adds over the tared zero (tare first)."""
        if not self.streaming or not self._recent:
            return knotproto.ERR_NOT_STREAMING, "calibrate needs live samples"
        if mass_mg == 0:
            return knotproto.ERR_CALIBRATION_FAILED, "no mass given"
        loaded = sum(self._recent) / len(self._recent) - self.offset_counts
        if abs(loaded) < CAL_MIN_COUNTS:
            return knotproto.ERR_CALIBRATION_FAILED, "no load: tare, then add the mass"
        self.counts_per_n = loaded / (mass_mg / 1_000_000 * STANDARD_GRAVITY)
        return self._persist()

    def _persist(self):
        """Save the calibration; a full or failing flash must not stop the tool."""
        if self._save is None:
            return None
        try:
            self._save(self.counts_per_n, self.offset_counts)
        except OSError:
            return knotproto.ERR_CALIBRATION_FAILED, "applied; saving to flash failed"
        return None


def serve(tool: Tool, link, uptime: Uptime, running) -> None:
    """The main loop. Neither the line nor the ADC is ever waited on, so a command is
    answered within one pass and a conversion never waits for the host.

    ``link`` has ``read() -> bytes`` (b"" when nothing came) and ``write(data)``;
    the loop runs while ``running()`` is true.
    """
    while running():
        received = link.read()
        for payload in tool.step(uptime.now(), received):
            link.write(knotproto.frame(payload))
