"""Checks that keep "rows read" true for a text export: quotes, NUL bytes, mixed encodings, cells.

A CSV record may span several physical lines (an answer with a line break, quoted). A single
missing or extra quote turns the rest of the file into one "answer": a 30-row file then reads as
5 rows and nothing says so. So the records are counted against the physical lines; where they
differ, every record that spans lines is looked at, and a quoted value that is never closed, or
that swallows lines shaped like rows, refuses the file with the row where it starts.

NUL bytes follow one rule wherever they are: a few (blank padding some exporters write) are
removed with a warning that says where; a file with many is binary, not a table.
"""

from __future__ import annotations

import csv
import io
import mmap
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from cop_eval.errors import DataImportError
from cop_eval.ingest.text import FIELD_SIZE_LIMIT
from cop_eval.limits import limit, over_limit

__all__ = [
    "MultilineRecord",
    "blank_tail",
    "check_cell_sizes",
    "check_multiline",
    "count_lines",
    "count_lines_in",
    "decode_mixed",
    "iter_lines",
    "longest_field",
    "multiline_note",
    "multiline_records",
    "nul_rule",
    "refuse_long_fields",
]

#: A file may hold at most one NUL per this many characters and still be a text table.
NUL_DENSITY = 50
#: The lines of one answer that may look like rows before the answer is taken for swallowed rows.
_ROW_SHAPED_LINES = 2
_SHOWN = 5
_BLOCK = 1 << 24


@dataclass(frozen=True)
class MultilineRecord:
    """A record that spans more than one physical line."""

    index: int  # record number after the header, from 0
    line: int  # the physical line it starts on, from 1 (counted from the body's start)
    span: int  # physical lines it covers
    record: list[str]
    unterminated: bool  # a quoted value runs to the end of the file
    open_field: int  # the field whose quote spans lines (-1: unknown)


def _quote_state(raw: str, delimiter: str) -> tuple[bool, int]:
    """Whether ``raw`` (one record's text) ends inside a quoted value, and the field in which the
    last quote that spans a line break opened. The rules are those of Python's csv module
    (a quote opens a value only at its start; ``""`` inside quotes is a quote)."""
    start, plain, quoted, quote_seen = 0, 1, 2, 3
    state, field, opened, spanning = start, 0, -1, -1
    for ch in raw:
        if state == start:
            if ch == '"':
                state, opened = quoted, field
            elif ch == delimiter:
                field += 1
            elif ch not in "\r\n":
                state = plain
        elif state == plain:
            if ch == delimiter:
                state, field = start, field + 1
            elif ch in "\r\n":
                state = start
        elif state == quoted:
            if ch == '"':
                state = quote_seen
            elif ch == "\n":
                spanning = opened
        elif ch == '"':  # quote_seen: a doubled quote inside the value
            state = quoted
        elif ch == delimiter:
            state, field = start, field + 1
        elif ch in "\r\n":
            state = start
        else:
            state = plain
    return state == quoted, spanning


def multiline_records(lines: Iterable[str], delimiter: str) -> Iterator[MultilineRecord]:
    """The records of ``lines`` (the text after the header, split keeping line ends) that span
    more than one physical line."""
    consumed: list[str] = []

    def feed() -> Iterator[str]:
        for line in lines:
            consumed.append(line)
            yield line

    reader = csv.reader(feed(), delimiter=delimiter)
    previous = 0
    index = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            return  # the readers report this themselves, with the row
        span = reader.line_num - previous
        if span > 1:
            raw = "".join(consumed)
            unterminated, opened = _quote_state(raw, delimiter)
            yield MultilineRecord(index, previous + 1, span, record, unterminated, opened)
        previous = reader.line_num
        consumed.clear()
        index += 1


def _row_shaped(value: str, delimiter: str, width: int) -> int:
    """How many of the later lines inside ``value`` have as many delimiters as a row."""
    need = max(width - 1, 2)
    return sum(1 for line in value.splitlines()[1:] if line.count(delimiter) >= need)


def check_multiline(
    records: Iterable[MultilineRecord],
    *,
    delimiter: str,
    names: list[str],
    first_row: int,
    source: str,
) -> list[int]:
    """Refuse a quote that runs away; return the rows whose answers span several lines.

    Raises
    ------
    DataImportError
        A quoted value opens and is never closed (it would take the rest of the file), or a
        quoted value holds two or more lines shaped like rows (a quote is missing or extra).
    """
    rows: list[int] = []
    width = len(names)
    for rec in records:
        row = first_row + rec.index
        column = _column_name(names, rec.open_field)
        if rec.unterminated:
            raise DataImportError(
                f"{source}: row {row}{column}: a quoted value opens there and is never closed, "
                f"so the remaining {rec.span - 1} line(s) of the file would be read as one "
                'answer. A closing quote (") is missing, or a quote in an answer should be '
                'doubled (""); fix the row and import again.'
            )
        swallowed = max((_row_shaped(v, delimiter, width) for v in rec.record), default=0)
        if swallowed >= _ROW_SHAPED_LINES:
            raise DataImportError(
                f"{source}: row {row}{column}: a quoted value runs over {rec.span} lines, "
                f"{swallowed} of which look like rows of their own, so they would be read as "
                'one answer. A quote (") is probably missing or extra in that row; fix it '
                "and import again."
            )
        rows.append(row)
    return rows


def _column_name(names: list[str], field: int) -> str:
    if 0 <= field < len(names):
        return f", column {field + 1} ({names[field][:40]!r})"
    return ""


def multiline_note(rows: list[int], records: int, lines: int) -> str:
    """The warning that says rows read counts records, not lines."""
    shown = ", ".join(map(str, rows[:_SHOWN])) + (" ..." if len(rows) > _SHOWN else "")
    return (
        f"{len(rows)} row(s) hold answers written over several lines (rows {shown}); the "
        f"{records} rows read take {lines} lines of the file."
    )


def nul_rule(text: str, source: str) -> tuple[str, str | None]:
    """Apply the one rule for NUL characters: sparse ones are removed (with the lines they were
    on, in a warning); more than one per :data:`NUL_DENSITY` characters is not a text table."""
    count = text.count("\x00")
    if not count:
        return text, None
    if count * NUL_DENSITY >= len(text):
        raise DataImportError(
            f"{source}: this is not a text table (it holds {count} NUL bytes, as binary data "
            "does). Give a CSV, Excel (.xlsx) or SPSS (.sav) export of the survey responses."
        )
    lines: list[int] = []
    at = text.find("\x00")
    while at >= 0 and len(lines) < _SHOWN:
        line = text.count("\n", 0, at) + 1
        if not lines or lines[-1] != line:
            lines.append(line)
        at = text.find("\x00", at + 1)
    shown = ", ".join(map(str, lines)) + (" ..." if count > len(lines) else "")
    return text.replace("\x00", ""), (
        f"{count} NUL byte(s) were removed (on line {shown} of the file): blank padding some "
        "exporting programs write. Check those rows if the file was not a platform export."
    )


def decode_mixed(data: bytes, source: str) -> tuple[str, str, str | None]:
    """Decode bytes that are not all UTF-8: ``(text, encoding, warning)``.

    A file whose non-ASCII bytes are nowhere valid UTF-8 is a Windows (cp1252) file. One that
    has both valid UTF-8 and invalid lines was put together from two sources (``Café`` beside
    ``CafÃ©`` after a copy and paste): each line is decoded on its own, and the warning names
    the lines read as cp1252, so that the same group is not split in two without notice.
    """
    utf8_lines = 0
    cp_lines: list[int] = []
    parts: list[str] = []
    for number, line in enumerate(data.splitlines(keepends=True), start=1):
        if line.isascii():
            parts.append(line.decode("ascii"))
            continue
        try:
            parts.append(line.decode("utf-8"))
            utf8_lines += 1
        except UnicodeDecodeError:
            parts.append(_cp1252(line))
            cp_lines.append(number)
    if not utf8_lines:
        try:
            return data.decode("cp1252"), "cp1252", None
        except UnicodeDecodeError:
            return data.decode("latin-1"), "latin-1", None
    shown = ", ".join(map(str, cp_lines[:_SHOWN])) + (" ..." if len(cp_lines) > _SHOWN else "")
    return (
        "".join(parts),
        "utf-8",
        f"the file mixes two text encodings: {len(cp_lines)} line(s) are not UTF-8 and were read "
        f"as Windows cp1252 (line {shown}), the others as UTF-8. Accented letters in those lines "
        "may differ from the same words elsewhere (a subgroup split in two); save the file "
        "again as 'CSV UTF-8' to be sure.",
    )


def _cp1252(line: bytes) -> str:
    try:
        return line.decode("cp1252")
    except UnicodeDecodeError:
        return line.decode("latin-1")


def check_cell_sizes(
    columns: Mapping[int, pa.Array | pa.ChunkedArray], names: Sequence[str], source: str
) -> None:
    """Refuse a text cell over the ``max_cell_bytes`` limit (the limit applies to every reader)."""
    cap = limit("max_cell_bytes")
    for index, column in columns.items():
        if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
            continue
        if len(column) == 0:
            continue
        longest = pc.max(pc.binary_length(column)).as_py()
        if longest is not None and longest > cap:
            raise DataImportError(
                over_limit(
                    "max_cell_bytes",
                    f"{source}, column {names[index]!r}",
                    f"a cell of {longest:,} bytes",
                )
            )


def iter_lines(text: str) -> Iterator[str]:
    """The physical lines of ``text`` with their line ends (as csv wants them)."""
    return iter(io.StringIO(text, newline=""))


def count_lines(data: bytes) -> int:
    """Physical lines in ``data`` (``\n``, ``\r\n`` or a lone ``\r`` ends a line; a last line
    without an end counts)."""
    if not data:
        return 0
    ends = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    return ends + (0 if data.endswith((b"\n", b"\r")) else 1)


def longest_field(chunks: Iterable[bytes], delimiter: str) -> int:
    """An upper bound on the longest field in CSV bytes given in chunks, quote-aware, without
    holding the file: the longest run between delimiters and line ends outside quotes.

    A stray quote inside an unquoted answer (``6" tall``) makes the bound too high, never too
    low, so the bound only decides whether the exact check (the csv module) is needed.
    """
    import numpy as np

    sep_byte = ord(delimiter)
    parity = 0
    last = -1
    longest = 0
    seen = 0
    for chunk in chunks:
        arr = np.frombuffer(chunk, dtype=np.uint8)
        inside = np.bitwise_xor.accumulate((arr == 34).astype(np.uint8)) ^ parity
        sep = ((arr == sep_byte) | (arr == 10) | (arr == 13)) & (inside == 0)
        positions = np.flatnonzero(sep) + seen
        if positions.size:
            gaps = np.diff(positions, prepend=last)
            longest = max(longest, int(gaps.max()) - 1)
            last = int(positions[-1])
        if arr.size:
            parity = int(inside[-1])
        seen += arr.size
    return max(longest, seen - last - 1)


def count_lines_in(view: mmap.mmap, start: int, end: int) -> int:
    """Physical lines in ``view[start:end]``, read in blocks (a line end split between two
    blocks, ``\r`` + ``\n``, is counted once)."""
    total = 0
    for at in range(start, end, _BLOCK):
        stop = min(end, at + _BLOCK)
        block = view[at:stop]
        total += block.count(b"\n") + block.count(b"\r") - block.count(b"\r\n")
        if block.endswith(b"\r") and stop < end and view[stop : stop + 1] == b"\n":
            total -= 1
    last = view[end - 1 : end] if end > start else b"\n"
    return total + (0 if last in (b"\n", b"\r") else 1)


def blank_tail(text: str, delimiter: str) -> int:
    """Where the rows of ``text`` end: trailing line breaks and trailing lines of nothing but
    delimiters (Excel appends ``,,,,,`` rows for formatted but empty cells) are not rows."""
    end = len(text)
    while True:
        trimmed = text[:end].rstrip("\r\n")
        start = max(trimmed.rfind("\n"), trimmed.rfind("\r")) + 1
        line = trimmed[start:]
        if line and not line.strip(delimiter + ' \t"'):
            end = start
            continue
        return len(trimmed)


def refuse_long_fields(
    path: Path, size: int, encoding: str, delimiter: str, source: str, block: int = 1 << 24
) -> None:
    """Refuse a cell over the limit before the whole file (``size`` bytes) is read into memory."""
    cap = limit("max_cell_bytes")
    if size <= cap or encoding.startswith("utf-16"):
        return
    with path.open("rb") as handle:
        if longest_field(iter(lambda: handle.read(block), b""), delimiter) <= cap:
            return
        handle.seek(0)
        text = io.TextIOWrapper(handle, encoding, errors="replace", newline="")
        csv.field_size_limit(cap)
        try:
            for _ in csv.reader(text, delimiter=delimiter):
                pass
        except csv.Error as exc:
            if "field limit" not in str(exc):
                return  # the readers report other problems themselves
            raise DataImportError(
                over_limit("max_cell_bytes", source, "a cell longer than the limit")
            ) from None
        finally:
            csv.field_size_limit(FIELD_SIZE_LIMIT)
