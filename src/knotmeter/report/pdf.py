"""The report's HTML printed to PDF by WeasyPrint: one document, two formats.

WeasyPrint lays out the same HTML and CSS (``@page`` A4) without a browser; the
charts are inline SVG, so nothing is fetched (``base_url`` is unused).
"""

from __future__ import annotations


def write_pdf(html: str) -> bytes:
    """The PDF of ``html`` (imported here: WeasyPrint loads Pango, slow to start)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
