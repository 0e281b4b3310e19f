"""Comments through import and the project store: read like items, stored redacted and sealed,
redacted again when names are added, never readable in the database or its WAL."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from cop_eval.errors import StoreError
from cop_eval.ingest import read_responses
from cop_eval.instruments import load_instrument
from cop_eval.store import Project

PLANTED = ("Okafor", "priya.shah@example.org", "07700 900123", "Priya", "Shah")


def write_export(path: Path, n: int = 12) -> Path:
    inst = load_instrument("le_may_success_factors")
    comments = [
        "Thanks to Dr Okafor, the sessions are relevant.",
        "Contact priya.shah@example.org or 07700 900123 for the minutes.",
        "priya shah always helps, but there is never enough time.",
        "",
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["email", "role", *inst.item_ids, "What one thing would most improve the group?"]
        )
        for k in range(n):
            role = "HR" if k % 2 else "Trainers"
            answers = [str(1 + (k + j) % 5) for j in range(len(inst.item_ids))]
            writer.writerow([f"m{k}@example.org", role, *answers, comments[k % len(comments)]])
    return path


def test_comment_columns_are_read_like_items(tmp_path: Path) -> None:
    inst = load_instrument("le_may_success_factors")
    rs = read_responses(write_export(tmp_path / "w.csv"), [inst], id_column="email", key=b"k" * 32)
    assert list(rs.comments.columns) == ["lm_improve"]
    assert rs.comments["lm_improve"].notna().sum() == 9  # blanks are None
    (summary,) = rs.report.comments
    assert (summary.question, summary.how, summary.answered) == ("lm_improve", "text", 9)
    assert "What one thing would most improve the group?" not in rs.report.unused_columns
    assert all(m.item != "lm_improve" for m in rs.report.matches)


def test_store_keeps_only_redacted_and_sealed_text(tmp_path: Path) -> None:
    inst = load_instrument("le_may_success_factors")
    with Project.create(tmp_path / "p") as project:
        rs = read_responses(
            write_export(tmp_path / "w.csv"),
            [inst],
            id_column="email",
            group_columns=["role"],
            key=project.key,
        )
        project.add_wave(rs, "w1")
        loaded = project.load_wave("w1").comments["lm_improve"]
        assert loaded[0] == "Thanks to Dr [name], the sessions are relevant."
        assert loaded[1] == "Contact [email] or [phone] for the minutes."
        # "priya shah" in lower case is not caught until the name is listed
        assert loaded[2].startswith("priya shah")
        assert project.comments.add_terms(names=["Priya Shah"]) == 3
        loaded = project.load_wave("w1").comments["lm_improve"]
        assert loaded[2] == "[name] always helps, but there is never enough time."
        # a name already listed (in any case) changes nothing, and is not redacted again
        assert project.comments.add_terms(names=["PRIYA SHAH"]) == 0
        assert project.load_wave("w1").comments["lm_improve"].equals(loaded)
        assert loaded[3] is None
        review = project.comments.review("w1", originals=True)
        assert review[0].key == "w1/lm_improve/1" and review[0].original is not None
        assert ("name", "heuristic: after a title") in review[0].redactions
        assert project.comments.terms().names == ("Priya Shah",)
        assert project.comments.remove_terms(["priya shah"]) == 3
        assert project.comments.terms().names == ()
        project.comments.add_terms(names=["Priya Shah"], keep=["Leeds"])
        assert [e.action for e in project.audit()].count("redaction terms") == 4
        # the WAL is still there while the project is open: check it too
        files = [p for p in (tmp_path / "p").iterdir() if p.name.startswith("project.sqlite")]
        for path in files:
            data = path.read_bytes()
            for secret in PLANTED:
                assert secret.encode() not in data, (path.name, secret)


def test_sealed_text_needs_the_project_key(tmp_path: Path) -> None:
    inst = load_instrument("le_may_success_factors")
    with Project.create(tmp_path / "p") as project:
        rs = read_responses(write_export(tmp_path / "w.csv"), [inst], key=project.key)
        project.add_wave(rs, "w1")
    (tmp_path / "p" / "secret.key").write_bytes(b"x" * 32)
    with Project.open(tmp_path / "p") as project:
        # redacted comments are readable without the key; originals are not
        assert project.load_wave("w1").comments["lm_improve"].notna().sum() == 9
        with pytest.raises(StoreError, match="not the key"):
            project.comments.review(originals=True)
    with sqlite3.connect(tmp_path / "p" / "project.sqlite") as conn:
        (count,) = conn.execute("SELECT count(*) FROM wave_comments").fetchone()
    assert count == 9
