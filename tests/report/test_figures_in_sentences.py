"""Every figure quoted in a key message or a recommendation appears in a table or figure of the
same report, as printed there (two decimals, percentages, signed changes).

The numbers checked are those that describe the data: decimals (3.21, +0.74, −0.39) and
percentages (29%). Thresholds of the rules themselves (.70 for alpha) are not data and are left
out; so is the advice text of a recommendation ("the last 15 minutes") and of the "What to act
on" message, which repeats it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from cop_eval.cli.common import load_responses
from cop_eval.instruments import load_instruments
from cop_eval.report.build import ReportOptions, build_report_model
from cop_eval.report.filters import fmt_cell, fmt_number, fmt_percent
from cop_eval.report.model import (
    CycleDiagram,
    Heatmap,
    KeyMessages,
    Recommendations,
    ReportModel,
    StackedBars,
)
from tests.report.synthetic import write_waves
from tests.report.varied import SCENARIOS, varied_report

NUMBER = re.compile(r"[+−-]?\d*\.\d+|\d+%")
#: Rule thresholds quoted in sentences; they are not figures of the data.
THRESHOLDS = {".70"}


def _figure_strings(model: ReportModel) -> Iterator[str]:
    """The numbers figures print: heatmap cells, the cycle's stage means, the bars' shares.

    Dot plots and trend lines print no numbers, so a figure quoted only there is not visible.
    """
    for figure in model.figures():
        chart = figure.chart
        values: list[float | None] = []
        if isinstance(chart, Heatmap):
            values = [v for row in chart.values for v in row]
        elif isinstance(chart, CycleDiagram):
            values = list(chart.values)
        elif isinstance(chart, StackedBars):
            yield from (fmt_percent(v) for row in chart.shares for v in row)
        yield from (fmt_number(v) for v in values if v is not None)


def _shown(model: ReportModel) -> str:
    cells = [
        fmt_cell(cell, table.columns[k])
        for table in model.tables()
        if table.display
        for row in table.rows
        for k, cell in enumerate(row.cells)
    ]
    return "\n".join([*cells, *_figure_strings(model)])


def _sentences(model: ReportModel) -> Iterator[tuple[str, str]]:
    for block in model.blocks():
        if isinstance(block, KeyMessages):
            for m in block.items:
                if m.tone != "action":  # "What to act on" repeats a recommendation's advice
                    yield m.headline, m.text
        elif isinstance(block, Recommendations):
            for r in block.items:
                yield r.title, r.why


def _check(model: ReportModel) -> int:
    shown = _shown(model)
    checked = 0
    for where, text in _sentences(model):
        for number in NUMBER.findall(text):
            if number in THRESHOLDS:
                continue
            assert number.lstrip("+") in shown, f"{where}: {number} is in no table or figure"
            checked += 1
    return checked


def test_sample_report(model: ReportModel) -> None:
    assert _check(model) >= 5


@pytest.mark.parametrize("scenario", SCENARIOS[:4], ids=lambda s: f"seed{s.seed}")
def test_varied_reports(scenario: object) -> None:
    _check(varied_report(scenario))  # type: ignore[arg-type]


def test_report_from_built_in_instruments(tmp_path: Path) -> None:
    """The agenda and factor recommendations quote scale levels: they are in the means table."""
    ids = ("strategic_direction_ownership", "le_may_success_factors", "reflection")
    paths = write_waves(tmp_path, ids, n_waves=2)
    instruments = load_instruments(ids)
    responses = [
        load_responses(p, instruments, id_column="id", group_column="group") for p in paths
    ]
    model = build_report_model(
        responses, instruments, ReportOptions(labels=("Before", "After"), group_column="group")
    )
    assert _check(model) >= 3


def test_a_quoted_scale_level_is_in_that_scale_row(tmp_path: Path) -> None:
    """'collective agenda and ownership (3.46)' is the number in that scale's row of the scale
    means table (before, it appeared only in the recommendation)."""
    ids = ("strategic_direction_ownership", "le_may_success_factors", "reflection")
    instruments = load_instruments(ids)
    responses = [
        load_responses(p, instruments, id_column="id", group_column="group")
        for p in write_waves(tmp_path, ids, n_waves=2)
    ]
    model = build_report_model(responses, instruments, ReportOptions(labels=("Before", "After")))
    agenda = next(
        r
        for b in model.blocks()
        if isinstance(b, Recommendations)
        for r in b.items
        if r.title.startswith("Move from a few voices")
    )
    means = next(t for t in model.tables() if t.title.startswith("Scale means"))
    for label, number in re.findall(r"([a-z][a-z ]+?) \((\d\.\d\d)\)", agenda.why):
        row = next(r for r in means.rows if str(r.cells[1].value).lower() == label.strip())
        assert fmt_cell(row.cells[-1], means.columns[-1]) == number
