"""Every supported layout, built as the platform writes it, imports to the same numbers."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from cop_eval.ingest import read_responses
from cop_eval.instruments import Instrument
from cop_eval.privacy import pseudonymise

from .builders import BUILDERS, STEM
from .conftest import ANSWERS, RESPONDENTS, ROLES, expected_items

KEY = b"format-tests-key-0123456789abcdef"


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_layout_imports_to_the_same_numbers(
    name: str, tmp_path: Path, instrument: Instrument
) -> None:
    build, expected_format = BUILDERS[name]
    path, options = build(tmp_path)
    rs = read_responses(path, [instrument], key=KEY, **options)
    report = rs.report
    assert report.format == expected_format
    assert report.unmatched_items == ()
    got = rs.items.to_numpy().tolist()
    for got_row, want_row in zip(got, expected_items(), strict=True):
        assert [None if math.isnan(v) else v for v in got_row] == want_row
    assert rs.respondent_ids is not None
    assert rs.respondent_ids.tolist() == pseudonymise(RESPONDENTS, KEY).tolist()
    assert rs.groups.iloc[:, 0].tolist() == ROLES
    assert report.rows_accepted == len(ANSWERS)
    assert report.rows_accepted + report.rows_rejected == report.rows_read
    assert report.straight_liners == (int(rs.row_numbers[2]),)
    assert report.value_problems == ()
    dk = {s.item: s.missing_label for s in report.items}
    # "Don't know" is a missing label wherever the format can carry it.
    assert dk["sh_2"] == (0 if name == "qualtrics_numeric" else 1)


def test_qualtrics_preview_row_rejected_with_its_spreadsheet_row(
    tmp_path: Path, instrument: Instrument
) -> None:
    path, options = BUILDERS["qualtrics_text"][0](tmp_path)
    report = read_responses(path, [instrument], key=KEY, **options).report
    assert report.rows_read == 6
    assert [r.row for r in report.rejected] == [4]  # three header rows, then the preview
    assert "preview" in report.rejected[0].reason
    assert "RecipientEmail" not in report.unused_columns  # the id column is used
    assert "StartDate" in report.unused_columns


def test_qualtrics_numeric_minus_99_is_missing_not_out_of_range(
    tmp_path: Path, instrument: Instrument
) -> None:
    path, options = BUILDERS["qualtrics_numeric"][0](tmp_path)
    report = read_responses(path, [instrument], key=KEY, **options).report
    summary = {s.item: s for s in report.items}
    assert (summary["sh_3"].missing_label, summary["sh_3"].out_of_range) == (1, 0)


def test_text_matches_report_how(tmp_path: Path, instrument: Instrument) -> None:
    path, options = BUILDERS["google_forms"][0](tmp_path)
    report = read_responses(path, [instrument], key=KEY, **options).report
    assert {m.how for m in report.matches} == {"text"}
    path, options = BUILDERS["limesurvey_codes"][0](tmp_path)
    report = read_responses(path, [instrument], key=KEY, **options).report
    assert {m.how for m in report.matches} == {"mapping"}
    assert report.matches[0].column == "G01Q02[SQ001]"


def test_spss_codes_translated_through_labels_are_reported(
    tmp_path: Path, instrument: Instrument
) -> None:
    path, options = BUILDERS["spss"][0](tmp_path)
    assert read_responses(path, [instrument], key=KEY, **options).report.warnings == ()
    path, options = BUILDERS["spss_shifted_codes"][0](tmp_path)
    report = read_responses(path, [instrument], key=KEY, **options).report
    assert len(report.warnings) == 1
    assert "sh_1, sh_2, sh_3, va_1, va_2, va_3" in report.warnings[0]
    assert "translated through the labels" in report.warnings[0]


@pytest.mark.parametrize("platform", ["qualtrics_text", "surveymonkey"])
def test_platform_exports_with_extra_header_rows_deleted(
    tmp_path: Path, instrument: Instrument, platform: str
) -> None:
    """Someone deleted the platform's extra header rows by hand: no respondent may be lost."""
    path, options = BUILDERS[platform][0](tmp_path)
    lines = path.read_bytes().split(b"\r\n")  # no line breaks inside these fields
    skip = 2 if platform == "qualtrics_text" else 1
    path.write_bytes(b"\r\n".join([lines[0], *lines[1 + skip :]]))
    # The question text went with the deleted rows: columns are mapped instead.
    if platform == "surveymonkey":
        options["mapping"] = {"sh_1": STEM}
    else:
        options["mapping"] = {item: f"Q2_{k + 1}" for k, item in enumerate(instrument.item_ids)}
    rs = read_responses(path, [instrument], key=KEY, **options)
    report = rs.report
    assert report.format == platform.split("_")[0]
    assert report.rows_read == (6 if platform == "qualtrics_text" else 5)
    assert int(rs.row_numbers[0]) == (3 if platform == "qualtrics_text" else 2)
    assert report.rows_accepted == 5


def test_qualtrics_question_text_with_line_breaks(tmp_path: Path, instrument: Instrument) -> None:
    """Row 2 may hold multi-line question text; the data must still start after row 3."""
    path, options = BUILDERS["qualtrics_text"][0](tmp_path)
    data = path.read_bytes().replace(b"How far do you agree with", b"How far do you agree\nwith")
    path.write_bytes(data)
    rs = read_responses(path, [instrument], key=KEY, **options)
    assert rs.report.unmatched_items == ()
    assert rs.report.rows_read == 6
    assert [r.row for r in rs.report.rejected] == [4]
    assert rs.row_numbers.tolist() == [5, 6, 7, 8, 9]
    got = rs.items.to_numpy().tolist()
    for got_row, want_row in zip(got, expected_items(), strict=True):
        assert [None if math.isnan(v) else v for v in got_row] == want_row
