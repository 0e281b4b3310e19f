"""The coding sheet: redacted comments out to a coder (xlsx), their codes back in.

Thematic analysis is done by people: a coder reads each comment and marks its themes. The sheet
``Coding`` has one row per comment (``comment id``, ``wave``, ``question``, the redacted
``comment``, the ``suggested themes`` of the automatic coding) and one column per theme of the
codebook, headed by the theme id, where the coder writes ``1`` (or ``x``, ``yes``) for each theme
the comment has; a second sheet lists the codebook. :func:`read_sheet` reads a coded sheet back,
checking every comment id and every mark, and names the cell of any problem.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cop_eval.comments.analysis import Comment
from cop_eval.comments.codebook import Codebook
from cop_eval.errors import DataImportError
from cop_eval.outputs import write_atomic

__all__ = ["SheetCodes", "read_sheet", "write_sheet"]

_FIXED = ("comment id", "wave", "question", "comment", "suggested themes")
_YES = {"1", "x", "yes", "y", "true", "✓", "✔"}
_NO = {"", "0", "no", "n", "false", "-"}


@dataclass(frozen=True)
class SheetCodes:
    """The codes read from a coded sheet: comment id → theme ids the coder marked."""

    coder: str | None
    codes: dict[str, tuple[str, ...]]


def write_sheet(comments: Sequence[Comment], codebook: Codebook, path: Path) -> int:
    """Write a coding sheet; returns the number of comments in it.

    ``comments`` must already be redacted and cleared for showing (the caller applies the
    comment threshold).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Coding"
    ws.append(["coder", ""])
    ws["A1"].font = Font(bold=True)
    ws.append([])
    header = [*_FIXED, *codebook.theme_ids]
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for c in comments:
        ws.append(
            [
                c.key,
                c.wave,
                c.question,
                c.text,
                ", ".join(c.themes),
                *([None] * len(codebook.theme_ids)),
            ]
        )
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["D"].width = 70
    ws.column_dimensions["E"].width = 28
    for row in ws.iter_rows(min_row=4, min_col=4, max_col=4):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "E4"
    book = wb.create_sheet("Codebook")
    book.append(["theme", "label", "stage", "le May factor", "definition"])
    for theme in codebook.themes:
        book.append([theme.id, theme.label, theme.stage, theme.factor, theme.definition])
    content = io.BytesIO()
    wb.save(content)
    write_atomic(path, content.getvalue(), "the coding sheet")
    return len(comments)


def read_sheet(path: Path, codebook: Codebook, known: set[str]) -> SheetCodes:
    """Read a coded sheet. ``known`` are the comment ids that may appear.

    Raises
    ------
    DataImportError
        Not a coding sheet, an unknown comment id or theme column, or a mark that is neither
        yes nor no (the message names the cell).
    """
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise DataImportError(f"{path}: file not found; check the path.") from None
    except Exception as exc:  # openpyxl raises many types for a file that is not xlsx
        raise DataImportError(f"{path}: not an Excel workbook ({exc}).") from None
    if "Coding" not in wb.sheetnames:
        raise DataImportError(
            f"{path}: no sheet named 'Coding'; write the sheet with `cop-eval comments export` "
            "and code it there."
        )
    rows = [list(r) for r in wb["Coding"].iter_rows(values_only=True)]
    wb.close()
    coder = str(rows[0][1]).strip() if rows and len(rows[0]) > 1 and rows[0][1] else None
    start = next((k for k, r in enumerate(rows) if r and r[0] == "comment id"), None)
    if start is None:
        raise DataImportError(f"{path}: sheet 'Coding' has no header row starting 'comment id'.")
    header = [str(h).strip() if h is not None else "" for h in rows[start]]
    themes = [h for h in header[len(_FIXED) :] if h]
    unknown = sorted(set(themes) - set(codebook.theme_ids))
    if unknown:
        raise DataImportError(
            f"{path}: theme column(s) {', '.join(unknown)} are not in codebook {codebook.id} "
            f"(its themes: {', '.join(codebook.theme_ids)}); use the same codebook as for export."
        )
    position = {h: k for k, h in enumerate(header) if h in themes}
    codes: dict[str, tuple[str, ...]] = {}
    for offset, row in enumerate(rows[start + 1 :], start=start + 2):
        if not row or row[0] is None or str(row[0]).strip() == "":
            continue
        key = str(row[0]).strip()
        if key not in known:
            raise DataImportError(
                f"{path}, sheet Coding, cell A{offset}: comment id {key!r} is not a comment of "
                "this project (was the sheet exported from another project, or the id edited?)."
            )
        marked = []
        for theme, col in position.items():
            value = row[col] if col < len(row) else None
            text = "" if value is None else str(value).strip().casefold()
            if text in _YES:
                marked.append(theme)
            elif text not in _NO:
                cell = f"{get_column_letter(col + 1)}{offset}"
                raise DataImportError(
                    f"{path}, sheet Coding, cell {cell} (theme {theme}): {value!r} is not a mark; "
                    "write 1 when the comment has the theme and leave it empty when not."
                )
        codes[key] = tuple(marked)
    return SheetCodes(coder, codes)
