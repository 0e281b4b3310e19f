"""Export the tables behind the report as CSV files and/or one XLSX workbook.

Values are written unrounded (the report rounds for print); a confidence interval becomes two
columns (``… lower`` and ``… upper``); a suppressed cell is the text ``suppressed`` — never a
number. Every table of the model is exported, including those the PDF shows only as a figure.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from cop_eval.errors import CopEvalError
from cop_eval.outputs import write_atomic
from cop_eval.report.filters import SUPPRESSED
from cop_eval.report.model import ReportModel, Table

__all__ = ["export_tables", "table_records"]

Value = str | float | int | None


def _header(table: Table) -> list[str]:
    names: list[str] = []
    for column in table.columns:
        if column.kind == "ci":
            names += [f"{column.label} lower", f"{column.label} upper"]
        else:
            names.append(column.label)
    return names


def table_records(table: Table) -> Iterator[list[Value]]:
    """The header row, then one list of raw values per row."""
    yield list(_header(table))
    for row in table.rows:
        values: list[Value] = []
        for cell, column in zip(row.cells, table.columns, strict=True):
            if column.kind == "ci":
                values += [SUPPRESSED, SUPPRESSED] if cell.suppressed else [cell.lo, cell.hi]
            else:
                values.append(SUPPRESSED if cell.suppressed else cell.value)
        yield values


def _slug(table: Table) -> str:
    words = re.sub(r"[^A-Za-z0-9]+", "_", table.title).strip("_").lower()
    kind, _, number = table.number.partition(" ")
    return f"{kind.lower()}_{number.replace('.', '_')}_{words}"[:80]


def _safe_text(value: Value) -> Value:
    # A cell starting with = + - @ would run as a formula in Excel (CSV injection); group names
    # and labels come from users' files, so quote them.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _write_csv(table: Table, path: Path) -> None:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    for record in table_records(table):
        writer.writerow(["" if v is None else _safe_text(v) for v in record])
    write_atomic(path, text.getvalue().encode("utf-8-sig"), f"the table {table.number}")


def _write_xlsx(model: ReportModel, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    index = book.active
    index.title = "Contents"
    index.append(["Sheet", "Table", "Title"])
    for cell in index[1]:
        cell.font = Font(bold=True)
    for table in model.tables():
        kind, _, number = table.number.partition(" ")
        name = ("T" if kind == "Table" else "E") + number
        sheet = book.create_sheet(name)
        sheet.append([f"{table.number} {table.title}"])
        sheet["A1"].font = Font(bold=True)
        for position, record in enumerate(table_records(table)):
            sheet.append([_safe_text(v) for v in record])
            if position == 0:
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
        for note in (table.caption, *table.notes):
            if note:
                sheet.append([])
                sheet.append([note])
        sheet.freeze_panes = "A3"
        index.append([name, table.number, table.title])
    content = io.BytesIO()
    book.save(content)
    write_atomic(path, content.getvalue(), "the tables' workbook")


def export_tables(
    model: ReportModel, *, xlsx: Path | None = None, csv_dir: Path | None = None
) -> list[Path]:
    """Write every table of the report to an XLSX workbook and/or one CSV per table.

    Parameters
    ----------
    model
        The report.
    xlsx
        Workbook path: a contents sheet, then one sheet per table (``T2.1``; ``E5.1`` for export-only tables).
    csv_dir
        Folder for CSV files (UTF-8 with BOM, so Excel reads accents); created when missing.

    Returns
    -------
    list of Path
        The files written.
    """
    written: list[Path] = []
    try:
        if csv_dir is not None:
            csv_dir = Path(csv_dir)
            csv_dir.mkdir(parents=True, exist_ok=True)
            for table in model.tables():
                path = csv_dir / f"{_slug(table)}.csv"
                _write_csv(table, path)
                written.append(path)
        if xlsx is not None:
            _write_xlsx(model, Path(xlsx))
            written.append(Path(xlsx))
    except OSError as exc:
        raise CopEvalError(
            f"{exc.filename or csv_dir or xlsx}: cannot write the exported tables "
            f"({exc.strerror}); check the folder exists and is writable, and that the file is "
            "not open in Excel"
        ) from exc
    return written
