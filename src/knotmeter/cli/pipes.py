"""Output into a pipe that closes early (``knotmeter plans --json | head -1``).

The reader has what it wanted: that is not an error worth a traceback. Python's own
advice (the ``signal`` module docs, "Note on SIGPIPE") is to point stdout at
``/dev/null`` so the interpreter's final flush cannot fail again, and exit.
"""

from __future__ import annotations

import os
import sys

CLOSED_PIPE_EXIT = 0
"""The reader left having read what it wanted (``| head``): not a failure."""


def quiet_closed_pipe() -> int:
    """Silence stdout for the rest of the run; the exit status to return."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a file descriptor (tests): nothing to flush
        pass
    finally:
        os.close(devnull)
    return CLOSED_PIPE_EXIT
