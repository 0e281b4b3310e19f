"""Answer codes read straight into int8 columns, and the fall-back when a later cell is not one.

The first rows decide which columns are asked for as int8; a later cell that is text, a
decimal or a number outside -128..127 makes pyarrow refuse, and the file is read again as it
comes. Either way the responses and the import report are those of the plain read.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from cop_eval.ingest import read_responses
from cop_eval.ingest.csv_source import CsvSource
from cop_eval.instruments import Instrument

from .conftest import ITEMS

KEY = b"k" * 32


def _write(path: Path, late: str | None) -> Path:
    header = ["email", "role", *(i["id"] for i in ITEMS)]
    rows = [
        [
            f"r{n:02d}@example.org",
            "nurse",
            *("" if (n + j) % 7 == 0 else str(1 + (n * 3 + j) % 5) for j in range(len(ITEMS))),
        ]
        for n in range(40)
    ]
    if late is not None:
        rows[35][2] = late  # far below the rows the reader looks at first
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def _read(path: Path, instrument: Instrument) -> tuple[pd.DataFrame, object, pd.Series]:
    rs = read_responses(path, [instrument], id_column="email", group_columns=["role"], key=KEY)
    assert rs.respondent_ids is not None
    return rs.items, rs.report, rs.respondent_ids


@pytest.mark.parametrize("late", [None, "Agree", "300", "2.5", "-99"])
def test_same_responses_and_report_as_the_plain_read(
    tmp_path: Path, instrument: Instrument, monkeypatch: pytest.MonkeyPatch, late: str | None
) -> None:
    path = _write(tmp_path / "answers.csv", late)
    fast = _read(path, instrument)
    monkeypatch.setattr(CsvSource, "_small_integers", lambda self, wanted, text: [])
    plain = _read(path, instrument)
    pd.testing.assert_frame_equal(fast[0], plain[0])
    assert fast[1] == plain[1]
    pd.testing.assert_series_equal(fast[2], plain[2])


def test_codes_arrive_as_int8(tmp_path: Path) -> None:
    source = CsvSource(_write(tmp_path / "answers.csv", None), "answers.csv", None)
    raw = source.load(list(range(2 + len(ITEMS))), {0, 1})
    assert [str(raw.columns[i].type) for i in range(2 + len(ITEMS))] == [
        "string",
        "string",
        *["int8"] * len(ITEMS),
    ]
    late = CsvSource(_write(tmp_path / "late.csv", "300"), "late.csv", None)
    assert str(late.load(list(range(2 + len(ITEMS))), {0, 1}).columns[2].type) == "int64"
