"""Raw counts to newtons with the coefficient kept for the device, or no coaching at all.

A raw-count source (a Frez Dyno on protocol v1; ``serial:…?format=text&unit=counts``)
sends an ADC's numbers. This wrapper takes each session's tare from the first ~100
unloaded samples (:class:`~knotmeter.core.count_tare.CountTare`, again on ``tare``)
and scales by the coefficient ``knotmeter calibrate`` stored for that device. A
device with none is refused: the stream closes at once with one line saying how to
calibrate it (the status line shows it), because counts read as newtons would be wrong
numbers.
Sources that send newtons pass through untouched.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace

from firmware_host.source import CoachAim, DeviceInfo, LinkChanged, LinkState, Source, SourceEvent
from knotmeter.core.count_tare import CountTare
from knotmeter.core.provenance import SourceKind
from knotmeter.core.samples import SampleBatch
from knotmeter.store import SessionStore, default_db_path

CountLookup = Callable[[str], float | None]
"""Newtons per count kept for a device identity, ``None`` if never calibrated."""


def stored_coefficient(device: str) -> float | None:
    """The store's coefficient for ``device``, read without creating or migrating it."""
    path = default_db_path()
    if not path.exists():
        return None
    with SessionStore(path, read_only=True) as store:
        return store.count_calibration(device)


def uncalibrated(moniker: str) -> str:
    """The refusal's words, the command that puts it right: short enough for the status
    line of an 80-column terminal with a short moniker (``ble:dyno``)."""
    return f"not calibrated: knotmeter calibrate --source {moniker} --known 10kg"


class CalibratedSource:
    """Wraps a source that may send raw counts.

    ``device``: the identity when the moniker already says the source sends counts (a
    serial port); otherwise a :class:`DeviceInfo` with ``raw_counts`` names it.
    """

    def __init__(
        self, inner: Source, *, lookup: CountLookup = stored_coefficient, device: str | None = None
    ) -> None:
        self.moniker = inner.moniker
        self.stats = inner.stats
        self._inner = inner
        self._lookup = lookup
        self._device = device
        self._n_per_count: float | None = None
        self._tare = CountTare()

    @property
    def kind(self) -> SourceKind:
        return self._inner.kind

    @property
    def n_per_count(self) -> float | None:
        """The coefficient in use, once the device is known and calibrated."""
        return self._n_per_count

    async def events(self) -> AsyncIterator[SourceEvent]:
        counts = self._device is not None
        if self._device is not None and not self._calibrated(self._device):
            yield LinkChanged(0.0, LinkState.CLOSED, uncalibrated(self.moniker))
            return
        last_t = 0.0
        stream = self._inner.events()
        try:
            async for event in stream:
                if isinstance(event, DeviceInfo) and event.raw_counts:
                    counts = True
                    if not self._calibrated(event.serial_number):
                        yield LinkChanged(last_t, LinkState.CLOSED, uncalibrated(self.moniker))
                        return
                    yield replace(event, raw_counts=False)
                elif isinstance(event, SampleBatch) and counts:
                    if self._n_per_count is None or not len(event):
                        continue  # counts before the device said who it is
                    last_t = float(event.t[-1])
                    newtons = self._tare.update(event.force_n) * self._n_per_count
                    yield SampleBatch(t=event.t, force_n=newtons)
                else:
                    yield event
        finally:
            aclose = getattr(stream, "aclose", None)  # an async generator: end it now
            if aclose is not None:
                await aclose()

    def _calibrated(self, device: str) -> bool:
        self._n_per_count = self._lookup(device)
        return self._n_per_count is not None

    async def tare(self) -> None:
        """A raw-count device has no tare of its own: take the counts' tare again."""
        if self._n_per_count is not None:
            self._tare.restart()
        else:
            await self._inner.tare()

    async def set_rate(self, hz: float) -> None:
        await self._inner.set_rate(hz)

    async def close(self) -> None:
        await self._inner.close()

    def aim(self, aim: CoachAim) -> None:
        self._inner.aim(aim)
