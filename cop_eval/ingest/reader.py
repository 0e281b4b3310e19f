"""``read_responses``: an export file in, a :class:`~cop_eval.responses.ResponseSet` out.

Steps: open the container (text / xlsx / sav) and read its header layout → match columns to items
→ read only the needed columns → recode answers per distinct value → reject rows (reader problems,
platform test rows, rows without any answer, earlier duplicates of a respondent id) → report.
Every data row ends up either accepted or rejected with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cop_eval.errors import DataImportError, OptionError
from cop_eval.ingest.matching import (
    load_mapping,
    match_columns,
    require_column,
    resolve_column,
)
from cop_eval.ingest.recode import (
    ANSWERED,
    BLANK,
    OUT_OF_RANGE,
    PLATFORM_MISSING_CODES,
    Recoded,
    recode_column,
)
from cop_eval.ingest.report import MAX_PROBLEMS_PER_ITEM, build_report
from cop_eval.ingest.sources import open_source
from cop_eval.instruments import Instrument
from cop_eval.measure import quality
from cop_eval.privacy import default_key, pseudonymise
from cop_eval.responses import ResponseSet

__all__ = ["MAX_PROBLEMS_PER_ITEM", "open_source", "read_responses"]


def _instrument_items(instruments: Sequence[Instrument]) -> list[str]:
    if not instruments:
        raise OptionError("no instrument given; name at least one with --instrument.")
    seen: dict[str, str] = {}
    for instrument in instruments:
        for item in instrument.item_ids:
            if item in seen:
                raise OptionError(
                    f"item id {item} is in both {seen[item]} and {instrument.id}; "
                    "instruments read together need distinct item ids."
                )
            seen[item] = instrument.id
    return list(seen)


def read_responses(
    path: str | Path,
    instruments: Sequence[Instrument],
    *,
    format: str | None = None,
    mapping: Path | Mapping[str, str] | None = None,
    id_column: str | None = None,
    group_columns: Sequence[str] = (),
    wave: str | None = None,
    key: bytes | None = None,
) -> ResponseSet:
    """Read a survey export into validated item answers and an import report.

    Parameters
    ----------
    path
        CSV/TSV (UTF-8 with or without BOM, UTF-16, cp1252), .xlsx, SPSS .sav, or a platform
        export (Qualtrics, SurveyMonkey, Microsoft Forms, Google Forms, LimeSurvey).
    instruments
        The questionnaires whose items the file holds (item ids must be distinct).
    format
        One of :data:`cop_eval.ingest.FORMATS`; detected when ``None``.
    mapping
        Item id → column header, or a YAML file of that mapping (docs/import.md).
    id_column
        Column with respondent ids; they are pseudonymised with ``key`` before they leave here.
    group_columns
        Subgroup columns (role, strand) carried as text.
    wave
        Label stored on the result.
    key
        Pseudonymisation key (default :func:`cop_eval.privacy.default_key`).

    Returns
    -------
    ResponseSet
        ``items`` holds one float32 column per item of every instrument (NaN = missing);
        ``report.rows_accepted + report.rows_rejected == report.rows_read``.

    Raises
    ------
    DataImportError
        The file cannot be used at all (unreadable, empty, no header, no data rows, no column
        matching any item, a named column that does not exist).
    OptionError
        The options contradict each other or the instruments (e.g. a mapping to an unknown item).

    Examples
    --------
    >>> from cop_eval.instruments import load_instrument
    >>> rs = read_responses(  # doctest: +SKIP
    ...     "wave1_qualtrics.csv",
    ...     [load_instrument("le_may_success_factors")],
    ...     id_column="RecipientEmail",
    ...     group_columns=["Q1"],
    ... )
    >>> rs.report.rows_read, rs.report.rows_accepted, rs.report.rejected[0].reason  # doctest: +SKIP
    (45, 44, "Qualtrics preview, test or spam response (Status column); ...")
    """
    path = Path(path)
    source = str(path)
    all_items = _instrument_items(instruments)
    scales = {
        item.id: inst.response_scale_of(item.id) for inst in instruments for item in inst.items
    }
    src = open_source(path, format)
    layout = src.layout
    names, texts = list(layout.names), list(layout.texts)

    id_col = require_column(id_column, names, texts, source, "--id-column") if id_column else None
    group_cols = [require_column(g, names, texts, source, "--group-column") for g in group_columns]
    if id_col is not None and id_col in group_cols:
        # Each respondent would be a group of one, listed by raw id in every subgroup table.
        raise OptionError(
            f"{source}: --group-column names the same column as --id-column "
            f"({names[id_col]!r}); respondent ids are pseudonymised and never shown, so they "
            "cannot be subgroups. Give a column such as role or strand for --group-column."
        )
    excluded = set(layout.metadata) | set(group_cols) | ({id_col} if id_col is not None else set())
    item_columns = load_mapping(mapping)
    if id_col is not None:
        for item_id, header in item_columns.items():
            if resolve_column(header, names, texts) == id_col:
                # Its cells would be quoted, raw, as answers that are not on the scale.
                raise OptionError(
                    f"mapping: item {item_id} is mapped to the --id-column '{names[id_col]}'; "
                    "respondent ids are never read as answers. Map the item to its own column."
                )
    matches, match_warnings = match_columns(
        instruments, names, texts, mapping=item_columns, excluded=excluded, source=source
    )
    if not matches:
        shown = ", ".join(repr(n) for n in names[:30]) + (" ..." if len(names) > 30 else "")
        raise DataImportError(
            f"{source}: no column matches an item of {', '.join(i.id for i in instruments)} "
            f"(columns are: {shown}). Name the columns by item id (see `cop-eval instruments show "
            "ID`) or by the item text, or give --mapping MAP.yaml (docs/import.md)."
        )
    preview_cols = [rule.column for rule in layout.preview]
    text_cols = {*group_cols, *preview_cols, *([id_col] if id_col is not None else [])}
    wanted = sorted({m.column for m in matches} | text_cols)
    raw = src.load(wanted, text_cols)
    n = raw.n_rows
    # Cells are kept only where a value problem must quote them; the rest is released as soon
    # as a column is recoded (at 700,000 rows the raw columns are the bulk of the memory).
    cells: dict[int, pa.Array | pa.ChunkedArray] = dict(raw.columns)
    raw = replace(raw, columns={})

    missing_codes = PLATFORM_MISSING_CODES.get(layout.format, ())
    recoded: dict[str, Recoded] = {}
    all_blank = np.ones(n, dtype=bool)
    translated: list[str] = []
    for m in matches:
        result = recode_column(
            cells[m.column],
            scales[m.item],
            value_labels=raw.value_labels.get(m.column),
            missing_codes=missing_codes,
        )
        recoded[m.item] = result
        if result.translated:
            translated.append(names[m.column])
        all_blank &= result.status == BLANK
        if m.column not in text_cols and not (result.status >= OUT_OF_RANGE).any():
            del cells[m.column]

    # -- row decisions -------------------------------------------------------------------
    reasons: dict[int, str] = dict(raw.rejected)
    for rule in layout.preview:
        values = _text_values(cells[rule.column])
        hit = np.isin(values, list(rule.values))
        for k in np.flatnonzero(hit):
            reasons.setdefault(int(k), f"{rule.reason} ({names[rule.column]}={values[k]!r})")
    any_answer = np.zeros(n, dtype=bool)
    for r in recoded.values():
        any_answer |= r.status == ANSWERED
    for empty in np.flatnonzero(~any_answer).tolist():
        reasons.setdefault(
            empty,
            "no answer to any item of the instrument(s): every item cell is empty"
            if all_blank[empty]
            else "no usable answer to any item of the instrument(s): only missing-answer labels "
            '(such as "Don\'t know") or values that are not answers on the scale',
        )
    ids: pd.Series | None = None
    duplicates: list[str] = []
    if id_col is not None:
        ids = pseudonymise(_text_values(cells[id_col], keep_none=True), key or default_key())
        candidate = np.ones(n, dtype=bool)
        if reasons:
            candidate[list(reasons)] = False
        cand_pos = np.flatnonzero(candidate)
        earlier, kept = quality.duplicate_ids(ids.iloc[cand_pos])
        for j in np.flatnonzero(earlier):
            row, keep = int(cand_pos[j]), int(cand_pos[kept[j]])
            reasons[row] = (
                f"duplicate respondent id {ids.iloc[row]}: the later row {raw.row_numbers[keep]} "
                "with the same id was kept"
            )
        duplicates = sorted({str(ids.iloc[int(cand_pos[j])]) for j in np.flatnonzero(earlier)})
    accepted = np.ones(n, dtype=bool)
    if reasons:
        accepted[list(reasons)] = False
    rows = raw.row_numbers

    # -- the ResponseSet -------------------------------------------------------------------
    n_ok = int(accepted.sum())
    everyone = n_ok == n
    data: dict[str, npt.NDArray[np.float32]] = {}
    for item in all_items:
        if item not in recoded:
            data[item] = np.full(n_ok, np.nan, np.float32)
        else:
            data[item] = recoded[item].values if everyone else recoded[item].values[accepted]
    items = pd.DataFrame(data, copy=False)
    groups = pd.DataFrame(
        {
            names[g]: pd.Series(_text_values(cells[g], keep_none=True)[accepted], dtype=object)
            for g in group_cols
        }
    )
    respondent_ids = ids[accepted].reset_index(drop=True) if ids is not None else None

    report = build_report(
        source=source,
        layout_format=layout.format,
        raw=raw,
        cells=cells,
        names=names,
        instruments=instruments,
        all_items=all_items,
        matches=matches,
        recoded=recoded,
        accepted=accepted,
        reasons=reasons,
        duplicates=duplicates,
        roles={*group_cols, *([id_col] if id_col is not None else [])},
        warnings=[*layout.warnings, *raw.warnings, *match_warnings, *_translation_note(translated)],
    )
    return ResponseSet(
        source=source,
        instruments=tuple(instruments),
        items=items,
        report=report,
        respondent_ids=respondent_ids,
        groups=groups,
        row_numbers=rows[accepted].astype(np.int64),
        wave=wave,
    )


def _text_values(
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


def _translation_note(columns: list[str]) -> list[str]:
    if not columns:
        return []
    shown = ", ".join(columns[:10]) + (
        f" and {len(columns) - 10} more" if len(columns) > 10 else ""
    )
    return [
        f"the value labels of {shown} give other codes than the instrument's labels; their "
        "answers were translated through the labels (the text respondents saw). Check that "
        "the labels in the file are right."
    ]
