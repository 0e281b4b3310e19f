"""Row decisions: which data rows are rejected, and why.

A row is rejected when the reader could not use it, when the platform marks it as its own
preview/test/spam response, when it holds no usable answer, or when a later row has the same
respondent id. The first reason found is the one reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cop_eval.ingest.layouts import PreviewRule
from cop_eval.ingest.recode import ANSWERED, BLANK, Recoded
from cop_eval.measure import quality

__all__ = ["duplicate_reasons", "empty_row_reasons", "preview_reasons", "text_values"]

_NO_ANSWER = "no answer to any item of the instrument(s): every item cell is empty"
_NO_USABLE_ANSWER = (
    "no usable answer to any item of the instrument(s): only missing-answer labels "
    '(such as "Don\'t know") or values that are not answers on the scale'
)


def text_values(
    column: pa.Array | pa.ChunkedArray, keep_none: bool = False
) -> npt.NDArray[np.object_]:
    """Cells as stripped text, vectorised; blank cells become ``None`` (``keep_none``) or, for
    comparisons, casefolded text with ``""`` for blanks."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if pa.types.is_null(array.type):
        array = pa.nulls(len(array), pa.string())
    elif pa.types.is_binary(array.type):
        array = pa.array(
            [None if v is None else v.decode("utf-8", "replace") for v in array.to_pylist()],
            pa.string(),
        )
    elif not pa.types.is_string(array.type):
        array = pc.cast(array, pa.string())
    array = pc.utf8_trim_whitespace(array)
    if keep_none:
        array = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
        return np.asarray(array.to_numpy(zero_copy_only=False), dtype=object)
    array = pc.fill_null(pc.utf8_lower(array), "")
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=object)


def preview_reasons(
    rules: Sequence[PreviewRule],
    cells: Mapping[int, pa.Array | pa.ChunkedArray],
    names: Sequence[str],
    reasons: dict[int, str],
) -> list[str]:
    """Add a reason for every row a platform rule marks as its own preview/test/spam row.

    Returns a warning for each column holding values that are neither (kept as real rows)."""
    warnings: list[str] = []
    checked: set[int] = set()
    for rule in rules:
        values = text_values(cells[rule.column])
        hit = np.isin(values, list(rule.values))
        for k in np.flatnonzero(hit):
            reasons.setdefault(int(k), f"{rule.reason} ({names[rule.column]}={values[k]!r})")
        if rule.known and rule.column not in checked:
            checked.add(rule.column)
            unknown = sorted(set(values.tolist()) - rule.known - {""})
            if unknown:
                shown = ", ".join(repr(v) for v in unknown[:5])
                warnings.append(
                    f"column {names[rule.column]!r} has values that mark neither a real nor a "
                    f"test response ({shown}); those rows were kept as real. Check them in the "
                    "platform before reporting."
                )
    return warnings


def empty_row_reasons(recoded: Mapping[str, Recoded], n: int, reasons: dict[int, str]) -> None:
    """Add a reason for every row without one usable answer (all blank, or only non-answers)."""
    any_answer = np.zeros(n, dtype=bool)
    all_blank = np.ones(n, dtype=bool)
    for r in recoded.values():
        any_answer |= r.status == ANSWERED
        all_blank &= r.status == BLANK
    for empty in np.flatnonzero(~any_answer).tolist():
        reasons.setdefault(empty, _NO_ANSWER if all_blank[empty] else _NO_USABLE_ANSWER)


def duplicate_reasons(
    ids: pd.Series, row_numbers: npt.NDArray[np.int64], reasons: dict[int, str]
) -> list[str]:
    """Reject earlier rows of a repeated respondent id (the last one is kept).

    Rows already rejected take no part: a preview row never displaces a real response.
    Returns the repeated (pseudonymised) ids.
    """
    candidate = np.ones(len(ids), dtype=bool)
    if reasons:
        candidate[list(reasons)] = False
    cand_pos = np.flatnonzero(candidate)
    earlier, kept = quality.duplicate_ids(ids.iloc[cand_pos])
    for j in np.flatnonzero(earlier):
        row, keep = int(cand_pos[j]), int(cand_pos[kept[j]])
        reasons[row] = (
            f"duplicate respondent id {ids.iloc[row]}: the later row {row_numbers[keep]} "
            "with the same id was kept"
        )
    return sorted({str(ids.iloc[int(cand_pos[j])]) for j in np.flatnonzero(earlier)})
