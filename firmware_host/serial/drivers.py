"""Wire drivers: what to write to a port and how its bytes become source events.

One driver per ``format=`` of a serial moniker. The serial source owns the port
and its reads; a driver only translates, so it is tested without any port.
"""

from __future__ import annotations

import math
from typing import Protocol

from firmware_host.protocol.framing import StreamDecoder, encode_frame
from firmware_host.protocol.messages import CommandFrame, InfoFrame, Op, SampleFrame, StatusFrame
from firmware_host.protocol.textlines import LineSplitter, parse_gauge_reply, parse_reading
from firmware_host.protocol.timeline import ClockTimeline, FrameTimeline
from firmware_host.source import BatteryStatus, DeviceInfo, KindChanged, SourceEvent
from knotmeter.core.provenance import SourceKind
from knotmeter.core.samples import SampleBatch

SIMULATED_MODEL = "knotmeter (simulated)"


class WireDriver(Protocol):
    """Translates between a port's bytes and source events for one wire format."""

    @property
    def bad_frames(self) -> int: ...

    @property
    def lost(self) -> int: ...

    @property
    def rejected(self) -> str:
        """Why the latest input that gave nothing was not read, quoting it; "" if none."""
        ...

    def on_open(self, host_t: float) -> bytes:
        """The port (re)opened: reset partial input; return bytes to send first."""
        ...

    def feed(self, data: bytes, host_t: float) -> list[SourceEvent]: ...

    def poll(self, host_t: float) -> bytes:
        """Called after reads and at :attr:`next_poll_t`; bytes to send now (a gauge's
        ``?``), often none."""
        ...

    @property
    def next_poll_t(self) -> float:
        """When :meth:`poll` next has something to send (host seconds); ``inf``: never."""
        ...

    def command(self, op: Op, value: float = 0.0) -> bytes | None:
        """Bytes that ask the device to do ``op``; ``None`` if this format cannot."""
        ...


class BinaryDriver:
    """The knotmeter protocol: COBS frames in, sample batches, info and battery out."""

    def __init__(self) -> None:
        self.decoder = StreamDecoder()
        self.timeline = FrameTimeline()
        self._opened = False
        self._request_id = 0

    @property
    def bad_frames(self) -> int:
        """Frames dropped by the decoder, and by the timeline (duplicated, overtaken, untimed)."""
        return self.decoder.stats.bad_frames + self.timeline.stats.dropped_frames

    @property
    def lost(self) -> int:
        return self.timeline.lost

    @property
    def rejected(self) -> str:
        return ""  # a binary frame that does not decode has nothing worth quoting

    def on_open(self, host_t: float) -> bytes:
        if self._opened:
            self.timeline.relink()
        self._opened = True
        self.decoder.reset()
        return self.command(Op.GET_INFO)

    def feed(self, data: bytes, host_t: float) -> list[SourceEvent]:
        events: list[SourceEvent] = []
        for msg in self.decoder.feed(data):
            match msg:
                case SampleFrame():
                    batch = self.timeline.add(msg, host_t)
                    if batch is not None:
                        events.append(batch)
                case InfoFrame():
                    model = SIMULATED_MODEL if msg.simulated else "knotmeter"
                    if msg.simulated:  # a simulator behind a plain port: never hide it
                        events.append(KindChanged(SourceKind.SIMULATED))
                    info = DeviceInfo(
                        msg.firmware, msg.serial_number, msg.adc, msg.rate_hz, model,
                        full_scale_n=msg.full_scale_n,
                    )  # fmt: skip
                    events.append(info)
                case StatusFrame():
                    events.append(BatteryStatus(host_t, msg.battery_mv, msg.low_battery))
                case _:
                    pass  # acks, errors and stray commands carry nothing for the pipeline
        return events

    def poll(self, host_t: float) -> bytes:
        return b""

    @property
    def next_poll_t(self) -> float:
        return math.inf

    def command(self, op: Op, value: float = 0.0) -> bytes:
        self._request_id = (self._request_id + 1) % 256
        return encode_frame(CommandFrame(op, self._request_id, value))


class _LineDriver:
    """Shared by the text formats: split lines, count the bad ones, place them in time."""

    def __init__(self) -> None:
        self.splitter = LineSplitter()
        self.timeline = ClockTimeline()
        self.bad_lines = 0
        self.rejected = ""

    @property
    def bad_frames(self) -> int:
        return self.bad_lines + self.splitter.overlong

    @property
    def lost(self) -> int:
        return 0

    def _batch(self, pairs: list[tuple[float, float]]) -> list[SourceEvent]:
        return [SampleBatch.from_pairs(pairs)] if pairs else []


class TextDriver(_LineDriver):
    """DIY boards printing ``force`` or ``t,force`` lines; ``scale`` and ``unit`` give newtons."""

    def __init__(self, *, scale: float = 1.0, unit: str = "N", time_scale: float = 1.0) -> None:
        super().__init__()
        self._scale, self._unit, self._time_scale = scale, unit, time_scale

    def on_open(self, host_t: float) -> bytes:
        self.splitter.reset(joined_mid_flow=True)
        return b""

    def feed(self, data: bytes, host_t: float) -> list[SourceEvent]:
        pairs: list[tuple[float, float]] = []
        for line in self.splitter.feed(data):
            try:
                reading = parse_reading(
                    line, scale=self._scale, unit=self._unit, time_scale=self._time_scale
                )
            except ValueError as err:
                self.bad_lines += 1
                self.rejected = str(err)
                continue
            if reading is None:
                if line:
                    self.rejected = f"no number in {line[:40]!r}"
                continue
            clock = host_t if reading.device_t is None else reading.device_t
            pairs.append((self.timeline.place(clock, host_t), reading.force_n))
        return self._batch(pairs)

    def poll(self, host_t: float) -> bytes:
        return b""

    @property
    def next_poll_t(self) -> float:
        return math.inf

    def command(self, op: Op, value: float = 0.0) -> bytes | None:
        return None


class GaugeDriver(_LineDriver):
    """Polled gauges (Mark-10, Wagner FDX/FPX): send ``?``, read ``-18.78 lbF``.

    ``command`` is the poll: ``?`` asks for the displayed reading, which in peak mode is
    the held peak; Mark-10 Series 5 answers ``?C`` with the real-time reading (its
    manual, §9.8), Wagner FDX ``?`` or ``C?`` (its manual, §D.1).
    """

    POLL = "?"
    REPLY_TIMEOUT_S = 0.5

    def __init__(self, *, rate_hz: float = 10.0, unit: str = "N", command: str = POLL) -> None:
        super().__init__()
        self._interval_s = 1.0 / rate_hz
        self._unit = unit
        self._poll = command.encode("ascii") + b"\r\n"
        self._next_poll_t = 0.0
        self._awaiting_since: float | None = None

    def on_open(self, host_t: float) -> bytes:
        self.splitter.reset(joined_mid_flow=False)  # a gauge speaks only when polled
        self._awaiting_since = None
        self._next_poll_t = host_t
        return b""

    def feed(self, data: bytes, host_t: float) -> list[SourceEvent]:
        pairs: list[tuple[float, float]] = []
        for line in self.splitter.feed(data):
            if not line:
                continue
            self._awaiting_since = None
            try:
                force_n = parse_gauge_reply(line, default_unit=self._unit)
            except ValueError as err:
                self.bad_lines += 1
                self.rejected = str(err)
                continue
            pairs.append((self.timeline.place(host_t, host_t), force_n))
        return self._batch(pairs)

    def poll(self, host_t: float) -> bytes:
        since = self._awaiting_since
        if since is not None and host_t - since < self.REPLY_TIMEOUT_S:
            return b""
        if host_t < self._next_poll_t:
            return b""
        self._awaiting_since = host_t
        self._next_poll_t = max(self._next_poll_t + self._interval_s, host_t)
        return self._poll

    @property
    def next_poll_t(self) -> float:
        """The next interval's poll; while a reply is awaited, not before it times out."""
        since = self._awaiting_since
        if since is None:
            return self._next_poll_t
        return max(self._next_poll_t, since + self.REPLY_TIMEOUT_S)

    def command(self, op: Op, value: float = 0.0) -> bytes | None:
        return None
