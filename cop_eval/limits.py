"""Resource limits on what a file may make cop-eval do (memory, time), each with its reason.

A small hostile or damaged file must not take a practitioner's laptop or the web server: an
.xlsx zip bomb, a sheet declaring a million rows, a .sav claiming fifty million cases, a 1 GB
cell, a YAML scale from 0 to a billion, YAML nested 100,000 deep. Every reader checks the
limit *before* it spends the memory, and refuses with the limit's name, its value and how to
raise it: each limit is read from an environment variable (``COP_EVAL_MAX_CELL_BYTES=4000000``),
so a command, a script and the web server are raised the same way.

The defaults sit well above real survey exports (the NHS Staff Survey, the largest, has about
707,000 respondents and fewer than 300 questions) and well below what hurts a laptop.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["LIMITS", "Limit", "limit", "over_limit"]


@dataclass(frozen=True)
class Limit:
    """One limit: its environment variable, default, unit and why it is set there."""

    name: str
    default: int
    unit: str
    what: str
    why: str

    @property
    def variable(self) -> str:
        """The environment variable that raises it (``COP_EVAL_MAX_CELL_BYTES``)."""
        return f"COP_EVAL_{self.name.upper()}"

    @property
    def value(self) -> int:
        """The limit in force: the environment variable when set to a whole number, else the
        default."""
        text = os.environ.get(self.variable, "").strip().replace("_", "")
        if text.isdigit() and int(text) > 0:
            return int(text)
        return self.default

    def describe(self) -> str:
        """``"1,048,576 bytes in one cell (COP_EVAL_MAX_CELL_BYTES)"``."""
        return f"{self.value:,} {self.unit} {self.what} ({self.variable})"

    def how_to_raise(self) -> str:
        """The sentence that says how to raise the limit."""
        return (
            f"If the file is genuine, raise the limit with the environment variable "
            f"{self.variable} (now {self.value}), e.g. {self.variable}={self.value * 4}."
        )


_MIB = 1 << 20

LIMITS: dict[str, Limit] = {
    lim.name: lim
    for lim in (
        Limit(
            "max_cell_bytes",
            _MIB,
            "bytes",
            "in one cell",
            "Excel holds at most 32,767 characters in a cell and survey platforms cap open "
            "answers at about 20,000; 1 MiB is 30 times that, and a cell of 1 GB would need "
            "about 20 GB of memory to read.",
        ),
        Limit(
            "max_columns",
            16_384,
            "columns",
            "in a table",
            "Excel's own column limit (XFD); the largest real surveys have a few hundred.",
        ),
        Limit(
            "max_header_bytes",
            16 * _MIB,
            "bytes",
            "in the header rows of a text export",
            "A Qualtrics header of 2,000 questions with their full text is about 1 MB.",
        ),
        Limit(
            "max_rows",
            5_000_000,
            "rows",
            "in a sheet or SPSS file",
            "Seven times the largest staff survey (NHS, about 707,000 respondents); Excel "
            "itself stops at 1,048,576 rows.",
        ),
        Limit(
            "max_cells",
            60_000_000,
            "cells (rows x columns)",
            "in a sheet or SPSS file",
            "The NHS Staff Survey in one file is about 707,000 x 85 answers; reading an Excel "
            "sheet costs about 100 bytes a cell, so 60 million cells is about 6 GB.",
        ),
        Limit(
            "max_xlsx_xml_bytes",
            2048 * _MIB,
            "bytes",
            "of uncompressed sheet data in an .xlsx workbook",
            "An Excel export of 50,000 respondents x 100 questions unpacks to about 150 MB; a "
            "zip bomb of 10 MB unpacks to gigabytes.",
        ),
        Limit(
            "max_xlsx_ratio",
            200,
            "times",
            "compression of an .xlsx part larger than 64 MiB",
            "Survey workbooks compress 5 to 30 times; zip bombs compress hundreds of times.",
        ),
        Limit(
            "max_yaml_bytes",
            8 * _MIB,
            "bytes",
            "in a YAML file (instrument, mapping, codebook)",
            "The largest built-in instrument is about 30 KB.",
        ),
        Limit(
            "max_yaml_depth",
            64,
            "levels",
            "of nesting in a YAML file",
            "An instrument is nested 5 levels deep; Python's parser fails at about 1,000.",
        ),
        Limit(
            "max_yaml_nodes",
            1_000_000,
            "values",
            "in a YAML file once its aliases are expanded",
            "Guards against alias bombs ('billion laughs'): 10 aliases of 10 aliases of ... "
            "expand a 1 KB file to 10^9 values.",
        ),
        Limit(
            "max_scale_points",
            100_001,
            "points",
            "on a response scale",
            "Rating scales have 2 to 11 points and slider scales 0-100 or 0-1000; a scale from "
            "0 to 10^9 would make every per-value table a billion rows long.",
        ),
    )
}


def limit(name: str) -> int:
    """The value in force of the limit ``name`` (a key of :data:`LIMITS`)."""
    return LIMITS[name].value


def over_limit(name: str, where: str, found: str) -> str:
    """The message for a limit that was hit: where, what was found, the limit and how to raise it.

    Examples
    --------
    >>> print(over_limit("max_columns", "data.csv", "20,000 columns"))  # doctest: +ELLIPSIS
    data.csv: 20,000 columns is over the limit of 16,384 columns in a table (COP_EVAL_MAX_COLUMNS)...
    """
    lim = LIMITS[name]
    return (
        f"{where}: {found} is over the limit of {lim.describe()}, set because: {lim.why} "
        f"{lim.how_to_raise()}"
    )
