"""``knotmeter report``: the last weeks as a document a clinician can read, HTML or PDF.

The file is health data: written 0600, never over an existing file unless ``--force``
(and then replaced whole, never half-written), and it names no one.
"""

from __future__ import annotations

import argparse
import math
import os
import time
from pathlib import Path

from knotmeter.errors import BadInput

FORMATS = (".html", ".pdf")
MIN_DAYS, MAX_DAYS = 1, 3650


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--days", default="14", metavar="N", help="how far back, 1-3650 (default 14)"
    )
    parser.add_argument(
        "--all", action="store_true", help="include simulated and replayed sessions (labelled)"
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="PATH", help="report.html or report.pdf"
    )
    parser.add_argument("--force", action="store_true", help="replace PATH if it exists")


def parse_days(text: str) -> float:
    """``--days N``: a number of days from 1 to 3650 (ten years)."""
    try:
        days = float(text)
    except ValueError:
        raise BadInput(f"--days: {text!r} is not a number of days (1-{MAX_DAYS})") from None
    if not (math.isfinite(days) and MIN_DAYS <= days <= MAX_DAYS):
        raise BadInput(f"--days: must be from {MIN_DAYS} to {MAX_DAYS} (got {text})")
    return days


def output_path(text: str, *, force: bool) -> Path:
    """``-o PATH``: ending in .html or .pdf, and new unless ``--force``."""
    path = Path(text).expanduser()
    if path.suffix.lower() not in FORMATS:
        raise BadInput(f"-o {text}: a report is written as .html or .pdf, not {path.suffix!r}")
    if path.is_dir():
        raise BadInput(f"-o {text}: is a folder; name the file to write")
    if path.exists() and not force:
        raise BadInput(f"-o {text}: already exists; choose another name or add --force")
    if not path.parent.is_dir():
        raise BadInput(f"-o {text}: the folder {path.parent} does not exist")
    return path


def write_private(path: Path, data: bytes, *, force: bool) -> None:
    """Write ``data`` to ``path`` as 0600, whole or not at all; never over a file that
    appeared meanwhile unless ``force``."""
    staging = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        if force:
            os.replace(staging, path)
        else:
            os.link(staging, path)  # fails if path exists: no clobbering
    except FileExistsError:
        raise BadInput(f"-o {path}: already exists; choose another name or add --force") from None
    except OSError as err:
        raise BadInput(f"-o {path}: cannot write there: {err.strerror}") from None
    finally:
        staging.unlink(missing_ok=True)


def run(args: argparse.Namespace) -> int:
    from knotmeter.report.document import prepared_line, render
    from knotmeter.report.gather import gather
    from knotmeter.store import default_db_path

    days = parse_days(args.days)
    path = output_path(args.output, force=args.force)
    report = gather(default_db_path(), days_back=days, everything=args.all, now=time.time())
    html = render(report)
    if path.suffix.lower() == ".pdf":
        from knotmeter.report.pdf import write_pdf

        data = write_pdf(html)
    else:
        data = html.encode("utf-8")
    write_private(path, data, force=args.force)
    print(f"{path}: {prepared_line(report)}")
    return 0
