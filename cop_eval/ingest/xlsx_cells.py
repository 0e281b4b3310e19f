"""The cell-size limit on the .xlsx path, checked before calamine builds a single cell.

python-calamine has no cell-size option: it materialises every shared string of the workbook and
every cell of the sheet, so one 1 GB cell costs many GB before any check could see it. This
pre-pass streams the two XML parts calamine would read (``xl/sharedStrings.xml`` and the sheet's
part, inline strings included) through zipfile in 4 MiB pieces and measures, without holding any
text, the distance from each shared string (``<si``) or cell (``<c``) to the next: an element is
never longer than that, and numpy finds the distances of a whole piece at once. Only when one is
over ``max_cell_bytes`` is the part parsed again with expat (counting the character data of each
shared string or cell, never keeping it) to say which sheet, row and column holds it.
"""

from __future__ import annotations

import re
import xml.parsers.expat
import zipfile
from collections.abc import Callable
from typing import IO

import numpy as np

from cop_eval.errors import DataImportError
from cop_eval.limits import limit, over_limit

__all__ = ["check_cell_bytes", "sheet_part", "spans_over"]

_CHUNK = 1 << 22
_LT, _GT = 60, 62  # "<" and ">"
_REF = re.compile(r"([A-Z]+)(\d+)")


def spans_over(handle: IO[bytes], cap: int, tag: bytes) -> bool:
    """Whether some ``tag`` element of the XML in ``handle`` may be longer than ``cap`` bytes:
    the distance from one ``<tag`` to the next (or to the end) is never shorter than the
    element, so a no is certain; a yes is then checked exactly."""
    width = len(tag)
    offset = 0
    last: int | None = None  # where the latest element started (absolute offset)
    while chunk := handle.read(_CHUNK):
        a = np.frombuffer(chunk, dtype=np.uint8)
        lt = np.flatnonzero(a[: max(len(a) - width - 1, 0)] == _LT)
        hit = np.ones(lt.size, dtype=bool)
        for k, byte in enumerate(tag, 1):
            hit &= a[lt + k] == byte
        after = a[lt + width + 1]
        hit &= (after == _GT) | (after == 32) | (after == 47)  # "<c>", "<c r=...", "<c/>"
        starts = lt[hit].astype(np.int64) + offset
        if starts.size:
            if last is not None and starts[0] - last > cap:
                return True
            if starts.size > 1 and int(np.diff(starts).max()) > cap:
                return True
            last = int(starts[-1])
        offset += len(chunk)
        if last is not None and offset - last > cap:
            return True
    return False


def _column_row(ref: str) -> tuple[str, int]:
    found = _REF.match(ref or "")
    return (found[1], int(found[2])) if found else ("?", 0)


class _Stop(Exception):
    pass


def _parse(handle: IO[bytes], start: Callable[..., None], end: Callable[[str], None],
           text: Callable[[str], None]) -> None:  # fmt: skip
    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        while chunk := handle.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Stop:
        return
    except xml.parsers.expat.ExpatError:
        return  # a damaged part: calamine's own error says so


def _oversized_strings(handle: IO[bytes], cap: int) -> set[int]:
    """The numbers of the shared strings longer than ``cap`` bytes (UTF-8)."""
    state = {"index": -1, "size": 0}
    found: set[int] = set()

    def start(name: str, attrs: dict[str, str]) -> None:
        if name.rsplit(":", 1)[-1] == "si":
            state["index"] += 1
            state["size"] = 0

    def text(data: str) -> None:
        state["size"] += len(data.encode("utf-8"))
        if state["size"] > cap:
            found.add(state["index"])

    _parse(handle, start, lambda name: None, text)
    return found


def _oversized_cell(handle: IO[bytes], cap: int, shared: set[int]) -> tuple[str, int] | None:
    """The column and row of the first cell over ``cap`` bytes, or that holds one of the
    ``shared`` strings; ``None`` when there is none."""
    state: dict[str, object] = {"ref": "", "type": "", "size": 0, "value": ""}
    where: list[tuple[str, int]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = name.rsplit(":", 1)[-1]
        if tag == "c":
            state.update(ref=attrs.get("r", ""), type=attrs.get("t", ""), size=0, value="")

    def text(data: str) -> None:
        size = int(state["size"]) + len(data.encode("utf-8"))  # type: ignore[call-overload]
        state["size"] = size
        if size > cap:
            where.append(_column_row(str(state["ref"])))
            raise _Stop
        if state["type"] == "s" and size < 12:
            state["value"] = f"{state['value']}{data}"

    def end(name: str) -> None:
        if name.rsplit(":", 1)[-1] == "c" and state["type"] == "s" and shared:
            value = str(state["value"]).strip()
            if value.isdigit() and int(value) in shared:
                where.append(_column_row(str(state["ref"])))
                raise _Stop

    _parse(handle, start, end, text)
    return where[0] if where else None


def _attributes(archive: zipfile.ZipFile, part: str, tag: str) -> list[dict[str, str]]:
    """The attributes of every ``tag`` element of a small XML part (workbook, relationships)."""
    found: list[dict[str, str]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name.rsplit(":", 1)[-1] == tag:
            found.append({k.rsplit(":", 1)[-1]: v for k, v in attrs.items()})

    with archive.open(part) as handle:
        _parse(handle, start, lambda name: None, lambda data: None)
    return found


def sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The archive member holding the sheet named ``sheet`` (``None`` when not found)."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None
    ids = {a.get("name"): a.get("id") for a in _attributes(archive, "xl/workbook.xml", "sheet")}
    rels = _attributes(archive, "xl/_rels/workbook.xml.rels", "Relationship")
    targets = {a.get("Id"): a.get("Target", "") for a in rels}
    target = targets.get(ids.get(sheet))
    if not target:
        return None
    member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return member if member in names else None


def check_cell_bytes(archive: zipfile.ZipFile, part: str, sheet: str, source: str) -> None:
    """Refuse a workbook with a cell over ``max_cell_bytes`` in the sheet stored in ``part``,
    or a shared string over it (calamine reads every shared string), naming the cell.

    Raises
    ------
    DataImportError
        With the sheet, row and column, the limit and how to raise it.
    """
    cap = limit("max_cell_bytes")
    names = set(archive.namelist())
    strings = "xl/sharedStrings.xml"
    shared: set[int] = set()
    if strings in names:
        with archive.open(strings) as handle:
            if spans_over(handle, cap, b"si"):
                with archive.open(strings) as again:
                    shared = _oversized_strings(again, cap)
    with archive.open(part) as handle:
        suspect = bool(shared) or spans_over(handle, cap, b"c")
    if not suspect:
        return
    with archive.open(part) as handle:
        cell = _oversized_cell(handle, cap, shared)
    if cell is not None:
        column, row = cell
        where = f"{source}, sheet {sheet!r}, row {row}, column {column}"
    elif shared:
        where = f"{source}, shared text number {min(shared) + 1} (used by no cell of {sheet!r})"
    else:
        return  # a long tag, not a cell: the other limits apply
    raise DataImportError(over_limit("max_cell_bytes", where, f"a cell of more than {cap:,} bytes"))
