"""The live page's server: aiohttp in the session's own event loop, read-only.

The session never waits for a phone. Its callbacks only mark each client's mailbox:
the newest state (always rebuilt at send time, so the newest wins and older frames are
dropped), the most urgent cue since the last send, and the alarms raised since then
(a set of at most every alarm kind): the mailbox is bounded and never loses an alarm.
One task per client sends at most ``frame_hz`` frames a second, at once on an alarm
or a hard cue, and a frame every ``KEEPALIVE_S`` while nothing changes, so the page
can tell a quiet session from a dead connection. A stalled phone blocks only its own
task (aiohttp's write buffer, then the heartbeat, end it).

Everything is under ``/s/TOKEN/``; the token (128 random bits) is compared in constant
time; any other path is 401 without a byte of the session. The assets are three named
files bundled in the package, never a directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import math
import secrets
import socket
from collections.abc import Awaitable, Callable
from importlib.resources import files
from typing import Final

from aiohttp import WSMsgType, web

from knotmeter.core.cues import HARD_CUES
from knotmeter.core.events import AlarmRaised, Cue
from knotmeter.serve.frames import Frame, frame, hello, waiting
from knotmeter.serve.listen import page_host
from knotmeter.session import Session, SessionEvent
from knotmeter.sound import RANK, follow

FRAME_HZ = 30.0
"""At most this many frames a second per page: the terminal's own frame cap."""
KEEPALIVE_S = 1.0
"""A frame at least this often, so the page knows the connection is alive."""
HEARTBEAT_S = 5.0
"""WebSocket pings: a phone that stops answering is dropped within this (and half)."""
TOKEN_BYTES = 16
MAX_REFUSALS_LOGGED = 100
"""Refused requests are logged once per (status, peer), up to this many lines a run."""
ASSETS: Final = {
    "": ("index.html", "text/html"),
    "page.js": ("page.js", "text/javascript"),
    "page.css": ("page.css", "text/css"),
}
HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
"""On every response: no foreign code or connection, nothing kept, the token not leaked."""

log = logging.getLogger("knotmeter.serve")
http_log = logging.getLogger("knotmeter.serve.http")
"""aiohttp's own complaints (a huge header, a request that is not HTTP): one line each."""


class _OneLine(logging.Filter):
    """aiohttp logs a malformed request with its traceback: keep one line saying why, and
    say each (reason, peer) once per server."""

    def __init__(self) -> None:
        super().__init__()
        self._seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            err = record.exc_info[1]
            words = str(getattr(err, "message", err)).split()
            reason = " ".join(words)[:200] or type(err).__name__
            record.msg = f"{record.getMessage()}: {reason} (400)"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        line = record.getMessage()
        if line in self._seen or len(self._seen) >= MAX_REFUSALS_LOGGED:
            return False
        self._seen.add(line)
        return True


class _Mailbox:
    """What one page has not been sent yet; bounded whatever the page's speed."""

    __slots__ = ("cue", "fresh", "raised", "sent_at", "urgent", "wake")

    def __init__(self) -> None:
        self.wake = asyncio.Event()
        self.fresh = True  # a state not sent yet (the first frame goes at once)
        self.urgent = False
        self.cue: Cue | None = None
        self.raised: set[str] = set()
        self.sent_at = -math.inf

    def offer(self, *, urgent: bool = False) -> None:
        """A new state (``urgent``: an alarm or a hard cue). The sender is woken only when
        that changes when it sends: a state on top of a fresh one rides the frame already
        due, so an 80 Hz tool wakes it at most at the frame rate."""
        if urgent or not self.fresh:
            self.wake.set()
        self.fresh = True
        self.urgent = self.urgent or urgent

    def take(self) -> tuple[Cue | None, list[str]]:
        taken = self.cue, sorted(self.raised)
        self.cue, self.raised, self.fresh, self.urgent = None, set(), False, False
        return taken

    async def due(self, now: Callable[[], float], period_s: float) -> None:
        """Until a frame should go: at once when urgent, else once a new state is
        ``period_s`` after the last frame, and at the latest ``KEEPALIVE_S`` after it."""
        while not self.urgent:
            at = self.sent_at + (period_s if self.fresh else KEEPALIVE_S)
            left = at - now()
            if left <= 0:
                return
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(left):
                    await self.wake.wait()


class PageServer:
    """Serves one session's live page (read-only) from a socket bound beforehand.

    Args:
        sock: the listening socket (``listen.bind``); the server owns it from now on.
        frame_hz: the frame cap per page.

    The URL's token is 128 random bits, new for every server.
    """

    def __init__(self, sock: socket.socket, *, frame_hz: float = FRAME_HZ) -> None:
        self.token = secrets.token_urlsafe(TOKEN_BYTES)
        self._token = self.token.encode()
        self._sock = sock
        self._period_s = 1.0 / frame_hz
        self.url = f"http://{page_host(sock)}:{sock.getsockname()[1]}/s/{self.token}/"
        self._session: Session | None = None
        self._detach: list[Callable[[], None]] = []
        self._mailboxes: set[_Mailbox] = set()
        self._frame_text: str | None = None
        self._refused: set[tuple[int, str]] = set()
        self._runner: web.AppRunner | None = None
        self._http_filter = _OneLine()
        app = web.Application(middlewares=[self._guard], client_max_size=1024)
        app.on_response_prepare.append(_secure_headers)
        app.router.add_get("/s/{token}", self._to_page)
        app.router.add_get("/s/{token}/ws", self._socket)
        app.router.add_get("/s/{token}/{asset:(page\\.js|page\\.css)?}", self._asset)
        self._app = app

    async def start(self) -> None:
        """Start serving on the bound socket, in the running event loop."""
        http_log.addFilter(self._http_filter)
        runner = web.AppRunner(
            self._app, access_log=None, logger=http_log, handle_signals=False, shutdown_timeout=1.0
        )
        await runner.setup()
        await web.SockSite(runner, self._sock).start()
        self._runner = runner

    async def stop(self) -> None:
        """Close every page's connection and the socket; stop following the session."""
        self.detach()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._sock.close()
        http_log.removeFilter(self._http_filter)

    def attach(self, session: Session) -> None:
        """Show ``session`` from now on (the dashboard's picker may open it late)."""
        self.detach()
        self._session = session
        self._detach = [
            session.subscribe(self._on_event),
            session.watch(self._on_state),
            follow(session, self),
        ]
        self._on_state()

    def detach(self) -> None:
        for stop in self._detach:
            stop()
        self._detach = []

    # --- the session's side: quick, synchronous, never waits ---------------------------

    def _on_state(self) -> None:
        self._frame_text = None
        for mailbox in self._mailboxes:
            mailbox.offer()

    def _on_event(self, event: SessionEvent) -> None:
        self._frame_text = None
        raised = event.kind.value if isinstance(event, AlarmRaised) else None
        for mailbox in self._mailboxes:
            if raised is not None:
                mailbox.raised.add(raised)
            mailbox.offer(urgent=raised is not None)

    def play(self, cue: Cue) -> bool:
        """The session's cue (``sound.follow``): each page plays it by WebAudio."""
        for mailbox in self._mailboxes:
            if mailbox.cue is None or RANK[cue] <= RANK[mailbox.cue]:
                mailbox.cue = cue
            mailbox.offer(urgent=cue in HARD_CUES)
        return True

    # --- the pages' side ----------------------------------------------------------------

    def _text(self, cue: Cue | None, raised: list[str]) -> str:
        """The frame for one page: the shared text, unless it has a cue or alarms of its own."""
        if self._frame_text is None:
            self._frame_text = json.dumps(self._frame())
        if cue is None and not raised:
            return self._frame_text
        return json.dumps({**self._frame(), "cue": None if cue is None else cue.value,
                           "raised": raised})  # fmt: skip

    def _frame(self) -> Frame:
        return waiting() if self._session is None else frame(self._session)

    async def _pump(self, ws: web.WebSocketResponse, mailbox: _Mailbox) -> None:
        loop = asyncio.get_running_loop()
        await ws.send_str(json.dumps(hello()))
        while not ws.closed:
            await mailbox.due(loop.time, self._period_s)
            cue, raised = mailbox.take()
            await ws.send_str(self._text(cue, raised))
            mailbox.sent_at = loop.time()

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(heartbeat=HEARTBEAT_S, max_msg_size=1024)
        await ws.prepare(request)
        mailbox = _Mailbox()
        self._mailboxes.add(mailbox)
        pump = asyncio.create_task(self._pump(ws, mailbox), name="knotmeter-page")
        try:
            async for message in ws:  # read-only: whatever a page sends is ignored
                if message.type is WSMsgType.ERROR:
                    break
        finally:
            self._mailboxes.discard(mailbox)
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                await pump
        return ws

    async def _asset(self, request: web.Request) -> web.StreamResponse:
        name, content_type = ASSETS[request.match_info["asset"]]
        body = files("knotmeter.serve").joinpath("page", name).read_bytes()
        return web.Response(body=body, content_type=content_type, charset="utf-8")

    async def _to_page(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(f"/s/{self.token}/")

    @web.middleware
    async def _guard(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """The token first (constant time), then the route; every refusal is a status
        code and one log line, never a traceback."""
        parts = request.path.split("/", 3)
        given = parts[2] if len(parts) > 2 and parts[1] == "s" else ""
        if not hmac.compare_digest(given.encode("utf-8", "surrogateescape"), self._token):
            self._refuse(request, 401, "no token or a wrong one")
            raise web.HTTPUnauthorized(text="401: open the URL knotmeter printed, token included\n")
        try:
            return await handler(request)
        except web.HTTPException as err:
            if err.status >= 400:
                self._refuse(request, err.status, err.reason)
            raise

    def _refuse(self, request: web.Request, status: int, why: str) -> None:
        key = (status, request.remote or "?")
        if key in self._refused or len(self._refused) >= MAX_REFUSALS_LOGGED:
            return
        self._refused.add(key)
        path = request.path.split("/")
        shown = "/s/…" if len(path) > 2 and path[1] == "s" else request.path[:80]
        log.warning("refused %s %s from %s: %s (%d)", request.method, shown, key[1], why, status)


async def _secure_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(HEADERS)


class _Say(logging.Handler):
    def __init__(self, say: Callable[[str], None]) -> None:
        super().__init__(logging.WARNING)
        self._say = say

    def emit(self, record: logging.LogRecord) -> None:
        self._say(f"live page: {record.getMessage()}")


def report_refusals(say: Callable[[str], None]) -> Callable[[], None]:
    """Send each refused request's one line to ``say`` (stderr headless, a notice beside
    the terminal screen); returns the function that stops."""
    handler = _Say(say)
    log.addHandler(handler)
    log.propagate = False  # said once, not again by the root logger's last resort
    http_log.propagate = True

    def stop() -> None:
        log.removeHandler(handler)
        log.propagate = True

    return stop
