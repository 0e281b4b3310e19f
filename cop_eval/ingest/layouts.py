"""Platform layouts: how many header rows an export has, and what each column is called.

Every platform writes its own header: Qualtrics three rows (column names, question text, ImportId
JSON), SurveyMonkey two (question text, then "Response" or the matrix row), Google Forms and
Microsoft Forms one row of question text after fixed metadata columns, LimeSurvey codes
(``G01Q01[SQ001]``) or "Question [Subquestion]" text. A :class:`Layout` records, per column, the
name shown to the user and the texts it may be matched on, plus which rows are the platform's own
preview/test responses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from cop_eval.errors import DataImportError, option, render
from cop_eval.ingest.header import Layout, PreviewRule, index, key, one_row
from cop_eval.ingest.qualtrics import looks_like_qualtrics, qualtrics_layout
from cop_eval.ingest.surveymonkey import (
    SURVEYMONKEY_META,
    has_subheader_row,
    surveymonkey_layout,
)

__all__ = ["FORMATS", "Layout", "PreviewRule", "detect_layout", "layout_for", "read_layout"]

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


_MS_FORMS_META = {
    "id", "start time", "completion time", "email", "name", "last modified time", "total points",
    "quiz feedback",
}  # fmt: skip
#: Microsoft Forms quizzes add these columns beside every question.
_MS_FORMS_COMPANION = ("points - ", "feedback - ")
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


def _ms_forms_layout(records: Sequence[Sequence[str]]) -> Layout:
    return one_row(
        "ms_forms",
        records,
        _MS_FORMS_META,
        meta_prefixes=_MS_FORMS_COMPANION,
        placeholder_ids=frozenset({"anonymous"}),
    )


def _ms_forms(records: Sequence[Sequence[str]]) -> bool:
    first = [key(c) for c in (records[0][:3] if records else [])]
    return first == ["id", "start time", "completion time"]


def _google_forms(records: Sequence[Sequence[str]]) -> bool:
    return bool(records and records[0]) and key(records[0][0]) in _GOOGLE_META - {
        "email address",
        "score",
    }


_LIME_CODE_HEADING = re.compile(r"^[A-Za-z][A-Za-z0-9_]*\[[A-Za-z0-9_]+\]$")


def _limesurvey(records: Sequence[Sequence[str]]) -> bool:
    if not records:
        return False
    keys = set(index(records[0]))
    return len(keys & _LIME_CODES) >= 3 or len(keys & _LIME_TEXT) >= 3


def layout_for(fmt: str, records: Sequence[Sequence[str]]) -> Layout:
    """Read the header of ``records`` as the named platform layout (``csv``/``xlsx``: one row)."""
    if fmt == "qualtrics":
        layout = qualtrics_layout(records)
        if layout is None:  # named explicitly: take the documented three-row header
            names = tuple(records[0]) if records else ()
            layout = Layout("qualtrics", 3, names, tuple(() for _ in names))
        return layout
    if fmt == "surveymonkey":
        layout = surveymonkey_layout(records, force=True)
        return layout or one_row("surveymonkey", records, SURVEYMONKEY_META)
    if fmt == "ms_forms":
        return _ms_forms_layout(records)
    if fmt == "google_forms":
        return one_row("google_forms", records, _GOOGLE_META)
    if fmt == "limesurvey":
        return one_row("limesurvey", records, _LIME_CODES | _LIME_TEXT)
    return one_row(fmt, records, set())


def detect_layout(container: str, records: Sequence[Sequence[str]]) -> Layout:
    """Recognise a platform layout from the first records of a CSV or Excel export.

    ``container`` is ``csv`` or ``xlsx``: the format reported when no platform is recognised.
    """
    for detector in (qualtrics_layout, surveymonkey_layout):
        layout = detector(records)
        if layout is not None:
            return layout
    if _ms_forms(records):
        return _ms_forms_layout(records)
    if _google_forms(records):
        return one_row("google_forms", records, _GOOGLE_META)
    if _limesurvey(records):
        return one_row("limesurvey", records, _LIME_CODES | _LIME_TEXT)
    return one_row(container, records, set())


_NAMES = {
    "qualtrics": "Qualtrics",
    "surveymonkey": "SurveyMonkey",
    "ms_forms": "Microsoft Forms",
    "google_forms": "Google Forms",
    "limesurvey": "LimeSurvey",
}


def _likely_platform(container: str, records: Sequence[Sequence[str]]) -> str | None:
    """The platform the header looks like, detected or (more loosely) by its tell-tale rows."""
    detected = detect_layout(container, records).format
    if detected in _NAMES:
        return detected
    if looks_like_qualtrics(records):
        return "qualtrics"
    if has_subheader_row(records):
        return "surveymonkey"
    return None


def platform_export(records: Sequence[Sequence[str]]) -> str | None:
    """The survey platform ("Qualtrics", "SurveyMonkey", ...) whose export header ``records``
    (the first rows of a table) looks like, or ``None``: how a roster or register that is in
    fact a survey export is recognised."""
    found = _likely_platform("csv", records)
    return _NAMES.get(found) if found is not None else None


_SIGNATURES = {
    "qualtrics": "Qualtrics' header rows (ResponseId/StartDate, V1.., or an ImportId row)",
    "surveymonkey": "SurveyMonkey's columns (Respondent ID, Collector ID) or its 'Response' row",
    "ms_forms": "Microsoft Forms' first columns (ID, Start time, Completion time)",
    "google_forms": "Google Forms' first column (Timestamp)",
    "limesurvey": "LimeSurvey's columns (id, submitdate, lastpage, startlanguage, ...)",
}


def _has_signature(fmt: str, records: Sequence[Sequence[str]]) -> bool:
    """Whether the header shows the named platform's own columns or rows."""
    if fmt == "qualtrics":
        return qualtrics_layout(records) is not None or looks_like_qualtrics(records)
    if fmt == "surveymonkey":
        return surveymonkey_layout(records) is not None or has_subheader_row(records)
    if fmt == "ms_forms":
        return _ms_forms(records)
    if fmt == "google_forms":
        return _google_forms(records)
    if fmt == "limesurvey":
        return _limesurvey(records)
    return True


def _refuse_absent_signature(
    container: str, fmt: str, records: Sequence[Sequence[str]], source: str
) -> None:
    """A platform format named for a header that has none of its signature would misread the
    rows (Qualtrics takes three header rows: two respondents would vanish)."""
    if fmt not in _SIGNATURES or _has_signature(fmt, records):
        return
    first = records[0] if records else []
    shown = ", ".join(repr(c[:30]) for c in first[:6]) + (" ..." if len(first) > 6 else "")
    likely = _likely_platform(container, records)
    instead = (
        f"it looks like a {_NAMES[likely]} export: give {option('format', likely)}, or leave "
        f"{option('format')} out."
        if likely
        else f"it reads as a plain table: give {option('format', container)}, or leave "
        f"{option('format')} out."
    )
    raise DataImportError(
        f"{source}: {option('format', fmt)} was given, but the header has none of {_SIGNATURES[fmt]}; "
        f"found {len(first)} column(s): {shown}. Reading it as {_NAMES[fmt]} would take "
        f"respondents for header rows. {instead}"
    )


def read_layout(
    container: str, fmt: str | None, records: Sequence[Sequence[str]], source: str = "the file"
) -> Layout:
    """The header of ``records`` as ``fmt`` names it (detected when ``None`` or the container).

    A platform layout named with ``fmt`` whose signature is absent from the header is refused
    (:class:`DataImportError`, saying what was found). A named layout that another platform fits
    better, or a plain table that looks like a platform export, carries a warning and a
    :attr:`Layout.hint` naming the likely format and the option that reads it.
    """
    forced = fmt is not None
    if fmt is not None:
        _refuse_absent_signature(container, fmt, records, source)
    layout = layout_for(fmt, records) if fmt is not None else detect_layout(container, records)
    likely = _likely_platform(container, records)
    if likely is None or likely == layout.format:
        return layout
    name = _NAMES[likely]
    shape = detect_layout(container, records)
    rows = shape.header_rows if shape.format == likely else layout_for(likely, records).header_rows
    hint = (
        f"The header looks like a {name} export ({rows} header row{'s' if rows > 1 else ''}): "
        + (
            f"leave {option('format')} out, or give {option('format', likely)}."
            if forced
            else f"give {option('format', likely)}."
        )
    )
    warnings = layout.warnings
    if forced or rows != layout.header_rows:
        warnings = (
            *warnings,
            f"read as {layout.format} with {layout.header_rows} header row"
            f"{'s' if layout.header_rows > 1 else ''}, but {render(hint[0].lower() + hint[1:])}",
        )
    return replace(layout, hint=hint, warnings=warnings)
