"""Opening an export: which container it is (text, .xlsx, .sav) and which reader takes it."""

from __future__ import annotations

from pathlib import Path

from cop_eval.errors import DataImportError
from cop_eval.ingest.layouts import FORMATS
from cop_eval.ingest.raw import Source

__all__ = ["open_source"]


def _sniff_container(path: Path, source: str) -> str:
    try:
        with path.open("rb") as handle:
            magic = handle.read(8)
    except IsADirectoryError:
        raise DataImportError(f"{source}: is a folder; give the export file itself.") from None
    except FileNotFoundError:
        raise DataImportError(f"{source}: file not found; check the path.") from None
    except OSError as exc:
        raise DataImportError(f"{source}: cannot read the file ({exc.strerror}).") from None
    if magic.startswith(b"PK\x03\x04"):
        return "xlsx"
    if magic.startswith((b"$FL2", b"$FL3")):
        return "spss"
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataImportError(
            f"{source}: an old Excel (.xls) file. Open it in Excel and save it as .xlsx, or "
            "export CSV."
        )
    if magic.startswith(b"%PDF"):
        raise DataImportError(f"{source}: a PDF, not a data export. Export CSV or Excel instead.")
    return "text"


def open_source(path: Path, fmt: str | None = None, sheet: str | None = None) -> Source:
    """Open an export and read its header (format detected unless ``fmt`` names it).

    ``sheet`` names the sheet of an .xlsx workbook (default: the first).
    """
    source = str(path)
    if fmt is not None:
        fmt = fmt.strip().lower().replace("-", "_")
        if fmt not in FORMATS:
            raise DataImportError(
                f"{source}: unknown format '{fmt}'. Formats are: {', '.join(FORMATS)}; "
                "or leave --format out to detect it."
            )
    container = _sniff_container(path, source)
    if fmt == "spss" and container != "spss":
        raise DataImportError(f"{source}: --format spss, but this is not an SPSS .sav file.")
    if fmt == "xlsx" and container != "xlsx":
        raise DataImportError(f"{source}: --format xlsx, but this is not an .xlsx workbook.")
    if sheet is not None and container != "xlsx":
        raise DataImportError(
            f"{source}: --sheet {sheet!r} names a sheet of an Excel workbook, but this is "
            f"{'an SPSS file' if container == 'spss' else 'a text file'}, which has none; leave "
            "--sheet out."
        )
    if container == "spss":
        from cop_eval.ingest.spss_source import SpssSource

        return SpssSource(path, source)
    if container == "xlsx":
        from cop_eval.ingest.excel_source import ExcelSource

        return ExcelSource(path, source, fmt, sheet)
    from cop_eval.ingest.csv_source import CsvSource

    return CsvSource(path, source, fmt)
