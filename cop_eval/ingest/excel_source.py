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
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from cop_eval.errors import DataImportError, option
from cop_eval.ingest.csv_checks import check_cell_sizes
from cop_eval.ingest.layouts import Layout, read_layout
from cop_eval.ingest.raw import Column, RawTable
from cop_eval.ingest.xlsx_cells import check_cell_bytes, sheet_part
from cop_eval.limits import limit, over_limit

__all__ = ["ExcelSource", "check_workbook_size", "sheet_names"]

_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")
_CHUNK = 1 << 22
#: Parts smaller than this are not judged by their compression ratio (small XML compresses well).
_RATIO_FROM = 64 << 20


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


def check_workbook_size(path: Path, source: str) -> None:
    """Refuse a workbook that unpacks to more than the limits (a zip bomb), from the sizes its
    archive declares; :func:`_has_formulas` reads within the declared sizes (zipfile checks each
    part's length and CRC), so a part that lies about its size is refused as damaged."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _unreadable(source, exc) from exc
    total = sum(p.file_size for p in parts)
    if total > limit("max_xlsx_xml_bytes"):
        raise DataImportError(
            over_limit("max_xlsx_xml_bytes", source, f"a workbook that unpacks to {total:,} bytes")
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > _RATIO_FROM and ratio > limit("max_xlsx_ratio"):
            raise DataImportError(
                over_limit(
                    "max_xlsx_ratio",
                    f"{source}, part {part.filename}",
                    f"a part compressed {ratio:,.0f} times",
                )
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
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        SyntaxError,  # xml.etree's ParseError: damaged XML
        EOFError,
        zlib.error,
    ) as exc:
        raise _unreadable(source, exc) from exc
    try:
        sheet = workbook[name]
        # The <dimension> a file declares is not trusted: 'A1:XFD1048576' in a 2 KB file would
        # make iter_rows pad out 17 billion empty cells. Rows are read as they are stored.
        sheet.reset_dimensions()
        rows = []
        cap_rows, cap_cells = limit("max_rows"), limit("max_cells")
        cells = 0
        for r in sheet.iter_rows(min_row=1, values_only=True):
            rows.append(list(r))
            cells += len(r)
            if len(rows) > cap_rows or cells > cap_cells:
                raise DataImportError(
                    over_limit(
                        "max_rows" if len(rows) > cap_rows else "max_cells",
                        f"{source}, sheet {name!r}",
                        f"more than {len(rows):,} rows ({cells:,} cells)",
                    )
                )
        return rows
    except DataImportError:
        raise
    except Exception as exc:  # openpyxl raises many types on damaged parts of a workbook
        raise DataImportError(
            f"{source}: the sheet {name!r} cannot be read ({type(exc).__name__}: {exc}). Open it "
            "in Excel and save it again as .xlsx, or export CSV."
        ) from exc
    finally:
        workbook.close()


def _check_shape(rows: list[list[Any]], name: str, source: str) -> None:
    """The sheet within the limits on rows, columns and cells (before columns are built)."""
    width = max((len(r) for r in rows[:1000]), default=0)
    where = f"{source}, sheet {name!r}"
    if len(rows) > limit("max_rows"):
        raise DataImportError(over_limit("max_rows", where, f"{len(rows):,} rows"))
    if width > limit("max_columns"):
        raise DataImportError(over_limit("max_columns", where, f"{width:,} columns"))
    if len(rows) * width > limit("max_cells"):
        raise DataImportError(over_limit("max_cells", where, f"{len(rows) * width:,} cells"))


class ExcelSource:
    """One sheet of an .xlsx workbook (the first unless ``sheet`` names one)."""

    def __init__(self, path: Path, source: str, fmt: str | None, sheet: str | None = None) -> None:
        self.source = source
        check_workbook_size(path, source)
        names = sheet_names(path, source)
        name = _choose_sheet(names, sheet, source)
        try:
            formulas = _has_formulas(path)
            with zipfile.ZipFile(path) as archive:  # no cell over max_cell_bytes reaches calamine
                part = sheet_part(archive, name)
                if part is not None:
                    check_cell_bytes(archive, part, name, source)
        except (zipfile.BadZipFile, OSError, KeyError, EOFError, zlib.error) as exc:
            raise _unreadable(source, exc) from exc
        rows = (_rows_openpyxl if formulas else _rows_calamine)(path, name, source)
        _check_shape(rows, name, source)
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
        check_cell_sizes(columns, self.layout.names, self.source)
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
