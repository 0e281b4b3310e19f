"""Single-wave commands (check, score, reliability) on a wave stored in a project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cop_eval.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("p") / "proj"
    assert main(["init", str(folder)]) == 0
    for path, label, id_col in [
        (SAMPLE / "wave1_qualtrics.csv", "W1", "RecipientEmail"),
        (SAMPLE / "wave3_paper.csv", "W3", "email"),
    ]:
        args = ["import", str(path), "--project", str(folder), "--wave", label]
        assert (
            main([*args, "-i", "reflection", "-i", "le_may_success_factors", "--id-column", id_col])
            == 0
        )
    return folder


def test_reliability_of_a_stored_wave_equals_the_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert (
        main(
            ["reliability", "--project", str(project), "--wave", "W1", "-i", "reflection", "--json"]
        )
        == 0
    )
    stored = json.loads(capsys.readouterr().out)
    path = SAMPLE / "wave1_qualtrics.csv"
    assert (
        main(
            [
                "reliability",
                str(path),
                "-i",
                "reflection",
                "--id-column",
                "RecipientEmail",
                "--json",
            ]
        )
        == 0
    )
    direct = json.loads(capsys.readouterr().out)
    assert stored["scales"] == direct["scales"]


def test_score_defaults_to_the_latest_wave(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scores.csv"
    assert (
        main(
            ["score", "--project", str(project), "-i", "le_may_success_factors", "--out", str(out)]
        )
        == 0
    )
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:2] == ["row", "respondent"] and "relevance" in header
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1 + 47  # wave W3
    rows = out.read_text(encoding="utf-8").splitlines()[1:]
    assert all(row.split(",")[1].startswith("p_") for row in rows)  # never the e-mail
    assert all(row.split(",")[0].isdigit() for row in rows)  # the source row number


def test_check_shows_the_stored_import_report(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["check", "--project", str(project), "--wave", "W1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows_read"] == 48 and report["rows_rejected"] == 1


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["score", "-i", "reflection"], 2, "give a DATA file, or --project DIR"),
        (["score", "--wave", "W1", "-i", "reflection", "x.csv"], 2, "--wave goes with --project"),
        (
            ["score", "--project", "{p}", "-i", "transfer_of_learning"],
            1,
            "was not imported with instrument",
        ),
        (["score", "--project", "{p}", "--wave", "W9", "-i", "reflection"], 1, "W9"),
        (
            ["score", "--project", "{p}", "--id-column", "x", "-i", "reflection"],
            2,
            "describe a DATA file",
        ),
    ],
)
def test_mistakes_are_explained(
    project: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str
) -> None:
    capsys.readouterr()
    assert main([a.replace("{p}", str(project)) for a in args]) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
