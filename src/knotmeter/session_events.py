"""What a session tells its consumers, besides the pipeline's and the source's events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from firmware_host.source import BatteryStatus, DeviceInfo, LinkChanged
from knotmeter.core.events import Event
from knotmeter.core.routine import RoutineEvent
from knotmeter.errors import KnotmeterError


@runtime_checkable
class Pausable(Protocol):
    """A source that can stop and go on (a recording); a live tool cannot."""

    def pause(self, paused: bool) -> None: ...


@dataclass(slots=True, frozen=True)
class TargetsRefused:
    """A change of point, tool, range, mode or profile the prescription refused: the coach
    keeps the targets it had (with the tool's range, so saturation still fires) and the
    screen shows ``reason`` until a change is prescribed."""

    t: float
    reason: str


@dataclass(slots=True, frozen=True)
class TargetsChanged:
    """The coach presses by new targets (a new point, tool, range, mode, profile or a
    go-lighter step): a screen redraws what it shows of them."""

    t: float


class NotScreened(KnotmeterError):
    """A session that would coach a live tool was started without a screening decision
    that allows it: a bug in the entry point, which must ask ``core/screening`` first."""


SessionEvent = (
    Event
    | LinkChanged
    | BatteryStatus
    | DeviceInfo
    | RoutineEvent
    | TargetsChanged
    | TargetsRefused
)
Subscriber = Callable[[SessionEvent], None]
Watcher = Callable[[], None]
