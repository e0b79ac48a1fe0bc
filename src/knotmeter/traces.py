"""Recorded force traces as CSV: what ``record`` writes and ``analyze``/``replay`` read.

The format is a header row naming at least ``t_s`` (seconds, strictly increasing)
and ``force_n`` (newtons), one sample per row; other columns are ignored so people
can annotate traces in a spreadsheet. Numbers are written with ``repr`` so a trace
read back feeds the pipeline exactly the floats the live run saw.
"""

from __future__ import annotations

import csv
import math
import os
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TextIO

import numpy as np

from knotmeter.core.samples import SampleBatch
from knotmeter.errors import BadInput

TIME_COLUMN = "t_s"
FORCE_COLUMN = "force_n"


def _cell(path: Path, line: int, row: list[str], index: int, column: str) -> float:
    if index >= len(row):
        raise BadInput(f"{path} line {line}: missing the {column} cell")
    text = row[index].strip()
    try:
        value = float(text)
    except ValueError:
        raise BadInput(f"{path} line {line}: {column} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise BadInput(f"{path} line {line}: {column} is {text!r}; it must be a finite number")
    return value


def read_trace(path: Path | str) -> SampleBatch:
    """Read a whole trace into one batch.

    Raises:
        BadInput: one line naming the file (and the line, where there is one): missing
            or unreadable file, no header with both columns, a non-numeric or
            non-finite cell, time not strictly increasing, no samples.
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            rows = list(enumerate(csv.reader(file), start=1))
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) else "not a UTF-8 text file"
        raise BadInput(f"{path}: cannot read: {reason}") from None
    rows = [(line, row) for line, row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise BadInput(f"{path}: empty file; expected a header with {TIME_COLUMN},{FORCE_COLUMN}")
    header_line, header = rows[0]
    names = [name.strip() for name in header]
    if TIME_COLUMN not in names or FORCE_COLUMN not in names:
        raise BadInput(
            f"{path} line {header_line}: no header with {TIME_COLUMN} and {FORCE_COLUMN} columns"
        )
    t_index, f_index = names.index(TIME_COLUMN), names.index(FORCE_COLUMN)
    times: list[float] = []
    forces: list[float] = []
    for line, row in rows[1:]:
        t = _cell(path, line, row, t_index, TIME_COLUMN)
        if times and not t > times[-1]:
            raise BadInput(
                f"{path} line {line}: {TIME_COLUMN} {t} does not increase "
                f"(previous row {times[-1]})"
            )
        times.append(t)
        forces.append(_cell(path, line, row, f_index, FORCE_COLUMN))
    if not times:
        raise BadInput(f"{path}: no samples after the header")
    return SampleBatch(np.array(times), np.array(forces))


class TraceWriter(AbstractContextManager["TraceWriter"]):
    """Append batches to a new trace file as they arrive, flushed per batch.

    Flushing per batch means a crash loses at most the batch in flight. The file is
    created owner-only (0600): force traces are health data.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        self._file: TextIO = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self._file.write(f"{TIME_COLUMN},{FORCE_COLUMN}\n")
        self._file.flush()
        self.samples = 0

    def write(self, batch: SampleBatch) -> None:
        """Write every sample of ``batch`` and flush."""
        self._file.writelines(
            f"{t!r},{f!r}\n" for t, f in zip(batch.t.tolist(), batch.force_n.tolist(), strict=True)
        )
        self._file.flush()
        self.samples += len(batch)

    def close(self) -> None:
        self._file.close()

    def __exit__(self, *_exc: object) -> None:
        self.close()
