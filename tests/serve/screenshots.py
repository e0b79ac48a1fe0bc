"""The README's pictures of the live page: phone portrait (390x844), in the band and too
hard, on a scripted press of the tension-headache routine, in Debian's chromium.

Run: ``.venv/bin/python -m tests.serve.screenshots`` (writes ``docs/serve/*.png``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from playwright.async_api import async_playwright

from knotmeter.core.pipeline import PipelineConfig
from knotmeter.core.plans import get_plan
from knotmeter.session import Session
from tests.screened import none_apply
from tests.serve.conftest import CHROMIUM, CHROMIUM_ARGS, PORTRAIT, served, text_is
from tests.ui.conftest import ScriptedSource

OUT = Path(__file__).parents[2] / "docs" / "serve"


async def main() -> None:
    plan = get_plan("tension-headache")
    point = plan.points[0]
    config = PipelineConfig.for_region(point.region.id, target_s=point.hold_min_s)
    source = ScriptedSource()
    session = Session(
        source, config, clock=lambda: 0.0, plan=plan, screening=none_apply()
    )  # no silence: a still
    session.apply_screening(none_apply())
    OUT.mkdir(parents=True, exist_ok=True)
    async with served(session, source) as live, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport=PORTRAIT)  # type: ignore[arg-type]
        await page.goto(live.server.url)
        live.live()
        live.press(50.0, 12.0)
        await text_is(page, "zone", "IN BAND")
        await text_is(page, "force", "50.0")
        await page.screenshot(path=OUT / "portrait-in-band.png")
        live.press(128.0, 0.6)
        await text_is(page, "zone", "TOO HARD")
        await text_is(page, "force", "128.0")
        await page.screenshot(path=OUT / "portrait-too-hard.png")
        await browser.close()


if __name__ == "__main__":
    asyncio.run(main())
