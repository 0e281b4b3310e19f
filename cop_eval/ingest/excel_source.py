"""Excel workbooks (.xlsx): one sheet (the first, or the one named), read with python-calamine.

calamine (Rust) reads the stored cell values and never evaluates a formula. A sheet that holds
formulas is read with openpyxl instead, because the contract is that a formula cell is the text
of its formula (``=HYPERLINK(...)`` is an unparseable answer), never a result computed by
whichever program saved the file. Survey exports hold no formulas, so they take the fast path.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from cop_eval.errors import DataImportError, option
from cop_eval.ingest.layouts import Layout, read_layout
from cop_eval.ingest.raw import Column, RawTable

__all__ = ["ExcelSource", "sheet_names"]

_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")
_CHUNK = 1 << 22


def _blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def _number(value: Any) -> float | None:
    return None if _blank(value) else float(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _unreadable(source: str, exc: Exception) -> DataImportError:
    return DataImportError(
        f"{source}: not a readable Excel workbook ({type(exc).__name__}: {exc}). Open it in "
        "Excel and save it again as .xlsx, or export CSV."
    )


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the workbook stores a formula (``<f>`` in its XML)."""
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if not (member.startswith("xl/worksheets/") and member.endswith(".xml")):
                continue
            with archive.open(member) as handle:
                tail = b""
                while chunk := handle.read(_CHUNK):
                    if _FORMULA.search(tail + chunk):
                        return True
                    tail = chunk[-16:]
    return False


def sheet_names(path: Path, source: str) -> list[str]:
    """The sheet names of a workbook, in order."""
    from python_calamine import CalamineWorkbook

    try:
        return list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception as exc:  # calamine raises its own types for damaged workbooks
        raise _unreadable(source, exc) from exc


def _choose_sheet(names: list[str], sheet: str | None, source: str) -> str:
    if not names:
        raise DataImportError(f"{source}: the workbook has no sheets. Export the responses again.")
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    folded = [n for n in names if n.strip().casefold() == sheet.strip().casefold()]
    if folded:
        return folded[0]
    raise DataImportError(
        f"{source}: no sheet named {sheet!r}; the sheets are: "
        f"{', '.join(repr(n) for n in names)}. Give one of them as {option('sheet')}."
    )


def _rows_calamine(path: Path, name: str, source: str) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        rows: list[list[Any]] = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        return rows
    except Exception as exc:  # calamine raises its own types for damaged parts of a workbook
        raise DataImportError(
            f"{source}: the sheet {name!r} cannot be read ({type(exc).__name__}: {exc}). Open it "
            "in Excel and save it again as .xlsx, or export CSV."
        ) from exc


def _rows_openpyxl(path: Path, name: str, source: str) -> list[list[Any]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _unreadable(source, exc) from exc
    try:
        return [list(r) for r in workbook[name].iter_rows(min_row=1, values_only=True)]
    except Exception as exc:  # openpyxl raises many types on damaged parts of a workbook
        raise DataImportError(
            f"{source}: the sheet {name!r} cannot be read ({type(exc).__name__}: {exc}). Open it "
            "in Excel and save it again as .xlsx, or export CSV."
        ) from exc
    finally:
        workbook.close()


class ExcelSource:
    """One sheet of an .xlsx workbook (the first unless ``sheet`` names one)."""

    def __init__(self, path: Path, source: str, fmt: str | None, sheet: str | None = None) -> None:
        self.source = source
        names = sheet_names(path, source)
        name = _choose_sheet(names, sheet, source)
        try:
            formulas = _has_formulas(path)
        except (zipfile.BadZipFile, OSError, KeyError) as exc:
            raise _unreadable(source, exc) from exc
        rows = (_rows_openpyxl if formulas else _rows_calamine)(path, name, source)
        where = f"the sheet {name!r}" if sheet is not None or len(names) > 1 else "the first sheet"
        while rows and all(_blank(v) for v in rows[-1]):
            rows.pop()
        lead = 0
        while lead < len(rows) and all(_blank(v) for v in rows[lead]):
            lead += 1
        if lead == len(rows):
            others = [n for n in names if n != name]
            raise DataImportError(
                f"{source}: {where} is empty. "
                + (
                    f"Name the sheet with the responses as {option('sheet')} (sheets: "
                    f"{', '.join(repr(n) for n in others)})."
                    if others
                    else "Put the responses there."
                )
            )
        header = [_text(v) for v in rows[lead]]
        while header and not header[-1].strip():
            header.pop()
        if len(header) < 2:
            raise DataImportError(
                f"{source}: not a table - the first row of {where} has fewer than two column "
                "names. Put one column per question, with its name in the first row."
            )
        width = len(header)
        records = [[_text(v) for v in row[:width]] for row in rows[lead : lead + 8]]
        layout = read_layout("xlsx", fmt, records, source)
        self.layout: Layout = layout
        self.width = width
        self.first_row = lead + layout.header_rows + 1
        self.rows = rows[lead + layout.header_rows :]
        if not self.rows:
            raise DataImportError(
                f"{source}: {where} has column names but no responses. "
                + (layout.hint or "Export the responses again, including the data.")
            )

    def load(self, wanted: list[int], text_columns: set[int]) -> RawTable:
        columns: dict[int, Column] = {}
        for i in wanted:
            try:
                cells = [row[i] for row in self.rows]
            except IndexError:  # a short row (openpyxl may end a row at its last filled cell)
                cells = [row[i] if i < len(row) else None for row in self.rows]
            columns[i] = _column(cells, text=i in text_columns)
        n = len(self.rows)
        return RawTable(
            columns=columns,
            n_rows=n,
            row_numbers=np.arange(self.first_row, self.first_row + n, dtype=np.int64),
        )


_NUMERIC_KINDS = {float, int, str, type(None)}


def _column(cells: list[Any], *, text: bool) -> pa.Array:
    """One column as numbers (every cell a number or blank) or as text; blanks are nulls.

    Written as whole-list passes over the cells: at 50,000 x 100 a function call per cell would
    cost more than reading the workbook.
    """
    kinds = set(map(type, cells))
    if not text and kinds <= _NUMERIC_KINDS:
        strings = [c for c in cells if type(c) is str] if str in kinds else []
        if not any(c.strip() for c in strings):  # strings here are blank cells
            if strings:
                cells = [None if type(c) is str else c for c in cells]
            try:
                return pa.array(cells, type=pa.float64())
            except pa.ArrowInvalid:
                # an integer beyond 2**53 (Excel stores doubles; calamine hands back int):
                # pyarrow refuses the inexact conversion, float() makes the double Excel held
                return pa.array([None if c is None else float(c) for c in cells], pa.float64())
    return pa.array(
        [None if c is None or (type(c) is str and not c.strip()) else _text(c) for c in cells],
        type=pa.string(),
    )
