"""Platform layouts: how many header rows an export has, and what each column is called.

Every platform writes its own header: Qualtrics three rows (column names, question text, ImportId
JSON), SurveyMonkey two (question text, then "Response" or the matrix row), Google Forms and
Microsoft Forms one row of question text after fixed metadata columns, LimeSurvey codes
(``G01Q01[SQ001]``) or "Question [Subquestion]" text. A :class:`Layout` records, per column, the
name shown to the user and the texts it may be matched on, plus which rows are the platform's own
preview/test responses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["FORMATS", "Layout", "PreviewRule", "detect_layout", "layout_for"]

#: Format names accepted by ``--format`` (containers and platform layouts).
FORMATS: tuple[str, ...] = (
    "csv",
    "xlsx",
    "spss",
    "qualtrics",
    "surveymonkey",
    "ms_forms",
    "google_forms",
    "limesurvey",
)


@dataclass(frozen=True)
class PreviewRule:
    """Rows whose value in ``column`` (normalised: stripped, casefolded) is in ``values`` are the
    platform's own test rows and are rejected with ``reason``."""

    column: int
    values: frozenset[str]
    reason: str


@dataclass(frozen=True)
class Layout:
    """The header of an export, read."""

    format: str
    header_rows: int
    names: tuple[str, ...]
    texts: tuple[tuple[str, ...], ...]
    metadata: frozenset[int] = frozenset()
    preview: tuple[PreviewRule, ...] = ()
    warnings: tuple[str, ...] = field(default=())


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _index(names: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, name in enumerate(names):
        out.setdefault(_key(name), i)
    return out


def _pad(record: Sequence[str], width: int) -> list[str]:
    return [*record[:width], *([""] * (width - len(record)))]


_QUALTRICS_META = {
    "startdate", "enddate", "status", "ipaddress", "progress", "duration (in seconds)",
    "finished", "recordeddate", "responseid", "recipientlastname", "recipientfirstname",
    "recipientemail", "externalreference", "locationlatitude", "locationlongitude",
    "distributionchannel", "userlanguage", "q_recaptchascore", "q_relevantidduplicate",
}  # fmt: skip
_SURVEYMONKEY_META = {
    "respondent id", "collector id", "start date", "end date", "ip address", "email address",
    "first name", "last name", "custom data 1", "custom data",
}  # fmt: skip
_MS_FORMS_META = {"id", "start time", "completion time", "email", "name", "last modified time"}
_GOOGLE_META = {
    "timestamp",
    "email address",
    "score",
    "marca temporal",
    "horodateur",
    "zeitstempel",
}
_LIME_CODES = {
    "id", "submitdate", "lastpage", "startlanguage", "seed", "token", "startdate", "datestamp",
    "ipaddr", "refurl",
}  # fmt: skip
_LIME_TEXT = {
    "response id", "date submitted", "last page", "start language", "seed", "token",
    "date started", "date last action", "ip address", "referrer url",
}  # fmt: skip


def _is_import_id(cell: str) -> bool:
    cell = cell.strip()
    if not cell.startswith("{"):
        return False
    try:
        parsed = json.loads(cell)
    except ValueError:
        return False
    return isinstance(parsed, dict) and "ImportId" in parsed


def _qualtrics(records: Sequence[Sequence[str]]) -> Layout | None:
    """Three header rows (ImportId JSON in row 3); two in legacy exports (row 2 repeats the
    column labels, e.g. "Response ID"); one when the extra rows were deleted by hand."""
    if not records:
        return None
    names = list(records[0])
    width = len(names)
    keys = _index(names)
    row3 = _pad(records[2], width) if len(records) > 2 else []
    import_ids = [c for c in row3 if c.strip()]
    three = bool(import_ids) and sum(map(_is_import_id, import_ids)) * 2 >= len(import_ids)
    row2 = _pad(records[1], width) if len(records) > 1 else [""] * width
    qualtrics_columns = "responseid" in keys and "startdate" in keys
    if three:
        header_rows = 3
    elif qualtrics_columns and _key(row2[keys["responseid"]]) in {"response id", "responseid"}:
        header_rows = 2
    elif qualtrics_columns and "status" in keys:
        header_rows = 1
    else:
        return None
    texts: list[tuple[str, ...]] = []
    for i in range(width):
        alt = [row2[i]] if header_rows > 1 else []
        if three:
            try:
                parsed = json.loads(row3[i]) if row3[i].strip().startswith("{") else {}
            except ValueError:
                parsed = {}
            if isinstance(parsed, dict) and isinstance(parsed.get("ImportId"), str):
                alt.append(parsed["ImportId"])
        texts.append(tuple(t for t in alt if t.strip()))
    meta = frozenset(i for i, n in enumerate(names) if _key(n) in _QUALTRICS_META)
    preview: list[PreviewRule] = []
    if "status" in keys:
        preview.append(
            PreviewRule(
                keys["status"],
                frozenset({"survey preview", "1", "survey test", "2", "spam", "8", "9", "12"}),
                "Qualtrics preview, test or spam response (Status column); not a real respondent",
            )
        )
    if "distributionchannel" in keys:
        preview.append(
            PreviewRule(
                keys["distributionchannel"],
                frozenset({"preview", "test"}),
                "Qualtrics preview or test response (DistributionChannel); not a real respondent",
            )
        )
    return Layout("qualtrics", header_rows, tuple(names), tuple(texts), meta, tuple(preview))


def _surveymonkey(records: Sequence[Sequence[str]], force: bool = False) -> Layout | None:
    if len(records) < 2:
        return None
    keys = _index(records[0])
    if not force and not ("respondent id" in keys and "collector id" in keys):
        return None
    width = len(records[0])
    row1, row2 = _pad(records[0], width), _pad(records[1], width)
    if not force and row2[keys["respondent id"]].strip():
        # Row 2 is a response (it has a respondent id): the sub-header row was deleted.
        return _one_row("surveymonkey", records, _SURVEYMONKEY_META)
    names: list[str] = []
    texts: list[tuple[str, ...]] = []
    question = ""
    for i in range(width):
        if row1[i].strip():
            question = row1[i].strip()
        sub = row2[i].strip()
        if not sub or _key(sub) in {"response", "open-ended response"}:
            names.append(question)
            texts.append(())
        else:
            names.append(f"{question} - {sub}" if question else sub)
            texts.append((sub,))
    meta = frozenset(i for i in range(width) if _key(row1[i]) in _SURVEYMONKEY_META)
    return Layout("surveymonkey", 2, tuple(names), tuple(texts), meta)


def _one_row(fmt: str, records: Sequence[Sequence[str]], meta_names: set[str]) -> Layout:
    names = tuple(records[0]) if records else ()
    meta = frozenset(i for i, n in enumerate(names) if _key(n) in meta_names)
    return Layout(fmt, 1, names, tuple(() for _ in names), meta)


def _ms_forms(records: Sequence[Sequence[str]]) -> bool:
    first = [_key(c) for c in (records[0][:3] if records else [])]
    return first == ["id", "start time", "completion time"]


def _google_forms(records: Sequence[Sequence[str]]) -> bool:
    return bool(records and records[0]) and _key(records[0][0]) in _GOOGLE_META - {
        "email address",
        "score",
    }


_LIME_CODE_HEADING = re.compile(r"^[A-Za-z][A-Za-z0-9_]*\[[A-Za-z0-9_]+\]$")


def _limesurvey(records: Sequence[Sequence[str]]) -> bool:
    if not records:
        return False
    keys = set(_index(records[0]))
    return len(keys & _LIME_CODES) >= 3 or len(keys & _LIME_TEXT) >= 3


def layout_for(fmt: str, records: Sequence[Sequence[str]]) -> Layout:
    """Read the header of ``records`` as the named platform layout (``csv``/``xlsx``: one row)."""
    if fmt == "qualtrics":
        layout = _qualtrics(records)
        if layout is None:  # named explicitly: take the documented three-row header
            names = tuple(records[0]) if records else ()
            layout = Layout("qualtrics", 3, names, tuple(() for _ in names))
        return layout
    if fmt == "surveymonkey":
        layout = _surveymonkey(records, force=True)
        return layout or _one_row("surveymonkey", records, _SURVEYMONKEY_META)
    if fmt == "ms_forms":
        return _one_row("ms_forms", records, _MS_FORMS_META)
    if fmt == "google_forms":
        return _one_row("google_forms", records, _GOOGLE_META)
    if fmt == "limesurvey":
        return _one_row("limesurvey", records, _LIME_CODES | _LIME_TEXT)
    return _one_row(fmt, records, set())


def detect_layout(container: str, records: Sequence[Sequence[str]]) -> Layout:
    """Recognise a platform layout from the first records of a CSV or Excel export.

    ``container`` is ``csv`` or ``xlsx``: the format reported when no platform is recognised.
    """
    for detector in (_qualtrics, _surveymonkey):
        layout = detector(records)
        if layout is not None:
            return layout
    if _ms_forms(records):
        return _one_row("ms_forms", records, _MS_FORMS_META)
    if _google_forms(records):
        return _one_row("google_forms", records, _GOOGLE_META)
    if _limesurvey(records):
        return _one_row("limesurvey", records, _LIME_CODES | _LIME_TEXT)
    return _one_row(container, records, set())
