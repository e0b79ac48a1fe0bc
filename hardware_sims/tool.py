"""The simulated knotmeter tool: a press model and an ADC behind the real firmware protocol.

Transport-agnostic: it turns "time has passed" into payload messages and
commands into replies; the pty server and the simulated BlueZ device both wrap
the same object and only move its bytes. Time is the tool's uptime in seconds,
passed in by the transport, so tests can drive it without a clock.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from firmware_host.protocol.messages import (
    SATURATED,
    AckFrame,
    CommandFrame,
    ErrorCode,
    ErrorFrame,
    InfoFrame,
    Message,
    Op,
    SampleFrame,
    StatusFrame,
)
from firmware_host.source import CoachAim
from hardware_sims.hx711 import RATES_HZ, Hx711
from hardware_sims.press import PressModel
from knotmeter.core.units import STANDARD_GRAVITY

RESOLUTION_N = 0.001
_VALUE_LIMIT = (1 << 23) - 1
_TARE_WINDOW = 8


@dataclass(slots=True, frozen=True)
class ToolIdentity:
    firmware: str = "knotmeter-sim 0.1.0"
    serial_number: str = "SIM-0001"
    adc: str = "HX711 (simulated)"


@dataclass(slots=True, frozen=True)
class Battery:
    """A slowly discharging cell: ``mv(t)`` falls linearly from ``full_mv``."""

    full_mv: int = 4150
    drain_mv_per_s: float = 0.05
    empty_mv: int = 3300
    low_mv: int = 3500

    def status(self, t: float) -> StatusFrame:
        mv = max(self.empty_mv, round(self.full_mv - self.drain_mv_per_s * t))
        return StatusFrame(battery_mv=mv, low_battery=mv < self.low_mv)


class SimulatedTool:
    """Produces sample, status and reply payloads exactly as the firmware would."""

    def __init__(
        self,
        press: PressModel,
        adc: Hx711 | None = None,
        *,
        rate_hz: float = 80.0,
        samples_per_frame: int = 1,
        identity: ToolIdentity | None = None,
        battery: Battery | None = None,
        status_every_s: float = 5.0,
    ) -> None:
        if rate_hz not in RATES_HZ:
            raise ValueError(f"rate {rate_hz} Hz: an HX711 runs at 10 or 80 Hz")
        self.press = press
        self.adc = adc or Hx711()
        self.identity = identity or ToolIdentity()
        self.battery = battery or Battery()
        self.samples_per_frame = samples_per_frame
        self.streaming = True
        self.rate_hz = rate_hz
        self._status_every_s = status_every_s
        self._next_status_t = 0.0
        self._schedule_t0 = 0.0  # conversions run at t0 + k x period since the last (re)start
        self._schedule_k = 0
        self._seq = 0
        self._zero_counts = float(self.adc.config.offset_counts)
        self._counts_per_n = self.adc.config.counts_per_n
        self._recent: deque[int] = deque(maxlen=_TARE_WINDOW)
        self._pending: list[int] = []
        self._pending_t0 = 0.0
        self._pending_flags = 0

    @property
    def period_us(self) -> int:
        return round(1e6 / self.rate_hz)

    @property
    def next_due_s(self) -> float:
        """Uptime at which :meth:`poll` will next have something to say."""
        if not self.streaming:
            return self._next_status_t
        return min(self._next_sample_t, self._next_status_t)

    @property
    def _next_sample_t(self) -> float:
        return self._schedule_t0 + self._schedule_k * self.period_us / 1e6

    def _restart_schedule(self, now: float) -> None:
        self._schedule_t0, self._schedule_k = now, 0

    def aim(self, aim: CoachAim) -> None:
        """The person holding the tool presses for ``aim`` from now on (any thread)."""
        self.press.aim(aim)

    def info(self) -> InfoFrame:
        return InfoFrame(
            firmware=self.identity.firmware,
            serial_number=self.identity.serial_number,
            adc=self.identity.adc,
            rate_hz=self.rate_hz,
            counts_per_n=self._counts_per_n,
            offset_counts=round(self._zero_counts),
            full_scale_n=self.adc.config.full_scale_n,
        )

    def poll(self, now: float) -> list[Message]:
        """Every message due by uptime ``now``: complete sample frames and periodic status."""
        out: list[Message] = []
        while self.streaming and self._next_sample_t <= now:
            frame = self._convert(self._next_sample_t)
            if frame is not None:
                out.append(frame)
            self._schedule_k += 1
        if now >= self._next_status_t:
            out.append(self.battery.status(now))
            self._next_status_t = now + self._status_every_s
        return out

    def handle(self, cmd: CommandFrame, now: float) -> list[Message]:
        """Carry out ``cmd`` at uptime ``now``; the reply is an ack, an error, info or status."""
        match cmd.op:
            case Op.GET_INFO:
                return [self.info()]
            case Op.GET_STATUS:
                return [self.battery.status(now)]
            case Op.START:
                if not self.streaming:
                    self.streaming = True
                    self._restart_schedule(now)
            case Op.STOP:
                self.streaming = False
                self._pending.clear()
            case Op.SET_RATE:
                if cmd.value not in RATES_HZ:
                    return [self._error(cmd, ErrorCode.BAD_ARGUMENT, "rate must be 10 or 80 Hz")]
                self.rate_hz = cmd.value
                self._pending.clear()
                self._restart_schedule(now)
            case Op.TARE:
                if not self._recent:
                    return [self._error(cmd, ErrorCode.NOT_STREAMING, "tare needs live samples")]
                self._zero_counts = sum(self._recent) / len(self._recent)
            case Op.CALIBRATE:
                return self._calibrate(cmd)
        return [AckFrame(cmd.request_id, cmd.op)]

    def _calibrate(self, cmd: CommandFrame) -> list[Message]:
        if cmd.value <= 0 or not self._recent:
            return [self._error(cmd, ErrorCode.CALIBRATION_FAILED, "needs a mass and live samples")]
        loaded = sum(self._recent) / len(self._recent) - self._zero_counts
        if loaded <= 0:
            return [self._error(cmd, ErrorCode.CALIBRATION_FAILED, "no load on the tool")]
        self._counts_per_n = loaded / (cmd.value / 1000 * STANDARD_GRAVITY)
        return [AckFrame(cmd.request_id, cmd.op)]

    @staticmethod
    def _error(cmd: CommandFrame, code: ErrorCode, message: str) -> ErrorFrame:
        return ErrorFrame(cmd.request_id, cmd.op, code, message)

    def _convert(self, t: float) -> SampleFrame | None:
        """One ADC conversion at ``t``; returns a frame when it completes one."""
        reading = self.adc.read(self.press.force_at(t), t)
        self._recent.append(reading.counts)
        force_n = (reading.counts - self._zero_counts) / self._counts_per_n
        value = max(-_VALUE_LIMIT, min(_VALUE_LIMIT, round(force_n / RESOLUTION_N)))
        if not self._pending:
            self._pending_t0 = t
            self._pending_flags = 0
        self._pending.append(value)
        self._pending_flags |= SATURATED if reading.saturated else 0
        if len(self._pending) < self.samples_per_frame:
            return None
        frame = SampleFrame(
            seq=self._seq,
            device_us=round(self._pending_t0 * 1e6) % (1 << 32),
            period_us=self.period_us,
            resolution_n=RESOLUTION_N,
            values=tuple(self._pending),
            flags=self._pending_flags,
        )
        self._seq = (self._seq + len(self._pending)) % (1 << 16)
        self._pending = []
        return frame
