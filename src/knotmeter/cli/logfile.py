"""The program's log: ``knotmeter.log`` in the data directory, beside the store.

What a person needs is said on the screen or in one line at exit; the log keeps what a
developer needs to find out why (SQLite's own error for a write the status line named,
a serial port that could not be listed). Without it Python would print warnings on the
terminal, over the dashboard or after the summary. Created on the first line written,
owner-only like the store, and cut at :data:`LOG_BYTES` (one older file kept).
"""

from __future__ import annotations

import io
import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

from knotmeter.store.paths import PRIVATE_FILE_MODE, data_dir

LOG_NAME = "knotmeter.log"
LOG_BYTES = 1_000_000


class _PrivateLog(RotatingFileHandler):
    def _open(self) -> io.TextIOWrapper:
        Path(self.baseFilename).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
        return os.fdopen(fd, "a", encoding="utf-8")


def log_to_data_dir() -> Path:
    """Send the program's warnings to the log file (once per process); its path."""
    path = data_dir() / LOG_NAME
    root = logging.getLogger("knotmeter")
    for old in [h for h in root.handlers if isinstance(h, _PrivateLog)]:
        if old.baseFilename == str(path.absolute()):
            return path
        root.removeHandler(old)  # another data dir since (tests): follow it
        old.close()
    handler = _PrivateLog(path, maxBytes=LOG_BYTES, backupCount=1, delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path
