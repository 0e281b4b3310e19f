"""Excel workbooks (.xlsx): the first sheet, read with openpyxl.

Formulas are read as the text of the formula (``data_only=False``), never evaluated and never
replaced by a cached result: a cell such as ``=HYPERLINK(...)`` is an unparseable answer.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from cop_eval.errors import DataImportError
from cop_eval.ingest.layouts import Layout, read_layout
from cop_eval.ingest.raw import Column, RawTable

__all__ = ["ExcelSource"]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


class ExcelSource:
    """The first sheet of an .xlsx workbook."""

    def __init__(self, path: Path, source: str, fmt: str | None) -> None:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        self.source = source
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise DataImportError(
                f"{source}: not a readable Excel workbook ({type(exc).__name__}: {exc}). "
                "Open it in Excel and save it again as .xlsx, or export CSV."
            ) from None
        try:
            sheet = workbook.worksheets[0]
            rows = [tuple(r) for r in sheet.iter_rows(min_row=1, values_only=True)]
        except Exception as exc:  # openpyxl raises many types on damaged parts of a workbook
            raise DataImportError(
                f"{source}: the first sheet cannot be read ({type(exc).__name__}: {exc}). "
                "Open it in Excel and save it again as .xlsx, or export CSV."
            ) from None
        finally:
            workbook.close()
        while rows and all(_text(v).strip() == "" for v in rows[-1]):
            rows.pop()
        lead = 0
        while lead < len(rows) and all(_text(v).strip() == "" for v in rows[lead]):
            lead += 1
        if lead == len(rows):
            raise DataImportError(f"{source}: the first sheet is empty. Put the responses there.")
        header = [_text(v) for v in rows[lead]]
        while header and not header[-1].strip():
            header.pop()
        if len(header) < 2:
            raise DataImportError(
                f"{source}: not a table - the first row of the first sheet has fewer than two "
                "column names. Put one column per question, with its name in the first row."
            )
        width = len(header)
        records = [[_text(v) for v in row[:width]] for row in rows[lead : lead + 8]]
        layout = read_layout("xlsx", fmt, records)
        self.layout: Layout = layout
        self.width = width
        self.first_row = lead + layout.header_rows + 1
        self.rows = rows[lead + layout.header_rows :]
        if not self.rows:
            raise DataImportError(
                f"{source}: the first sheet has column names but no responses. Export the "
                "responses again, including the data."
            )

    def load(self, wanted: list[int], text_columns: set[int]) -> RawTable:
        columns: dict[int, Column] = {}
        for i in wanted:
            cells = [row[i] if i < len(row) else None for row in self.rows]
            numeric = i not in text_columns and all(
                c is None or (isinstance(c, int | float) and not isinstance(c, bool)) for c in cells
            )
            if numeric:
                columns[i] = pa.array(
                    [float(c) if c is not None else None for c in cells], type=pa.float64()
                )
            else:
                columns[i] = pa.array(
                    [_text(c) if c is not None and _text(c).strip() else None for c in cells],
                    type=pa.string(),
                )
        n = len(self.rows)
        return RawTable(
            columns=columns,
            n_rows=n,
            row_numbers=np.arange(self.first_row, self.first_row + n, dtype=np.int64),
        )
