"""Messages a new user meets: each says what is wrong, where, and how to fix it."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from cop_eval.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"

ITEMS = ["rf_time_to_reflect_1", "rf_time_to_reflect_2", "rf_time_to_reflect_3"]


def _csv(path: Path, header: list[str]) -> Path:
    rows = [[str(1 + (r + c) % 5) for c in range(len(header))] for r in range(8)]
    path.write_text("\n".join(",".join(line) for line in [header, *rows]) + "\n", encoding="utf-8")
    return path


def test_score_names_an_item_whose_column_is_misspelt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _csv(tmp_path / "typo.csv", [ITEMS[0], "rf_time_to_reflct_2", *ITEMS[2:]])
    assert main(["score", str(data), "-i", "reflection"]) == 0
    err = capsys.readouterr().err
    assert "warning: " in err and "rf_time_to_reflect_2" in err
    assert "counted as unanswered" in err and "--mapping" in err


def test_check_says_how_to_fix_an_item_not_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _csv(tmp_path / "typo.csv", [ITEMS[0], "rf_time_to_reflct_2", *ITEMS[2:]])
    assert main(["check", str(data), "-i", "reflection"]) == 0
    captured = capsys.readouterr()
    assert "not found in the file" in captured.out and "--mapping" in captured.out
    assert "warning" not in captured.err  # check shows it in its report, not twice


def test_no_warning_when_every_item_is_found(capsys: pytest.CaptureFixture[str]) -> None:
    data = SAMPLE / "wave3_paper.csv"
    assert main(["reliability", str(data), "-i", "reflection"]) == 0
    assert "not found" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("date", "problem"),
    [
        ("15/03/2025", "is not written as YYYY-MM-DD"),
        ("2025-02-30", "is not a date in the calendar"),
        ("2025-13-01", "is not a date in the calendar"),
    ],
)
def test_import_date_in_the_wrong_form_says_how_to_write_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], date: str, problem: str
) -> None:
    project = tmp_path / "proj"
    assert main(["init", str(project)]) == 0
    data = _csv(tmp_path / "w.csv", ITEMS)
    args = ["import", str(data), "--project", str(project), "--wave", "w", "--date", date]
    assert main([*args, "-i", "reflection"]) == 2
    err = capsys.readouterr().err
    assert problem in err and "2025-03-15" in err and "%Y" not in err
    assert main(["waves", "--project", str(project), "--json"]) == 0
    assert '"waves": []' in capsys.readouterr().out


def test_import_hint_for_rejected_rows_can_be_pasted_into_a_shell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "proj"
    assert main(["init", str(project)]) == 0
    capsys.readouterr()
    group = "Which part of the people function do you work in?"
    data = SAMPLE / "wave2_msforms.xlsx"  # one duplicate submission is rejected
    args = ["import", str(data), "--project", str(project), "--wave", "Sep 2025"]
    assert main([*args, "-i", "reflection", "--id-column", "Email", "--group-column", group]) == 0
    line = next(
        line for line in capsys.readouterr().out.splitlines() if "Why rows were rejected" in line
    )
    command = shlex.split(line.split(": ", 1)[1])
    assert command[:3] == ["cop-eval", "check", str(data)]
    assert command[command.index("--group-column") + 1] == group
    assert main(command[1:]) == 0


def test_compare_names_the_stored_wave_without_the_instrument(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "proj"
    assert main(["init", str(project)]) == 0
    for label, instrument in [("a", "reflection"), ("b", "le_may_success_factors")]:
        data = SAMPLE / "wave3_paper.csv" if label == "a" else SAMPLE / "wave1_qualtrics.csv"
        assert (
            main(
                ["import", str(data), "--project", str(project), "--wave", label, "-i", instrument]
            )
            == 0
        )
    capsys.readouterr()
    assert main(["compare", "--project", str(project), "-i", "reflection"]) == 1
    err = capsys.readouterr().err
    assert "wave 'b'" in err and "le_may_success_factors" in err and "separate project" in err


def test_score_out_of_a_stored_wave_without_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "proj"
    assert main(["init", str(project)]) == 0
    data = _csv(tmp_path / "w.csv", ITEMS)
    assert (
        main(["import", str(data), "--project", str(project), "--wave", "w", "-i", "reflection"])
        == 0
    )
    scores = tmp_path / "scores.csv"
    args = ["score", "--project", str(project), "-i", "reflection", "--out", str(scores)]
    assert main(args) == 0, capsys.readouterr().err
    assert scores.read_text(encoding="utf-8").splitlines()[0] == (
        "row,time_to_reflect,reflecting_with_others,closing_the_loop"
    )


def test_validate_says_an_item_text_file_is_not_an_instrument(
    capsys: pytest.CaptureFixture[str],
) -> None:
    examples = Path(__file__).resolve().parent.parent / "docs" / "examples"
    assert main(["instruments", "validate", str(examples / "licensed_item_text.yaml")]) == 1
    assert "not an instrument" in capsys.readouterr().err
    assert (
        main(["instruments", "validate", *map(str, sorted(examples.glob("*instrument.yaml")))]) == 0
    )
    assert "not an instrument" not in capsys.readouterr().err


def test_score_counts_answers_that_could_not_be_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "values.csv"
    rows = [",".join(ITEMS)] + [",".join(["3", "4", "2"])] * 6 + ["Agree strongly,7,2"]
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["score", str(data), "-i", "reflection"]) == 0
    err = capsys.readouterr().err
    assert "2 answers could not be used" in err
    assert "1 not a code or label" in err and "1 a number outside the scale" in err


def test_report_names_the_stored_wave_without_the_instrument(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "proj"
    assert main(["init", str(project)]) == 0
    imports = [
        ("a", SAMPLE / "wave3_paper.csv", "reflection"),
        ("b", SAMPLE / "wave1_qualtrics.csv", "le_may_success_factors"),
    ]
    for label, data, instrument in imports:
        args = ["import", str(data), "--project", str(project), "--wave", label]
        assert main([*args, "-i", instrument]) == 0
    capsys.readouterr()
    out = tmp_path / "r.pdf"
    assert main(["report", "--project", str(project), "-i", "reflection", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "wave 'b'" in err and "it holds: le_may_success_factors" in err
    assert "separate project" in err and not out.exists()
