"""The report's layout, read back from the PDF: no row group split across pages, headings on
every continuation page, no table title apart from its rows, no page more than half empty but
the last of a section (tests/report/pdf_layout.py says how each is read).

The demo's PDF is checked in tests/test_demo.py (it is rendered there anyway); here a larger
synthetic report (four waves, 28 subgroups, so the equity heatmaps continue over two figures
and the tables run over pages), and the checker itself on a table that cannot be kept together.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cop_eval.cli.loading import load_responses
from cop_eval.instruments import load_instruments
from cop_eval.report.build import build_report_model
from cop_eval.report.model import (
    Cell,
    Column,
    Paragraph,
    ReportMeta,
    ReportModel,
    Row,
    Section,
    Table,
)
from cop_eval.report.options import ReportOptions
from cop_eval.report.render import render_html, render_html_to_pdf
from tests.report.pdf_layout import check_layout, poppler_available
from tests.report.synthetic import write_waves

pytestmark = pytest.mark.skipif(
    not poppler_available(), reason="needs poppler-utils (pdfinfo, pdftotext, pdftoppm)"
)

INSTRUMENTS = (
    "strategic_direction_ownership",
    "reflection",
    "le_may_success_factors",
    "value_creation",
)
GROUPS = {f"Team {chr(65 + k)}": 6 + (k * 7) % 11 for k in range(26)} | {"Admin": 3, "Board": 4}


def test_a_larger_report_keeps_its_tables_together_and_its_pages_full(tmp_path: Path) -> None:
    instruments = load_instruments(INSTRUMENTS)
    paths = write_waves(tmp_path, INSTRUMENTS, n_waves=4, groups=GROUPS, seed=11)
    responses = [
        load_responses(p, instruments, id_column="id", group_column="group") for p in paths
    ]
    model = build_report_model(
        responses,
        instruments,
        ReportOptions(labels=("2023", "2024", "2025", "2026"), group_column="group"),
    )
    html = render_html(model, standalone=False)
    pdf = tmp_path / "report.pdf"
    render_html_to_pdf(html, pdf)
    report = check_layout(pdf, html, tmp_path)
    assert report.pages > 10
    assert report.problems == []


def test_the_checker_finds_a_split_group_and_an_empty_page(tmp_path: Path) -> None:
    # Groups of 45 rows are taller than a page: each must be split, and the page after it is
    # left nearly empty.
    rows = tuple(
        Row((Cell(f"group {g}" if k == 0 else ""), Cell(k))) for g in range(2) for k in range(45)
    )
    table = Table(
        "tab-1-1", "Table 1.1", "Long groups", (Column("Group"), Column("n", "int")), rows
    )
    meta = ReportMeta("Layout", "check", None, "today", ("W1",), ("I",), 5, "test")
    model = ReportModel(
        meta,
        (
            Section("sec-a", 1, "A", (Paragraph("Before the table."), table)),
            Section("sec-b", 2, "B", (Paragraph("After."),)),
        ),
    )
    html = render_html(model, standalone=False)
    pdf = tmp_path / "split.pdf"
    render_html_to_pdf(html, pdf)
    report = check_layout(pdf, html, tmp_path)
    assert any(p.startswith("row group split across pages: tab-1-1-g1") for p in report.problems)
    assert any(p.startswith("page more than half empty") for p in report.problems)
    assert not report.headers_missing  # the heading row is repeated on every page
