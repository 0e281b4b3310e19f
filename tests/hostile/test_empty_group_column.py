"""A subgroup column with no value in any row (a survey that did not ask it, a wrong column):
every command and the web app go on with every row counted without a subgroup, and say so,
naming the file and the column; none gives a traceback."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cop_eval.cli import main
from cop_eval.ingest import read_responses
from cop_eval.instruments import load_instrument
from cop_eval.store import Project
from cop_eval.web import create_app
from cop_eval.web.services import create_project
from tests.web.conftest import page

SAMPLE = Path(__file__).resolve().parent.parent.parent / "sample_data" / "wave3_paper.csv"
ROWS = 47  # sample_data/wave3_paper.csv


def _with_empty_column(path: Path) -> Path:
    """The sample wave with a column "team" that is blank in every row."""
    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines()
    path.write_text("\n".join([lines[0] + ";team", *(line + ";" for line in lines[1:])]) + "\n")
    return path


@pytest.fixture
def waves(tmp_path: Path) -> tuple[str, str]:
    return (
        str(_with_empty_column(tmp_path / "spring.csv")),
        str(_with_empty_column(tmp_path / "autumn.csv")),
    )


def _warned(err: str, path: str) -> None:
    assert "internal error" not in err and "Traceback" not in err
    assert (
        f"warning: {path}: the subgroup column 'team' has no value in any of the {ROWS} rows, "
        "so every respondent is counted without a subgroup (no row is left out)."
    ) in " ".join(err.split())


def test_score_keeps_every_row_and_says_so(
    waves: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scores.csv"
    code = main(
        ["score", waves[0], "-i", "reflection", "--id-column", "email", "--group-column", "team",
         "--out", str(out)]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0
    _warned(captured.err, waves[0])
    assert len(out.read_text().splitlines()) == ROWS + 1


@pytest.mark.parametrize("command", ["compare", "equity"])
def test_compare_and_equity_go_on_without_subgroups(
    command: str, waves: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [command, *waves, "-i", "reflection", "--labels", "Spring,Autumn", "--id-column",
         "email", "--group-column", "team"]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    for path in waves:
        _warned(captured.err, path)


def test_report_is_written(
    waves: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html = tmp_path / "report.html"
    code = main(
        ["report", *waves, "-i", "reflection", "--labels", "Spring,Autumn", "--id-column",
         "email", "--group-column", "team", "--out", str(tmp_path / "report.pdf"),
         "--html", str(html)]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    _warned(captured.err, waves[1])
    assert f"{ROWS}" in html.read_text(encoding="utf-8")


@pytest.fixture
def client(waves: tuple[str, str], tmp_path: Path) -> Iterator[TestClient]:
    directory = tmp_path / "project"
    create_project(directory)
    instrument = load_instrument("reflection")
    with Project.open(directory) as project:
        dates = ("2025-03-01", "2025-09-01")
        for path, label, date in zip(waves, ("Spring", "Autumn"), dates, strict=True):
            responses = read_responses(
                path, [instrument], id_column="email", group_columns=("team",), key=project.key
            )
            assert responses.n == ROWS
            project.add_wave(responses, label, date=dt.date.fromisoformat(date))
    app = create_app(directory, staging_dir=tmp_path / "staging")
    with TestClient(app, base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


def test_the_web_pages_show_the_waves(client: TestClient) -> None:
    for url in ("/results", "/compare"):
        response = page(client, url)
        assert response.status_code == 200, url
        assert "Traceback" not in response.text and "went wrong" not in response.text
    shown = page(client, "/results").text
    assert 'id="scale-scores"' in shown
    assert "the subgroup column &#39;team&#39; has no value in any of the 47 rows" in shown
