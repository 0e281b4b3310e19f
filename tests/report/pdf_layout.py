"""Layout checks of a rendered report PDF, read back from the PDF with poppler.

- Row groups and tables (read from the HTML the PDF was made from): the report's templates give the first row of every table row group an
  anchor (``TABLEID-gN``) and the last row of a multi-row group another (``TABLEID-gN-end``);
  WeasyPrint writes each anchor as a PDF named destination with its page, which
  ``pdfinfo -dests`` lists. A group is split when its two anchors are on different pages; a
  table title is orphaned when the table's anchor and its first group are on different pages.
- Header rows on continuation: every page a table continues on (a group anchor past the
  table's first page) must show the table's column headings in its text layout
  (``pdftotext -bbox-layout``).
- Page fill: each page is rendered at a low resolution (``pdftoppm``) and the lowest inked
  pixel row of the body (between the running header and footer) says how full the page is.
  A page may be more than half empty only when it is the last page of a section (the next
  page starts a section), the cover, the contents, or the last page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import numpy as np
from PIL import Image

__all__ = ["LayoutReport", "check_layout", "poppler_available"]

#: A4 in points, and the body area of report.css (@page margins 22 mm top, 20 mm bottom).
PAGE_HEIGHT_PT = 841.89
MM = 72 / 25.4
BODY_TOP = 22 * MM
BODY_BOTTOM = PAGE_HEIGHT_PT - 20 * MM
MIN_FILL = 0.5
DPI = 30


def poppler_available() -> bool:
    return all(shutil.which(tool) for tool in ("pdfinfo", "pdftotext", "pdftoppm"))


@dataclass
class LayoutReport:
    pages: int
    fill: dict[int, float]
    split_groups: list[str] = field(default_factory=list)
    orphan_titles: list[str] = field(default_factory=list)
    headers_missing: list[str] = field(default_factory=list)
    empty_pages: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [
            *(f"row group split across pages: {g}" for g in self.split_groups),
            *(f"table title apart from its first rows: {t}" for t in self.orphan_titles),
            *(f"continuation page without the column headings: {h}" for h in self.headers_missing),
            *(f"page more than half empty: {e}" for e in self.empty_pages),
        ]


def _destinations(pdf: Path) -> dict[str, int]:
    out = subprocess.run(
        ["pdfinfo", "-dests", str(pdf)], capture_output=True, text=True, check=True
    )
    dests: dict[str, int] = {}
    for line in out.stdout.splitlines()[1:]:
        match = re.match(r"\s*(\d+)\s+\[.*\]\s+\"(.*)\"\s*$", line)
        if match:
            dests[match.group(2)] = int(match.group(1))
    return dests


def _page_texts(pdf: Path) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    xml = out.stdout[out.stdout.index("<doc>") : out.stdout.index("</doc>") + 6]
    root = ET.fromstring(re.sub(r"&(?!amp;|lt;|gt;|quot;|apos;)", "&amp;", xml))
    return [" ".join(w.text or "" for w in page.iter("word")) for page in root.iter("page")]


def _fill(pdf: Path, folder: Path) -> dict[int, float]:
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(DPI), str(pdf), str(folder / "p")],
        check=True,
        capture_output=True,
    )
    fill = {}
    for path in sorted(folder.glob("p-*.pgm")):
        number = int(path.stem.split("-")[1])
        pixels = np.asarray(Image.open(path))
        scale = pixels.shape[0] / PAGE_HEIGHT_PT
        body = pixels[int(BODY_TOP * scale) : int(BODY_BOTTOM * scale)]
        inked = np.flatnonzero(body.min(axis=1) < 200)
        fill[number] = (inked[-1] + 1) / body.shape[0] if inked.size else 0.0
    return fill


def _tables(html: str) -> dict[str, tuple[list[str], tuple[str, str]]]:
    """Table id -> its row-group anchors and its first and last column headings (from the HTML
    the PDF was made from: ids of ``.table-block`` / ``.dashboard`` and their ``<thead>``)."""
    out: dict[str, tuple[list[str], tuple[str, str]]] = {}
    blocks = re.finditer(
        r'<div class="(?:table-block|dashboard)" id="([^"]+)">(.*?)</table>', html, flags=re.S
    )
    for match in blocks:
        ident, body = match.group(1), match.group(2)
        head = re.search(r"<thead>(.*?)</thead>", body, flags=re.S)
        cells = re.findall(r"<th[^>]*>(.*?)</th>", head.group(1) if head else "", flags=re.S)
        labels = [unescape(re.sub(r"<[^>]+>", " ", c)).split() for c in cells]
        anchors = re.findall(r'<tr[^>]* id="(' + re.escape(ident) + r'-g\d+(?:-end)?)"', body)
        if anchors and labels:
            out[ident] = (anchors, (" ".join(labels[0]), " ".join(labels[-1])))
    return out


def check_layout(pdf: Path, html: str, workdir: Path) -> LayoutReport:
    """Every layout rule above, for one report: its PDF and the HTML it was made from."""
    dests = _destinations(pdf)
    texts = _page_texts(pdf)
    fill = _fill(pdf, workdir)
    report = LayoutReport(len(fill), fill)
    for table_id, (anchors, (first_col, last_col)) in _tables(html).items():
        starts = [a for a in anchors if not a.endswith("-end")]
        for start in starts:
            end = start + "-end"
            if end in anchors and dests.get(start) != dests.get(end):
                report.split_groups.append(f"{start} (pages {dests.get(start)}-{dests.get(end)})")
        pages = sorted({dests[a] for a in anchors if a in dests})
        title_page = dests.get(table_id)
        if starts and title_page is not None and dests.get(starts[0]) not in (None, title_page):
            report.orphan_titles.append(
                f"{table_id} (title p. {title_page}, rows p. {dests.get(starts[0])})"
            )
        for page in pages[1:]:
            # Every word of the first and last headings (a heading may wrap over lines, and the
            # text layout reads wrapped cells in its own order).
            words = set(texts[page - 1].split())
            if not set(f"{first_col} {last_col}".split()) <= words:
                report.headers_missing.append(f"{table_id} on p. {page}")
    sections = re.findall(r'<section id="([^"]+)" class="section', html)
    section_pages = sorted({dests[s] for s in sections if s in dests})
    last_page = max(fill)
    for page, share in fill.items():
        if share >= MIN_FILL or page <= 2 or page == last_page:
            continue
        if page + 1 in section_pages:
            continue
        report.empty_pages.append(f"p. {page} ({share:.0%} full)")
    return report
