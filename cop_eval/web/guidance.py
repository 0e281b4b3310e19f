"""Suggestions for the review page: which column is the respondent id, which the subgroup.

A practitioner rarely knows which of an export's twenty columns "the respondent id column" is.
The review page suggests one when the file's own values point at it: a column of e-mail
addresses, or one named like an id whose values are all different; and a subgroup column: few
distinct values (a role, team or strand), answered by most rows. The suggestion is only shown
beside the picker; nothing is chosen for the practitioner.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa

from cop_eval.errors import CopEvalError
from cop_eval.ingest.sources import open_source
from cop_eval.web.state import PendingImport

__all__ = ["ColumnHints", "suggest_columns"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ID_NAME = re.compile(r"(e-?mail|respondent|\bid\b|_id\b|staff.?n(o|umber)|employee)", re.I)
_GROUP_NAME = re.compile(r"(role|team|strand|department|dept|group|directorate|site|unit)", re.I)
#: A subgroup column has at most this many distinct values.
MAX_GROUPS = 12


@dataclass(frozen=True)
class ColumnHints:
    """The suggested columns (``None``: nothing fits) and why, in words."""

    id_column: str | None = None
    id_reason: str = ""
    group_column: str | None = None
    group_reason: str = ""


def _values(column: pa.Array | pa.ChunkedArray) -> list[str]:
    return [v.strip() for v in column.to_pylist() if isinstance(v, str) and v.strip()]


def _id_score(name: str, values: Sequence[str], rows: int) -> tuple[float, str] | None:
    if not values:
        return None
    emails = sum(bool(_EMAIL.match(v)) for v in values) / len(values)
    distinct = len(set(values)) / len(values)
    if emails >= 0.8:
        return 2 + emails, "its values are e-mail addresses"
    if _ID_NAME.search(name) and distinct >= 0.95 and len(values) >= 0.8 * rows:
        return 1 + distinct, "its name says id and every row has its own value"
    return None


def _group_score(name: str, values: Sequence[str], rows: int) -> tuple[float, str] | None:
    distinct = len(set(values))
    if not 2 <= distinct <= MAX_GROUPS or len(values) < 0.5 * rows or distinct > len(values) / 2:
        return None
    named = bool(_GROUP_NAME.search(name))
    reason = f"{distinct} different values, such as {', '.join(sorted(set(values))[:3])}"
    return (2.0 if named else 1.0) + len(values) / max(rows, 1), reason


def suggest_columns(pending: PendingImport, candidates: Sequence[str]) -> ColumnHints:
    """Suggest the id and subgroup columns among ``candidates`` (columns not matched to items).

    A file that cannot be read gives no suggestion (the page shows the reader's message).
    """
    try:
        source = open_source(pending.path, pending.options.format, pending.options.sheet)
        names = list(source.layout.names)
        wanted = [names.index(c) for c in candidates if c in names]
        table = source.load(wanted, set(wanted))
    except (CopEvalError, OSError, ValueError):
        return ColumnHints()
    rows = max((len(c) for c in table.columns.values()), default=0)
    best_id: tuple[float, str, str] | None = None
    best_group: tuple[float, str, str] | None = None
    for index in wanted:
        name = names[index]
        values = _values(table.columns[index])
        found = _id_score(name, values, rows)
        if found is not None and (best_id is None or found[0] > best_id[0]):
            best_id = (found[0], name, found[1])
        grouped = _group_score(name, values, rows)
        if grouped is not None and (best_group is None or grouped[0] > best_group[0]):
            best_group = (grouped[0], name, grouped[1])
    if best_group is not None and best_id is not None and best_group[1] == best_id[1]:
        best_group = None
    return ColumnHints(
        id_column=best_id[1] if best_id else None,
        id_reason=best_id[2] if best_id else "",
        group_column=best_group[1] if best_group else None,
        group_reason=best_group[2] if best_group else "",
    )
