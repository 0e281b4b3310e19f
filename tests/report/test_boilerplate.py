"""Boilerplate follows the content (issue 12, item 8): frameworks are introduced only when their
instruments are in the report, a single wave never says "per wave", axes follow each scale's
range, and the cover dates the report and its waves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from cop_eval.cli.loading import load_responses
from cop_eval.instruments import load_instrument, load_instruments, parse_instrument
from cop_eval.report.build import ReportOptions, build_report_model
from cop_eval.report.model import DotPlot
from tests.report.conftest import html_text, render_words
from tests.report.synthetic import write_waves

CUSTOM = Path(__file__).resolve().parents[2] / "docs" / "examples" / "custom_instrument.yaml"


def test_a_custom_instrument_without_stages_introduces_no_framework(tmp_path: Path) -> None:
    data = yaml.safe_load(CUSTOM.read_text(encoding="utf-8"))
    for scale in data["scales"]:
        scale.pop("stage", None)
    instrument = parse_instrument(data)
    path = tmp_path / "custom.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    rows = [",".join(["id", *instrument.item_ids])]
    rows += [
        ",".join([f"p{k}", *[str(1 + (k + j) % 3) for j in range(len(instrument.items))]])
        for k in range(20)
    ]
    wave = tmp_path / "w1.csv"
    wave.write_text("\n".join(rows) + "\n", encoding="utf-8")
    responses = [load_responses(wave, [instrument], id_column="id")]
    model = build_report_model(responses, [instrument], ReportOptions(labels=("Spring",)))
    text = html_text(render_words(model))
    for absent in (
        "professional groups",
        "three-stage",
        "review and revise",
        "le May",
        "McDermott",
        "per wave",
        "written by the cop-eval project",
    ):
        assert absent not in text, absent
    titles = [s.title for s in model.sections]
    assert titles == [
        "At a glance",
        "Executive summary",
        "Participation",
        "Meeting profile",
        "Scale scores",
        "Equity between subgroups",
        "Recommendations",
        "Methods and data quality",
        "Do the items group into the scales the questionnaire declares?",  # one wave, no groups
    ]
    assert "Table 4.1 Scale means in Spring" in text


def test_single_wave_of_built_in_instruments_never_says_per_wave(tmp_path: Path) -> None:
    ids = ("reflection", "le_may_success_factors", "mcdermott_identity_strength")
    instruments = load_instruments(ids)
    (path,) = write_waves(tmp_path, ids, n_waves=1)
    responses = [load_responses(path, instruments, id_column="id")]
    model = build_report_model(responses, instruments, ReportOptions(labels=("Only",)))
    text = html_text(render_words(model))
    assert "per wave" not in text
    assert "Stage scores in Only" in text and "Responses in Only" in text


def test_axes_follow_the_scale_range() -> None:
    """A 0-10 profile is drawn on a 0-10 axis with its own midpoint, not on 1-5."""
    data = yaml.safe_load(CUSTOM.read_text(encoding="utf-8"))
    data["response_scale"] = {"min": 0, "max": 10, "labels": {0: "Not at all", 10: "Completely"}}
    for item in data["items"]:
        item.pop("response_scale", None)
    instrument = parse_instrument(data)
    rows = [",".join(["id", *instrument.item_ids])]
    rows += [
        ",".join([f"p{k}", *[str((3 * k + j) % 11) for j in range(len(instrument.items))]])
        for k in range(30)
    ]
    folder = Path(pytest.importorskip("tempfile").mkdtemp())
    wave = folder / "w.csv"
    wave.write_text("\n".join(rows) + "\n", encoding="utf-8")
    model = build_report_model(
        [load_responses(wave, [instrument], id_column="id")], [instrument], ReportOptions()
    )
    plot = next(f.chart for f in model.figures() if isinstance(f.chart, DotPlot))
    assert (plot.axis_min, plot.axis_max, plot.reference) == (0.0, 10.0, 5.0)
    assert plot.axis_label == "Mean (0 = not at all, 10 = completely)"


def test_the_cover_dates_the_report_and_the_waves(tmp_path: Path) -> None:
    instruments = [load_instrument("reflection")]
    paths = write_waves(tmp_path, ("reflection",), n_waves=2)
    responses = [load_responses(p, instruments, id_column="id") for p in paths]
    model = build_report_model(
        responses,
        instruments,
        ReportOptions(labels=("Spring", "Autumn"), wave_dates=("2025-03-15", "2025-09-15")),
    )
    text = html_text(render_words(model))
    today = dt.date.today().strftime("%-d %B %Y")
    assert f"Report prepared {today}" in text
    assert "Spring (surveyed 15 March 2025); Autumn (surveyed 15 September 2025)" in text
