"""Cell values of attendance registers: attended yes/no (or minutes) and meeting dates.

Registers are kept by hand, so the words vary ("Yes", "x", "apologies", "DNA") and numeric dates
may be day first (UK) or month first (US); the order is taken from the data where it can be.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence

from cop_eval.errors import DataImportError

__all__ = ["parse_attended", "parse_dates", "parse_minutes"]

_YES = frozenset(
    [
        "yes",
        "y",
        "true",
        "1",
        "x",
        "✓",
        "✔",
        "present",
        "attended",
        "p",
        "in person",
        "online",
        "remote",
        "virtual",
        "late",
    ]
)
_NO = frozenset(
    [
        "no",
        "n",
        "false",
        "0",
        "absent",
        "a",
        "apologies",
        "apols",
        "sent apologies",
        "did not attend",
        "dna",
        "-",
        "–",
        "not attended",
        "no show",
    ]
)
_MONTH_NAMES = (
    "jan january|feb february|mar march|apr april|may|jun june|jul july|aug august|"
    "sep sept september|oct october|nov november|dec december"
)
_MONTHS = {
    name: number
    for number, names in enumerate(_MONTH_NAMES.split("|"), start=1)
    for name in names.split()
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:[ T].*)?$")
_DAY_MONTH = re.compile(r"^(?:[a-z]+,?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$")
_MONTH_DAY = re.compile(r"^(?:[a-z]+,?\s+)?([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")


def parse_attended(text: str) -> tuple[bool, float | None] | None:
    """``(attended, minutes)`` from a cell: yes/no words, x or a tick, or minutes.

    Returns ``None`` for a value that is none of these. A number other than 0 and 1 is a
    number of minutes (attended when above 0).

    Examples
    --------
    >>> parse_attended("Yes"), parse_attended("apologies"), parse_attended("90")
    ((True, None), (False, None), (True, 90.0))
    >>> parse_attended("maybe") is None
    True
    """
    word = " ".join(text.strip().casefold().split())
    if word in _YES:
        return True, None
    if word in _NO:
        return False, None
    try:
        minutes = float(word.replace(",", "."))
    except ValueError:
        return None
    if not math.isfinite(minutes) or minutes < 0:
        return None
    return minutes > 0, minutes


def parse_minutes(text: str) -> tuple[bool, float] | None:
    """``(attended, minutes)`` from a minutes cell (a decimal comma is read too); attended when
    above 0. ``None`` for anything but a number of 0 or more.

    Examples
    --------
    >>> parse_minutes("0"), parse_minutes("90,5"), parse_minutes("yes")
    ((False, 0.0), (True, 90.5), None)
    """
    try:
        minutes = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    if not math.isfinite(minutes) or minutes < 0:
        return None
    return minutes > 0, minutes


def _numeric_parts(text: str) -> tuple[int, int, int] | None:
    found = _NUMERIC.match(text.strip())
    if found is None:
        return None
    a, b, year = (int(g) for g in found.groups())
    return a, b, year + 2000 if year < 100 else year


def _one_date(text: str, day_first: bool) -> dt.date | None:
    value = " ".join(text.strip().casefold().split())
    try:
        if found := _ISO.match(value):
            return dt.date(*(int(g) for g in found.groups()))
        if (parts := _numeric_parts(value)) is not None:
            a, b, year = parts
            day, month = (a, b) if day_first else (b, a)
            return dt.date(year, month, day)
        if found := _DAY_MONTH.match(value):
            d, m, y = found.groups()
            return dt.date(int(y), _MONTHS[m], int(d)) if m in _MONTHS else None
        if found := _MONTH_DAY.match(value):
            m, d, y = found.groups()
            return dt.date(int(y), _MONTHS[m], int(d)) if m in _MONTHS else None
    except ValueError:  # 31 February
        return None
    return None


def parse_dates(
    texts: Sequence[str], day_first: bool | None = None
) -> tuple[list[dt.date | None], str | None]:
    """Parse meeting dates; returns the dates (``None`` where unreadable) and a warning.

    ISO dates (2025-03-11), day and month names (11 March 2025, Mar 11, 2025) and numeric dates
    (11/03/2025, 11.03.25). For numeric dates the order is taken from the data: a first number
    above 12 means day first, a second number above 12 month first. When every date could be
    either, ``day_first`` decides (default: day first, as in the UK), with a warning.

    Raises
    ------
    DataImportError
        Numeric dates in both orders in the same column.

    Examples
    --------
    >>> parse_dates(["2025-03-11", "14/04/2025"])[0]
    [datetime.date(2025, 3, 11), datetime.date(2025, 4, 14)]
    """
    parts = [p for t in texts if (p := _numeric_parts(t)) is not None]
    says_day = any(a > 12 for a, _, _ in parts)
    says_month = any(b > 12 for _, b, _ in parts)
    if says_day and says_month:
        raise DataImportError(
            "the meeting dates are written both day first (e.g. 14/03) and month first (e.g. "
            "03/14) in the same column; write them one way, best as 2025-03-14."
        )
    warning = None
    if says_day or says_month:
        order = says_day
        if day_first is not None and day_first != order:
            which = "day" if order else "month"
            raise DataImportError(
                f"the meeting dates are written {which} first (a number above 12 in that "
                "place), not as was said; leave the date order out to take it from the data."
            )
    elif day_first is None and any(a != b for a, b, _ in parts):
        order = True
        warning = (
            "numeric meeting dates such as 03/04/2025 were read day first (3 April 2025); "
            "if they are month first, say so (month first)."
        )
    else:
        order = True if day_first is None else day_first
    return [_one_date(t, order) if t.strip() else None for t in texts], warning
