"""Commands that read one file per wave: id and subgroup columns named differently per file."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd
import pytest

from cop_eval.cli import main
from cop_eval.cli.common import per_file
from cop_eval.cli.loading import unify_group_column
from cop_eval.errors import OptionError
from cop_eval.responses import ImportReport, ResponseSet

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
WAVES = [SAMPLE / "wave1_qualtrics.csv", SAMPLE / "wave2_msforms.xlsx", SAMPLE / "wave3_paper.csv"]
IDS = ["RecipientEmail", "Email", "email"]
GROUPS = ["Q1", "Which part of the people function do you work in?", "strand"]


def test_per_file_once_each_or_wrong_count() -> None:
    assert per_file((), 3, "--id-column") == [None, None, None]
    assert per_file(("id",), 3, "--id-column") == ["id", "id", "id"]
    assert per_file(("a", "b", "c"), 3, "--id-column") == ["a", "b", "c"]
    with pytest.raises(click.UsageError, match="given 2 times for 3 data file"):
        per_file(("a", "b"), 3, "--id-column")


def _wave(groups: dict[str, list[str]], label: str) -> ResponseSet:
    report = ImportReport(source=f"{label}.csv", format="csv", rows_read=2, rows_accepted=2)
    return ResponseSet(
        source=f"{label}.csv",
        instruments=(),
        items=pd.DataFrame(index=range(2)),
        report=report,
        groups=pd.DataFrame(groups),
        wave=label,
    )


def test_unify_group_column_renames_a_single_other_column() -> None:
    waves = [_wave({"strand": ["a", "b"]}, "w1"), _wave({"Q1": ["a", "a"]}, "w2")]
    unified = unify_group_column(waves, "strand")
    assert [list(w.groups.columns) for w in unified] == [["strand"], ["strand"]]
    assert list(unified[1].groups["strand"]) == ["a", "a"]


def test_unify_group_column_refuses_ambiguity() -> None:
    waves = [_wave({"role": ["a", "b"], "site": ["x", "y"]}, "w1")]
    with pytest.raises(OptionError, match=r"w1 \(w1.csv\) has no such subgroup column.*role, site"):
        unify_group_column(waves, "strand")


def test_compare_links_waves_from_three_platforms(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["compare", *map(str, WAVES), "-i", "le_may_success_factors", "--json"]
    args += [a for col in IDS for a in ("--id-column", col)]
    args += [a for col in GROUPS for a in ("--group-column", col)]
    assert main(args) == 0
    payload = json.loads(capsys.readouterr().out)
    relevance = next(s for s in payload["scales"] if s["scale"] == "relevance")
    designs = {c["design"] for c in relevance["comparisons"]}
    assert designs == {"paired"}  # linked by pseudonymised email across the three platforms
    assert relevance["comparisons"][0]["n"] >= 35
    groups = {g["group"]: g for g in relevance["subgroups"]}
    assert groups["HR administration"].get("suppressed") is True
    assert "mean" not in json.dumps(groups["HR administration"])


def test_report_with_per_file_columns(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    args = ["report", *map(str, WAVES), "-i", "reflection", "--out", str(out)]
    args += [a for col in IDS for a in ("--id-column", col)]
    args += [a for col in GROUPS for a in ("--group-column", col)]
    assert main(args) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_report_refuses_a_missing_output_folder_before_working(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "absent" / "r.pdf"
    assert main(["report", str(WAVES[2]), "-i", "reflection", "--out", str(target)]) == 1
    err = capsys.readouterr().err
    assert "does not exist" in err and "Reading" not in err
