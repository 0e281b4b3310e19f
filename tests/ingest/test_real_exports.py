"""Exports as the platforms really write them (fixtures in tests/ingest/exports/, see its README).

Each fixture is read with its true row count, every rejected row has its reason, and the scale
scores equal a computation done here by hand from the answers the fixture holds (mean of the
answered items, sh_3 reverse-keyed as 6 - answer, at least half the items answered). Before the
fixes each of these files was refused, or read with a header row as a respondent, or read with
test responses as real ones (the docstring of each test says which).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from cop_eval.cli.terms import cli_message
from cop_eval.errors import DataImportError
from cop_eval.ingest import read_responses
from cop_eval.instruments import Instrument, parse_instrument
from cop_eval.measure.scoring import score_items

from .conftest import ITEMS, LABELS

EXPORTS = Path(__file__).parent / "exports"
KEY = b"k" * 32

Answers = list[int | None]


def hand_scores(answers: Answers) -> tuple[float | None, float | None]:
    """(sharing, value) of one respondent, computed without cop-eval."""

    def mean(values: list[int | None]) -> float | None:
        given = [v for v in values if v is not None]
        return sum(given) / len(given) if len(given) * 2 >= len(values) else None

    sh1, sh2, sh3, va1, va2, va3 = answers
    return mean([sh1, sh2, None if sh3 is None else 6 - sh3]), mean([va1, va2, va3])


def check_scores(rs: Any, instrument: Instrument, expected: list[Answers]) -> None:
    table = score_items(rs.items, instrument)
    assert len(table) == len(expected)
    for k, answers in enumerate(expected):
        for scale, want in zip(("sharing", "value"), hand_scores(answers), strict=True):
            got = table[scale].iloc[k]
            if want is None:
                assert math.isnan(got), (k, scale)
            else:
                assert got == pytest.approx(want), (k, scale)


def read(name: str, instrument: Instrument, **options: Any) -> Any:
    return read_responses(EXPORTS / name, [instrument], key=KEY, **options)


def rejected(rs: Any) -> dict[int, str]:
    return {r.row: r.reason for r in rs.report.rejected}


def test_qualtrics_legacy_with_bom(instrument: Instrument) -> None:
    """Before: 'ResponseID is not a column', and without an id column the question-text row was a
    respondent and Status (named V7) never rejected the preview/test/spam rows."""
    rs = read("qualtrics_legacy_bom.csv", instrument, id_column="ResponseID", group_columns=["Q1"])
    report = rs.report
    assert report.format == "qualtrics" and report.encoding == "utf-8-sig"
    assert report.rows_read == 7
    assert report.rows_read == report.rows_accepted + len(report.rejected)
    reasons = rejected(rs)
    assert sorted(reasons) == [4, 6, 8]  # file rows (two header rows, then data)
    assert "Qualtrics preview response" in reasons[4] and "Status='1'" in reasons[4]
    assert "Qualtrics test response" in reasons[6] and "Status='2'" in reasons[6]
    assert "Qualtrics spam response" in reasons[8] and "Status='8'" in reasons[8]
    assert list(rs.row_numbers) == [3, 5, 7, 9]  # codes 0, 0, 4 (imported), 16 (offline)
    assert list(rs.groups["Q1"]) == ["1", "2", "3", "1"]
    check_scores(
        rs,
        instrument,
        [[4, 5, 2, 4, 4, 5], [2, 3, None, 3, 2, 2], [3, None, 3, 4, None, 3], [1, 2, 4, 2, 1, 2]],
    )
    assert rs.report.items[1].missing_label == 1  # -99: seen but not answered


def test_qualtrics_legacy_without_bom(instrument: Instrument) -> None:
    rs = read("qualtrics_legacy_nobom.csv", instrument)
    assert (rs.report.format, rs.report.encoding, rs.report.rows_read) == ("qualtrics", "utf-8", 3)
    assert rs.report.rows_accepted == 3
    assert {m.column for m in rs.report.matches} == {f"Q2_{k}" for k in range(1, 7)}
    check_scores(
        rs, instrument, [[4, 5, 2, 4, 4, 5], [2, 3, None, 3, 2, 2], [3, None, 3, 4, None, 3]]
    )


def test_qualtrics_legacy_items_named_by_their_codes() -> None:
    """Item ids as in the data: Q2_1 ... Q2_6, as the export's row 1 names the columns."""
    data = {
        "id": "legacy_codes",
        "version": "1",
        "title": "Codes",
        "description": "Items named by their Qualtrics codes.",
        "status": "seed-derived",
        "sources": [{"citation": "tests"}],
        "license": {"status": "project-authored"},
        "response_scale": {"min": 1, "max": 5, "labels": LABELS},
        "items": [
            {**item, "id": f"Q2_{k}", "text": None}
            for k, item in enumerate((dict(i) for i in ITEMS), start=1)
        ],
        "scales": [{"id": "sharing", "label": "Sharing"}, {"id": "value", "label": "Value"}],
    }
    data["license"]["item_text_redistributable"] = False
    coded = parse_instrument(data)
    rs = read_responses(EXPORTS / "qualtrics_legacy_nobom.csv", [coded], key=KEY)
    assert [(m.item, m.column, m.how) for m in rs.report.matches][:2] == [
        ("Q2_1", "Q2_1", "id"),
        ("Q2_2", "Q2_2", "id"),
    ]
    assert rs.items["Q2_1"].tolist() == [4, 2, 3]


def test_qualtrics_2016_import_ids_in_python_dict_quoting(instrument: Instrument) -> None:
    """Before: row 3 ({'ImportId': 'QID1'}) was read as a respondent (5 rows read, one rejected
    as 'no usable answer')."""
    rs = read("qualtrics_2016_dict_importid.csv", instrument, id_column="ResponseID")
    report = rs.report
    assert (report.format, report.rows_read, report.rows_accepted) == ("qualtrics", 4, 3)
    assert list(rejected(rs)) == [6] and "Qualtrics preview response" in rejected(rs)[6]
    check_scores(rs, instrument, [[4, 5, 2, 4, 4, 5], [2, 3, None, 3, 2, 2], [3, 4, 3, 4, None, 3]])
    mapped = read(
        "qualtrics_2016_dict_importid.csv", instrument, mapping={"sh_1": "QID2-1", "sh_2": "QID2-2"}
    )
    assert [m.how for m in mapped.report.matches][:2] == ["mapping", "mapping"]


def test_qualtrics_status_as_words(instrument: Instrument) -> None:
    rs = read("qualtrics_status_text.csv", instrument, id_column="ResponseId", group_columns=["Q1"])
    reasons = rejected(rs)
    assert rs.report.rows_read == 7 and sorted(reasons) == [5, 7, 8]
    assert "preview" in reasons[5] and "'survey preview'" in reasons[5]
    assert "test response" in reasons[7] and "spam response" in reasons[8]
    assert list(rs.groups["Q1"]) == ["Nurse", "Manager", "Therapist", "Nurse"]  # incl. Imported
    check_scores(
        rs,
        instrument,
        [[4, 5, 2, 4, 4, 5], [2, 3, None, 3, 2, 2], [3, 4, 3, 4, 3, 3], [1, 2, 4, 2, 1, 2]],
    )


def test_an_unknown_status_is_kept_and_named(instrument: Instrument, tmp_path: Path) -> None:
    text = (EXPORTS / "qualtrics_status_text.csv").read_text(encoding="utf-8-sig")
    path = tmp_path / "status.csv"
    path.write_text(text.replace("Offline", "Kiosk"), encoding="utf-8")
    rs = read_responses(path, [instrument], key=KEY)
    assert rs.report.rows_accepted == 4
    assert any("'kiosk'" in w and "kept as real" in w for w in rs.report.warnings)


def test_surveymonkey_2017_legacy_export(instrument: Instrument) -> None:
    """Before: refused as 'binary data' (NUL bytes in the sub-header row), and its names without
    spaces (RespondentID, CollectorID) were not recognised."""
    rs = read("surveymonkey_legacy_2017.csv", instrument, id_column="RespondentID")
    report = rs.report
    assert (report.format, report.rows_read, report.rows_accepted) == ("surveymonkey", 4, 3)
    assert list(rejected(rs)) == [5] and "every item cell is empty" in rejected(rs)[5]
    assert any("NUL byte" in w for w in report.warnings)
    assert report.matches[0].column == (
        "How far do you agree with each statement? - I share what I learn with the group."
    )  # HTML tags of the question text removed
    check_scores(
        rs, instrument, [[4, 5, 2, 4, 4, 5], [2, 3, None, 3, 2, 2], [3, None, 3, 4, None, 3]]
    )


def test_surveymonkey_without_its_metadata_columns(instrument: Instrument) -> None:
    """Before: not recognised; the 'Response' sub-header row was a respondent and no column
    matched an item."""
    rs = read("surveymonkey_no_metadata.csv", instrument, group_columns=["What is your role?"])
    assert (rs.report.format, rs.report.rows_read, rs.report.rows_accepted) == (
        "surveymonkey",
        4,
        4,
    )
    check_scores(
        rs,
        instrument,
        [[4, 5, 2, 4, 4, 5], [2, 3, None, 3, 2, 2], [5, 5, 5, 5, 5, 5], [1, 2, 4, 2, 1, 2]],
    )


def test_excel_for_mac_csv(instrument: Instrument) -> None:
    """Before: read as cp1252 ("MembersÕ questions" matched no item) with the three trailing
    all-comma rows as respondents without answers."""
    rs = read("excel_mac_roman.csv", instrument, id_column="Respondent", group_columns=["Role"])
    report = rs.report
    assert (report.encoding, report.rows_read, report.rows_accepted) == ("mac_roman", 3, 3)
    assert len(report.matches) == 6 and not report.rejected
    assert list(rs.groups["Role"]) == ["Nurse", "Manager", "Thérapiste"]
    check_scores(
        rs, instrument, [[4, 5, 2, 4, 4, 5], [2, 3, None, 3, 2, 2], [3, None, 3, 4, None, 3]]
    )


def test_a_column_named_like_an_item_id_beside_its_text_is_refused(instrument: Instrument) -> None:
    """Before: the user's column 'sh_1' (all 9s here) silently replaced the real answers."""
    with pytest.raises(DataImportError) as info:
        read("id_column_beside_text.csv", instrument)
    assert "Say which with mapping (a line" in str(info.value)  # the library's words
    message = cli_message(info.value)  # the command line's
    assert "item sh_1 could be read from more than one column" in message
    assert "'sh_1' and 'I share what I learn with the group.'" in message
    assert "--mapping" in message
    rs = read(
        "id_column_beside_text.csv",
        instrument,
        mapping={"sh_1": "I share what I learn with the group."},
    )
    assert rs.items["sh_1"].tolist() == [4, 2, 1]


def test_google_forms_grid(instrument: Instrument) -> None:
    rs = read("google_forms_grid.csv", instrument, id_column="Email Address")
    report = rs.report
    assert (report.format, report.rows_read, report.rows_accepted) == ("google_forms", 5, 5)
    assert all(m.how == "text" for m in report.matches) and len(report.matches) == 6
    check_scores(
        rs,
        instrument,
        [
            [4, 5, 2, 4, 4, 5],
            [2, 3, None, 3, 2, 2],
            [5, 5, 5, 5, 5, 5],
            [3, None, 3, 4, None, 3],
            [1, 2, 4, 2, 1, 2],
        ],
    )


def test_limesurvey_code_headings_match_items_named_by_subquestion_code() -> None:
    data = {
        "id": "lime_codes",
        "version": "1",
        "title": "Codes",
        "description": "Items named by their LimeSurvey subquestion codes.",
        "status": "seed-derived",
        "sources": [{"citation": "tests"}],
        "license": {"status": "project-authored"},
        "response_scale": {"min": 1, "max": 5, "labels": LABELS},
        "items": [{**item, "id": f"SQ00{k}"} for k, item in enumerate(ITEMS, start=1)],
        "scales": [{"id": "sharing", "label": "Sharing"}, {"id": "value", "label": "Value"}],
    }
    coded = parse_instrument(data)
    rs = read_responses(EXPORTS / "limesurvey_codes.csv", [coded], key=KEY, id_column="id")
    report = rs.report
    assert (report.format, report.rows_read, report.rows_accepted) == ("limesurvey", 4, 3)
    assert [m.column for m in report.matches] == [f"G01Q02[SQ00{k}]" for k in range(1, 7)]
    assert "every item cell is empty" in rejected(rs)[4]
    table = score_items(rs.items, coded)
    want = [hand_scores(a) for a in ([4, 5, 2, 4, 4, 5], [2, 3, None, 3, 2, 2], [1, 2, 4, 2, 1, 2])]
    assert table["sharing"].tolist() == pytest.approx([w[0] for w in want])
    assert table["value"].tolist() == pytest.approx([w[1] for w in want])


MS_FORMS_ANSWERS: list[Answers] = [
    [4, 5, 2, 4, 4, 5],
    [2, 3, None, 3, 2, 2],
    [5, 5, 5, 5, 5, 5],
    [3, None, 3, 4, None, 3],
    [1, 2, 4, 2, 1, 2],
]


def test_microsoft_forms_work_account_with_anonymous_respondents(instrument: Instrument) -> None:
    """Before: the two 'anonymous' e-mails were one respondent id, and the earlier row was
    rejected as a duplicate."""
    rs = read("ms_forms_work.xlsx", instrument, id_column="Email")
    assert (rs.report.format, rs.report.rows_read, rs.report.rows_accepted) == ("ms_forms", 5, 5)
    assert rs.respondent_ids is not None
    assert rs.respondent_ids.isna().tolist() == [False, True, False, True, False]
    check_scores(rs, instrument, MS_FORMS_ANSWERS)


def test_microsoft_forms_personal_account(instrument: Instrument) -> None:
    rs = read("ms_forms_personal.xlsx", instrument, group_columns=["What is your role?"])
    assert (rs.report.format, rs.report.rows_read, rs.report.rows_accepted) == ("ms_forms", 5, 5)
    check_scores(rs, instrument, MS_FORMS_ANSWERS)


def test_microsoft_forms_quiz_columns_are_not_items(instrument: Instrument) -> None:
    rs = read("ms_forms_quiz.xlsx", instrument)
    columns = {m.column for m in rs.report.matches}
    assert columns == {item["text"] for item in ITEMS}
    assert not any(c.startswith(("Points - ", "Feedback - ")) for c in columns)
    check_scores(rs, instrument, MS_FORMS_ANSWERS)


def test_an_id_column_blank_in_every_row_is_warned(instrument: Instrument) -> None:
    rs = read("ms_forms_quiz.xlsx", instrument, id_column="Name")
    assert rs.respondent_ids is None
    assert any("'Name' is blank in every row" in w for w in rs.report.warnings)


CHECK_OPTIONS: dict[str, list[str]] = {
    "qualtrics_legacy_bom.csv": ["--id-column", "ResponseID", "--group-column", "Q1"],
    "qualtrics_legacy_nobom.csv": [],
    "qualtrics_2016_dict_importid.csv": ["--id-column", "ResponseID"],
    "qualtrics_status_text.csv": ["--id-column", "ResponseId"],
    "surveymonkey_legacy_2017.csv": ["--id-column", "RespondentID"],
    "surveymonkey_no_metadata.csv": [],
    "excel_mac_roman.csv": ["--id-column", "Respondent"],
    "id_column_beside_text.csv": ["--mapping", "MAP"],
    "google_forms_grid.csv": ["--id-column", "Email Address"],
    "ms_forms_work.xlsx": ["--id-column", "Email"],
    "ms_forms_personal.xlsx": [],
    "ms_forms_quiz.xlsx": [],
    "limesurvey_codes.csv": ["--mapping", "LIME", "--id-column", "id"],
}


@pytest.mark.parametrize("name", sorted(CHECK_OPTIONS))
def test_check_accounts_for_every_row_of_every_fixture(
    name: str, instrument: Instrument, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cop_eval.cli import main

    inst = tmp_path / "test_cop.yaml"
    inst.write_text(instrument.model_dump_json(), encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("sh_1: I share what I learn with the group.\n", encoding="utf-8")
    lime = tmp_path / "lime.yaml"
    lime.write_text(
        "".join(f"{item['id']}: G01Q02[SQ00{k}]\n" for k, item in enumerate(ITEMS, start=1)),
        encoding="utf-8",
    )
    files = {"MAP": str(mapping), "LIME": str(lime)}
    options = [files.get(o, o) for o in CHECK_OPTIONS[name]]
    code = main(["check", str(EXPORTS / name), "-i", str(inst), *options, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["rows_read"] == out["rows_accepted"] + len(out["rejected"])
    assert all(r["reason"] for r in out["rejected"])
    code = main(["check", str(EXPORTS / name), "-i", str(inst), *options])
    text = capsys.readouterr().out
    assert code == 0
    assert f"rows read                               │ {out['rows_read']} " in text
    for r in out["rejected"]:
        assert f"│ {r['row']:>3} │ {r['reason'][:40]}" in text


@pytest.mark.parametrize(
    ("name", "fmt", "likely"),
    [
        ("qualtrics_status_text.csv", "csv", "a Qualtrics export (3 header rows)"),
        ("qualtrics_legacy_bom.csv", "csv", "a Qualtrics export (2 header rows)"),
        ("surveymonkey_no_metadata.csv", "csv", "a SurveyMonkey export (2 header rows)"),
    ],
)
def test_a_file_read_as_a_plain_table_names_its_likely_format(
    name: str, fmt: str, likely: str, instrument: Instrument
) -> None:
    with pytest.raises(DataImportError) as info:
        read(name, instrument, format=fmt)
    message = cli_message(info.value)  # as the command line says it (str: format='...')
    platform = {"Q": "qualtrics", "S": "surveymonkey"}[likely[2]]
    assert f"The header looks like {likely}" in message
    assert f"--format {platform}" in message


def test_a_format_that_does_not_fit_is_refused(instrument: Instrument) -> None:
    """Issue 19: a named format whose header signature is absent is refused (before: a warning,
    and two respondents read as Qualtrics header rows)."""
    with pytest.raises(DataImportError) as caught:
        read("google_forms_grid.csv", instrument, format="qualtrics")
    message = str(caught.value)
    assert "header has none of Qualtrics' header rows" in message
    assert "looks like a Google Forms export" in message and "format='google_forms'" in message


def test_score_out_always_writes_the_source_row(
    instrument: Instrument, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: without --id-column the scores had no row key (4 scores from 7 rows could not be
    lined up with the input)."""
    from cop_eval.cli import main

    inst = tmp_path / "test_cop.yaml"
    inst.write_text(instrument.model_dump_json(), encoding="utf-8")
    out = tmp_path / "scores.csv"
    data = str(EXPORTS / "qualtrics_legacy_bom.csv")
    assert main(["score", data, "-i", str(inst), "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",")[:3] == ["row", "sharing", "value"]
    assert [line.split(",")[0] for line in lines[1:]] == ["3", "5", "7", "9"]
    capsys.readouterr()
    # an id column blank in every row: warned, read as none, the rows still keyed
    data = str(EXPORTS / "ms_forms_quiz.xlsx")
    assert main(["score", data, "-i", str(inst), "--id-column", "Name", "--out", str(out)]) == 0
    assert "is blank in every row" in capsys.readouterr().err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",")[:2] == ["row", "sharing"]
    assert [line.split(",")[0] for line in lines[1:]] == ["2", "3", "4", "5", "6"]


def test_sheet_names_the_sheet_to_read(instrument: Instrument, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.load_workbook(EXPORTS / "ms_forms_personal.xlsx")
    book.create_sheet("Notes", 0)  # an empty first sheet, as users add
    path = tmp_path / "two_sheets.xlsx"
    book.save(path)
    with pytest.raises(DataImportError) as info:
        read_responses(path, [instrument], key=KEY)
    assert "the sheet 'Notes' is empty" in str(info.value) and "as sheet" in str(info.value)
    assert "--sheet" in cli_message(info.value)
    rs = read_responses(path, [instrument], key=KEY, sheet="Sheet1")
    assert rs.report.rows_read == 5
    with pytest.raises(DataImportError, match="no sheet named 'Answers'; the sheets are"):
        read_responses(path, [instrument], key=KEY, sheet="Answers")
    with pytest.raises(DataImportError, match="names a sheet of an Excel workbook"):
        read_responses(EXPORTS / "google_forms_grid.csv", [instrument], key=KEY, sheet="x")


def test_a_question_reworded_in_one_wave_is_fixed_by_a_mapping_for_that_file(
    instrument: Instrument, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: --mapping applied to every file, so a question reworded in one wave could not be
    mapped there; the wave's sharing scale quietly used 2 of its 3 items."""
    from cop_eval.cli import main

    inst = tmp_path / "test_cop.yaml"
    inst.write_text(instrument.model_dump_json(), encoding="utf-8")
    first = EXPORTS / "google_forms_grid.csv"
    second = tmp_path / "autumn.csv"
    reworded = "I seldom hear what other members are working on."
    second.write_bytes(
        first.read_bytes().replace(b"I rarely hear about others' work.", reworded.encode())
    )
    header = f"How far do you agree with each statement? [{reworded}]"
    mapping = tmp_path / "autumn_map.yaml"
    mapping.write_text(f'sh_3: "{header}"\n', encoding="utf-8")
    base = ["compare", str(first), str(second), "-i", str(inst), "--labels", "Spring,Autumn"]

    assert main([*base, "--json"]) == 0
    sharing = next(
        s for s in json.loads(capsys.readouterr().out)["scales"] if s["scale"] == "sharing"
    )
    assert sharing["items_differ"] is True
    assert sharing["items_by_wave"] == {
        "Spring": ["sh_1", "sh_2", "sh_3"],
        "Autumn": ["sh_1", "sh_2"],
    }
    assert main(base) == 0
    text = capsys.readouterr().out
    assert "Sharing was scored from different items: Spring from sh_1, sh_2, sh_3; Autumn" in text

    assert main([*base, "--mapping", "-", "--mapping", str(mapping), "--json"]) == 0
    sharing = next(
        s for s in json.loads(capsys.readouterr().out)["scales"] if s["scale"] == "sharing"
    )
    assert sharing["items_differ"] is False
    assert main([*base, "--mapping", str(mapping), "--json"]) == 1  # one mapping for both files
    assert f"column '{header}' for item sh_3 is not in" in capsys.readouterr().err
