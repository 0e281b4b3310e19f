"""Text-file plumbing: encoding detection, delimiter sniffing and header-record parsing.

Exports come from Excel ("CSV UTF-8", "CSV" in cp1252, "Unicode text" = UTF-16LE with a BOM and
tabs) and from survey platforms (UTF-8, sometimes with a BOM). Nothing here guesses from the
content beyond what those producers do: BOMs, NUL patterns of UTF-16, strict UTF-8, else cp1252.
"""

from __future__ import annotations

import codecs
import csv
import io
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cop_eval.errors import DataImportError
from cop_eval.limits import limit, over_limit

__all__ = [
    "FIELD_SIZE_LIMIT",
    "HeaderSample",
    "decode_all",
    "detect_encoding",
    "looks_binary",
    "read_header_sample",
    "records_with_offsets",
    "sniff_delimiter",
]

#: Field sizes up to this are parsed (csv's default of 128 KiB rejects long free-text answers);
#: the limit on a cell that is read is ``max_cell_bytes`` (cop_eval.limits), checked by the readers.
FIELD_SIZE_LIMIT = min(sys.maxsize, 2**31 - 1)
csv.field_size_limit(FIELD_SIZE_LIMIT)

_SAMPLE_BYTES = 1 << 20
#: Header rows read whole before the layout is decided (Qualtrics has three, then one data row).
_WHOLE_RECORDS = 4
_DELIMITERS = (",", ";", "\t", "|")


def detect_encoding(head: bytes) -> str:
    """The encoding of a text export, from its first bytes.

    Returns a Python codec name: ``utf-8-sig`` (BOM), ``utf-16`` (BOM, either byte order),
    ``utf-16-le``/``utf-16-be`` (no BOM, NUL pattern), ``utf-8`` (valid so far), or for other
    bytes ``cp1252`` or ``mac_roman`` (:func:`single_byte_encoding`).
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4096]
    if sample.count(0) * 4 > len(sample) > 0:
        odd, even = sample[1::2].count(0), sample[0::2].count(0)
        if odd > 4 * even:
            return "utf-16-le"
        if even > 4 * odd:
            return "utf-16-be"
        return "binary"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        if _has_utf8_lines(head):
            return "utf-8"  # mixed with cp1252 lines: decoded line by line (csv_checks)
        return single_byte_encoding(head)
    return "utf-8"


def _has_utf8_lines(head: bytes) -> bool:
    """Whether some line of ``head`` (but its last, which may be cut) is non-ASCII UTF-8."""
    for line in head.splitlines()[:-1]:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        return True
    return False


def _implausible(text: str) -> int:
    """Characters a real survey text rarely has: an accented capital straight after a
    lower-case letter ("MembersÕ", "cafŽ"), or a symbol between letters ("caf¸")."""
    count = 0
    for before, ch, after in zip(" " + text[:-1], text, text[1:] + " ", strict=True):
        if ch < "\x80":
            continue
        capital = ch.isupper() and before.isascii() and before.islower()
        symbol = unicodedata.category(ch)[0] in "SC" and before.isalpha() and after.isalpha()
        count += capital or symbol
    return count


def single_byte_encoding(head: bytes) -> str:
    """``cp1252`` (Excel for Windows) or ``mac_roman`` (Excel for Mac "CSV") for bytes that are
    not UTF-8: the one whose decoding reads as text; cp1252 when they read alike.

    The two put their curly quotes and accents at different bytes: Excel for Mac's ``’`` (0xD5)
    is ``Õ`` in cp1252 and its ``é`` (0x8E) is ``Ž``.
    """
    sample = head[:65536]
    try:
        windows = _implausible(sample.decode("cp1252"))
    except UnicodeDecodeError:
        windows = len(sample)  # bytes cp1252 leaves undefined
    mac = _implausible(sample.decode("mac_roman"))
    return "mac_roman" if mac < windows else "cp1252"


def decode_all(data: bytes, encoding: str, source: str) -> tuple[str, str]:
    """Decode a whole file; returns ``(text, encoding actually used)``.

    cp1252 leaves five byte values undefined; a file that uses them is read as latin-1 (which
    maps every byte) rather than refused, and the report names the encoding used.
    """
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        if encoding in ("utf-8", "utf-8-sig"):
            return decode_all(data, "cp1252", source)
        if encoding == "cp1252":
            return data.decode("latin-1"), "latin-1"
        raise DataImportError(
            f"{source}: not readable as {encoding} text (byte {exc.start}). Save the file from "
            "Excel as 'CSV UTF-8 (Comma delimited)' and try again."
        ) from exc


def looks_binary(text: str) -> bool:
    """True when decoded text holds NULs or many control characters (not a text table)."""
    if "\x00" in text:
        return True
    sample = text[:65536]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n\f\v")
    return controls > max(3, len(sample) // 200)


def sniff_delimiter(text: str, prefer_tab: bool = False) -> str:
    """The delimiter of a CSV sample: the candidate giving the most, and consistent, fields.

    Candidates are comma, semicolon, tab and pipe. The header line decides (it has the most
    distinct fields); the next lines must not disagree more often than they agree.
    """
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return "\t" if prefer_tab else ","
    best, best_score = ("\t" if prefer_tab else ","), 0.0
    for delim in _DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO("\n".join(lines[:10])), delimiter=delim))
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        if width < 2:
            continue
        agree = sum(1 for row in rows[1:] if len(row) == width)
        score = width * (1.0 + agree) / (1.0 + len(rows) - 1)
        if delim == "\t" and prefer_tab:
            score *= 1.5
        if score > best_score:
            best, best_score = delim, score
    return best


@dataclass(frozen=True)
class HeaderSample:
    """The first records of a text export, and where the data after them begins."""

    encoding: str
    delimiter: str
    records: list[list[str]]
    #: UTF-8 files only: ``offsets[k]`` is the byte offset of the start of record ``k``.
    offsets: list[int]
    complete: bool  # the sample is the whole file
    size: int
    #: NUL bytes removed from the sample (blank padding some exports write in header cells).
    nul_bytes: int = 0


def records_with_offsets(text: str, delimiter: str, limit: int) -> Iterator[tuple[list[str], int]]:
    """Yield ``(record, char offset of the record's end)`` for the first ``limit`` records."""
    consumed = 0

    def lines() -> Iterator[str]:
        nonlocal consumed
        for line in io.StringIO(text, newline=""):
            consumed += len(line)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    for _ in range(limit):
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            return
        yield record, consumed


def read_header_sample(
    path: Path, source: str, *, max_records: int = 8, encoding: str | None = None
) -> HeaderSample:
    """Read enough of a text export to detect its encoding, delimiter and header layout.

    The first MiB is read; when it does not hold the first few records whole (a header of very
    long question texts), more is read, up to the ``max_header_bytes`` limit. A record cut by
    the end of the sample is left out, so a header is never silently shortened.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DataImportError(f"{source}: cannot read the file ({exc.strerror}).") from None
    want = _SAMPLE_BYTES
    while True:
        sample = _sample(path, source, size, want, max_records, encoding)
        whole = len(sample.records) >= min(max_records, _WHOLE_RECORDS)
        if sample.complete or whole:
            return sample
        cap = limit("max_header_bytes")
        if want >= cap:
            raise DataImportError(
                over_limit(
                    "max_header_bytes",
                    source,
                    f"a header whose first {len(sample.records) or 1} row(s) take more than "
                    f"{cap:,} bytes",
                )
            )
        want = min(cap, want * 4)


def _sample(
    path: Path, source: str, size: int, want: int, max_records: int, encoding: str | None
) -> HeaderSample:
    try:
        with path.open("rb") as handle:
            head = handle.read(want)
    except OSError as exc:
        raise DataImportError(f"{source}: cannot read the file ({exc.strerror}).") from exc
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise DataImportError(
            f"{source}: the file is empty. Export the survey responses again (CSV or Excel)."
        )
    enc = encoding or detect_encoding(head)
    if enc == "binary":
        raise DataImportError(_not_a_table(source))
    complete = size <= len(head)
    if enc.startswith("utf-16") and len(head) % 2:
        head = head[:-1]
    mixed = False
    if enc == "cp1252":
        text = _cp1252_or_latin1(head)
    elif enc == "utf-8":
        try:
            text = codecs.getincrementaldecoder(enc)().decode(head, final=complete)
        except UnicodeDecodeError:
            text, mixed = _mixed_lines(head), True
    else:
        text = codecs.getincrementaldecoder(enc)(errors="replace").decode(head, final=complete)
    nul_bytes = text.count("\x00")
    if nul_bytes and nul_bytes * 50 < len(text):
        text = text.replace("\x00", "")  # a few NULs in a text table: padding, not binary data
    else:
        nul_bytes = 0
    if looks_binary(text):
        raise DataImportError(_not_a_table(source))
    first_line = text.lstrip("\ufeff").split("\n", 1)[0].strip()
    if first_line.casefold().startswith("sep=") and len(first_line) == 5:
        delimiter = first_line[4]  # Excel's "sep=;" hint line
    else:
        delimiter = sniff_delimiter(text, prefer_tab=enc.startswith("utf-16"))
    records: list[list[str]] = []
    char_ends: list[int] = []
    for record, end in records_with_offsets(text, delimiter, max_records):
        records.append(record)
        char_ends.append(end)
    if not complete and char_ends and char_ends[-1] >= len(text.rstrip("\r\n")):
        records.pop()  # cut by the end of the sample: not a whole record
        char_ends.pop()
    _check_header_shape(records, source)
    # Byte offsets are needed (and exact) only for UTF-8, the one encoding read from an offset.
    bom = 3 if enc == "utf-8-sig" else 0
    offsets = [bom]
    if enc in ("utf-8", "utf-8-sig") and not nul_bytes and not mixed:
        offsets += [bom + len(text[:end].encode("utf-8")) for end in char_ends]
    return HeaderSample(enc, delimiter, records, offsets, complete, size, nul_bytes)


def _check_header_shape(records: list[list[str]], source: str) -> None:
    """The first rows within the limits on columns and on one cell."""
    if not records:
        return
    width = max(len(r) for r in records[:_WHOLE_RECORDS])
    if width > limit("max_columns"):
        raise DataImportError(over_limit("max_columns", source, f"a header of {width:,} columns"))
    cap = limit("max_cell_bytes")
    for row, record in enumerate(records[:_WHOLE_RECORDS], start=1):
        for column, cell in enumerate(record, start=1):
            if len(cell) > cap // 4 and len(cell.encode("utf-8")) > cap:
                raise DataImportError(
                    over_limit(
                        "max_cell_bytes",
                        f"{source}, row {row}, column {column}",
                        f"a cell of {len(cell.encode('utf-8')):,} bytes",
                    )
                )


def _mixed_lines(data: bytes) -> str:
    """UTF-8 and cp1252 lines, each decoded as what it is (the reader warns about the mix)."""
    parts = []
    for line in data.splitlines(keepends=True):
        try:
            parts.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            parts.append(_cp1252_or_latin1(line))
    return "".join(parts)


def _cp1252_or_latin1(data: bytes) -> str:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _not_a_table(source: str) -> str:
    return (
        f"{source}: this is not a text table (it looks like binary data). Give a CSV, Excel "
        "(.xlsx) or SPSS (.sav) export of the survey responses."
    )
