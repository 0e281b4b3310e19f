"""Plain CSV import: numbers and labels, row accounting, ids, groups and the report."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np
import pytest

from cop_eval.cli.terms import cli_message
from cop_eval.errors import DataImportError
from cop_eval.ingest import read_responses
from cop_eval.instruments import Instrument
from cop_eval.privacy import pseudonymise

from .conftest import ANSWERS, ITEMS, RESPONDENTS, ROLES, as_code, as_label, expected_items

KEY = b"k" * 32


def write_csv(path: Path, rows: list[list[str]], **kwargs: str) -> Path:
    with path.open("w", newline="", encoding=kwargs.pop("encoding", "utf-8")) as handle:
        csv.writer(handle, **kwargs).writerows(rows)  # type: ignore[arg-type]
    return path


def id_rows(convert=as_code) -> list[list[str]]:  # type: ignore[no-untyped-def]
    header = ["email", "role", *(i["id"] for i in ITEMS)]
    body = [
        [rid, role, *(convert(a) for a in answers)]
        for rid, role, answers in zip(RESPONDENTS, ROLES, ANSWERS, strict=True)
    ]
    return [header, *body]


def assert_items(values: np.ndarray, expected: list[list[float | None]]) -> None:
    assert values.shape == (len(expected), len(expected[0]))
    for got_row, want_row in zip(values.tolist(), expected, strict=True):
        for got, want in zip(got_row, want_row, strict=True):
            assert (math.isnan(got) and want is None) or got == want


@pytest.mark.parametrize("convert", [as_code, as_label], ids=["codes", "labels"])
def test_item_ids_as_headers(tmp_path: Path, instrument: Instrument, convert) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "wave1.csv", id_rows(convert))
    rs = read_responses(path, [instrument], id_column="email", group_columns=["role"], key=KEY)
    assert_items(rs.items.to_numpy(), expected_items())
    assert rs.items.dtypes.unique().tolist() == [np.dtype("float32")]
    assert rs.respondent_ids is not None
    assert rs.respondent_ids.tolist() == pseudonymise(RESPONDENTS, KEY).tolist()
    assert rs.groups["role"].tolist() == ROLES
    assert rs.row_numbers.tolist() == [2, 3, 4, 5, 6]
    report = rs.report
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (5, 5, 0)
    assert [m.how for m in report.matches] == ["id"] * 6
    assert report.unused_columns == ()
    assert report.straight_liners == (4,)
    assert (report.partial_responses, report.incomplete_responses) == (0, 2)
    by_item = {s.item: s for s in report.items}
    assert (by_item["sh_2"].answered, by_item["sh_2"].missing, by_item["sh_2"].missing_label) == (
        4,
        1,
        1,
    )
    assert (by_item["va_2"].answered, by_item["va_2"].missing, by_item["va_2"].missing_label) == (
        4,
        1,
        0,
    )
    assert "r01@example.org" not in report.model_dump_json()


def test_rejections_and_value_problems(tmp_path: Path, instrument: Instrument) -> None:
    rows = id_rows()
    rows.append(["r01@example.org", "nurse", "3", "3", "3", "3", "3", "4"])  # duplicate: kept
    rows.append(["r09@example.org", "nurse", "", "", "Not applicable", "", "", ""])  # no answer
    rows.append(["r10@example.org", "nurse", "7", '=HYPERLINK("http://x")', "2.5", "4", "-1", "4"])
    path = write_csv(tmp_path / "w.csv", rows)
    rs = read_responses(path, [instrument], id_column="email", key=KEY)
    report = rs.report
    assert report.rows_read == 8
    assert report.rows_accepted + report.rows_rejected == report.rows_read
    assert [(r.row, r.reason.split(":")[0]) for r in report.rejected] == [
        (2, f"duplicate respondent id {pseudonymise(['r01@example.org'], KEY)[0]}"),
        (8, "no usable answer to any item of the instrument(s)"),
    ]
    assert "the later row 7" in report.rejected[0].reason
    assert report.duplicate_ids == (pseudonymise(["r01@example.org"], KEY)[0],)
    problems = {(p.row, p.item, p.value, p.problem) for p in report.value_problems}
    assert problems == {
        (9, "sh_1", "7", "out_of_range"),
        (9, "sh_2", '=HYPERLINK("http://x")', "unparseable"),
        (9, "sh_3", "2.5", "out_of_range"),
        (9, "va_2", "-1", "out_of_range"),
    }
    last = rs.items.iloc[-1].tolist()
    assert math.isnan(last[0]) and math.isnan(last[1]) and last[3] == 4.0
    assert rs.row_numbers.tolist() == [3, 4, 5, 6, 7, 9]


def test_missing_id_column_lists_columns(tmp_path: Path, instrument: Instrument) -> None:
    path = write_csv(tmp_path / "w.csv", id_rows())
    # The library names its parameters; the command line renders the same error with its flags.
    with pytest.raises(DataImportError, match=r"id_column 'staff_no' is not a column") as info:
        read_responses(path, [instrument], id_column="staff_no", key=KEY)
    assert re.search(r"--id-column 'staff_no' is not a column.*'email'", cli_message(info.value))
    with pytest.raises(DataImportError, match=r"group_columns 'team'.*'role'") as info:
        read_responses(path, [instrument], group_columns=["team"], key=KEY)
    assert re.search(r"--group-column 'team'.*'role'", cli_message(info.value))
