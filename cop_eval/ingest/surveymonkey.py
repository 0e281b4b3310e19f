"""SurveyMonkey CSV headers: two rows.

Row 1 holds the metadata names (``Respondent ID``, ``Collector ID``, ``Start Date``, ...; the
2017 export wrote ``RespondentID``, ``CollectorID``, ``StartDate``, ``LastName`` without spaces)
and the question text, left blank over the further columns of a matrix question. Row 2 holds
"Response" (or "Open-Ended Response") under a single-answer question and the statement under each
column of a matrix. Question text may carry HTML tags (``<strong>``). Users often delete the
metadata columns; the two header rows are then all that says "SurveyMonkey".
"""

from __future__ import annotations

from collections.abc import Sequence

from cop_eval.ingest.header import Layout, index, key, one_row, pad, strip_tags

__all__ = ["SURVEYMONKEY_META", "has_subheader_row", "surveymonkey_layout"]

SURVEYMONKEY_META = {
    "respondent id", "collector id", "start date", "end date", "ip address", "email address",
    "first name", "last name", "custom data 1", "custom data",
    "respondentid", "collectorid", "startdate", "enddate", "lastname",
}  # fmt: skip
_RESPONSE = {"response", "open-ended response"}


def _metadata_columns(keys: dict[str, int]) -> bool:
    spaced = "respondent id" in keys and "collector id" in keys
    return spaced or ("respondentid" in keys and "collectorid" in keys)


def has_subheader_row(records: Sequence[Sequence[str]]) -> bool:
    """Row 2 is SurveyMonkey's sub-header: "Response" under a question, nothing that looks like an
    answer under the metadata."""
    if len(records) < 2 or not records[0]:
        return False
    row1, row2 = records[0], pad(records[1], len(records[0]))
    marked = [i for i, cell in enumerate(row2) if key(cell) in _RESPONSE]
    return bool(marked) and all(row1[i].strip() for i in marked)


def surveymonkey_layout(records: Sequence[Sequence[str]], force: bool = False) -> Layout | None:
    """The SurveyMonkey header of ``records``; ``None`` unless it is one (or ``force``)."""
    if len(records) < 2:
        return None
    keys = index(records[0])
    metadata = _metadata_columns(keys)
    if not (force or metadata or has_subheader_row(records)):
        return None
    width = len(records[0])
    row1, row2 = pad(records[0], width), pad(records[1], width)
    id_key = "respondent id" if "respondent id" in keys else "respondentid"
    if metadata and row2[keys[id_key]].strip() and not has_subheader_row(records):
        # Row 2 is a response (it has a respondent id): the sub-header row was deleted.
        return one_row("surveymonkey", records, SURVEYMONKEY_META)
    names: list[str] = []
    texts: list[tuple[str, ...]] = []
    question = ""
    for i in range(width):
        if row1[i].strip():
            question = strip_tags(row1[i].strip())
        sub = strip_tags(row2[i].strip())
        if not sub or key(sub) in _RESPONSE:
            names.append(question if row1[i].strip() else row1[i])
            texts.append(())
        else:
            names.append(f"{question} - {sub}" if question else sub)
            texts.append((sub,))
    meta = frozenset(i for i in range(width) if key(row1[i]) in SURVEYMONKEY_META)
    return Layout("surveymonkey", 2, tuple(names), tuple(texts), meta)
