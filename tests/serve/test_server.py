"""The live page's server without a browser: the address, the token, the headers, bad
requests, the read-only stream, and a frame rate that never holds an alarm back."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest

from knotmeter.core.events import AlarmKind, Cue
from knotmeter.errors import BadInput
from knotmeter.serve import DEFAULT_LISTEN, Listen, PageServer, announcement, bind, parse_listen
from knotmeter.serve.server import HEADERS, _Mailbox
from tests.serve.conftest import scripted_session, served


@pytest.mark.parametrize(
    ("text", "host", "port"),
    [("127.0.0.1:8765", "127.0.0.1", 8765), ("0.0.0.0:1", "0.0.0.0", 1), ("[::1]:80", "::1", 80)],
)
def test_listen_parses(text: str, host: str, port: int) -> None:
    assert parse_listen(text) == Listen(host, port, explicit=True)


@pytest.mark.parametrize(
    "text", ["8765", "host:8765", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:nan", ":80", "1:2:3"]
)
def test_bad_listen_is_one_line(text: str) -> None:
    with pytest.raises(BadInput) as refused:
        parse_listen(text)
    message = str(refused.value)
    assert message.startswith("--listen ")
    assert "\n" not in message


def test_busy_port_given_explicitly_is_named() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(BadInput, match=f"--listen 127.0.0.1:{port}: the port is busy"):
            bind(Listen("127.0.0.1", port, explicit=True))


def test_busy_default_port_takes_the_next_free_one() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with bind(Listen("127.0.0.1", port)) as sock:
            assert sock.getsockname()[1] > port
    assert Listen("127.0.0.1", 8765) == DEFAULT_LISTEN


def test_announcement_says_who_can_watch() -> None:
    url = "http://192.0.2.1:8765/s/token/"
    assert announcement(url, exposed=False).splitlines()[0] == f"live page: {url}"
    assert "█" in announcement(url, exposed=False)
    assert "anyone on the network" in announcement(url, exposed=True).splitlines()[-1]
    assert "anyone on the network" not in announcement(url, exposed=False)


async def test_token_headers_and_paths(caplog: pytest.LogCaptureFixture) -> None:
    session, source = scripted_session()
    async with served(session, source) as live, aiohttp.ClientSession() as http:
        live.live()
        live.press(50.0, 0.5)
        url = live.server.url
        base = url.rsplit("/s/", 1)[0]
        assert len(live.server.token) >= 22  # 16 random bytes, URL-safe base64
        async with http.get(url) as page:
            assert page.status == 200
            for name, value in HEADERS.items():
                assert page.headers[name] == value
            assert "page.js" in await page.text()
        for bad in ("/", "/s/", f"/s/{live.server.token[:-1]}x/", "/s/x/ws", "/page.js"):
            async with http.get(base + bad) as refused:
                assert refused.status == 401, bad
                assert refused.headers["Cache-Control"] == "no-store"
                assert "50" not in await refused.text()
        for missing in ("nope", "ws/x", "page.js/"):
            async with http.get(url + missing) as absent:
                assert absent.status == 404, missing
        async with http.post(url) as posted:
            assert posted.status == 405
    refusals = [r for r in caplog.records if r.name.startswith("knotmeter.serve")]
    assert {r.getMessage().rsplit("(", 1)[1] for r in refusals} == {"401)", "404)", "405)"}
    assert len(refusals) == 3  # once per status and peer, however many requests
    assert all(r.exc_info is None for r in refusals)
    assert live.server.token not in caplog.text  # the log names /s/…, never the secret


async def test_huge_header_is_refused_in_one_line(caplog: pytest.LogCaptureFixture) -> None:
    session, source = scripted_session()
    async with served(session, source) as live:
        host, port = live.server.url.removeprefix("http://").split("/")[0].rsplit(":", 1)
        path = live.server.url.split(port, 1)[1]
        for _ in range(3):  # the same bad request thrice: said once
            reader, writer = await asyncio.open_connection(host, int(port))
            writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\nX-Big: {'a' * 20000}\r\n\r\n".encode())
            await writer.drain()
            status = await asyncio.wait_for(reader.readline(), 5)
            writer.close()
            await writer.wait_closed()
    assert status.split()[1] in (b"400", b"431")
    logged = [r for r in caplog.records if r.name.startswith(("knotmeter.serve", "aiohttp"))]
    assert len(logged) == 1
    assert logged[0].exc_info is None
    assert "\n" not in logged[0].getMessage()


@contextlib.asynccontextmanager
async def page_stream(url: str) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    """The page's stream, as the page opens it."""
    async with aiohttp.ClientSession() as http, http.ws_connect(url + "ws") as ws:
        yield ws


async def _frames(ws: aiohttp.ClientWebSocketResponse, until: float) -> list[dict[str, object]]:
    frames = []
    while time.monotonic() < until:
        try:
            message = await ws.receive(timeout=until - time.monotonic())
        except TimeoutError:
            break
        data = json.loads(message.data)
        if data["type"] == "frame":
            frames.append(data)
    return frames


async def test_stream_is_capped_and_read_only() -> None:
    """80 Hz of samples for a second: at most 30 frames (and the first), and what the page
    sends changes nothing."""
    session, source = scripted_session()
    async with served(session, source) as live, page_stream(live.server.url) as ws:
        hello = json.loads((await ws.receive(timeout=5)).data)
        assert hello["type"] == "hello"
        assert hello["notes"]["too_hard"] == [[1320.0, 0.09]]  # the terminal's clip
        live.live()
        await ws.send_str('{"command": "tare"}')
        stop = asyncio.Event()
        pressing = asyncio.create_task(live.pressing(50.0, stop))
        frames = await _frames(ws, time.monotonic() + 1.0)
        stop.set()
        await pressing
    assert 10 <= len(frames) <= 32
    assert frames[-1]["zone_word"] == "IN BAND"
    assert source.tare_requests == 0


async def test_alarm_goes_out_at_once_whatever_the_frame_cap() -> None:
    """One frame a second allowed: the crossing still reaches the page at once, with the
    alarm raised and the too-hard cue."""
    session, source = scripted_session(clock=lambda: 0.0)
    async with served(session, source, frame_hz=1.0) as live, page_stream(live.server.url) as ws:
        await ws.receive(timeout=5)  # hello
        live.live()
        live.press(50.0, 0.5)
        await _frames(ws, time.monotonic() + 0.3)  # the first frame, then the cap
        pushed = time.monotonic()
        live.press(130.0, 0.1)
        while True:
            frame = json.loads((await ws.receive(timeout=5)).data)
            if "over_ceiling" in frame.get("raised", []):
                break
        took = time.monotonic() - pushed
    assert took < 0.5
    assert frame["cue"] == "too_hard"
    assert frame["banner"]["lines"][0] == "TOO HARD: RELEASE NOW"


async def test_mailbox_is_bounded_and_keeps_the_alarms() -> None:
    """A page that never takes its mail: one state, one cue (the most urgent), the alarms
    raised since (at most one per kind)."""
    mailbox = _Mailbox()
    for _ in range(1000):
        for kind in AlarmKind:
            mailbox.raised.add(kind.value)
        mailbox.offer(urgent=True)
    mailbox.cue = Cue.TOO_HARD
    assert len(mailbox.raised) == len(AlarmKind)
    cue, raised = mailbox.take()
    assert cue is Cue.TOO_HARD
    assert set(raised) == {kind.value for kind in AlarmKind}
    assert not mailbox.raised
    assert not mailbox.urgent


def test_listen_docstring_examples_hold() -> None:
    import doctest

    import knotmeter.serve.listen

    assert doctest.testmod(knotmeter.serve.listen).failed == 0


async def test_before_any_session_the_page_waits() -> None:
    """The dashboard's picker is open: the page connects and is told to wait."""
    server = PageServer(bind(Listen("127.0.0.1", 0, explicit=True)))
    await server.start()
    try:
        async with page_stream(server.url) as ws:
            assert json.loads((await ws.receive(timeout=5)).data)["type"] == "hello"
            assert json.loads((await ws.receive(timeout=5)).data)["type"] == "waiting"
    finally:
        await server.stop()
