"""A report a clinician can read: what happened over the last weeks, one page in words,
then per point and side the holds, forces, pain and pressure thresholds as charts.

:mod:`.gather` reads the store into a :class:`~.gather.Report` with the same functions
``knotmeter history`` uses (so their numbers agree); :mod:`.figures` draws its charts
as SVG; :mod:`.document` writes the self-contained HTML, and :mod:`.pdf` prints that
same document to PDF.
"""
