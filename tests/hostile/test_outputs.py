"""Issue 19.8: a full disk while writing outputs leaves no partial file and no traceback.

The disk fills up in two ways here: ``os.write`` patched to write part of a buffer and then fail
with ENOSPC for any file inside the output folder (every output goes through the system's write),
and, for the command line, a real limit: the child's RLIMIT_FSIZE makes the kernel refuse a file
over 512 bytes (EFBIG).
"""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cop_eval.errors import CopEvalError
from cop_eval.measure.csv_out import write_csv

SAMPLE = Path(__file__).resolve().parent.parent.parent / "sample_data"
WAVE = SAMPLE / "wave1_qualtrics.csv"


@pytest.fixture
def full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder whose disk is full: a write to a file in it writes half, then fails."""
    folder = tmp_path / "out"
    folder.mkdir()
    real = os.write

    def write(fd: int, data: bytes) -> int:
        try:
            where = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            where = ""
        if where.startswith(str(folder)):
            if len(data) > 1:
                return real(fd, bytes(memoryview(data)[: len(data) // 2]))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, data)

    monkeypatch.setattr(os, "write", write)
    yield folder


def _left(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_a_score_file_is_not_left_half_written(full_disk: Path) -> None:
    earlier = full_disk / "scores.csv"
    earlier.write_bytes(b"an earlier file\n")  # written before the disk filled up
    frame = pd.DataFrame({"row": np.arange(2, 5000), "score": np.linspace(1, 5, 4998)})
    with pytest.raises(CopEvalError, match="disk is full"):
        write_csv(frame, earlier)
    assert _left(full_disk) == {"scores.csv": b"an earlier file\n"}


def test_report_outputs_are_whole_or_absent(full_disk: Path) -> None:
    from cop_eval.cli.loading import load_responses
    from cop_eval.instruments import load_instrument
    from cop_eval.report.build import build_report_model
    from cop_eval.report.export import export_tables
    from cop_eval.report.render import render_html_to_pdf

    instrument = load_instrument("reflection")
    model = build_report_model([load_responses(WAVE, [instrument])], [instrument])
    with pytest.raises(CopEvalError, match="disk is full"):
        export_tables(model, xlsx=full_disk / "tables.xlsx")
    with pytest.raises(CopEvalError, match="disk is full"):
        export_tables(model, csv_dir=full_disk / "csv")
    with pytest.raises(CopEvalError, match="disk is full"):
        render_html_to_pdf("<p>" + "words " * 3000 + "</p>", full_disk / "report.pdf")
    assert [p.name for p in full_disk.iterdir()] == ["csv"]
    assert list((full_disk / "csv").iterdir()) == []


def _fsize_limit() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of the signal
    resource.setrlimit(resource.RLIMIT_FSIZE, (512, 512))


def test_the_command_line_says_so_without_a_traceback(tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    run = subprocess.run(
        [sys.executable, "-c", "from cop_eval.cli import main; raise SystemExit(main())",
         "score", str(WAVE), "-i", "reflection", "--out", str(out)],
        capture_output=True, text=True, preexec_fn=_fsize_limit, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    assert "larger than this system allows" in run.stderr and "Traceback" not in run.stderr
    assert list(tmp_path.glob("*scores.csv*")) == []
