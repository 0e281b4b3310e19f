"""Number formatting for the report: small pure functions, registered as Jinja filters.

Templates never compute; they format model values with these filters. Conventions (APA style,
as board readers in HR expect from survey reports):

- missing values print as an en dash ``–``;
- negative numbers use the true minus sign ``−`` (U+2212), so columns line up;
- p values and reliability coefficients drop the leading zero (``.034``, ``.82``), p below
  .001 prints as ``< .001``;
- confidence intervals print as ``[lo, hi]``;
- proportions (0..1) print as whole percentages unless asked for decimals.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from cop_eval.report.model import Cell, Column, Row

__all__ = [
    "FILTERS",
    "MISSING",
    "ROUNDING_NOTE",
    "SUPPRESSED",
    "fmt_alpha",
    "fmt_cell",
    "fmt_change",
    "fmt_ci",
    "fmt_int",
    "fmt_n",
    "fmt_number",
    "fmt_p",
    "fmt_percent",
    "fmt_percent_ci",
    "fmt_signed",
    "n_range",
    "row_groups",
]

MISSING = "–"
SUPPRESSED = "suppressed"
MINUS = "−"


#: Said wherever a difference is printed beside the two means it is the difference of: the
#: report rounds for print only, so the printed gap may be 0.01 away from the printed means'.
ROUNDING_NOTE = (
    "Every figure is worked out from unrounded values and rounded only for print, so a "
    "difference can be 0.01 away from the difference of the two rounded means beside it; the "
    "exported tables (CSV and XLSX) keep every value unrounded."
)


def _usable(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return False
    return isinstance(value, int | float) and math.isfinite(value)


def _with_minus(text: str) -> str:
    return MINUS + text[1:] if text.startswith("-") else text


def fmt_number(value: Any, decimals: int = 2) -> str:
    """A decimal number: ``fmt_number(3.456) == "3.46"``, ``fmt_number(-0.5, 1) == "−0.5"``.

    A value that rounds to zero prints without a sign (``-0.001`` → ``"0.00"``).
    """
    if not _usable(value):
        return MISSING
    text = f"{float(value):,.{decimals}f}"
    if float(text.replace(",", "")) == 0:
        text = text.lstrip("-")
    return _with_minus(text)


def fmt_int(value: Any) -> str:
    """A count with thousands separators: ``fmt_int(12345) == "12,345"``."""
    if not _usable(value):
        return MISSING
    return _with_minus(f"{round(float(value)):,d}")


def n_range(low: Any, high: Any) -> str:
    """A count, or the range of counts when they differ: ``n_range(7, 8) == "7–8"``,
    ``n_range(8, 8) == "8"``, ``n_range(None, 8) == "8"``."""
    if _usable(low) and _usable(high) and round(float(low)) < round(float(high)):
        return f"{fmt_int(low)}–{fmt_int(high)}"
    return fmt_int(high)


def fmt_percent(value: Any, decimals: int = 0) -> str:
    """A proportion as a percentage: ``fmt_percent(0.456) == "46%"``."""
    if not _usable(value):
        return MISSING
    return fmt_number(float(value) * 100, decimals) + "%"


def fmt_percent_ci(value: Any, lo: Any, hi: Any, decimals: int = 0) -> str:
    """A proportion with its interval: ``fmt_percent_ci(0.29, 0.17, 0.46) == "29% [17–46%]"``."""
    if not _usable(value):
        return MISSING
    if not (_usable(lo) and _usable(hi)):
        return fmt_percent(value, decimals)
    low = fmt_number(float(lo) * 100, decimals)
    return f"{fmt_percent(value, decimals)} [{low}–{fmt_percent(hi, decimals)}]"


def fmt_signed(value: Any, decimals: int = 2) -> str:
    """A difference with its sign: ``"+0.25"``, ``"−0.10"``; zero prints as ``"0.00"``."""
    if not _usable(value):
        return MISSING
    text = fmt_number(value, decimals)
    if not text.startswith(MINUS) and float(text.replace(",", "")) != 0:
        text = "+" + text
    return text


def fmt_ci(lo: Any, hi: Any, decimals: int = 2) -> str:
    """A confidence interval: ``fmt_ci(3.1, 3.62) == "[3.10, 3.62]"``; missing → ``"–"``."""
    if not (_usable(lo) and _usable(hi)):
        return MISSING
    return f"[{fmt_number(lo, decimals)}, {fmt_number(hi, decimals)}]"


def fmt_p(value: Any) -> str:
    """A p value, APA style: ``.034``, ``< .001``, ``1.000`` → ``"1"``; missing → ``"–"``."""
    if not _usable(value):
        return MISSING
    p = float(value)
    if p < 0.001:
        return "< .001"
    if p >= 0.9995:
        return "1"
    return f"{p:.3f}".lstrip("0")


def fmt_alpha(value: Any) -> str:
    """A reliability coefficient without the leading zero: ``.82``; negative keeps its sign."""
    if not _usable(value):
        return MISSING
    text = f"{float(value):.2f}"
    if text in ("1.00", "-1.00"):
        return _with_minus(text)
    return _with_minus(text.replace("0.", ".", 1))


def fmt_change(value: Any, decimals: int = 2) -> str:
    """A change with an arrow for its sign: ``"▲ +0.25"``, ``"▼ −0.10"``, ``"0.00"``, ``"–"``."""
    text = fmt_signed(value, decimals)
    if text.startswith("+"):
        return "▲ " + text
    if text.startswith(MINUS):
        return "▼ " + text
    return text


def row_groups(rows: Sequence[Row]) -> list[list[Row]]:
    """Rows in their groups: a row whose first cell is blank continues the row above's group.

    The template prints each group as one ``<tbody>`` that is kept on one page (per-wave
    tables print a scale's name on its first row only).
    """
    groups: list[list[Row]] = []
    for row in rows:
        first = row.cells[0].value if row.cells else None
        if groups and first == "" and not row.cells[0].suppressed:
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def fmt_n(value: Any) -> str:
    """A sample size label: ``fmt_n(45) == "n = 45"``."""
    return f"n = {fmt_int(value)}"


def fmt_cell(cell: Cell, column: Column) -> str:
    """Format a table cell by its column's kind; a suppressed cell prints why it is hidden (its
    note, e.g. "hidden: protects a smaller group"), or ``"suppressed"``."""
    if cell.suppressed:
        return cell.note or SUPPRESSED
    kind = column.kind
    decimals = column.decimals if column.decimals is not None else (0 if kind == "percent" else 2)
    if kind == "ci":
        return fmt_ci(cell.lo, cell.hi, decimals)
    value = cell.value
    if kind == "text":
        return MISSING if value is None else str(value)
    if isinstance(value, str):
        return value
    if kind == "int":
        return fmt_int(value)
    if kind == "percent":
        if _usable(cell.lo) and _usable(cell.hi):
            return fmt_percent_ci(value, cell.lo, cell.hi, decimals)
        return fmt_percent(value, decimals)
    if kind == "p":
        return fmt_p(value)
    if kind == "signed":
        return fmt_signed(value, decimals)
    if kind == "alpha":
        if _usable(cell.lo) and _usable(cell.hi):  # with its interval: ".85 [.78, .90]"
            return f"{fmt_alpha(value)} [{fmt_alpha(cell.lo)}, {fmt_alpha(cell.hi)}]"
        return fmt_alpha(value)
    return fmt_number(value, decimals)


FILTERS: dict[str, Callable[..., Any]] = {
    "number": fmt_number,
    "integer": fmt_int,
    "percent": fmt_percent,
    "percent_ci": fmt_percent_ci,
    "signed": fmt_signed,
    "ci": fmt_ci,
    "p": fmt_p,
    "alpha": fmt_alpha,
    "n": fmt_n,
    "cell": fmt_cell,
    "change": fmt_change,
    "row_groups": row_groups,
}
