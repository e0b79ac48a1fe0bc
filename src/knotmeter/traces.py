"""Recorded force traces as CSV: what ``record`` writes and ``analyze``/``replay`` read.

The format is a header row naming at least ``t_s`` (seconds, strictly increasing)
and ``force_n`` (newtons), one sample per row, and optionally ``saturated`` (1 where
the tool flagged its ADC at the end of its range, else 0: a clipped reading hides the
real force, so the coach judges it "too hard" whatever it reads; a trace without the
column, as recorded before it existed, reads as never flagged). Other columns are
ignored so people can annotate traces in a spreadsheet, but a column named twice (or
twice but for case or spaces) is refused: which one the coach read would be a guess.
Numbers are written with ``repr`` so a trace read back feeds the pipeline exactly the
floats the live run saw.

Traces are read as a stream of batches of at most :data:`BATCH_ROWS` rows, so
memory stays flat however long the recording; a line longer than
:data:`MAX_LINE_BYTES` is refused (a trace line is a few dozen bytes, so such a
line means the file is not a trace, e.g. ``/dev/zero``).
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

import numpy as np
import numpy.typing as npt

from knotmeter.core.samples import SampleBatch
from knotmeter.errors import BadInput

TIME_COLUMN = "t_s"
FORCE_COLUMN = "force_n"
SATURATED_COLUMN = "saturated"
BATCH_ROWS = 4096
MAX_LINE_BYTES = 4096
LIMITS = {TIME_COLUMN: (1e10, "s"), FORCE_COLUMN: (1e6, "N")}
"""Largest magnitude a cell may hold: ~300 years of seconds, and far beyond any tool's force."""


@dataclass(slots=True)
class TraceSpan:
    """Filled in while a trace is read: its first and last time and how many samples."""

    first_t: float = math.nan
    last_t: float = math.nan
    samples: int = 0


def read_trace(path: Path | str) -> SampleBatch:
    """Read a whole trace into one batch (for short traces; see :func:`iter_trace`).

    Raises:
        BadInput: as :func:`iter_trace`.
    """
    return read_flagged(path)[0]


def read_flagged(path: Path | str) -> tuple[SampleBatch, npt.NDArray[np.bool_]]:
    """A whole trace as one batch and each sample's ``saturated`` flag (a replay cuts the
    trace into batches of its own and gives each the flags of its samples).

    Raises:
        BadInput: as :func:`iter_trace`.
    """
    batches = list(iter_trace(path))
    whole = SampleBatch(
        np.concatenate([b.t for b in batches]), np.concatenate([b.force_n for b in batches])
    )
    return whole, np.concatenate([np.full(len(b), b.saturated) for b in batches])


def iter_trace(
    path: Path | str, *, span: TraceSpan | None = None, batch_rows: int = BATCH_ROWS
) -> Iterator[SampleBatch]:
    """The trace's samples, in batches of at most ``batch_rows``; ``span`` is kept up to date.

    Raises:
        BadInput: one line naming the file (and the line, where there is one): missing
            or unreadable file, a line over :data:`MAX_LINE_BYTES`, no header with both
            columns, a non-numeric or non-finite cell, time not strictly increasing,
            no samples.
    """
    path = Path(path)
    span = TraceSpan() if span is None else span
    try:
        file = path.open("rb")
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except OSError as err:
        raise BadInput(f"{path}: cannot read: {err.strerror}") from None
    with file:
        yield from _batches(path, file, span, batch_rows)


def _batches(path: Path, file: BinaryIO, span: TraceSpan, batch_rows: int) -> Iterator[SampleBatch]:
    reader = csv.reader(_lines(path, file))
    header = next((row for row in reader if any(cell.strip() for cell in row)), None)
    if header is None:
        raise BadInput(f"{path}: empty file; expected a header with {TIME_COLUMN},{FORCE_COLUMN}")
    names = [name.strip() for name in header]
    _refuse_twins(path, reader.line_num, names)
    if TIME_COLUMN not in names or FORCE_COLUMN not in names:
        raise BadInput(
            f"{path} line {reader.line_num}: no header with {TIME_COLUMN} and {FORCE_COLUMN} "
            "columns"
        )
    t_index, f_index = names.index(TIME_COLUMN), names.index(FORCE_COLUMN)
    s_index = names.index(SATURATED_COLUMN) if SATURATED_COLUMN in names else None
    times: list[float] = []
    forces: list[float] = []
    flagged = False
    last_t = -math.inf
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        line = reader.line_num
        t = _cell(path, line, row, t_index, TIME_COLUMN)
        if not t > last_t:
            raise BadInput(
                f"{path} line {line}: {TIME_COLUMN} {t} does not increase (previous row "
                f"{last_t}); sort the rows by {TIME_COLUMN} and remove repeated ones"
            )
        force = _cell(path, line, row, f_index, FORCE_COLUMN)
        flag = s_index is not None and _flag(path, line, row, s_index)
        if times and (flag is not flagged or len(times) == batch_rows):
            yield _batch(span, times, forces, saturated=flagged)  # one flag per batch
            times, forces = [], []
        last_t, flagged = t, flag
        times.append(t)
        forces.append(force)
    if times:
        yield _batch(span, times, forces, saturated=flagged)
    if not span.samples:
        raise BadInput(f"{path}: no samples after the header")


def _refuse_twins(path: Path, line: int, names: list[str]) -> None:
    """A column the coach reads, named twice (or twice but for case): refuse, naming both."""
    seen: dict[str, str] = {}
    for name in names:
        key = name.lower()
        if key in seen and key in (TIME_COLUMN, FORCE_COLUMN, SATURATED_COLUMN):
            first = seen[key]
            twice = f"{name!r} twice" if first == name else f"both {first!r} and {name!r}"
            raise BadInput(
                f"{path} line {line}: the header names {twice}; keep one column {key} "
                "(rename or delete the other)"
            )
        seen.setdefault(key, name)


def _flag(path: Path, line: int, row: list[str], index: int) -> bool:
    text = row[index].strip() if index < len(row) else ""
    if text not in ("0", "1"):
        raise BadInput(f"{path} line {line}: {SATURATED_COLUMN} {text[:40]!r} is not 0 or 1")
    return text == "1"


def _lines(path: Path, file: BinaryIO) -> Iterator[str]:
    """Decoded lines, none longer than :data:`MAX_LINE_BYTES` (read no further than that)."""
    number = 0
    while line := file.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES:
            raise BadInput(
                f"{path} line {number}: longer than {MAX_LINE_BYTES} bytes; "
                f"not a trace (a header with {TIME_COLUMN},{FORCE_COLUMN}, one sample a line)"
            )
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            raise BadInput(f"{path}: cannot read: not a UTF-8 text file") from None
        yield text.removeprefix("\ufeff") if number == 1 else text


def _batch(
    span: TraceSpan, times: list[float], forces: list[float], *, saturated: bool
) -> SampleBatch:
    if not span.samples:
        span.first_t = times[0]
    span.last_t = times[-1]
    span.samples += len(times)
    return SampleBatch(np.array(times), np.array(forces), saturated=saturated)


def _cell(path: Path, line: int, row: list[str], index: int, column: str) -> float:
    if index >= len(row):
        raise BadInput(f"{path} line {line}: missing the {column} cell")
    text = row[index].strip()
    try:
        value = float(text)
    except ValueError:
        raise BadInput(f"{path} line {line}: {column} {text[:40]!r} is not a number") from None
    if not math.isfinite(value):
        raise BadInput(f"{path} line {line}: {column} is {text!r}; it must be a finite number")
    limit, unit = LIMITS[column]
    if abs(value) > limit:
        raise BadInput(f"{path} line {line}: {column} {text!r} is beyond ±{limit:g} {unit}")
    return value


class TraceWriter(AbstractContextManager["TraceWriter"]):
    """Append batches to a new trace file as they arrive, flushed per batch.

    Flushing per batch means a crash loses at most the batch in flight. The file is
    created owner-only (0600): force traces are health data. Only rows
    :func:`iter_trace` accepts are written: a non-finite value or a time that does
    not increase is skipped and counted in ``skipped``, so a recording always reads back.
    Each row carries its batch's saturation flag, so a clipped tool analyses as it did live.

    A file already at ``path`` is never overwritten unless ``replace`` (the
    ``FileExistsError`` is the caller's to word).
    """

    def __init__(self, path: Path | str, *, replace: bool = False) -> None:
        self.path = Path(path)
        fresh = os.O_TRUNC if replace else os.O_EXCL
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | fresh, 0o600)
        os.fchmod(fd, 0o600)
        self._file: TextIO = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self._file.write(f"{TIME_COLUMN},{FORCE_COLUMN},{SATURATED_COLUMN}\n")
        self._file.flush()
        self.samples = 0
        self.skipped = 0
        self._last_t = -math.inf

    def write(self, batch: SampleBatch) -> None:
        """Write every sample of ``batch`` a trace may hold, and flush."""
        t, force = batch.t, batch.force_n
        usable = (np.abs(t) <= LIMITS[TIME_COLUMN][0]) & (np.abs(force) <= LIMITS[FORCE_COLUMN][0])
        t, force = t[usable], force[usable]  # NaN compares false: dropped too
        before = np.maximum.accumulate(np.concatenate(([self._last_t], t)))[:-1]
        rising = t > before
        t, force = t[rising], force[rising]
        self.skipped += len(batch) - len(t)
        if len(t):
            self._last_t = float(t[-1])
        flag = int(batch.saturated)
        self._file.writelines(
            f"{time!r},{value!r},{flag}\n"
            for time, value in zip(t.tolist(), force.tolist(), strict=True)
        )
        self._file.flush()
        self.samples += len(t)

    def close(self) -> None:
        self._file.close()

    def __exit__(self, *_exc: object) -> None:
        self.close()
