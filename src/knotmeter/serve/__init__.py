"""``knotmeter serve``: the live page for a phone, pushed from the session's own loop.

``listen`` checks the address and binds the socket, ``frames`` turns the session into
what the page shows (in the terminal's words), ``server`` serves it read-only,
``announce`` prints its URL and QR code.
"""

from knotmeter.serve.announce import announcement
from knotmeter.serve.listen import DEFAULT_LISTEN, Listen, bind, parse_listen
from knotmeter.serve.server import PageServer, report_refusals

__all__ = [
    "DEFAULT_LISTEN",
    "Listen",
    "PageServer",
    "announcement",
    "bind",
    "parse_listen",
    "report_refusals",
]
