"""``read_responses``: an export file in, a :class:`~cop_eval.responses.ResponseSet` out.

Steps: open the container (text / xlsx / sav) and read its header layout → match columns to items
→ read only the needed columns → recode answers per distinct value → reject rows (reader problems,
platform test rows, rows without any answer, earlier duplicates of a respondent id) → report.
Every data row ends up either accepted or rejected with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from cop_eval.errors import DataImportError, OptionError, action, option, render
from cop_eval.ingest.layouts import Layout
from cop_eval.ingest.matching import (
    Match,
    load_mapping,
    match_columns,
    require_column,
    resolve_column,
)
from cop_eval.ingest.raw import Column, RawTable
from cop_eval.ingest.recode import (
    OUT_OF_RANGE,
    PLATFORM_MISSING_CODES,
    UNPARSEABLE,
    Recoded,
    recode_column,
)
from cop_eval.ingest.report import MAX_PROBLEMS_PER_ITEM, build_report
from cop_eval.ingest.rows import (
    duplicate_reasons,
    empty_row_reasons,
    preview_reasons,
    text_values,
)
from cop_eval.ingest.sources import open_source
from cop_eval.instruments import Instrument
from cop_eval.privacy import pseudonymise
from cop_eval.responses import ResponseSet

__all__ = ["MAX_PROBLEMS_PER_ITEM", "open_source", "read_responses"]


def _check_distinct_items(instruments: Sequence[Instrument]) -> None:
    if not instruments:
        raise OptionError(f"no instrument given; name at least one in {option('instruments')}.")
    seen: dict[str, str] = {}
    for instrument in instruments:
        for item in instrument.item_ids:
            if item in seen:
                raise OptionError(
                    f"item id {item} is in both {seen[item]} and {instrument.id}; "
                    "instruments read together need distinct item ids."
                )
            seen[item] = instrument.id


def read_responses(
    path: str | Path | pd.DataFrame,
    instruments: Sequence[Instrument],
    *,
    format: str | None = None,
    mapping: Path | Mapping[str, str] | None = None,
    id_column: str | None = None,
    group_columns: Sequence[str] = (),
    wave: str | None = None,
    key: bytes | None = None,
    sheet: str | None = None,
) -> ResponseSet:
    """Read a survey export into validated item answers and an import report.

    Parameters
    ----------
    path
        CSV/TSV (UTF-8 with or without BOM, UTF-16, cp1252), .xlsx, SPSS .sav, or a platform
        export (Qualtrics, SurveyMonkey, Microsoft Forms, Google Forms, LimeSurvey); or a pandas
        DataFrame with one column per question (read like a one-sheet export).
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
        The secret the respondent ids are hashed with (a project's ``Project.key``, or
        :func:`cop_eval.privacy.read_key` of a key file); required with ``id_column``.
    sheet
        The sheet of an .xlsx workbook to read (default: the first).

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
    _check_distinct_items(instruments)
    if id_column and key is None:
        raise OptionError(
            "respondent ids are pseudonymised with a secret key, and none was given: pass key= "
            "(a project's key, or cop_eval.privacy.read_key(path) of a key file; "
            "cop_eval.privacy.create_key(path) makes one)"
        )
    src = open_source(path if isinstance(path, pd.DataFrame) else Path(path), format, sheet)
    source = src.source
    roles = _resolve_roles(src.layout, id_column, group_columns, source)
    matches, opened, match_warnings = _match_items(
        src.layout, instruments, load_mapping(mapping), roles, source
    )
    text = roles.text | {m.column for m in opened}  # free text is never read as numbers
    raw = src.load(sorted({m.column for m in matches} | text), text)
    # Cells are kept only where a value problem must quote them; the rest is released as soon
    # as a column is recoded (at 700,000 rows the raw columns are the bulk of the memory).
    cells: dict[int, Column] = dict(raw.columns)
    raw = replace(raw, columns={})
    recoded, translated = _recode_items(instruments, src.layout, raw, cells, matches, roles)
    decisions = _decide_rows(src.layout, raw, cells, recoded, roles, key)
    translated_columns = [src.layout.names[m.column] for m in matches if m.item in translated]
    warnings = [
        *match_warnings,
        *_translation_note(translated_columns),
        *_unlabelled_text_note(instruments, matches, recoded, src.layout.names),
    ]
    parts = _Parts(source, src.layout, raw, cells, matches, recoded, roles, decisions, opened)
    return _assemble(parts, instruments, warnings, wave)


@dataclass(frozen=True)
class _Decisions:
    """Why each rejected row was rejected; the pseudonymised ids; the repeated ids."""

    reasons: dict[int, str]
    ids: pd.Series | None
    duplicates: list[str]
    warnings: list[str]


@dataclass(frozen=True)
class _Parts:
    """What the steps of :func:`read_responses` found, handed to :func:`_assemble`."""

    source: str
    layout: Layout
    raw: RawTable
    cells: Mapping[int, Column]
    matches: list[Match]
    recoded: Mapping[str, Recoded]
    roles: _Roles
    decisions: _Decisions
    opened: list[Match]  # open questions (``comments:``)


def _assemble(
    parts: _Parts, instruments: Sequence[Instrument], warnings: list[str], wave: str | None
) -> ResponseSet:
    """The accepted rows as a :class:`ResponseSet`, with the import report."""
    source, layout, raw, cells = parts.source, parts.layout, parts.raw, parts.cells
    recoded, roles, decisions = parts.recoded, parts.roles, parts.decisions
    accepted = np.ones(raw.n_rows, dtype=bool)
    if decisions.reasons:
        accepted[list(decisions.reasons)] = False
    names = list(layout.names)
    all_items = [item for instrument in instruments for item in instrument.item_ids]
    # Free text as answered (raw): redacted before anything leaves (cop_eval.comments).
    comments = pd.DataFrame(
        {
            m.item: pd.Series(text_values(cells[m.column], keep_none=True)[accepted], dtype=object)
            for m in parts.opened
        }
    )
    groups = {
        names[g]: pd.Series(text_values(cells[g], keep_none=True)[accepted], dtype=object)
        for g in roles.groups
    }
    report = build_report(
        source=source,
        layout_format=layout.format,
        raw=raw,
        cells=cells,
        names=names,
        instruments=instruments,
        all_items=all_items,
        matches=parts.matches,
        comment_matches=parts.opened,
        comments=comments,
        recoded=recoded,
        accepted=accepted,
        reasons=decisions.reasons,
        duplicates=decisions.duplicates,
        roles=roles.columns,
        warnings=[
            *layout.warnings, *raw.warnings, *warnings, *decisions.warnings,
            *_empty_group_notes(groups),
        ],
    )  # fmt: skip
    ids = decisions.ids
    return ResponseSet(
        source=source,
        instruments=tuple(instruments),
        items=_item_frame(all_items, recoded, accepted),
        report=report,
        respondent_ids=ids[accepted].reset_index(drop=True) if ids is not None else None,
        groups=pd.DataFrame(groups),
        row_numbers=raw.row_numbers[accepted].astype(np.int64),
        wave=wave,
        comments=comments,
    )


@dataclass(frozen=True)
class _Roles:
    """The columns that are not items: respondent id, subgroups, platform metadata."""

    id: int | None
    groups: tuple[int, ...]
    metadata: frozenset[int]
    preview: tuple[int, ...]

    @property
    def columns(self) -> set[int]:
        """Id and group columns (named by the user)."""
        return {*self.groups, *([self.id] if self.id is not None else [])}

    @property
    def text(self) -> set[int]:
        """Columns read as text, never as numbers."""
        return {*self.columns, *self.preview}

    @property
    def excluded(self) -> set[int]:
        """Columns never matched to an item."""
        return {*self.metadata, *self.columns}


def _resolve_roles(
    layout: Layout, id_column: str | None, group_columns: Sequence[str], source: str
) -> _Roles:
    """Find the ``id_column`` and ``group_columns`` in the header."""
    names, texts = list(layout.names), list(layout.texts)
    id_col = require_column(id_column, names, texts, source, "id_column") if id_column else None
    group_cols = [require_column(g, names, texts, source, "group_columns") for g in group_columns]
    if id_col is not None and id_col in group_cols:
        # Each respondent would be a group of one, listed by raw id in every subgroup table.
        raise OptionError(
            f"{source}: {option('group_columns')} names the same column as "
            f"{option('id_column')} ({names[id_col]!r}); respondent ids are pseudonymised and "
            "never shown, so they cannot be subgroups. Give a column such as role or strand for "
            f"{option('group_columns')}."
        )
    return _Roles(
        id=id_col,
        groups=tuple(group_cols),
        metadata=layout.metadata,
        preview=tuple(rule.column for rule in layout.preview),
    )


def _match_items(
    layout: Layout,
    instruments: Sequence[Instrument],
    item_columns: Mapping[str, str],
    roles: _Roles,
    source: str,
) -> tuple[list[Match], list[Match], list[str]]:
    """Match columns to items and open questions; refuse a file where no column is an item.

    Returns the item matches, the open-question matches and the warnings.
    """
    names, texts = list(layout.names), list(layout.texts)
    if roles.id is not None:
        for item_id, header in item_columns.items():
            if resolve_column(header, names, texts) == roles.id:
                # Its cells would be quoted, raw, as answers that are not on the scale.
                raise OptionError(
                    f"{option('mapping')}: item {item_id} is mapped to the "
                    f"{option('id_column')} '{names[roles.id]}'; "
                    "respondent ids are never read as answers. Map the item to its own column."
                )
    matches, warnings = match_columns(
        instruments, names, texts, mapping=item_columns, excluded=roles.excluded, source=source
    )
    questions = {c.id for instrument in instruments for c in instrument.comments}
    opened = [m for m in matches if m.item in questions]
    matches = [m for m in matches if m.item not in questions]
    if not matches:
        shown = ", ".join(repr(n) for n in names[:30]) + (" ..." if len(names) > 30 else "")
        raise DataImportError(
            f"{source}: no column matches an item of {', '.join(i.id for i in instruments)} "
            f"(columns are: {shown}). "
            + (
                layout.hint
                or f"Name the columns by item id (see {action('show')}) or by the item text, or "
                f"give {option('mapping', metavar='MAP.yaml')}, item id to column "
                "(docs/import.md)."
            )
        )
    return matches, opened, warnings


def _recode_items(
    instruments: Sequence[Instrument],
    layout: Layout,
    raw: RawTable,
    cells: dict[int, Column],
    matches: Sequence[Match],
    roles: _Roles,
) -> tuple[dict[str, Recoded], set[str]]:
    """Recode every matched column; returns the recoded items and those translated through
    value labels. Columns without a value problem to quote are dropped from ``cells``."""
    scales = {
        item.id: inst.response_scale_of(item.id) for inst in instruments for item in inst.items
    }
    missing_codes = PLATFORM_MISSING_CODES.get(layout.format, ())
    recoded: dict[str, Recoded] = {}
    translated: set[str] = set()
    for m in matches:
        result = recode_column(
            cells[m.column],
            scales[m.item],
            value_labels=raw.value_labels.get(m.column),
            missing_codes=missing_codes,
        )
        recoded[m.item] = result
        if result.translated:
            translated.add(m.item)
        if m.column not in roles.text and not (result.status >= OUT_OF_RANGE).any():
            del cells[m.column]
    return recoded, translated


def _decide_rows(
    layout: Layout,
    raw: RawTable,
    cells: Mapping[int, Column],
    recoded: Mapping[str, Recoded],
    roles: _Roles,
    key: bytes | None,
) -> _Decisions:
    """The reason for every rejected row, the pseudonymised ids and the repeated ids."""
    reasons: dict[int, str] = dict(raw.rejected)
    warnings = preview_reasons(layout.preview, cells, layout.names, reasons)
    empty_row_reasons(recoded, raw.n_rows, reasons)
    if roles.id is None:
        return _Decisions(reasons, None, [], warnings)
    raw_ids = text_values(cells[roles.id], keep_none=True)
    if layout.placeholder_ids:
        # e.g. Microsoft Forms writes "anonymous" for every respondent it could not name
        folded = np.array([v.casefold() if v is not None else None for v in raw_ids], object)
        raw_ids[np.isin(folded, list(layout.placeholder_ids))] = None
    name = layout.names[roles.id]
    if all(v is None for v in raw_ids):
        warnings.append(
            f"the id column {name!r} is blank in every row: respondents are not identified "
            "(read as without an id column), so waves cannot be paired through it. Check the "
            f"column name, or leave {render(option('id_column'))} out."
        )
        return _Decisions(reasons, None, [], warnings)
    assert key is not None  # read_responses refuses an id column without a key
    ids = pseudonymise(raw_ids, key)
    duplicates = duplicate_reasons(ids, raw.row_numbers, reasons)
    return _Decisions(reasons, ids, duplicates, warnings)


def _item_frame(
    all_items: Sequence[str], recoded: Mapping[str, Recoded], accepted: npt.NDArray[np.bool_]
) -> pd.DataFrame:
    """One float32 column per item over the accepted rows (all-NaN for an unmatched item)."""
    n_ok = int(accepted.sum())
    everyone = n_ok == len(accepted)
    data: dict[str, npt.NDArray[np.float32]] = {}
    for item in all_items:
        if item not in recoded:
            data[item] = np.full(n_ok, np.nan, np.float32)
        else:
            data[item] = recoded[item].values if everyone else recoded[item].values[accepted]
    return pd.DataFrame(data, copy=False)


def _unlabelled_text_note(
    instruments: Sequence[Instrument],
    matches: Sequence[Match],
    recoded: Mapping[str, Recoded],
    names: Sequence[str],
) -> list[str]:
    """Text answers to an item whose scale labels only its ends cannot be read as codes."""
    notes = []
    by_item = {item.id: inst for inst in instruments for item in inst.items}
    for m in matches:
        scale = by_item[m.item].response_scale_of(m.item)
        if scale.fully_labelled or not (recoded[m.item].status == UNPARSEABLE).any():
            continue
        notes.append(
            f"item {m.item} (column {names[m.column]!r}) has text answers, but its response "
            f"scale labels only some of the values {scale.min} to {scale.max}; the text "
            "answers were not scored. Give the scale a label for every value (the text "
            "respondents saw), or export the answers as numbers."
        )
    return notes


def _empty_group_notes(groups: Mapping[str, pd.Series]) -> list[str]:
    """A subgroup column without a value in any accepted row: said, and every row kept."""
    return [
        f"the subgroup column {name!r} has no value in any of the {len(values):,} rows, so "
        "every respondent is counted without a subgroup (no row is left out). Check that it is "
        "the column that holds the subgroups (team, site, role), or leave the subgroup column "
        "out."
        for name, values in groups.items()
        if len(values) and not values.notna().any()
    ]


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
