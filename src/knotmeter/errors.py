"""Errors a person will meet: each prints as one line and exits non-zero."""

from __future__ import annotations


class KnotmeterError(Exception):
    """A failure the user can act on; ``str(err)`` is the whole one-line message.

    ``exit_code`` 2 means bad input (a file, an option); 1 means the world got in
    the way (a port, an adapter).
    """

    exit_code: int = 1


class BadInput(KnotmeterError):
    exit_code = 2
