"""Qualtrics CSV headers, in the three generations the platform has written.

- **2016+ ("Data Table")**: row 1 column names (``StartDate``, ``Q1_1``), row 2 question text,
  row 3 ``{"ImportId":"QID1_1"}`` as JSON.
- **2016 ("Insights")**: the same three rows, but row 3 in Python-dict quoting:
  ``{'ImportId': 'QID2-1'}``.
- **Legacy**: row 1 ``V1..V10`` then question names (``Q1``, ``Q2_1``), row 2 the metadata names
  (``ResponseID``, ``ResponseSet``, ``Name``, ..., ``Status``) and the question text; every line
  ends with a comma. With or without a UTF-8 byte-order mark.

The ``Status`` column ("Response Type") tells real responses from the platform's own: codes
0 (IP address: a normal response), 4 (imported), 16 (offline app) are real; 1 (survey preview),
2 (survey test), 8 (spam), 9 (preview spam), 12 (imported spam) and 17 (offline preview) are not.
Exports with "choice text" write the same as words.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Sequence

from cop_eval.ingest.header import Layout, PreviewRule, index, key, pad

__all__ = ["QUALTRICS_META", "qualtrics_layout"]

QUALTRICS_META = {
    "startdate", "enddate", "status", "ipaddress", "progress", "duration (in seconds)",
    "finished", "recordeddate", "responseid", "recipientlastname", "recipientfirstname",
    "recipientemail", "externalreference", "locationlatitude", "locationlongitude",
    "distributionchannel", "userlanguage", "q_recaptchascore", "q_relevantidduplicate",
    "responseset", "name", "externaldatareference", "emailaddress", "locationaccuracy",
    "q_ballotboxstuffing", "q_totalduration",
}  # fmt: skip

_LEGACY_V = re.compile(r"^V\d+$")
_NOT_REAL = (
    ("preview", {"1", "survey preview", "9", "preview spam", "17", "offline survey preview"}),
    ("test", {"2", "survey test"}),
    ("spam", {"8", "spam", "12", "imported spam"}),
)
_REAL = frozenset({"0", "ip address", "4", "imported", "16", "offline", "32", "ex", "36"})


def import_id(cell: str) -> str | None:
    """The ImportId of a row-3 cell, written as JSON or in Python-dict quoting; else ``None``."""
    cell = cell.strip()
    if not (cell.startswith("{") and cell.endswith("}")) or len(cell) > 2000:
        return None
    try:
        parsed = json.loads(cell)
    except ValueError:
        try:
            parsed = ast.literal_eval(cell)  # literals only: never evaluates code
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return None
    if isinstance(parsed, dict) and isinstance(parsed.get("ImportId"), str):
        return str(parsed["ImportId"])
    return None


def _status_rules(keys: dict[str, int]) -> tuple[PreviewRule, ...]:
    rules: list[PreviewRule] = []
    if "status" in keys:
        every = frozenset(v for _kind, values in _NOT_REAL for v in values)
        for kind, values in _NOT_REAL:
            rules.append(
                PreviewRule(
                    keys["status"],
                    frozenset(values),
                    f"Qualtrics {kind} response (Status column); not a real respondent",
                    known=_REAL | every,
                )
            )
    if "distributionchannel" in keys:
        rules.append(
            PreviewRule(
                keys["distributionchannel"],
                frozenset({"preview", "test"}),
                "Qualtrics preview or test response (DistributionChannel); not a real respondent",
            )
        )
    return tuple(rules)


def _legacy(records: Sequence[Sequence[str]]) -> Layout | None:
    """Row 1 ``V1..V10, Q1, ...``; row 2 ``ResponseID, ResponseSet, ...`` and question text."""
    if len(records) < 2:
        return None
    row1 = list(records[0])
    width = len(row1)
    row2 = pad(records[1], width)
    if not (row1 and row1[0].strip() == "V1" and key(row2[0]) == "responseid"):
        return None
    names: list[str] = []
    texts: list[tuple[str, ...]] = []
    for name, text in zip(row1, row2, strict=True):
        if _LEGACY_V.match(name.strip()) and text.strip():
            names.append(text.strip())  # V7 is "Status": show and match the real name
            texts.append((name,))
        else:
            names.append(name)
            texts.append((text,) if text.strip() else ())
    keys = index(names)
    meta = frozenset(i for i, n in enumerate(names) if key(n) in QUALTRICS_META)
    return Layout("qualtrics", 2, tuple(names), tuple(texts), meta, _status_rules(keys))


def qualtrics_layout(records: Sequence[Sequence[str]]) -> Layout | None:
    """The Qualtrics header of ``records``, or ``None`` when they are not a Qualtrics export.

    Three header rows when row 3 holds ImportIds; two in legacy exports (``V1..V10``) and in
    2-row exports whose row 2 repeats the labels ("Response ID"); one when the extra rows were
    deleted by hand.
    """
    if not records:
        return None
    legacy = _legacy(records)
    if legacy is not None:
        return legacy
    names = list(records[0])
    width = len(names)
    keys = index(names)
    row3 = pad(records[2], width) if len(records) > 2 else []
    filled = [c for c in row3 if c.strip()]
    three = bool(filled) and sum(import_id(c) is not None for c in filled) * 2 >= len(filled)
    row2 = pad(records[1], width) if len(records) > 1 else [""] * width
    qualtrics_columns = "responseid" in keys and "startdate" in keys
    if three:
        header_rows = 3
    elif qualtrics_columns and key(row2[keys["responseid"]]) in {"response id", "responseid"}:
        header_rows = 2
    elif qualtrics_columns and "status" in keys:
        header_rows = 1
    else:
        return None
    texts: list[tuple[str, ...]] = []
    for i in range(width):
        alt = [row2[i]] if header_rows > 1 else []
        if three:
            found = import_id(row3[i])
            if found is not None:
                alt.append(found)
        texts.append(tuple(t for t in alt if t.strip()))
    meta = frozenset(i for i, n in enumerate(names) if key(n) in QUALTRICS_META)
    return Layout("qualtrics", header_rows, tuple(names), tuple(texts), meta, _status_rules(keys))


def looks_like_qualtrics(records: Sequence[Sequence[str]]) -> bool:
    """Row 1 or 2 names Qualtrics metadata columns (for hints when the layout was not read)."""
    for record in records[:2]:
        keys = set(index(record))
        if {"responseid", "startdate"} <= keys or (record and record[0].strip() == "V1"):
            return True
    return False
