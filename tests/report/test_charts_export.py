"""Charts draw to path-based SVG or PNG; the export writes CSV and XLSX without hidden numbers."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cop_eval.report.charts import draw_chart
from cop_eval.report.export import export_tables
from cop_eval.report.model import (
    Cell,
    Column,
    CycleDiagram,
    DotPlot,
    Heatmap,
    ReportMeta,
    ReportModel,
    Row,
    Section,
    Series,
    StackedBars,
    Table,
    TrendPanel,
    TrendPanels,
)

CHARTS = [
    CycleDiagram(("Direction", "Identity", "Reflection"), (3.8, 3.6, None), 1),
    DotPlot(("A", "B"), (Series("W1", (3.0, None), (2.5, None), (3.5, None), n=12),), 1, 5, "Mean"),
    StackedBars(("W1", "W2"), ("Low", "High"), ((0.4, 0.6), (0.2, 0.8)), (10, 12)),
    TrendPanels(
        (TrendPanel("Scale", ("W1", "W2"), (3.0, 3.4), (2.8, 3.1), (3.2, 3.7), (20, 22)),), 1, 5
    ),
    Heatmap(("HR", "Small"), ("S1", "S2"), ((3.2, 4.1), (None, None)), (12, None), 1, 5, 3),
]


@pytest.mark.parametrize("chart", CHARTS, ids=lambda c: c.chart)
def test_charts_render_svg_with_text_as_paths(chart: object) -> None:
    svg = draw_chart(chart)  # type: ignore[arg-type]
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    assert b"<text" not in svg  # svg.fonttype = path: no fonts needed, no markup from labels
    png = draw_chart(chart, "png")  # type: ignore[arg-type]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def _model() -> ReportModel:
    table = Table(
        "tab-2-1",
        "Table 2.1",
        "Means by group",
        (Column("Group"), Column("n", "int"), Column("Mean", "number"), Column("95% CI", "ci")),
        (
            Row((Cell("=HYPERLINK(1)"), Cell(12), Cell(3.456789), Cell(lo=3.1, hi=3.8))),
            Row((Cell("Trainers"), Cell.hidden(), Cell.hidden(), Cell.hidden())),
        ),
        caption="A caption.",
    )
    meta = ReportMeta("t", "s", None, "today", ("W1",), ("I",), 5, "cop-eval")
    return ReportModel(meta, (Section("sec-a", 2, "A", (table,)),))


def test_export_csv_and_xlsx(tmp_path: Path) -> None:
    written = export_tables(_model(), xlsx=tmp_path / "t.xlsx", csv_dir=tmp_path / "csv")
    csv_path = tmp_path / "csv" / "table_2_1_means_by_group.csv"
    assert written == [csv_path, tmp_path / "t.xlsx"]
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["Group", "n", "Mean", "95% CI lower", "95% CI upper"]
    assert rows[1] == ["'=HYPERLINK(1)", "12", "3.456789", "3.1", "3.8"]
    assert rows[2] == ["Trainers", "suppressed", "suppressed", "suppressed", "suppressed"]
    book = load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == ["Contents", "T2.1"]
    sheet = book["T2.1"]
    assert sheet["A1"].value == "Table 2.1 Means by group"
    assert [c.value for c in sheet[3]] == ["'=HYPERLINK(1)", 12, 3.456789, 3.1, 3.8]
    assert [c.value for c in sheet[4]][1:] == ["suppressed"] * 4


def test_export_to_an_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    from cop_eval.errors import CopEvalError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CopEvalError, match="cannot write the exported tables"):
        export_tables(_model(), csv_dir=blocker / "sub")
