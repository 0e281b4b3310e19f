"""The hostile-input corpus of issue 19: small files, each built by code, each with its verdict.

Every case names the issue item it covers, the bytes of the file (made here, nothing downloaded),
the command that reads it and what must happen: a clear error that says what (``error``), or a
report with the true number of rows (``rows_read``) and a warning (``warning``). No case may end
in a traceback or an "internal error". ``python -m tests.hostile.corpus DIR`` writes the corpus
into DIR (to try a file by hand); ``tests/hostile/test_corpus.py`` runs every case.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CASES", "INSTRUMENT_YAML", "Case", "write_corpus"]

#: The instrument the data cases are checked against (two items, one scale).
INSTRUMENT_YAML = """\
id: hostile
version: "1.0.0"
title: Hostile-input tests
description: Two items on one five-point scale.
status: custom
sources: [{citation: "cop-eval tests (issue 19)"}]
license: {status: project-authored, item_text_redistributable: true}
response_scale:
  min: 1
  max: 5
  labels: {1: Strongly disagree, 2: Disagree, 3: Neutral, 4: Agree, 5: Strongly agree}
items:
  - {id: a1, text: "The group helps me.", scale: s}
  - {id: a2, text: "I share what I learn.", scale: s}
scales:
  - {id: s, label: Sharing, method: mean, min_answered: 0.5}
"""


@dataclass(frozen=True)
class Case:
    """One hostile file and what reading it must do."""

    name: str
    item: str  # the issue item it covers, e.g. "1 quote runaway"
    build: Callable[[], bytes]
    command: str = "check"  # check (a data file) | validate (an instrument YAML)
    args: tuple[str, ...] = ()
    error: str | None = None  # text the error message must hold (exit 1)
    rows_read: int | None = None  # when it reads: the true number of rows
    warning: str | None = None  # text one of the import warnings must hold
    env: dict[str, str] = field(default_factory=dict)
    no_text: tuple[str, ...] = ()  # text that must appear nowhere in the output


def _rows(n: int = 30) -> list[list[str]]:
    return [["id", "team", "a1", "a2"]] + [
        [f"r{i:02d}", f"T{i % 3}", str(1 + i % 5), str(1 + (i * 2) % 5)] for i in range(n)
    ]


def _csv(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def _lines(rows: list[list[str]]) -> list[str]:
    return [",".join(r) for r in rows]


def quote_runaway() -> bytes:
    """Row 7 (data row 6) of 30 opens a quote that is never closed."""
    lines = _lines(_rows())
    lines[6] = 'r05,T2,"4,3'
    return ("\n".join(lines) + "\n").encode()


def quote_swallows_rows() -> bytes:
    """A stray quote in row 7 is closed by another in row 20: 13 rows inside one answer."""
    lines = _lines(_rows())
    lines[6] = 'r05,T2,"4,3'
    lines[19] = 'r18,T0,2",3'
    return ("\n".join(lines) + "\n").encode()


def multiline_comment() -> bytes:
    """A real answer with line breaks (quoted): 30 rows in 33 lines, all read."""
    rows = _rows()
    rows[0].append("comment")
    for row in rows[1:]:
        row.append("")
    rows[5][-1] = "Line one\nline two, with a comma\nline three"
    return _csv(rows)


def plain_csv() -> bytes:
    return _csv(_rows())


def long_header() -> bytes:
    """A column name of 1.5 MB (over the limit on one cell; before: cut without notice)."""
    rows = _rows(5)
    rows[0][1] = "team " + "x" * 1_500_000
    return _csv(rows)


def big_cell() -> bytes:
    """A 2 MB answer in row 40 of 60 (after the first MiB of the file)."""
    rows = _rows(60)
    rows[0].append("comment")
    for row in rows[1:]:
        row.append("y" * 20_000)
    rows[40][-1] = "z" * 2_000_000
    return _csv(rows)


def nul_after_first_mib() -> bytes:
    """A NUL byte in row 80, beyond the first MiB (before: read as part of an answer)."""
    rows = _rows(120)
    rows[0].append("comment")
    for row in rows[1:]:
        row.append("c" * 12_000)
    rows[80][1] = "T\x001"
    return _csv(rows)


def nul_early() -> bytes:
    rows = _rows()
    rows[3][1] = "T\x001"
    return _csv(rows)


def nul_dense() -> bytes:
    return b"id,a1,a2\n" + b"\x00\x01," * 400


def mixed_encoding() -> bytes:
    """UTF-8 'Café' in most rows, cp1252 'Café' in two rows (pasted from another file)."""
    rows = _rows()
    for row in rows[1:]:
        row[1] = "Café"
    head = _csv(rows[:20])
    tail = _csv(rows[20:22], encoding="cp1252")
    return head + tail + _csv(rows[22:])


def email_groups() -> bytes:
    """A group column holding e-mail addresses (chosen by mistake)."""
    rows = _rows(30)
    for i, row in enumerate(rows[1:]):
        row[1] = f"person{i}@example.org"
    return _csv(rows)


def email_in_an_answer() -> bytes:
    """An e-mail address and a phone number typed into rating questions."""
    rows = _rows(30)
    rows[3][2] = "ask jo.bloggs@example.org"
    rows[5][3] = "call 07700 900123"
    return _csv(rows)


def duplicate_group_header() -> bytes:
    rows = _rows()
    rows[0] = ["id", "team", "a1", "team", "a2"]
    for row in rows[1:]:
        row.insert(3, "X")
    return _csv(rows)


def named_pipe() -> bytes:
    return b""  # made a FIFO by write_corpus


def _instrument(scale: str) -> Callable[[], bytes]:
    def build() -> bytes:
        lines = INSTRUMENT_YAML.splitlines()
        start = lines.index("response_scale:")
        end = lines.index("items:")
        return "\n".join([*lines[:start], scale, *lines[end:]]).encode() + b"\n"

    return build


def deep_yaml() -> bytes:
    return b"id: " + b"[" * 100_000 + b"]" * 100_000 + b"\n"


def alias_bomb() -> bytes:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    return ("\n".join(lines) + "\n").encode()


def xlsx_named_csv() -> bytes:
    """A real workbook saved with a .csv name."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in _rows(8):
        sheet.append([int(v) if v.isdigit() else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _workbook_parts(rows: list[list[object]] | None = None) -> dict[str, bytes]:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows if rows is not None else _rows(8):
        sheet.append([int(v) if isinstance(v, str) and v.isdigit() else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xlsx_zip_bomb() -> bytes:
    """A workbook whose sheet XML unpacks to 4 MB of padding (the test lowers the limit to
    1 MB; the real default is 2 GiB, for a 10 MB file that unpacks to gigabytes)."""
    parts = _workbook_parts()
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        b"<sheetData>", b"<sheetData>" + b" " * 4_000_000
    )
    return _zip(parts)


def xlsx_dimension_lie() -> bytes:
    """A 2 KB workbook with a formula (the openpyxl path) declaring A1:XFD1048576."""
    rows: list[list[object]] = [list(r) for r in _rows(8)]
    rows[1][3] = "=1+1"
    parts = _workbook_parts(rows)
    sheet = parts["xl/worksheets/sheet1.xml"]
    start = sheet.index(b"<dimension")
    end = sheet.index(b"/>", start) + 2
    parts["xl/worksheets/sheet1.xml"] = (
        sheet[:start] + b'<dimension ref="A1:XFD1048576"/>' + sheet[end:]
    )
    return _zip(parts)


def xlsx_broken_deflate() -> bytes:
    """A workbook whose sheet's compressed data is damaged in the middle."""
    data = bytearray(_zip(_workbook_parts()))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for at in range(start + 5, start + info.compress_size - 5):
        data[at] ^= 0x5A
    return bytes(data)


def xlsx_damaged_xml() -> bytes:
    """A workbook whose sheet XML is cut off half-way (well compressed, badly formed)."""
    parts = _workbook_parts()
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet[: len(sheet) // 2]
    return _zip(parts)


def xlsx_dtd_entities() -> bytes:
    """A sheet XML declaring entities (the 'billion laughs' shape, 10 x 10 x 10 x 10)."""
    parts = _workbook_parts()
    sheet = parts["xl/worksheets/sheet1.xml"]
    dtd = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    )
    body = sheet.split(b"?>", 1)[1] if sheet.startswith(b"<?xml") else sheet
    parts["xl/worksheets/sheet1.xml"] = dtd + body.replace(b"<v>r01</v>", b"<v>&d;</v>")
    return _zip(parts)


def xlsx_big_inline_cell() -> bytes:
    """A workbook whose cell C5 is an inline string of 300 kB (the test lowers the cell limit
    to 100 kB; the default 1 MiB is the same check)."""
    parts = _workbook_parts()
    sheet = parts["xl/worksheets/sheet1.xml"]
    big = b'<c r="C5" t="inlineStr"><is><t>' + b"x" * 300_000 + b"</t></is></c>"
    parts["xl/worksheets/sheet1.xml"] = re.sub(rb'<c r="C5"[^>]*><v>\d+</v></c>', big, sheet)
    return _zip(parts)


def xlsx_big_shared_cell() -> bytes:
    """A workbook whose cell B4 is a shared string of 300 kB, in runs of 30 kB (calamine
    builds every shared string of a workbook when it opens it)."""
    parts = _workbook_parts()
    runs = b"".join(b"<r><t>" + b"y" * 30_000 + b"</t></r>" for _ in range(10))
    parts["xl/sharedStrings.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" '
        b'uniqueCount="2"><si><t>T2</t></si><si>' + runs + b"</si></sst>"
    )
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = re.sub(
        rb'<c r="B4" t="inlineStr"><is><t>[^<]*</t></is></c>',
        b'<c r="B4" t="s"><v>1</v></c>',
        sheet,
    )
    return _zip(parts)


def encrypted_workbook() -> bytes:
    """The shape of a password-protected workbook: an OLE2 file with an EncryptedPackage."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = "EncryptedPackage".encode("utf-16-le") + b"\x00" * 94
    return header + directory + b"\x00" * 1024


def small_sav() -> bytes:
    """A valid SPSS file: 8 cases of id, team, a1, a2."""
    import tempfile

    import pandas as pd
    import pyreadstat

    rows = _rows(8)
    frame = pd.DataFrame(
        {
            "id": [r[0] for r in rows[1:]],
            "team": [r[1] for r in rows[1:]],
            "a1": [float(r[2]) for r in rows[1:]],
            "a2": [float(r[3]) for r in rows[1:]],
        }
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "small.sav"
        pyreadstat.write_sav(frame, str(path))
        return path.read_bytes()


def sav_claims_50m_cases() -> bytes:
    """A 1 KB .sav whose header claims 50 million cases (before: 5.2 GB taken, then a failure)."""
    data = bytearray(small_sav())
    data[80:84] = (50_000_000).to_bytes(4, "little")  # the header's case count
    return bytes(data)


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CASES: tuple[Case, ...] = (
    Case("quote_runaway.csv", "1 quote runaway", quote_runaway, error="row 7"),
    Case("quote_swallows_rows.csv", "1 quote runaway", quote_swallows_rows, error="look like rows"),
    Case(
        "multiline_comment.csv",
        "1 records against lines",
        multiline_comment,
        rows_read=30,
        warning="written over several lines",
    ),
    Case(
        "plain_as_qualtrics.csv",
        "2 named format without its signature",
        plain_csv,
        args=("--format", "qualtrics"),
        error="found 4 column(s): 'id', 'team', 'a1', 'a2'",
    ),
    Case("long_header.csv", "3 header over the cell limit", long_header, error="MAX_CELL_BYTES"),
    Case(
        "big_cell.csv",
        "7 cell size",
        big_cell,
        args=("--group-column", "comment"),
        error="MAX_CELL_BYTES",
    ),
    Case(
        "nul_after_first_mib.csv",
        "3 one rule for NUL bytes",
        nul_after_first_mib,
        args=("--group-column", "team"),
        rows_read=120,
        warning="on line 81",
    ),
    Case(
        "nul_early.csv",
        "3 one rule for NUL bytes",
        nul_early,
        args=("--group-column", "team"),
        rows_read=30,
        warning="on line 4",
    ),
    Case("nul_dense.csv", "3 one rule for NUL bytes", nul_dense, error="not a text table"),
    Case(
        "mixed_encoding.csv",
        "4 mixed UTF-8 and cp1252",
        mixed_encoding,
        args=("--group-column", "team"),
        rows_read=30,
        warning="mixes two text encodings",
    ),
    Case(
        "email_groups.csv",
        "10 group values that are e-mails",
        email_groups,
        command="report-facts",
        error="look like personal identifiers (emails)",
    ),
    Case(
        "email_in_an_answer.csv",
        "10 identifiers in unusable answers",
        email_in_an_answer,
        rows_read=30,
        no_text=("jo.bloggs", "900123"),
    ),
    Case(
        "duplicate_group_header.csv",
        "4 duplicate group header",
        duplicate_group_header,
        args=("--group-column", "team"),
        error="names 2 columns",
    ),
    Case("named_pipe.csv", "7 FIFO input", named_pipe, error="not a regular file"),
    Case("xlsx_named.csv", "8 xlsx named .csv", xlsx_named_csv, rows_read=8),
    Case(
        "zip_bomb.xlsx",
        "7 xlsx zip bomb",
        xlsx_zip_bomb,
        error="COP_EVAL_MAX_XLSX_XML_BYTES",
        env={"COP_EVAL_MAX_XLSX_XML_BYTES": "1000000"},
    ),
    Case("dimension_lie.xlsx", "7 xlsx declaring A1:XFD1048576", xlsx_dimension_lie, rows_read=8),
    Case(
        "big_inline_cell.xlsx",
        "7 xlsx cell size, before calamine",
        xlsx_big_inline_cell,
        error="sheet 'Sheet', row 5, column C",
        env={"COP_EVAL_MAX_CELL_BYTES": "100000"},
    ),
    Case(
        "big_shared_cell.xlsx",
        "7 xlsx shared string size, before calamine",
        xlsx_big_shared_cell,
        error="sheet 'Sheet', row 4, column B",
        env={"COP_EVAL_MAX_CELL_BYTES": "100000"},
    ),
    Case("broken_deflate.xlsx", "8 broken deflate data", xlsx_broken_deflate, error="Excel"),
    Case("damaged_xml.xlsx", "8 damaged sheet XML", xlsx_damaged_xml, error="Excel"),
    Case("dtd_entities.xlsx", "8 DTD entities in sheet XML", xlsx_dtd_entities, rows_read=8),
    Case(
        "password.xlsx", "8 password-protected xlsx", encrypted_workbook, error="password-protected"
    ),
    Case("small.sav", "6 SPSS read in a child process", small_sav, rows_read=8),
    Case("claims_50m.sav", "7 .sav claiming 50 M cases", sav_claims_50m_cases, error="MAX_ROWS"),
    Case(
        "scale_1e9.yaml",
        "7 response scale range",
        _instrument(
            "response_scale: {min: 0, max: 1000000000, labels: {0: None, 1000000000: All}}"
        ),
        command="validate",
        error="COP_EVAL_MAX_SCALE_POINTS",
    ),
    Case(
        "same_label_twice.yaml",
        "4 two codes with one label",
        _instrument("response_scale: {min: 1, max: 3, labels: {1: 'No', 2: 'Yes', 3: 'yes'}}"),
        command="validate",
        error="codes 2 and 3 have the same label",
    ),
    Case(
        "deep.yaml",
        "7 deep YAML nesting",
        deep_yaml,
        command="validate",
        error="COP_EVAL_MAX_YAML_DEPTH",
    ),
    Case(
        "alias_bomb.yaml",
        "7 YAML alias bomb",
        alias_bomb,
        command="validate",
        error="COP_EVAL_MAX_YAML_NODES",
    ),
)


def write_corpus(directory: Path) -> dict[str, Path]:
    """Write every case (and ``instrument.yaml``) into ``directory``; returns name -> path."""
    import os

    directory.mkdir(parents=True, exist_ok=True)
    (directory / "instrument.yaml").write_text(INSTRUMENT_YAML, encoding="utf-8")
    paths: dict[str, Path] = {}
    for case in CASES:
        path = directory / case.name
        if case.build is named_pipe:
            if not path.exists():
                os.mkfifo(path)
        else:
            path.write_bytes(case.build())
        paths[case.name] = path
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.hostile.corpus DIR")
    for name, path in write_corpus(Path(sys.argv[1])).items():
        print(f"{name}: {path.stat().st_size if path.is_file() else 'fifo'}")
