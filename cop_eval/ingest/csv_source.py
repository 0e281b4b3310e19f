"""Delimited text exports (CSV/TSV; plain or a platform layout), read with pyarrow's CSV engine.

The header is parsed in Python (it decides the layout); the data after it goes to pyarrow, which
reads only the columns that are needed. Files pyarrow cannot take as they are (rows with more
values than the header, blank lines between rows, fields longer than a block) are read again with
Python's csv module, which keeps every row so that each can be accounted for.
"""

from __future__ import annotations

import csv
import io
import mmap
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from cop_eval.errors import DataImportError
from cop_eval.ingest.csv_checks import (
    blank_tail,
    check_cell_sizes,
    check_multiline,
    count_lines,
    count_lines_in,
    decode_mixed,
    iter_lines,
    multiline_note,
    multiline_records,
    nul_rule,
    refuse_long_fields,
)
from cop_eval.ingest.layouts import Layout, read_layout
from cop_eval.ingest.raw import Column, RawTable
from cop_eval.ingest.text import (
    HeaderSample,
    decode_all,
    looks_binary,
    read_header_sample,
    records_with_offsets,
)

__all__ = ["CsvSource"]

_SMALL_INT = re.compile(r"-?\d{1,3}\Z")
_NUMERIC_CELL = re.compile(r"^\s*[+-]?(\d+([.,]\d*)?|[.,]\d+)\s*$")
_BLOCK = 1 << 24


def _empty(record: list[str]) -> bool:
    return not any(cell.strip() for cell in record)


class CsvSource:
    """A delimited text export. ``fmt`` names a platform layout, or ``None`` to detect it."""

    def __init__(self, path: Path, source: str, fmt: str | None) -> None:
        self.path, self.source = path, source
        sample = read_header_sample(path, source, max_records=12)
        records = list(sample.records)
        lead = 0
        while lead < len(records) and (_empty(records[lead]) or _is_sep_hint(records[lead], lead)):
            lead += 1
        records = records[lead:]
        if not records:
            raise DataImportError(
                f"{source}: the file has no rows. Export the survey responses again."
            )
        header = records[0]
        if len(header) < 2 and (sample.complete or len(records) > 1):
            raise DataImportError(
                f"{source}: not a table - the first row has a single column "
                f"({_clip(header[0] if header else '')!r}). Give a CSV export with one column per "
                "question (comma, semicolon or tab delimited)."
            )
        if all(_NUMERIC_CELL.match(c) or not c.strip() for c in header):
            raise DataImportError(
                f"{source}: the first row holds numbers, not column names (a header row is "
                "missing). Add a first row naming each column (item ids or question text)."
            )
        layout = read_layout("csv", fmt, records, source)
        data_records = [r for r in records[layout.header_rows :] if not _empty(r)]
        if sample.complete and not data_records:
            raise DataImportError(
                f"{source}: the file has column names but no responses (no data rows after the "
                f"{layout.header_rows} header row{'s' if layout.header_rows > 1 else ''}). "
                + (layout.hint or "Export the responses again, including the data.")
            )
        self.layout: Layout = layout
        self.sample: HeaderSample = sample
        self._first_rows = data_records
        self.lead = lead
        self.width = len(layout.names)

    # -- reading ---------------------------------------------------------------------------
    def load(self, wanted: list[int], text_columns: set[int]) -> RawTable:
        skip = self.lead + self.layout.header_rows
        first_row = skip + 1
        encoding = self.sample.encoding
        if encoding in ("utf-8", "utf-8-sig") and skip < len(self.sample.offsets):
            fast = self._fast_utf8(self.sample.offsets[skip], wanted, text_columns)
            if fast is not None:
                table, lines = fast
                notes = self._multiline_from_file(self.sample.offsets[skip], table, lines)
                return self._raw(table, wanted, first_row, encoding, notes=notes)
        refuse_long_fields(
            self.path, self.sample.size, self.sample.encoding, self.sample.delimiter, self.source
        )
        text, encoding, notes = self._decoded(encoding)
        ends = [end for _record, end in records_with_offsets(text, self.sample.delimiter, skip)]
        end = ends[-1] if len(ends) == skip else len(text)
        body = text[end:]
        body = body[: blank_tail(body, self.sample.delimiter)]
        del text
        stream = pa.BufferReader(body.encode("utf-8"))
        table = self._arrow(stream, wanted, text_columns, quoted='"' in body)
        if table is not None:
            lines = count_lines(body.encode("utf-8")) if '"' in body else table.num_rows
            if lines > table.num_rows:
                notes += self._multiline(iter_lines(body), first_row, table.num_rows, lines)
            return self._raw(table, wanted, first_row, encoding, notes=notes)
        if '"' in body:
            records = sum(1 for _ in csv.reader(iter_lines(body), delimiter=self.sample.delimiter))
            lines = count_lines(body.encode("utf-8"))
            if lines > records:
                notes += self._multiline(iter_lines(body), first_row, records, lines)
        return self._python(body, wanted, text_columns, first_row, encoding, notes)

    def _decoded(self, encoding: str) -> tuple[str, str, list[str]]:
        """The whole file as text, by the rules for encodings and NUL bytes."""
        data = self.path.read_bytes()
        notes: list[str] = []
        if encoding in ("utf-8", "utf-8-sig"):
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text, encoding, mixed = decode_mixed(data, self.source)
                notes += [mixed] if mixed else []
        else:
            text, encoding = decode_all(data, encoding, self.source)
        del data
        text = text.lstrip("\ufeff")
        text, nul_note = nul_rule(text, self.source)
        notes += [nul_note] if nul_note else []
        if looks_binary(text[:65536]):
            raise DataImportError(
                f"{self.source}: this is not a text table (binary data after the header)."
            )
        return text, encoding, notes

    def _multiline_from_file(self, offset: int, table: pa.Table, lines: int) -> list[str]:
        if lines <= table.num_rows:
            return []
        with self.path.open("rb") as handle:
            handle.seek(offset)
            text = io.TextIOWrapper(handle, "utf-8", errors="replace", newline="")
            first_row = self.lead + self.layout.header_rows + 1
            return self._multiline(text, first_row, table.num_rows, lines)

    def _multiline(
        self, lines: Iterable[str], first_row: int, records: int, count: int
    ) -> list[str]:
        """Check the records that span lines (quote runaway refuses); the note on the rest."""
        rows = check_multiline(
            multiline_records(lines, self.sample.delimiter),
            delimiter=self.sample.delimiter,
            names=list(self.layout.names),
            first_row=first_row,
            source=self.source,
        )
        return [multiline_note(rows, records, count)] if rows else []

    def _names(self) -> list[str]:
        return [f"c{i}" for i in range(self.width)]

    def _arrow(
        self,
        stream: pa.NativeFile,
        wanted: list[int],
        text_columns: set[int],
        *,
        quoted: bool,
        delimiter: str | None = None,
        block_size: int = _BLOCK,
    ) -> pa.Table | None:
        """pyarrow's reader; ``None`` when it cannot take the file as it is.

        Blank lines are kept as all-blank rows (``ignore_empty_lines=False``) so that row numbers
        stay those of the file. Line breaks inside values need the slower chunker, which is only
        used when the data holds a quote character (no quotes, no quoted line breaks).
        """
        names = self._names()
        small = self._small_integers(wanted, text_columns)
        try:
            table = pacsv.read_csv(
                stream,
                read_options=pacsv.ReadOptions(column_names=names, block_size=block_size),
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter or self.sample.delimiter,
                    newlines_in_values=quoted,
                    ignore_empty_lines=False,
                ),
                convert_options=pacsv.ConvertOptions(
                    include_columns=[names[i] for i in wanted],
                    column_types={
                        **{names[i]: pa.int8() for i in small},
                        **{names[i]: pa.string() for i in text_columns},
                    },
                    null_values=[""],
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=True,
                    true_values=[],
                    false_values=[],
                    # Likert text columns hold a handful of distinct answers: encoding them
                    # while parsing saves a copy of every cell (up to 64 distinct values).
                    auto_dict_encode=True,
                    auto_dict_max_cardinality=64,
                ),
            )
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            if not small:
                return None
            stream.seek(0)  # some answer further down is not a small integer: as it comes
            self._first_rows = []
            return self._arrow(
                stream,
                wanted,
                text_columns,
                quoted=quoted,
                delimiter=delimiter,
                block_size=block_size,
            )
        if any(pa.types.is_binary(t) for t in table.schema.types):
            return None  # bytes that are not UTF-8 somewhere below the header
        return table

    def _small_integers(self, wanted: list[int], text_columns: set[int]) -> list[int]:
        """Columns whose first rows hold only blanks and codes -128..127: read as int8 (a
        national survey's answers in an eighth of the memory of int64, and cheaper to recode)."""
        if not self._first_rows:
            return []
        return [
            i
            for i in wanted
            if i not in text_columns
            and all(
                i >= len(r) or not r[i] or (_SMALL_INT.match(r[i]) and -128 <= int(r[i]) <= 127)
                for r in self._first_rows
            )
        ]

    def _fast_utf8(
        self, offset: int, wanted: list[int], text_columns: set[int]
    ) -> tuple[pa.Table, int] | None:
        """Read a UTF-8 file from the end of its header, straight from a memory map.

        Returns the table and the number of physical lines it came from (records that span
        lines are checked by the caller), or ``None`` for the slower path: NUL bytes, bytes that
        are not UTF-8, or anything pyarrow cannot take as it is.
        """
        with self.path.open("rb") as handle:
            try:
                view = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            except ValueError:
                return None
            try:
                tail = max(offset, len(view) - (1 << 16))
                text = view[tail:].decode("utf-8", "replace")
                cut = blank_tail(text, self.sample.delimiter)
                end = tail + len(text[:cut].encode("utf-8"))
                quoted = view.find(b'"', offset, end) >= 0
                if view.find(b"\x00", offset, end) >= 0:
                    return None  # the rule for NUL bytes is applied on the text path
                lines = count_lines_in(view, offset, end) if quoted else -1
            finally:
                view.close()
        if end <= offset:
            return None
        mapped = pa.memory_map(str(self.path), "r")
        try:
            body = mapped.read_buffer().slice(offset, end - offset)
            table = self._arrow(pa.BufferReader(body), wanted, text_columns, quoted=quoted)
        finally:
            mapped.close()
        if table is None:
            return None
        return table, (lines if quoted else table.num_rows)

    def _raw(
        self,
        table: pa.Table,
        wanted: list[int],
        first_row: int,
        encoding: str,
        rejected: dict[int, str] | None = None,
        notes: Sequence[str] = (),
    ) -> RawTable:
        columns: dict[int, Column] = {i: table.column(f"c{i}") for i in wanted}
        check_cell_sizes(columns, self.layout.names, self.source)
        n = table.num_rows
        warnings = tuple(notes)
        if self.sample.nul_bytes and not any("NUL" in note for note in notes):
            warnings = (
                f"{self.sample.nul_bytes} NUL byte(s) in the header rows were removed (blank "
                "padding written by the exporting program).",
                *warnings,
            )
        return RawTable(
            columns=columns,
            n_rows=n,
            row_numbers=np.arange(first_row, first_row + n, dtype=np.int64),
            rejected=rejected or {},
            encoding=encoding,
            delimiter=self.sample.delimiter,
            warnings=warnings,
        )

    def _python(
        self,
        body: str,
        wanted: list[int],
        text_columns: set[int],
        first_row: int,
        encoding: str,
        notes: Sequence[str] = (),
    ) -> RawTable:
        """Row by row, for files pyarrow cannot take as they are.

        Every record is normalised to the header's width: short rows are padded with blanks,
        as a spreadsheet shows them, and rows with extra values are blanked and rejected. The
        normalised text is then parsed by pyarrow, so the columns are typed as on the fast path
        and no Python object is kept per cell.
        """
        width = self.width
        blank = [""] * width
        rejected: dict[int, str] = {}
        normalised = io.StringIO()
        writer = csv.writer(normalised, lineterminator="\n")
        n = 0
        blank_run = 0  # blank records are rows only when a non-blank one follows
        try:
            for record in csv.reader(
                io.StringIO(body, newline=""), delimiter=self.sample.delimiter
            ):
                if _empty(record):
                    blank_run += 1
                    continue
                for _ in range(blank_run):
                    writer.writerow(blank)
                n += blank_run
                blank_run = 0
                if len(record) > width and any(c.strip() for c in record[width:]):
                    rejected[n] = (
                        f"the row has {len(record)} values but the header has {width} columns, "
                        "so its answers cannot be matched to questions (an unquoted delimiter "
                        "in an answer?); fix the row in the file and import again"
                    )
                    writer.writerow(blank)
                else:
                    writer.writerow(record[:width] + blank[len(record) :])
                n += 1
        except csv.Error as exc:
            raise DataImportError(
                f"{self.source}: not readable as CSV after row {first_row + n - 1} ({exc})."
            ) from exc
        data = normalised.getvalue().encode("utf-8")
        del normalised
        table = self._arrow(
            pa.BufferReader(data),
            wanted,
            text_columns,
            quoted=True,
            delimiter=",",
            block_size=max(_BLOCK, min(len(data) + 1, 2**31 - 1)),
        )
        if table is None or table.num_rows != n:
            raise DataImportError(
                f"{self.source}: the rows could not be read as a table; open the file in a "
                "spreadsheet, save it again as CSV and retry."
            )
        return self._raw(table, wanted, first_row, encoding, rejected, notes)


def _is_sep_hint(record: list[str], index: int) -> bool:
    return index == 0 and bool(record) and record[0].strip().casefold().startswith("sep=")


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "..."
