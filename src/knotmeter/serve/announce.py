"""What ``serve`` and ``--serve`` print: the page's URL, its QR code, and the note when the
page is reachable from the network."""

from __future__ import annotations

import io

import segno

EXPOSED_NOTE = (
    "note: listening beyond this machine: anyone on the network who has this URL "
    "(token included) can watch this session"
)


def qr_text(url: str) -> str:
    """The URL as a QR code in block characters (two modules a character row)."""
    out = io.StringIO()
    segno.make(url, error="l").terminal(out=out, compact=True, border=2)
    return out.getvalue().rstrip("\n")


def announcement(url: str, *, exposed: bool) -> str:
    """The lines to print: the URL first (what a script or a person copies), the QR code
    for a phone's camera, then the note on who can watch."""
    lines = [f"live page: {url}", qr_text(url)]
    if exposed:
        lines.append(EXPOSED_NOTE)
    return "\n".join(lines)
