"""The live page under test: a real server on a loopback port, real sessions, and Debian's
chromium driven by Playwright (never a browser build of Playwright's own).

``served`` starts a :class:`PageServer` on 127.0.0.1 (a free port) for a session and
runs the session in the test's event loop, as ``knotmeter serve`` does. ``chromium``
launches the browser, or skips with the reason where it is not installed.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import numpy as np
import pytest
from playwright.async_api import Browser, Page, async_playwright

from firmware_host.source import LinkChanged, LinkState
from knotmeter.core.pipeline import PipelineConfig
from knotmeter.core.samples import SampleBatch
from knotmeter.serve import Listen, PageServer, bind
from knotmeter.session import Session
from tests.screened import none_apply
from tests.ui.conftest import REGION, TARGET_S, ScriptedSource

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PORTRAIT = {"width": 390, "height": 844}
WAIT_MS = 10_000
RATE_HZ = 80.0
BATCH_S = 0.025

needs_chromium = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None,
    reason="Debian's chromium is not installed (apt-get install chromium; .ci/run does)",
)


@pytest.fixture
async def chromium() -> AsyncIterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def open_page(browser: Browser, url: str, viewport: dict[str, int] = PORTRAIT) -> Page:
    page = await browser.new_page(
        viewport={"width": viewport["width"], "height": viewport["height"]}
    )
    await page.goto(url)
    return page


async def text_is(page: Page, element: str, text: str) -> None:
    """Wait until element ``#element`` says ``text`` (the page's own frames, no polling here)."""
    await page.wait_for_function(
        "([id, text]) => document.getElementById(id).textContent === text",
        arg=[element, text],
        timeout=WAIT_MS,
    )


@dataclass
class Served:
    """A session served on the live page, and a hand on its scripted source."""

    session: Session
    server: PageServer
    source: ScriptedSource | None
    t: float = 0.0

    def press(self, force_n: float, seconds: float) -> None:
        """Queue ``seconds`` of a steady force at 80 Hz."""
        assert self.source is not None
        n = max(1, round(seconds * RATE_HZ))
        t = self.t + np.arange(1, n + 1) / RATE_HZ
        for chunk in np.array_split(t, max(1, round(seconds / BATCH_S))):
            self.source.push(SampleBatch(t=chunk, force_n=np.full(chunk.shape, float(force_n))))
        self.t = float(t[-1])

    def live(self) -> None:
        assert self.source is not None
        self.source.push(LinkChanged(self.t, LinkState.LIVE))

    async def pressing(self, force_n: float, stop: asyncio.Event) -> None:
        """Press in real time (one batch every ``BATCH_S``) until ``stop`` is set."""
        while not stop.is_set():
            self.press(force_n, BATCH_S)
            await asyncio.sleep(BATCH_S)


def scripted_session(
    *, clock: Callable[[], float] = time.monotonic
) -> tuple[Session, ScriptedSource]:
    source = ScriptedSource()
    config = PipelineConfig.for_region(REGION, target_s=TARGET_S)
    session = Session(source, config, clock=clock, hold_target_s=TARGET_S, screening=none_apply())
    session.apply_screening(none_apply())  # screened, as the CLI requires before coaching
    return session, source


@contextlib.asynccontextmanager
async def served(
    session: Session, source: ScriptedSource | None = None, *, frame_hz: float = 30.0
) -> AsyncIterator[Served]:
    server = PageServer(bind(Listen("127.0.0.1", 0, explicit=True)), frame_hz=frame_hz)
    await server.start()
    server.attach(session)
    running = asyncio.create_task(session.run())
    try:
        yield Served(session, server, source)
    finally:
        await session.close()
        await running
        await server.stop()
