"""``read_responses``: an export file in, a :class:`~cop_eval.tables.ResponseSet` out.

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

from cop_eval import quality
from cop_eval.errors import DataImportError, OptionError
from cop_eval.ingest.layouts import FORMATS
from cop_eval.ingest.matching import Match, load_mapping, match_columns, require_column
from cop_eval.ingest.raw import RawTable, Source
from cop_eval.ingest.recode import (
    ANSWERED,
    BLANK,
    MISSING_LABEL,
    OUT_OF_RANGE,
    PLATFORM_MISSING_CODES,
    UNPARSEABLE,
    Recoded,
    recode_column,
)
from cop_eval.instruments import Instrument
from cop_eval.privacy import default_key, pseudonymise
from cop_eval.tables import (
    ColumnMatch,
    ImportReport,
    ItemSummary,
    RejectedRow,
    ResponseSet,
    ValueProblem,
)

__all__ = ["MAX_PROBLEMS_PER_ITEM", "open_source", "read_responses"]

#: Value problems listed per item; the rest are counted in ``value_problems_truncated``.
MAX_PROBLEMS_PER_ITEM = 200
_MAX_SHOWN_VALUE = 200


def _sniff_container(path: Path, source: str) -> str:
    try:
        with path.open("rb") as handle:
            magic = handle.read(8)
    except IsADirectoryError:
        raise DataImportError(f"{source}: is a folder; give the export file itself.") from None
    except FileNotFoundError:
        raise DataImportError(f"{source}: file not found; check the path.") from None
    except OSError as exc:
        raise DataImportError(f"{source}: cannot read the file ({exc.strerror}).") from None
    if magic.startswith(b"PK\x03\x04"):
        return "xlsx"
    if magic.startswith((b"$FL2", b"$FL3")):
        return "spss"
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataImportError(
            f"{source}: an old Excel (.xls) file. Open it in Excel and save it as .xlsx, or "
            "export CSV."
        )
    if magic.startswith(b"%PDF"):
        raise DataImportError(f"{source}: a PDF, not a data export. Export CSV or Excel instead.")
    return "text"


def open_source(path: Path, fmt: str | None = None) -> Source:
    """Open an export and read its header (format detected unless ``fmt`` names it)."""
    source = str(path)
    if fmt is not None:
        fmt = fmt.strip().lower().replace("-", "_")
        if fmt not in FORMATS:
            raise DataImportError(
                f"{source}: unknown format '{fmt}'. Formats are: {', '.join(FORMATS)}; "
                "or leave --format out to detect it."
            )
    container = _sniff_container(path, source)
    if fmt == "spss" and container != "spss":
        raise DataImportError(f"{source}: --format spss, but this is not an SPSS .sav file.")
    if fmt == "xlsx" and container != "xlsx":
        raise DataImportError(f"{source}: --format xlsx, but this is not an .xlsx workbook.")
    if container == "spss":
        from cop_eval.ingest.spss_source import SpssSource

        return SpssSource(path, source)
    if container == "xlsx":
        from cop_eval.ingest.excel_source import ExcelSource

        return ExcelSource(path, source, fmt)
    from cop_eval.ingest.csv_source import CsvSource

    return CsvSource(path, source, fmt)


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
    excluded = set(layout.metadata) | set(group_cols) | ({id_col} if id_col is not None else set())
    matches, match_warnings = match_columns(
        instruments, names, texts, mapping=load_mapping(mapping), excluded=excluded, source=source
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
    for m in matches:
        result = recode_column(
            cells[m.column],
            scales[m.item],
            value_labels=raw.value_labels.get(m.column),
            missing_codes=missing_codes,
        )
        recoded[m.item] = result
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

    report = _report(
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
        warnings=[*layout.warnings, *raw.warnings, *match_warnings],
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


def _report(
    *,
    source: str,
    layout_format: str,
    raw: RawTable,
    cells: Mapping[int, pa.Array | pa.ChunkedArray],
    names: list[str],
    instruments: Sequence[Instrument],
    all_items: list[str],
    matches: list[Match],
    recoded: Mapping[str, Recoded],
    accepted: npt.NDArray[np.bool_],
    reasons: Mapping[int, str],
    duplicates: list[str],
    roles: set[int],
    warnings: list[str],
) -> ImportReport:
    rows = raw.row_numbers
    by_item = {m.item: m for m in matches}
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
    flagged &= accepted
    used = {m.column for m in matches} | set(roles)
    unused = tuple(names[i] for i in range(len(names)) if i not in used)
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


def _shown(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return text if len(text) <= _MAX_SHOWN_VALUE else text[:_MAX_SHOWN_VALUE] + "..."
