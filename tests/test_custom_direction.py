"""A custom instrument with a lower-is-better scale that rose (issue 12, "Done means").

docs/examples/custom_instrument.yaml (status: custom) has a ``strain`` scale declared
``direction: lower_is_better``. Two linked waves where strain rises by about a point: the
verdict says "deterioration" in the compare JSON, the report's change table, its executive
summary and the web page. The report on this instrument alone does not introduce the
le May or McDermott (it shows the stage its scale declares), never says the instrument was written by this project,
and draws the 0-6 contact total on its own axis.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from cop_eval.cli import main
from cop_eval.cli.loading import load_responses
from cop_eval.ingest import read_responses
from cop_eval.instruments import Instrument, load_instrument
from cop_eval.report.build import ReportOptions, build_report_model
from cop_eval.report.model import KeyMessages, ReportModel, TrendPanels
from cop_eval.store import Project
from cop_eval.web import create_app
from cop_eval.web.services import create_project
from tests.report.conftest import html_text, render_words
from tests.web.conftest import page as follow

CUSTOM = Path(__file__).resolve().parent.parent / "docs" / "examples" / "custom_instrument.yaml"
PEOPLE = 40


def _wave(path: Path, instrument: Instrument, wave: int) -> Path:
    rng = np.random.default_rng(20261201 + wave)
    person = np.random.default_rng(7).normal(0, 0.5, PEOPLE)
    lines = [",".join(["id", "group", *instrument.item_ids])]
    for p in range(PEOPLE):
        answers = []
        for item in instrument.items:
            rs = instrument.response_scale_of(item.id)
            shift = 1.0 * wave if item.scale == "strain" else 0.0
            centre = (rs.min + rs.max) / 2 + person[p] + shift
            answers.append(int(np.clip(np.rint(centre + rng.normal(0, 0.6)), rs.min, rs.max)))
        lines.append(",".join([f"m{p:02d}", "A" if p % 2 else "B", *map(str, answers)]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def waves(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("custom")
    instrument = load_instrument(CUSTOM)
    return [_wave(folder / f"w{k + 1}.csv", instrument, k) for k in range(2)]


@pytest.fixture(scope="module")
def model(waves: list[Path]) -> ReportModel:
    instrument = load_instrument(CUSTOM)
    responses = [load_responses(p, [instrument], id_column="id") for p in waves]
    return build_report_model(responses, [instrument], ReportOptions(labels=("Spring", "Autumn")))


def test_compare_json_says_deterioration(
    waves: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["compare", *map(str, waves), "-i", str(CUSTOM), "--id-column", "id", "--json"]
    assert main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    strain = next(s for s in doc["scales"] if s["scale"] == "strain")
    assert strain["direction"] == "lower_is_better"
    (c,) = strain["comparisons"]
    assert c["mean_diff"] > 0.5
    assert c["verdict_detail"]["direction"] == "deterioration"
    assert "deterioration, likely real" in c["verdict"]
    assert c["reliable_change"]["deteriorated"] == c["reliable_change"]["increased"]
    assert doc["anonymity"].startswith("No figure describes a group of fewer than 5")
    others = [s for s in doc["scales"] if s["scale"] != "strain"]
    assert all(s["direction"] == "higher_is_better" for s in others)


def test_report_table_and_summary_say_deteriorated(model: ReportModel) -> None:
    change = next(t for t in model.tables() if t.title.startswith("Change from Spring"))
    row = next(r for r in change.rows if r.cells[0].value == "Strain of taking part")
    assert "deterioration, likely real" in str(row.cells[-1].value)
    messages = next(
        b for b in model.section("sec-summary").blocks if isinstance(b, KeyMessages)
    ).items
    worse = next(m for m in messages if m.headline == "What deteriorated")
    assert "Strain of taking part" in worse.text and "deteriorated reliably" in worse.text
    assert all("Strain" not in m.text for m in messages if m.headline == "What improved")


def test_boilerplate_follows_the_content(model: ReportModel) -> None:
    text = html_text(render_words(model))
    for absent in ("le May", "McDermott", "weakest stage", "success factors"):
        assert absent not in text, absent
    # Its participation scale declares stage 2: the stage profile shows that stage only.
    assert "This report measures stage 2 only" in text
    assert "written by the cop-eval project" not in text
    assert "custom (written by its user; not validated)" in text
    assert "Custom questionnaires (Meeting pulse (example custom instrument))" in text
    titles = [s.title for s in model.sections]
    assert titles[titles.index("Executive summary") + 1 :][:4] == [
        "Participation",
        "The three-stage model profile",
        "Meeting profile",
        "Change across waves",
    ]
    assert any(s.title.startswith("Recommendations") for s in model.sections)
    trend = [f for f in model.figures() if isinstance(f.chart, TrendPanels)]
    ranges = {(f.chart.axis_min, f.chart.axis_max) for f in trend}  # type: ignore[union-attr]
    assert ranges == {(1.0, 5.0), (0.0, 6.0)}  # the 0-6 contact total has its own axis
    assert "Report prepared" in text


@pytest.fixture
def client(waves: list[Path], tmp_path: Path) -> Iterator[TestClient]:
    directory = tmp_path / "project"
    create_project(directory)
    instrument = load_instrument(CUSTOM)
    with Project.open(directory) as project:
        for label, path, day in (
            ("Spring", waves[0], "2026-03-01"),
            ("Autumn", waves[1], "2026-09-01"),
        ):
            responses = read_responses(path, [instrument], id_column="id", key=project.key)
            project.add_wave(responses, label, date=dt.date.fromisoformat(day))
    app = create_app(directory, staging_dir=tmp_path / "staging")
    with TestClient(app, base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


def test_web_compare_page_says_deterioration(client: TestClient) -> None:
    page = follow(client, "/compare")  # through the progress page on a slow machine
    assert page.status_code == 200
    html = page.text
    assert "Strain of taking part" in html
    assert "deterioration, likely real" in html
    assert "Lower is better for Strain of taking part" in html


def test_web_toolbar_prints_the_promise(client: TestClient) -> None:
    from cop_eval.privacy import anonymity_promise

    assert anonymity_promise(5) in follow(client, "/results").text


def test_web_pages_show_the_warnings_once(client: TestClient) -> None:
    for url in ("/results", "/compare"):
        html = follow(client, url).text
        assert html.count("<strong>Read with care</strong>") == 1, url


def test_web_results_page_says_lower_is_better(client: TestClient) -> None:
    for url in ("/results", "/compare"):
        html = follow(client, url).text
        note = html[html.index('id="direction-note"') :].split("</ul>")[0]
        assert "Lower is better</strong> for Strain of taking part" in note, url
