"""Uploaded survey exports: name and content checks, and staging on disk.

An upload is accepted only when its extension is one the importers read and its first bytes look
like that kind of file: an Excel workbook is a ZIP container (``PK\\x03\\x04``), an SPSS file starts
with ``$FL2``/``$FL3``, and a text export (CSV/TSV/TXT) has no NUL bytes unless it is UTF-16 with a
byte-order mark. Everything else gets a message that says what the file looks like instead.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cop_eval.errors import DataImportError

__all__ = ["ALLOWED_EXTENSIONS", "StagedUpload", "check_upload", "safe_filename", "stage_upload"]

#: Extensions the importers read, with what a user calls them.
ALLOWED_EXTENSIONS: dict[str, str] = {
    ".csv": "CSV",
    ".tsv": "tab-separated text",
    ".txt": "text export",
    ".xlsx": "Excel workbook",
    ".sav": "SPSS data file",
}

_SNIFF_BYTES = 8192
_UNSAFE = re.compile(r"[^\w. -]+")
#: The longest staged file name, in UTF-8 bytes (file systems allow 255).
MAX_NAME_BYTES = 200


@dataclass(frozen=True)
class StagedUpload:
    """An upload saved to the staging folder under a safe name, with the name the user gave."""

    path: Path
    original_name: str
    size: int


def safe_filename(name: str) -> str:
    """The last path component of ``name`` with anything but letters (of any alphabet), digits,
    ``._ -`` replaced; a long name is shortened before its extension (at most
    :data:`MAX_NAME_BYTES` bytes in UTF-8).

    Browsers send the file's own name; Windows browsers may send a full ``C:\\...`` path.

    Examples
    --------
    >>> safe_filename("Umfrage März 2026.csv")
    'Umfrage März 2026.csv'
    >>> len(safe_filename("x" * 300 + ".xlsx").encode()), safe_filename("x" * 300 + ".xlsx")[-5:]
    (200, '.xlsx')
    """
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    cleaned = _UNSAFE.sub("_", base).strip(" .")
    stem, dot, ext = cleaned.rpartition(".")
    suffix = f".{ext}" if dot and stem and 0 < len(ext) <= 8 else ""
    if not suffix:
        stem = cleaned
    while stem and len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    stem = stem.rstrip(" .")
    return stem + suffix if stem else "upload" + suffix


def _looks_like(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "an Excel workbook or another ZIP file"
    if head.startswith((b"$FL2", b"$FL3")):
        return "an SPSS data file"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Excel (.xls) or Word file"
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "a web page"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" not in head:
        return "text"
    return "a binary file"


def check_upload(name: str, head: bytes) -> str:
    """Check an upload's name and first bytes; return its lower-case extension.

    Raises
    ------
    DataImportError
        When the extension is not one the importers read, or the content is not that kind of
        file; the message says what was found and what to do.
    """
    suffix = Path(safe_filename(name)).suffix.lower()
    allowed = ", ".join(ALLOWED_EXTENSIONS)
    if not head:
        raise DataImportError(f"{name}: the file is empty. Export the survey responses again.")
    looks = _looks_like(head[:_SNIFF_BYTES])
    if suffix == ".xls":
        raise DataImportError(
            f"{name}: old Excel (.xls) files cannot be read. Open it in Excel and save it as "
            "an Excel workbook (.xlsx) or CSV."
        )
    if suffix not in ALLOWED_EXTENSIONS:
        raise DataImportError(
            f"{name}: files ending in '{suffix or '(no extension)'}' cannot be imported. "
            f"Upload the survey export as one of: {allowed}."
        )
    expected = {".xlsx": "an Excel workbook or another ZIP file", ".sav": "an SPSS data file"}
    wanted = expected.get(suffix, "text")
    if looks != wanted:
        kind = ALLOWED_EXTENSIONS[suffix]
        hint = ""
        if looks == "an Excel workbook or another ZIP file":
            hint = " If it is an Excel workbook, rename it to end in .xlsx."
        elif looks == "an SPSS data file":
            hint = " If it is an SPSS file, rename it to end in .sav."
        elif looks == "text":
            hint = " If it is a CSV export, rename it to end in .csv."
        raise DataImportError(
            f"{name}: the name says {kind}, but the content looks like {looks}.{hint}"
        )
    return suffix


def stage_upload(folder: Path, name: str, content: bytes) -> StagedUpload:
    """Check the upload and save it under a fresh sub-folder of ``folder`` (mode 0700).

    The staged copy may hold raw identifiers (e.g. e-mail addresses): it lives only until the
    wave is accepted or discarded.
    """
    check_upload(name, content[:_SNIFF_BYTES])
    target_dir = folder / secrets.token_hex(8)
    target_dir.mkdir(mode=0o700, parents=True)
    path = target_dir / safe_filename(name)
    path.write_bytes(content)
    return StagedUpload(path=path, original_name=safe_filename(name), size=len(content))
