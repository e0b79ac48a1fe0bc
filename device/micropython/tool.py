"""What the tool does, free of pins, clocks and radios: conversions and commands in,
payloads out, to every link the same.

``main.py`` hands it the HX711, its links (USB serial here, BLE in ``blelink.py``)
and the tick counter; the tests hand it fakes and a real pty. Time is an argument
(µs since boot, modulo 2^32), so every rule here runs the same on the bench and on
the board. A link only carries: it says whether its host may change the tool and
how many samples one payload may hold, and :func:`run_pass` does the rest.
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
CHANGING_OPS = (knotproto.OP_TARE, knotproto.OP_SET_RATE, knotproto.OP_CALIBRATE)
"""Commands that change what the tool measures or keeps on flash: a link whose host is not
trusted (BLE without an encrypted, bonded link) is refused them (PROTOCOL §5)."""


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
    """The firmware's behaviour (PROTOCOL §2-3, §5).

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
        self.asleep = False
        self.counts_per_n = counts_per_n
        self.offset_counts = offset_counts
        self._save = save
        self._battery = battery
        self._low_battery_mv = low_battery_mv
        self._full_scale_mn = int(full_scale_n * 1000)  # 0: not known
        self._seq = 0
        self._recent = []
        self._status_us = 0
        self._streaming_before_sleep = True
        self._handlers = {
            knotproto.OP_TARE: self._tare,
            knotproto.OP_SET_RATE: self._set_rate,
            knotproto.OP_START: self._start,
            knotproto.OP_STOP: self._stop,
            knotproto.OP_CALIBRATE: self._calibrate,
        }
        self.info()  # an identity text too long for INFO fails here, at boot, not mid-session

    def measure(self, now_us: int):
        """Take a conversion if one is ready: ``(seq, device_us, period_us, value, flags)``
        with the value tared and calibrated in ``RESOLUTION_UN`` steps, or None.

        Every conversion is numbered, heard or not, so a host that joins later sees
        the samples it missed as a gap in ``seq``.
        """
        if not self.streaming or not self.adc.ready():
            return None
        counts = self.adc.read()
        self._recent.append(counts)
        if len(self._recent) > TARE_WINDOW:
            self._recent.pop(0)
        seq = self._seq
        self._seq = (seq + 1) & SEQ_MASK
        force_un = (counts - self.offset_counts) * 1_000_000 / self.counts_per_n
        value = round(force_un / RESOLUTION_UN)
        clipped = min(max(value, knotproto.I24_MIN), knotproto.I24_MAX)
        saturated = clipped != value or counts <= ADC_MIN or counts >= ADC_MAX
        return seq, now_us & US_MASK, 1_000_000 // self.rate_hz, clipped, 1 if saturated else 0

    def status_due(self, now_us: int) -> bool:
        """True every ``STATUS_PERIOD_US`` on a cadence that runs from boot."""
        if ((now_us - self._status_us) & US_MASK) < STATUS_PERIOD_US:
            return False
        self._status_us = now_us
        return True

    def answer(self, request_id: int, op: int, value: int, trusted: bool = True) -> bytes:
        """The reply to one command. ``trusted``: the link vouches for its host (a cable, or
        a bonded BLE central); others may read and start or stop, never change the tool."""
        if op == knotproto.OP_GET_INFO:
            return self.info()
        if op == knotproto.OP_GET_STATUS:
            return self.status()
        if not trusted and op in CHANGING_OPS:
            error = knotproto.ERR_NOT_PAIRED, "pair with the tool first"
        else:
            handler = self._handlers.get(op)
            error = handler(value) if handler else (knotproto.ERR_UNKNOWN_OP, "unknown op %d" % op)
        if error:
            return knotproto.error_payload(request_id, op, error[0], error[1])
        return knotproto.ack_payload(request_id, op)

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

    def battery_mv(self) -> int:
        """Millivolts now; 0 where nothing measures it (STATUS says 0: not measured)."""
        mv = self._battery() if self._battery is not None else None
        return 0 if mv is None else mv

    def status(self) -> bytes:
        mv = self.battery_mv()
        return knotproto.status_payload(mv, 0 < mv < self._low_battery_mv, False)

    def sleep(self) -> None:
        """Nobody has listened for a while: power the ADC down until :meth:`wake`."""
        if not self.asleep:
            self.asleep = True
            self._streaming_before_sleep = self.streaming
            self._stop(0)

    def wake(self) -> None:
        """A host is back: stream again if the tool streamed when it fell asleep."""
        if self.asleep:
            self.asleep = False
            if self._streaming_before_sleep:
                self._start(0)

    # Each handler takes the command's value and returns None or (error code, message).

    def _start(self, value: int):
        self.asleep = False
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


class Batcher:
    """Consecutive samples -> SAMPLE payloads of up to ``size`` samples (PROTOCOL §2).

    A payload says sample *i* was taken at ``device_us + i x period_us``, so a sample
    that does not follow on (a gap in ``seq``, another period, a pause in time) starts
    a new payload instead of joining one that would misplace it.
    """

    def __init__(self, size: int = 1):
        self.size = size
        self._values = []
        self._head = None
        self._flags = 0

    def add(self, sample) -> list:
        """Take one sample from :meth:`Tool.measure`; returns the payloads it completed."""
        seq, device_us, period_us, value, flags = sample
        out = []
        if self._values and not self._follows(seq, device_us, period_us):
            out.append(self._payload())
        if not self._values:
            self._head = sample
            self._flags = 0
        self._values.append(value)
        self._flags |= flags
        if len(self._values) >= self.size:
            out.append(self._payload())
        return out

    def flush(self) -> list:
        """The samples waiting, as one payload (none when nothing waits)."""
        return [self._payload()] if self._values else []

    def waiting_since(self):
        """``device_us`` of the oldest sample waiting, or None."""
        return self._head[1] if self._values else None

    def _follows(self, seq: int, device_us: int, period_us: int) -> bool:
        head_seq, head_us, head_period = self._head[0], self._head[1], self._head[2]
        n = len(self._values)
        if period_us != head_period or seq != (head_seq + n) & SEQ_MASK:
            return False
        late = ((device_us - head_us) & US_MASK) - n * period_us
        return -period_us // 2 <= late <= period_us // 2

    def _payload(self) -> bytes:
        seq, device_us, period_us = self._head[0], self._head[1], self._head[2]
        payload = knotproto.sample_payload(
            seq, device_us, period_us, RESOLUTION_UN, self._flags, self._values
        )
        self._values = []
        self._head = None
        return payload


class Idle:
    """How long a link has gone without a host: idle once that lasts ``after_us``
    (None: never, as on a board whose only link is its cable)."""

    def __init__(self, after_us=None):
        self.after_us = after_us
        self._since = None
        self._reached = False  # latched: the µs count wraps, an idle tool stays idle

    def __call__(self, now_us: int, busy: bool) -> bool:
        if busy or self.after_us is None:
            self._since = None
            self._reached = False
            return False
        if self._since is None:
            self._since = now_us
        if ((now_us - self._since) & US_MASK) >= self.after_us:
            self._reached = True
        return self._reached


class SerialLink:
    """USB serial (PROTOCOL §3): COBS frames, one sample each the moment it is converted.

    ``port`` has ``read() -> bytes`` (b"" when nothing came) and ``write(data)``. The
    tool says nothing until the host's first command; a cable is trusted. ``idle_us``:
    beside a radio, the cable counts as idle after that long without a host.
    """

    trusted = True

    def __init__(self, port, idle_us=None):
        self.port = port
        self.splitter = knotproto.CommandSplitter()
        self.heard = False
        self._batcher = Batcher(1)
        self._idle = Idle(idle_us)

    def commands(self) -> list:
        received = self.port.read()
        found = self.splitter.feed(received) if received else []
        if found:
            self.heard = True
        return found

    def send(self, payload: bytes) -> None:
        self.port.write(knotproto.frame(payload))

    def carry(self, now_us: int, sample, status) -> None:
        if not self.heard:
            return  # measured and numbered, but nobody has asked yet
        if sample is not None:
            for payload in self._batcher.add(sample):
                self.send(payload)
        if status is not None:
            self.send(status)

    def idle(self, now_us: int) -> bool:
        """MicroPython cannot tell when the host closes the port: once heard, never idle."""
        return self._idle(now_us, self.heard)


def run_pass(tool: Tool, links: list, now_us: int) -> None:
    """One pass of the main loop over every link: answer what each link's host asked,
    take a conversion if one is ready, and hand the sample and any STATUS to each link.
    The tool sleeps while every link is idle and wakes when one is not.

    A link has ``trusted``, ``commands()`` (``(request_id, op, value)`` tuples),
    ``send(payload)``, ``carry(now_us, sample, status)`` and ``idle(now_us)``.
    """
    for link in links:
        for request_id, op, value in link.commands():
            link.send(tool.answer(request_id, op, value, link.trusted))
    sample = tool.measure(now_us)
    status = tool.status() if tool.status_due(now_us) else None
    for link in links:
        link.carry(now_us, sample, status)
    if all(link.idle(now_us) for link in links):
        tool.sleep()
    else:
        tool.wake()


def serve(tool: Tool, links: list, uptime: Uptime, running) -> None:
    """The main loop of a board without a radio. Neither the line nor the ADC is ever
    waited on, so a command is answered within one pass and a conversion never waits
    for the host. The loop runs while ``running()`` is true.
    """
    while running():
        run_pass(tool, links, uptime.now())
