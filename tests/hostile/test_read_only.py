"""Issue 19.8: a read-only project folder can still be read (waves, score, report).

The folder and its files are made read-only. Running as root (who may write anyway), the check
``folder_writable`` is made to answer as it would for anyone else; the test then also checks that
nothing in the folder changed.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from cop_eval.cli import main
from cop_eval.store import Project

SAMPLE = Path(__file__).resolve().parent.parent.parent / "sample_data"


def _state(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "proj"
    assert main(["init", str(folder)]) == 0
    args = ["import", str(SAMPLE / "wave1_qualtrics.csv"), "--project", str(folder)]
    assert main([*args, "--wave", "W1", "-i", "reflection", "--id-column", "RecipientEmail"]) == 0
    paths = [p for p in folder.rglob("*") if p.is_file()]
    for path in paths:
        path.chmod(0o444)
    folder.chmod(0o555)
    if os.geteuid() == 0:
        import cop_eval.store.opening as opening

        monkeypatch.setattr(opening, "folder_writable", lambda directory, database: False)
    yield folder
    folder.chmod(0o755)
    for path in paths:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_waves_score_and_report_read_a_read_only_project(
    read_only: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _state(read_only)
    assert main(["waves", "--project", str(read_only)]) == 0
    assert "W1" in capsys.readouterr().out
    out = tmp_path / "scores.csv"
    score = ["score", "--project", str(read_only), "--wave", "W1", "-i", "reflection"]
    assert main([*score, "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("row,")
    pdf = tmp_path / "report.pdf"
    assert main(["report", "--project", str(read_only), "-i", "reflection", "--out", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "read-only" in capsys.readouterr().err  # what the report showed is not recorded
    assert _state(read_only) == before
    assert sorted(p.name for p in read_only.iterdir()) == sorted(
        {Path(k).parts[0] for k in before}
    )  # no -wal / -shm left either


def test_a_change_to_a_read_only_project_is_refused_with_a_message(
    read_only: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["import", str(SAMPLE / "wave3_paper.csv"), "--project", str(read_only)]
    assert main([*args, "--wave", "W3", "-i", "reflection", "--id-column", "email"]) == 1
    err = capsys.readouterr().err
    assert "read-only" in err and "Traceback" not in err
    with Project.open(read_only) as project:
        assert project.read_only and [w.label for w in project.waves()] == ["W1"]
