"""Opening an export: which container it is (text, .xlsx, .sav, a DataFrame) and which reader
takes it."""

from __future__ import annotations

import stat
from pathlib import Path

import pandas as pd

from cop_eval.errors import DataImportError, option
from cop_eval.ingest.frame_source import FRAME_SOURCE, FrameSource
from cop_eval.ingest.layouts import FORMATS
from cop_eval.ingest.raw import ExportSource

__all__ = ["open_source"]


def _encrypted_ooxml(path: Path) -> bool:
    """Whether an OLE2 file is an encrypted Office Open XML package (Excel saves a workbook
    with a password as an OLE2 file holding an 'EncryptedPackage' stream, not as a zip)."""
    name = "EncryptedPackage".encode("utf-16-le")
    tail = b""
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):  # the directory may be anywhere in the file
                if name in tail + chunk:
                    return True
                tail = chunk[-len(name) :]
    except OSError:
        return False
    return False


def _sniff_container(path: Path, source: str) -> str:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError as exc:
        raise DataImportError(f"{source}: file not found; check the path.") from exc
    except OSError as exc:
        raise DataImportError(f"{source}: cannot read the file ({exc.strerror}).") from exc
    if stat.S_ISDIR(mode):
        raise DataImportError(f"{source}: is a folder; give the export file itself.")
    if not stat.S_ISREG(mode):
        # Opening a named pipe waits for a writer for ever; a device never ends.
        raise DataImportError(
            f"{source}: not a regular file (a named pipe, socket or device). Save the export "
            "as a file and give that file."
        )
    try:
        with path.open("rb") as handle:
            magic = handle.read(8)
    except IsADirectoryError as exc:
        raise DataImportError(f"{source}: is a folder; give the export file itself.") from exc
    except FileNotFoundError as exc:
        raise DataImportError(f"{source}: file not found; check the path.") from exc
    except OSError as exc:
        raise DataImportError(f"{source}: cannot read the file ({exc.strerror}).") from exc
    if magic.startswith(b"PK\x03\x04"):
        return "xlsx"
    if magic.startswith((b"$FL2", b"$FL3")):
        return "spss"
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        if _encrypted_ooxml(path):
            raise DataImportError(
                f"{source}: a password-protected (encrypted) Excel workbook, which cop-eval "
                "cannot open. Open it in Excel, remove the password (File > Info > Protect "
                "Workbook > Encrypt with Password: clear it), save it as .xlsx and retry."
            )
        raise DataImportError(
            f"{source}: an old Excel (.xls) file. Open it in Excel and save it as .xlsx, or "
            "export CSV."
        )
    if magic.startswith(b"%PDF"):
        raise DataImportError(f"{source}: a PDF, not a data export. Export CSV or Excel instead.")
    return "text"


def open_source(
    path: Path | pd.DataFrame, fmt: str | None = None, sheet: str | None = None
) -> ExportSource:
    """Open an export (a file, or a DataFrame already in memory) and read its header (format
    detected unless ``fmt`` names it).

    ``sheet`` names the sheet of an .xlsx workbook (default: the first).
    """
    source = FRAME_SOURCE if isinstance(path, pd.DataFrame) else str(path)
    if fmt is not None:
        fmt = fmt.strip().lower().replace("-", "_")
        if fmt not in FORMATS:
            raise DataImportError(
                f"{source}: unknown format '{fmt}'. Formats are: {', '.join(FORMATS)}; "
                f"or leave {option('format')} out to detect it."
            )
    if isinstance(path, pd.DataFrame):
        if sheet is not None:
            raise DataImportError(
                f"{source}: {option('sheet', sheet)} names a sheet of an Excel workbook, but a "
                f"DataFrame has none; leave {option('sheet')} out."
            )
        return FrameSource(path, fmt)
    container = _sniff_container(path, source)
    if fmt == "spss" and container != "spss":
        raise DataImportError(
            f"{source}: {option('format', 'spss')}, but this is not an SPSS .sav file."
        )
    if fmt == "xlsx" and container != "xlsx":
        raise DataImportError(
            f"{source}: {option('format', 'xlsx')}, but this is not an .xlsx workbook."
        )
    if sheet is not None and container != "xlsx":
        raise DataImportError(
            f"{source}: {option('sheet', sheet)} names a sheet of an Excel workbook, but this is "
            f"{'an SPSS file' if container == 'spss' else 'a text file'}, which has none; leave "
            f"{option('sheet')} out."
        )
    if container == "spss":
        from cop_eval.ingest.spss_source import SpssSource

        return SpssSource(path, source)
    if container == "xlsx":
        from cop_eval.ingest.excel_source import ExcelSource

        return ExcelSource(path, source, fmt, sheet)
    from cop_eval.ingest.csv_source import CsvSource

    return CsvSource(path, source, fmt)
