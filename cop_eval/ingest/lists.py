"""Small lists kept beside a survey: membership rosters and attendance registers (CSV or XLSX).

They are read whole (a register of a thousand members over two years is 24,000 rows), as text:
every cell is a string ("" when blank); Excel dates become ISO dates. Nothing here stores or
prints a cell: the callers (:mod:`cop_eval.ingest.registers`) pseudonymise the id column at once
and name rows by number, never by their id.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cop_eval.errors import DataImportError, OptionError
from cop_eval.ingest.text import decode_all, detect_encoding, looks_binary, sniff_delimiter

__all__ = ["ListTable", "find_column", "read_list_table"]


@dataclass(frozen=True)
class ListTable:
    """A table read as text: column names, rows of cells, and each row's number in the file."""

    source: str
    names: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_numbers: tuple[int, ...]

    def column(self, index: int) -> list[str]:
        """The cells of one column, stripped."""
        return [row[index].strip() if index < len(row) else "" for row in self.rows]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(path: Path, source: str) -> list[list[str]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DataImportError(
            f"{source}: not a readable Excel workbook ({type(exc).__name__}). Open it in Excel "
            "and save it again as .xlsx, or save it as CSV."
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:  # openpyxl raises many types on damaged parts of a workbook
        raise DataImportError(
            f"{source}: the first sheet cannot be read ({type(exc).__name__}). Open it in Excel "
            "and save it again as .xlsx, or save it as CSV."
        ) from exc
    finally:
        workbook.close()


def _text_rows(data: bytes, source: str) -> list[list[str]]:
    encoding = detect_encoding(data[: 1 << 20])
    if encoding == "binary":
        raise DataImportError(f"{source}: not a text table. Give a CSV or an Excel (.xlsx) file.")
    text, _ = decode_all(data, encoding, source)
    text = text.lstrip("\ufeff")
    if looks_binary(text[:65536]):
        raise DataImportError(f"{source}: not a text table. Give a CSV or an Excel (.xlsx) file.")
    lines = text.splitlines()
    if lines and lines[0].strip().casefold().startswith("sep=") and len(lines[0].strip()) == 5:
        delimiter, text = lines[0].strip()[4], "\n".join(lines[1:])
    else:
        delimiter = sniff_delimiter(text)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise DataImportError(f"{source}: not a readable CSV file ({exc}).") from exc


def read_list_table(path: Path) -> ListTable:
    """Read the first sheet of an .xlsx workbook, or a CSV file (delimiter and encoding detected).

    The first non-blank row names the columns; blank rows are skipped (their numbers are kept
    for the others). A one-column file is a table too (a roster may hold nothing but ids).

    Raises
    ------
    DataImportError
        The file is missing, unreadable, empty, or not a table.
    """
    source = str(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError as exc:
        raise DataImportError(f"{source}: is a folder; give the file itself.") from exc
    except FileNotFoundError as exc:
        raise DataImportError(f"{source}: file not found; check the path.") from exc
    except OSError as exc:
        raise DataImportError(f"{source}: cannot read the file ({exc.strerror}).") from exc
    if data.startswith(b"PK\x03\x04"):
        records = _xlsx_rows(path, source)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataImportError(
            f"{source}: an old Excel (.xls) file. Open it in Excel and save it as .xlsx or CSV."
        )
    elif path.suffix.casefold() in {".xlsx", ".xlsm"}:
        raise DataImportError(
            f"{source}: named {path.suffix} but not an Excel workbook (it may be damaged, or a "
            "file of another kind renamed). Open it in Excel and save it again as .xlsx, or "
            "save it as CSV."
        )
    else:
        records = _text_rows(data, source)
    numbered = [(k + 1, r) for k, r in enumerate(records) if any(c.strip() for c in r)]
    if not numbered:
        raise DataImportError(f"{source}: the file is empty.")
    (_, header), body = numbered[0], numbered[1:]
    names = [c.strip() for c in header]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise DataImportError(f"{source}: the first row names no columns.")
    if not body:
        raise DataImportError(f"{source}: the file has column names but no rows after them.")
    width = len(names)
    return ListTable(
        source=source,
        names=tuple(names),
        rows=tuple(tuple([*r[:width], *[""] * (width - len(r))]) for _, r in body),
        row_numbers=tuple(n for n, _ in body),
    )


def _key(name: str) -> str:
    return " ".join(name.replace("_", " ").replace("-", " ").split()).casefold()


def find_column(
    table: ListTable,
    given: str | None,
    what: str,
    candidates: Sequence[str] = (),
    *,
    required: bool = True,
) -> int | None:
    """The index of a column: the one named ``given``, else the first of ``candidates`` present.

    Names are compared without regard to case, spaces, ``_`` and ``-``. ``what`` says in words
    what the column holds ("the member ids"), for the message when it is not found.

    Raises
    ------
    OptionError
        ``given`` is not a column, or nothing was given and no candidate is (when ``required``).
    """
    keys = [_key(n) for n in table.names]
    listed = ", ".join(table.names)
    if given is not None:
        if _key(given) in keys:
            return keys.index(_key(given))
        raise OptionError(
            f"{table.source}: no column {given!r} for {what}; the columns are: {listed}."
        )
    for candidate in candidates:
        if _key(candidate) in keys:
            return keys.index(_key(candidate))
    if not required:
        return None
    tried = ", ".join(candidates)
    looked = f" (looked for {tried})" if tried else ""
    raise OptionError(
        f"{table.source}: no column for {what}{looked}; the columns are: {listed}. Say which "
        "column it is."
    )
