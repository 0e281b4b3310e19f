"""Every figure quoted in a key message or a recommendation appears in a table or figure of the
same report, as printed there (two decimals, percentages, signed changes).

The numbers checked are those that describe the data: decimals (3.21, +0.74, −0.39) and
percentages (29%). Thresholds of the rules themselves (.70 for alpha) are not data and are left
out; so is the advice text of a recommendation ("the last 15 minutes") and of the "What to act
on" message, which repeats it. The check (tests/report/checks.py) also runs on generated data
of any shape in test_summary_property.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cop_eval.cli.loading import load_responses
from cop_eval.instruments import load_instruments
from cop_eval.report.build import ReportOptions, build_report_model
from cop_eval.report.filters import fmt_cell
from cop_eval.report.model import Recommendations, ReportModel
from tests.report.checks import check_figures as _check
from tests.report.synthetic import write_waves
from tests.report.varied import SCENARIOS, varied_report


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
