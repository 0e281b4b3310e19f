"""``cop-eval equity``: subgroup gaps on the sample data, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cop_eval.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
WAVE1 = str(SAMPLE / "wave1_qualtrics.csv")
WAVE3 = str(SAMPLE / "wave3_paper.csv")


def test_equity_json_finds_the_trainers_relevance_gap(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "equity", WAVE1, WAVE3, "--instrument", "le_may_success_factors",
            "--id-column", "RecipientEmail", "--id-column", "email",
            "--group-column", "Q1", "--group-column", "strand", "--json",
        ]
    )  # fmt: skip
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["group_column"] == "Q1" and payload["min_group_size"] == 5
    for wave in ("wave1_qualtrics", "wave3_paper"):
        gaps = [g for g in payload["gaps"] if g["wave"] == wave and not g.get("suppressed")]
        relevance = [g for g in gaps if g["scale"] == "relevance"]
        top = min(relevance, key=lambda g: g["gap"])
        # The built-in effect: trainers 0.8 lower on relevance (sample_data/README.md).
        assert top["group"] == "Trainers" and top["gap"] < -0.8
        assert all(g["reliable"] == (g["p_adjusted"] < 0.05) for g in gaps)
    hidden = [g for g in payload["gaps"] if g.get("suppressed")]
    assert {g["group"] for g in hidden} == {"HR administration", "Training quality assurance"}
    assert all("mean_group" not in g for g in hidden)
    assert payload["trends"] and all("change" in t or t["skipped"] for t in payload["trends"])


def test_equity_merge_small_groups_shows_other(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["equity", WAVE3, "--instrument", "le_may_success_factors", "--group-column", "strand",
         "--merge-small-groups", "--json"]
    )  # fmt: skip
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    groups = {g["group"] for g in payload["gaps"] if not g.get("suppressed")}
    assert "Other" in groups and "HR administration" not in groups
    assert "Other" in payload["merge"]


def test_equity_table_output_and_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            ["equity", WAVE3, "--instrument", "le_may_success_factors", "--group-column", "strand"]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "gap to the rest of the group" in text and "Benjamini-Hochberg" in text
    assert main(["equity", WAVE3, "--instrument", "le_may_success_factors"]) == 2
    assert "--group-column" in capsys.readouterr().err
