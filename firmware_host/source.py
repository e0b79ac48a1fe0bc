"""The one interface every source of force samples satisfies.

Serial, BLE, off-the-shelf drivers, replay of a recording and the simulated tool
all look the same to the app: an async stream of :data:`SourceEvent` plus a few
commands. The app and the store never learn which one they got.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from knotmeter.core.provenance import SourceKind
from knotmeter.core.samples import SampleBatch


class LinkState(StrEnum):
    CONNECTING = "connecting"
    LIVE = "live"
    NO_DATA = "no_data"
    RECONNECTING = "reconnecting"
    CLOSED = "closed"


@dataclass(slots=True, frozen=True)
class LinkChanged:
    """The link moved to ``state``; ``detail`` is one human line (why, where).

    ``t`` is on the source's sample timeline, like every ``t`` a source emits: a live
    link's newest sample time plus the host time since it came, a recording's own time.
    """

    t: float
    state: LinkState
    detail: str = ""


@dataclass(slots=True, frozen=True)
class DeviceInfo:
    """What a tool says about itself once connected.

    ``full_scale_n`` is the most force it can measure (its load cell's or ADC's range),
    ``None`` when unknown: the coach keeps every ceiling below it and treats a reading
    at full scale as "too hard", because a clipped reading hides how hard it really is.
    """

    firmware: str
    serial_number: str
    adc: str
    rate_hz: float
    model: str = "knotmeter"
    full_scale_n: float | None = None
    raw_counts: bool = False
    """Samples carry the ADC's raw counts, not newtons: the app scales them with the
    calibration kept for ``serial_number`` (``knotmeter calibrate``), or refuses."""


@dataclass(slots=True, frozen=True)
class CoachAim:
    """What the coach is aiming at now: a neutral message any source may hear.

    Real tools ignore it; the simulated person presses where it says, so a simulated
    session fits the point, tool and band being coached without the UI knowing it.
    """

    region_id: str
    tool: str
    band_low_n: float
    band_high_n: float
    ceiling_n: float
    hold_s: float


@dataclass(slots=True, frozen=True)
class KindChanged:
    """The source learned what it is only after opening: a ``SIM-`` tool behind a plain
    port, a simulator's advert. Its :attr:`Source.kind` is ``kind`` from now on.

    An event, not a field of :class:`DeviceInfo`: a kind can be learned without any
    device info (a BLE advert), and one event type is all a consumer follows.
    """

    kind: SourceKind


@dataclass(slots=True, frozen=True)
class BatteryStatus:
    """``t``: a driver stamps it in host time, the link moves it to the sample timeline."""

    t: float
    millivolts: int
    low: bool = False


SourceEvent = SampleBatch | LinkChanged | DeviceInfo | BatteryStatus | KindChanged


@dataclass(slots=True)
class SourceStats:
    """Running counters a status line shows; updated by the source in place."""

    samples: int = 0
    lost: int = 0
    bad_frames: int = 0
    reconnects: int = 0
    rate_hz: float = 0.0


@runtime_checkable
class Source(Protocol):
    """An async stream of samples and link events from one tool.

    ``events()`` may be iterated once; it ends after ``close()``. Sample times are
    seconds on one continuous timeline that stays strictly increasing across
    reconnects, so the pipeline never sees time run backwards.

    ``kind`` is set when the source is made and changes only with a
    :class:`KindChanged` event, emitted as it changes: every layer reads it here.
    """

    moniker: str
    stats: SourceStats

    @property
    def kind(self) -> SourceKind: ...

    def events(self) -> AsyncIterator[SourceEvent]: ...

    async def tare(self) -> None: ...

    async def set_rate(self, hz: float) -> None: ...

    async def close(self) -> None: ...

    def aim(self, aim: CoachAim) -> None:
        """Hear what the coach aims at now (real tools ignore it)."""
        ...
