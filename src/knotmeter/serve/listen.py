"""Where the live page listens: the ``--listen HOST:PORT`` option, the socket, the URL.

The socket is bound here, before the server (or the terminal screen) starts, so a busy
or foreign address is one line and exit 2 while the terminal is still the user's.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from dataclasses import dataclass

from knotmeter.errors import BadInput

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
NEXT_PORTS = 50
"""Without an explicit port, this many ports after the default are tried in turn."""


@dataclass(slots=True, frozen=True)
class Listen:
    """A checked ``HOST:PORT``; ``explicit`` when the person chose it (no next free port)."""

    host: str
    port: int
    explicit: bool = False

    @property
    def loopback(self) -> bool:
        return self.host == "localhost" or ipaddress.ip_address(self.host).is_loopback


DEFAULT_LISTEN = Listen(DEFAULT_HOST, DEFAULT_PORT)


def parse_listen(text: str, option: str = "--listen") -> Listen:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6); the host an IP address or ``localhost``,
    the port 1-65535.

    >>> parse_listen("0.0.0.0:9000")
    Listen(host='0.0.0.0', port=9000, explicit=True)
    >>> parse_listen("[::1]:8765").host
    '::1'

    Raises:
        BadInput: one line naming the option and what it expects.
    """
    expected = f"{option} {text[:60]!r}: expected HOST:PORT, e.g. 127.0.0.1:8765 or 0.0.0.0:8765"
    host, sep, port_text = text.rpartition(":")
    if not sep or not host:
        raise BadInput(expected)
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host != "localhost":
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise BadInput(f"{expected} (the host is an IP address or localhost)") from None
    if not port_text.isascii() or not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise BadInput(f"{option} {text[:60]!r}: the port must be a whole number from 1 to 65535")
    return Listen(host, int(port_text), explicit=True)


def bind(listen: Listen, option: str = "--listen") -> socket.socket:
    """A listening socket on ``listen``, or on the next free port after it unless the
    port was given explicitly (by ``option``, which the messages name).

    Raises:
        BadInput: the port is busy (given explicitly), the host is no address of this
            machine, or no port near the default is free.
    """
    tries = 1 if listen.explicit else NEXT_PORTS
    for port in range(listen.port, min(listen.port + tries, 65536)):
        try:
            return socket.create_server((listen.host, port), family=_family(listen.host))
        except OSError as err:
            if err.errno != errno.EADDRINUSE:
                raise BadInput(
                    f"{option} {listen.host}:{port}: cannot listen there ({err.strerror}); "
                    "give an address of this machine, e.g. 127.0.0.1 or 0.0.0.0"
                ) from None
    if listen.explicit:
        raise BadInput(
            f"{option} {listen.host}:{listen.port}: the port is busy; choose another port, "
            f"or leave {option}'s address out to take the next free one"
        )
    raise BadInput(
        f"{option}: ports {listen.port}-{listen.port + tries - 1} are all busy; "
        f"give a free one with {option} HOST:PORT"
    )


def _family(host: str) -> socket.AddressFamily:
    if host != "localhost" and ipaddress.ip_address(host).version == 6:
        return socket.AF_INET6
    return socket.AF_INET


def page_host(sock: socket.socket) -> str:
    """The host a browser should use for the bound socket: the address itself, or for
    an any-address (0.0.0.0, ::) this machine's own address on the network where it
    has one, else its name. Asks nothing of the network (the host's own name table)."""
    host = str(sock.getsockname()[0])
    address = ipaddress.ip_address(host)
    if address.is_unspecified:
        host = _own_address(sock.family) or socket.gethostname()
    return f"[{host}]" if ":" in host else host


def _own_address(family: socket.AddressFamily) -> str | None:
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, family, socket.SOCK_STREAM)
    except OSError:
        return None
    for *_, address in infos:
        text = str(address[0])
        if not ipaddress.ip_address(text).is_loopback:
            return text
    return None
