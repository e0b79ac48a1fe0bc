"""Calling every consumer of a session, each one shielded from the others.

One broken consumer (a screen gone, a full pipe) must never silence the alarm for the
rest: a callback that raises is logged and the next one is called.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Fanout(Generic[T]):
    """Subscribers (called with every item) and watchers (called with nothing)."""

    def __init__(self, log: logging.Logger) -> None:
        self._log = log
        self._subscribers: list[Callable[[T], None]] = []
        self._watchers: list[Callable[[], None]] = []

    def subscribe(self, callback: Callable[[T], None]) -> Callable[[], None]:
        """Add ``callback``; returns the function that removes it (twice is harmless)."""
        return _register(self._subscribers, callback)

    def watch(self, callback: Callable[[], None]) -> Callable[[], None]:
        return _register(self._watchers, callback)

    def emit(self, item: T) -> None:
        for callback in tuple(self._subscribers):
            self._safely(callback, item)

    def call_watchers(self) -> None:
        for watcher in tuple(self._watchers):
            self._safely(watcher)

    def _safely(self, callback: Callable[..., None], *args: object) -> None:
        try:
            callback(*args)
        except Exception:
            self._log.exception("session callback %r failed on %r", callback, args)


def _register(
    callbacks: list[Callable[..., None]], callback: Callable[..., None]
) -> Callable[[], None]:
    callbacks.append(callback)

    def remove() -> None:
        with contextlib.suppress(ValueError):
            callbacks.remove(callback)

    return remove
