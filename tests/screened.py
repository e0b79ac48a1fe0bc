"""Screening answers for tests that start the dashboard: "none applies", as
``knotmeter screening --none-apply`` records them, so the screening screen stays away."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from knotmeter.core.screening import ITEMS
from knotmeter.store import ScreeningRecord, SessionStore
from knotmeter.store.paths import DB_NAME


def none_apply(answered_at: datetime | None = None) -> ScreeningRecord:
    """Every item answered "no"."""
    when = answered_at or datetime.now(UTC)
    return ScreeningRecord(when, {item.id: False for item in ITEMS}, False)


def screen_store(path: Path) -> None:
    """Record "none applies" in the store at ``path`` (created if missing)."""
    with SessionStore(path) as store:
        store.save_screening(none_apply())


def screen_data_dir(data_dir: Path) -> None:
    """Record "none applies" in the default store of ``data_dir`` ($KNOTMETER_DATA_DIR)."""
    screen_store(data_dir / DB_NAME)
