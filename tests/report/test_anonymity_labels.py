"""Anonymity labels are true (issue 12, item 7): a group hidden to protect another says so, and
the promise printed on the cover, in the web pages and in the JSON is the same sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from cop_eval.cli.loading import load_responses
from cop_eval.instruments import load_instruments
from cop_eval.privacy import PROTECTS_SMALLER, anonymity_promise
from cop_eval.report.build import ReportOptions, build_report_model
from cop_eval.report.model import GapHeatmap, ReportModel
from tests.report.conftest import html_text, render_words
from tests.report.synthetic import write_waves

IDS = ("reflection",)


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> ReportModel:
    # Groups: HR 15, OD and learning 12, Admin 3 (too few), Trainers 6 (the next-smallest).
    folder = tmp_path_factory.mktemp("labels")
    instruments = load_instruments(IDS)
    responses = [
        load_responses(p, instruments, id_column="id", group_column="group")
        for p in write_waves(folder, IDS, n_waves=2)
    ]
    return build_report_model(
        responses, instruments, ReportOptions(labels=("A", "B"), group_column="group")
    )


def test_participation_cells_say_why_they_are_hidden(model: ReportModel) -> None:
    table = next(t for t in model.tables() if t.title.startswith("Responses per group"))
    rows = {str(r.cells[0].value): r for r in table.rows}
    admin, trainers = rows["Admin"].cells[1], rows["Trainers"].cells[1]
    assert admin.suppressed and admin.note == "hidden: fewer than 5"
    assert trainers.suppressed and trainers.note == PROTECTS_SMALLER
    text = html_text(render_words(model))
    assert "Admin hidden: fewer than 5 hidden: fewer than 5" in text
    assert "Trainers hidden: protects a smaller group" in text
    assert "(n < min)" not in text


def test_heatmap_rows_say_why_they_are_hidden(model: ReportModel) -> None:
    # The equity heatmap (coloured by the gap to everyone's mean; row 0 is "All respondents").
    heatmap = next(f.chart for f in model.figures() if isinstance(f.chart, GapHeatmap))
    notes = dict(zip(heatmap.rows, heatmap.row_notes, strict=True))
    assert notes["Admin"] == "hidden: fewer than 5"
    assert notes["Trainers"] == PROTECTS_SMALLER
    assert notes["HR"] is None and notes["All respondents"] is None


def test_the_promise_is_one_sentence_everywhere(model: ReportModel, tmp_path: Path) -> None:
    promise = anonymity_promise(5)
    assert model.meta.anonymity == promise
    assert promise in html_text(render_words(model))
    assert "Counts within a group that is shown" in promise  # worded as precisely as applied
