"""The import report: per-item counts, value problems and quality flags over accepted rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from cop_eval.ingest.matching import Match
from cop_eval.ingest.raw import RawTable
from cop_eval.ingest.recode import (
    ANSWERED,
    BLANK,
    MISSING_LABEL,
    OUT_OF_RANGE,
    UNPARSEABLE,
    Recoded,
)
from cop_eval.instruments import Instrument
from cop_eval.measure import quality
from cop_eval.privacy.identifiers import redact_identifiers
from cop_eval.responses import (
    ColumnMatch,
    CommentSummary,
    ImportReport,
    ItemSummary,
    RejectedRow,
    ValueProblem,
)

__all__ = ["MAX_PROBLEMS_PER_ITEM", "build_report"]

#: Value problems listed per item; the rest are counted in ``value_problems_truncated``.
MAX_PROBLEMS_PER_ITEM = 200
_MAX_SHOWN_VALUE = 200


def build_report(
    *,
    source: str,
    layout_format: str,
    raw: RawTable,
    cells: Mapping[int, pa.Array | pa.ChunkedArray],
    names: list[str],
    instruments: Sequence[Instrument],
    all_items: list[str],
    matches: list[Match],
    comment_matches: Sequence[Match] = (),
    comments: pd.DataFrame | None = None,
    recoded: Mapping[str, Recoded],
    accepted: npt.NDArray[np.bool_],
    reasons: Mapping[int, str],
    duplicates: list[str],
    roles: set[int],
    warnings: list[str],
) -> ImportReport:
    by_item = {m.item: m for m in matches}
    summaries, problems, truncated = _item_summaries(
        all_items, by_item, recoded, accepted, cells, names, raw.row_numbers
    )
    rows = raw.row_numbers
    n_ok = int(accepted.sum())
    partial, incomplete, flagged = _quality_flags(instruments, matches, recoded, accepted)
    used = {m.column for m in (*matches, *comment_matches)} | set(roles)
    unused = tuple(names[i] for i in range(len(names)) if i not in used and names[i].strip())
    return ImportReport(
        source=source,
        format=layout_format,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        rows_read=raw.n_rows,
        rows_accepted=n_ok,
        rejected=tuple(
            RejectedRow(row=int(rows[k]), reason=reason) for k, reason in sorted(reasons.items())
        ),
        matches=tuple(ColumnMatch(item=m.item, column=names[m.column], how=m.how) for m in matches),
        unmatched_items=tuple(i for i in all_items if i not in by_item),
        comments=tuple(
            CommentSummary(
                question=m.item,
                column=names[m.column],
                how=m.how,
                answered=int(comments[m.item].notna().sum()) if comments is not None else 0,
            )
            for m in comment_matches
        ),
        unused_columns=unused,
        items=tuple(summaries),
        value_problems=tuple(problems),
        value_problems_truncated=truncated,
        duplicate_ids=tuple(duplicates),
        straight_liners=tuple(int(r) for r in rows[flagged]),
        partial_responses=partial,
        incomplete_responses=incomplete,
        warnings=tuple(warnings),
    )


def _item_summaries(
    all_items: Sequence[str],
    by_item: Mapping[str, Match],
    recoded: Mapping[str, Recoded],
    accepted: npt.NDArray[np.bool_],
    cells: Mapping[int, pa.Array | pa.ChunkedArray],
    names: Sequence[str],
    rows: npt.NDArray[np.int64],
) -> tuple[list[ItemSummary], list[ValueProblem], int]:
    """Per item: answer counts over the accepted rows, and the cells that are not answers
    (at most :data:`MAX_PROBLEMS_PER_ITEM` each; the rest counted as truncated)."""
    summaries: list[ItemSummary] = []
    problems: list[ValueProblem] = []
    truncated = 0
    n_ok = int(accepted.sum())
    for item in all_items:
        match = by_item.get(item)
        if match is None:
            summaries.append(ItemSummary(
                item=item, column=None, answered=0, missing=n_ok, missing_label=0,
                out_of_range=0, unparseable=0,
            ))  # fmt: skip
            continue
        status = recoded[item].status[accepted]
        counts = np.bincount(status, minlength=5)
        summaries.append(
            ItemSummary(
                item=item,
                column=names[match.column],
                answered=int(counts[ANSWERED]),
                missing=int(counts[BLANK] + counts[MISSING_LABEL]),
                missing_label=int(counts[MISSING_LABEL]),
                out_of_range=int(counts[OUT_OF_RANGE]),
                unparseable=int(counts[UNPARSEABLE]),
            )
        )
        bad = np.flatnonzero(accepted & (recoded[item].status >= OUT_OF_RANGE))
        truncated += max(0, len(bad) - MAX_PROBLEMS_PER_ITEM)
        bad = bad[:MAX_PROBLEMS_PER_ITEM]
        if len(bad):
            column = cells[match.column].take(pa.array(bad))
            for k, value in zip(bad, column.to_pylist(), strict=True):
                problems.append(
                    ValueProblem(
                        row=int(rows[k]),
                        column=names[match.column],
                        item=item,
                        value=_shown(value),
                        problem="out_of_range"
                        if recoded[item].status[k] == OUT_OF_RANGE
                        else "unparseable",
                    )
                )
    return summaries, problems, truncated


def _quality_flags(
    instruments: Sequence[Instrument],
    matches: Sequence[Match],
    recoded: Mapping[str, Recoded],
    accepted: npt.NDArray[np.bool_],
) -> tuple[int, int, npt.NDArray[np.bool_]]:
    """Partial and incomplete responses among the accepted rows, and the straight-liners."""
    n = len(accepted)
    answered = [recoded[m.item].status == ANSWERED for m in matches]
    position = {m.item: k for k, m in enumerate(matches)}
    blocks = [
        [position[item.id] for item in instrument.items_of(scale) if item.id in position]
        for instrument in instruments
        for scale in instrument.scale_ids
    ]
    filled = [recoded[m.item].status != BLANK for m in matches]
    partial = int((quality.partial_responses(filled, blocks, n=n) & accepted).sum())
    incomplete = int((quality.incomplete_responses(answered, n=n) & accepted).sum())
    flagged = np.zeros(n, dtype=bool)
    for instrument in instruments:
        present = [recoded[i].values for i in instrument.item_ids if i in recoded]
        if len(present) >= 5:
            flagged |= quality.straight_lining(present, n=n)
    return partial, incomplete, flagged & accepted


def _shown(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # An e-mail or phone number typed into a rating question must not reach the import report.
    # Redacted on the part that is shown (plus a margin, so a cut address is still caught): the
    # patterns are not made for megabyte cells.
    text = str(value)
    cut = len(text) > _MAX_SHOWN_VALUE
    text = redact_identifiers(text[: _MAX_SHOWN_VALUE + 200])
    return text[:_MAX_SHOWN_VALUE] + "..." if cut or len(text) > _MAX_SHOWN_VALUE else text
