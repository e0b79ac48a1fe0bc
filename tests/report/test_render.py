"""The report as a reader sees it: HTML in a real headless Chromium, PDF pages through
poppler's ``pdftoppm``. Each section must draw ink, each page must have some."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from knotmeter.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
A4_WIDTH_PX = 794
"""210 mm at CSS's 96 px to the inch."""
A4_HEIGHT_PX = 1123
INK = 128
"""A pixel darker than mid-grey is ink."""

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Chromium (Debian: apt-get install chromium)"
)
needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None,
    reason="needs pdftoppm (Debian: apt-get install poppler-utils)",
)


def ink(image: Image.Image) -> float:
    """The fraction of an image's pixels that are ink."""
    grey = image.convert("L")
    histogram = grey.histogram()
    return sum(histogram[:INK]) / (grey.width * grey.height)


def load(path: Path) -> Image.Image:
    """The image at ``path``, read whole (the file is closed again)."""
    with Image.open(path) as image:
        return image.copy()


def write_report(tmp_path: Path, name: str) -> Path:
    out = tmp_path / name
    assert main(["report", "-o", str(out)]) == 0
    return out


def section_shots(html: Path, tmp_path: Path) -> dict[str, Image.Image]:
    """Each ``<section>`` of ``html`` rendered by Chromium at A4 width, by its id."""
    from playwright.sync_api import sync_playwright

    shots = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": A4_WIDTH_PX, "height": A4_HEIGHT_PX})
            page.route(
                "**/*",
                lambda route: (
                    route.abort() if route.request.url != html.as_uri() else route.continue_()
                ),
            )
            page.goto(html.as_uri())
            page.screenshot(path=tmp_path / "page.png", full_page=True)
            for section in page.query_selector_all("section"):
                ident = section.get_attribute("id")
                assert ident is not None
                shot = tmp_path / f"{ident}.png"
                section.screenshot(path=shot)
                shots[ident] = load(shot)
        finally:
            browser.close()
    return shots


@pytest.mark.slow
@needs_chromium
@pytest.mark.usefixtures("seeded")
def test_chromium_draws_every_section_at_a4_width(tmp_path: Path) -> None:
    shots = section_shots(write_report(tmp_path, "report.html"), tmp_path)
    assert set(shots) == {
        "summary", "sessions", "asymmetry",
        "point-gluteus-medius-left", "point-gluteus-medius-right",
        "point-tensor-fasciae-latae-left", "point-tensor-fasciae-latae-right",
    }  # fmt: skip
    whole = load(tmp_path / "page.png")
    assert whole.width == A4_WIDTH_PX
    for ident, shot in shots.items():
        assert shot.width <= A4_WIDTH_PX, ident  # nothing wider than the page
        assert ink(shot) > 0.005, f"section {ident} drew nothing"
    for ident in (k for k in shots if k.startswith("point-")):
        # four charts (holds, force, pain, PPT) or three, then the table: tall
        assert shots[ident].height > 600, ident


def pdf_pages(pdf: Path, tmp_path: Path) -> list[Image.Image]:
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    return [load(path) for path in sorted(tmp_path.glob("page-*.png"))]


@pytest.mark.slow
@needs_pdftoppm
@pytest.mark.usefixtures("seeded")
def test_the_pdf_has_a4_pages_none_blank(tmp_path: Path) -> None:
    pages = pdf_pages(write_report(tmp_path, "report.pdf"), tmp_path)
    assert len(pages) >= 6  # page one, sessions, a page per point and side
    for number, page in enumerate(pages, start=1):
        assert page.height / page.width == pytest.approx(297 / 210, rel=0.01), number
        assert ink(page) > 0.002, f"page {number} is blank"


@needs_pdftoppm
def test_an_empty_store_is_one_page_saying_there_is_nothing_yet(tmp_path: Path) -> None:
    html = write_report(tmp_path, "report.html").read_text(encoding="utf-8")
    assert "Nothing recorded yet" in html
    assert "from 0 sessions" in html
    pages = pdf_pages(write_report(tmp_path, "report.pdf"), tmp_path)
    assert len(pages) == 1
    assert ink(pages[0]) > 0.001
