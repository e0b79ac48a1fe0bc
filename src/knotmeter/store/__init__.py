"""The private session store: samples, holds, pain ratings and alarms in SQLite.

One file in the user data directory (``$KNOTMETER_DATA_DIR`` overrides it), 0600.
"""

from __future__ import annotations

from knotmeter.store.db import StoreDamaged
from knotmeter.store.paths import DATA_DIR_ENV, data_dir, default_db_path
from knotmeter.store.recorder import SessionRecorder, check_pain_score
from knotmeter.store.records import HoldRecord, Moment, ScreeningRecord, SourceKind
from knotmeter.store.store import SessionStore
from knotmeter.store.writer import SaveState, StoreHealth, StoreWriter

__all__ = [
    "DATA_DIR_ENV",
    "HoldRecord",
    "Moment",
    "SaveState",
    "ScreeningRecord",
    "SessionRecorder",
    "SessionStore",
    "SourceKind",
    "StoreDamaged",
    "StoreHealth",
    "StoreWriter",
    "check_pain_score",
    "data_dir",
    "default_db_path",
]
