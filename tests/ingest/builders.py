"""Build survey exports in the layouts real platforms produce, all holding the same answers.

Each builder writes ANSWERS/RESPONDENTS/ROLES (conftest) for the test instrument in one layout and
returns ``(path, read_responses keyword arguments)``. The layouts follow the platforms' own
exports: header rows, metadata columns, how matrix questions are named, how answers are written.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .conftest import ANSWERS, ITEMS, LABELS, RESPONDENTS, ROLES, as_code, as_label

Built = tuple[Path, dict[str, Any]]
STEM = "How far do you agree with each statement?"
ROLE_Q = "What is your role?"


def _csv_text(rows: list[list[str]], delimiter: str = ",", quote_all: bool = False) -> str:
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=quoting).writerows(rows)
    return buffer.getvalue()


def _body(convert: Callable[[Any], str]) -> list[list[str]]:
    return [[convert(a) for a in answers] for answers in ANSWERS]


def plain_utf8(tmp: Path) -> Built:
    rows = [["email", "role", *(i["id"] for i in ITEMS)]]
    rows += [[e, r, *b] for e, r, b in zip(RESPONDENTS, ROLES, _body(as_code), strict=True)]
    path = tmp / "plain.csv"
    path.write_text(_csv_text(rows), encoding="utf-8", newline="")
    return path, {"id_column": "email", "group_columns": ["role"]}


def excel_utf8_bom_semicolon(tmp: Path) -> Built:
    """Excel "CSV UTF-8" in a semicolon locale: BOM, ';', item text as headers, labels."""
    rows = [["E-mail", "Role", *(i["text"] for i in ITEMS)]]
    rows += [[e, r, *b] for e, r, b in zip(RESPONDENTS, ROLES, _body(as_label), strict=True)]
    path = tmp / "excel_utf8.csv"
    path.write_bytes(codecs.BOM_UTF8 + _csv_text(rows, ";").encode("utf-8"))
    return path, {"id_column": "E-mail", "group_columns": ["Role"]}


def excel_unicode_text(tmp: Path) -> Built:
    """Excel "Unicode Text": UTF-16LE with BOM, tab-delimited."""
    rows = [["email", "role", *(i["id"] for i in ITEMS)]]
    rows += [[e, r, *b] for e, r, b in zip(RESPONDENTS, ROLES, _body(as_code), strict=True)]
    path = tmp / "unicode.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + _csv_text(rows, "\t").encode("utf-16-le"))
    return path, {"id_column": "email", "group_columns": ["role"]}


def excel_cp1252(tmp: Path) -> Built:
    """Excel "CSV (Comma delimited)" on Windows: cp1252, smart quotes in item-text headers."""
    rows = [["email", "role", *(i["text"] for i in ITEMS)]]
    rows += [[e, r, *b] for e, r, b in zip(RESPONDENTS, ROLES, _body(as_label), strict=True)]
    path = tmp / "cp1252.csv"
    path.write_bytes(_csv_text(rows).encode("cp1252"))
    return path, {"id_column": "email", "group_columns": ["role"]}


def xlsx_plain(tmp: Path) -> Built:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["email", "role", *(i["id"] for i in ITEMS)])
    for e, r, answers in zip(RESPONDENTS, ROLES, ANSWERS, strict=True):
        cells = [
            a if isinstance(a, int) else ("Don't know" if a == "dk" else None) for a in answers
        ]
        sheet.append([e, r, *cells])
    path = tmp / "plain.xlsx"
    book.save(path)
    return path, {"id_column": "email", "group_columns": ["role"]}


def spss(tmp: Path, *, offset: int = 0) -> Built:
    """SPSS .sav: codes with value labels ("Don't know" = 9); ``offset=-1`` codes 0..4."""
    import pandas as pd
    import pyreadstat

    data: dict[str, list[Any]] = {"email": RESPONDENTS, "role": ROLES}
    for k, item in enumerate(ITEMS):
        data[item["id"]] = [
            None if row[k] is None else 9.0 if row[k] == "dk" else float(row[k]) + offset
            for row in ANSWERS
        ]
    frame = pd.DataFrame(data)
    labels = {float(code + offset): text for code, text in LABELS.items()} | {9.0: "Don't know"}
    path = tmp / f"survey{offset}.sav"
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=["Email", "Role", *(i["text"] for i in ITEMS)],
        variable_value_labels={i["id"]: labels for i in ITEMS},
    )
    return path, {"id_column": "email", "group_columns": ["role"]}


def spss_shifted(tmp: Path) -> Built:
    return spss(tmp, offset=-1)


_Q_META = [
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/London"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/London"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"Europe/London"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
    ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
    ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
    ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
    ("LocationLatitude", "Location Latitude", '{"ImportId":"locationLatitude"}'),
    ("LocationLongitude", "Location Longitude", '{"ImportId":"locationLongitude"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
]


def _qualtrics(tmp: Path, numeric: bool) -> Built:
    names = [m[0] for m in _Q_META] + ["Q1"] + [f"Q2_{k + 1}" for k in range(len(ITEMS))]
    texts = [m[1] for m in _Q_META] + [ROLE_Q] + [f"{STEM} - {i['text']}" for i in ITEMS]
    imports = (
        [m[2] for m in _Q_META]
        + ['{"ImportId":"QID1"}']
        + [
            json.dumps({"ImportId": f"QID2_{k + 1}"}, separators=(",", ":"))
            for k in range(len(ITEMS))
        ]
    )
    rows = [names, texts, imports]

    def meta(status: str, email: str, k: int) -> list[str]:
        return [
            f"2024-03-0{k + 1} 09:0{k}:00", f"2024-03-0{k + 1} 09:1{k}:00", status,
            "" if status == "Survey Preview" else f"192.0.2.{k + 10}", "100", "612", "True",
            f"2024-03-0{k + 1} 09:1{k}:01", f"R_{k:02d}aBcDeFgHiJkLmN", "", "", email, "", "51.5",
            "-0.12", "preview" if status == "Survey Preview" else "email", "EN-GB",
        ]  # fmt: skip

    def answer(a: Any) -> str:
        if not numeric:
            return as_label(a)
        return "-99" if a is None else "" if a == "dk" else str(a)

    preview = [*meta("Survey Preview", "", 9), "Manager", *["Agree"] * len(ITEMS)]
    rows.append(preview)
    for k, (e, r, answers) in enumerate(zip(RESPONDENTS, ROLES, ANSWERS, strict=True)):
        rows.append([*meta("IP Address", e, k), r, *(answer(a) for a in answers)])
    path = tmp / f"qualtrics_{'numeric' if numeric else 'text'}.csv"
    # Qualtrics quotes every field and writes a BOM.
    path.write_bytes(codecs.BOM_UTF8 + _csv_text(rows, quote_all=True).encode("utf-8"))
    return path, {"id_column": "RecipientEmail", "group_columns": ["Q1"]}


def qualtrics_text(tmp: Path) -> Built:
    return _qualtrics(tmp, numeric=False)


def qualtrics_numeric(tmp: Path) -> Built:
    """Numeric values; -99 ("seen but unanswered") and blank ("Don't know" not exported)."""
    return _qualtrics(tmp, numeric=True)


def surveymonkey(tmp: Path) -> Built:
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
            "Email Address", "First Name", "Last Name", "Custom Data 1"]  # fmt: skip
    row1 = [*meta, ROLE_Q, STEM, *[""] * (len(ITEMS) - 1)]
    row2 = [*[""] * len(meta), "Response", *(i["text"] for i in ITEMS)]
    rows = [row1, row2]
    for k, (e, r, answers) in enumerate(zip(RESPONDENTS, ROLES, ANSWERS, strict=True)):
        rows.append(
            [
                f"1145{k:05d}",
                "40212345",
                f"03/0{k + 1}/2024 09:00:00 AM",
                f"03/0{k + 1}/2024 09:12:00 AM",
                f"192.0.2.{k}",
                e,
                "",
                "",
                "",
                r,
                *(as_label(a) for a in answers),
            ]
        )
    path = tmp / "surveymonkey.csv"
    path.write_text(_csv_text(rows), encoding="utf-8", newline="")
    return path, {"id_column": "Email Address", "group_columns": [ROLE_Q]}


def ms_forms(tmp: Path) -> Built:
    """Microsoft Forms "Open in Excel": metadata columns, Likert rows as "Question.Statement"."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    headers = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time", ROLE_Q]
    headers += [f"{STEM}.{i['text']}" if k % 2 == 0 else i["text"] for k, i in enumerate(ITEMS)]
    sheet.append(headers)
    for k, (e, r, answers) in enumerate(zip(RESPONDENTS, ROLES, ANSWERS, strict=True)):
        sheet.append(
            [
                k + 1,
                f"3/{k + 1}/24 9:00:00",
                f"3/{k + 1}/24 9:12:00",
                e,
                "",
                "",
                r,
                *(as_label(a) or None for a in answers),
            ]
        )
    path = tmp / "forms.xlsx"
    book.save(path)
    return path, {"id_column": "Email", "group_columns": [ROLE_Q]}


def google_forms(tmp: Path) -> Built:
    """Google Forms CSV: Timestamp, Email Address, grid rows as "Question [Row]"."""
    rows = [["Timestamp", "Email Address", ROLE_Q, *(f"{STEM} [{i['text']}]" for i in ITEMS)]]
    for k, (e, r, answers) in enumerate(zip(RESPONDENTS, ROLES, ANSWERS, strict=True)):
        rows.append([f"2024/03/0{k + 1} 9:00:00 AM GMT", e, r, *(as_label(a) for a in answers)])
    path = tmp / "google.csv"
    path.write_text(_csv_text(rows), encoding="utf-8", newline="")
    return path, {"id_column": "Email Address", "group_columns": [ROLE_Q]}


_LIME_META_CODES = ["id", "submitdate", "lastpage", "startlanguage", "seed", "token"]
_LIME_META_TEXT = ["Response ID", "Date submitted", "Last page", "Start language", "Seed", "Token"]


def _lime_meta(k: int) -> list[str]:
    return [str(k + 1), f"2024-03-0{k + 1} 09:12:00", "3", "en", f"{123456 + k}", RESPONDENTS[k]]


def limesurvey_codes(tmp: Path) -> Built:
    """Question-code headings (G01Q02[SQ001]) and answer codes: needs a mapping."""
    codes = [f"G01Q02[SQ00{k + 1}]" for k in range(len(ITEMS))]
    rows = [[*_LIME_META_CODES, "G01Q01", *codes]]
    for k, (r, answers) in enumerate(zip(ROLES, ANSWERS, strict=True)):
        rows.append([*_lime_meta(k), r, *(as_code(a) for a in answers)])
    path = tmp / "lime_codes.csv"
    path.write_text(_csv_text(rows), encoding="utf-8", newline="")
    mapping = tmp / "lime_map.yaml"
    mapping.write_text(
        "".join(f'{i["id"]}: "{c}"\n' for i, c in zip(ITEMS, codes, strict=True)), encoding="utf-8"
    )
    return path, {"id_column": "token", "group_columns": ["G01Q01"], "mapping": mapping}


def limesurvey_text(tmp: Path) -> Built:
    """Full question-text headings "Question [Subquestion]" and full answer text."""
    rows = [[*_LIME_META_TEXT, ROLE_Q, *(f"{STEM} [{i['text']}]" for i in ITEMS)]]
    for k, (r, answers) in enumerate(zip(ROLES, ANSWERS, strict=True)):
        rows.append([*_lime_meta(k), r, *(as_label(a) for a in answers)])
    path = tmp / "lime_text.csv"
    path.write_text(_csv_text(rows), encoding="utf-8", newline="")
    return path, {"id_column": "Token", "group_columns": [ROLE_Q]}


#: builder name → (builder, the format the file must be detected as)
BUILDERS: dict[str, tuple[Callable[[Path], Built], str]] = {
    "plain_utf8": (plain_utf8, "csv"),
    "excel_utf8_bom_semicolon": (excel_utf8_bom_semicolon, "csv"),
    "excel_unicode_text": (excel_unicode_text, "csv"),
    "excel_cp1252": (excel_cp1252, "csv"),
    "xlsx_plain": (xlsx_plain, "xlsx"),
    "spss": (spss, "spss"),
    "spss_shifted_codes": (spss_shifted, "spss"),
    "qualtrics_text": (qualtrics_text, "qualtrics"),
    "qualtrics_numeric": (qualtrics_numeric, "qualtrics"),
    "surveymonkey": (surveymonkey, "surveymonkey"),
    "ms_forms": (ms_forms, "ms_forms"),
    "google_forms": (google_forms, "google_forms"),
    "limesurvey_codes": (limesurvey_codes, "limesurvey"),
    "limesurvey_text": (limesurvey_text, "limesurvey"),
}
