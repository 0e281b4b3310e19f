"""The Jinja number filters (cop_eval.report.filters)."""

from __future__ import annotations

import math

import pytest

from cop_eval.report.filters import (
    fmt_alpha,
    fmt_cell,
    fmt_ci,
    fmt_int,
    fmt_n,
    fmt_number,
    fmt_p,
    fmt_percent,
    fmt_signed,
)
from cop_eval.report.model import Cell, Column


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (3.456, 2, "3.46"),
        (-0.5, 1, "−0.5"),
        (-0.001, 2, "0.00"),
        (1234.5, 1, "1,234.5"),
        (None, 2, "–"),
        (math.nan, 2, "–"),
        (math.inf, 2, "–"),
        (True, 2, "–"),
    ],
)
def test_number(value: object, decimals: int, expected: str) -> None:
    assert fmt_number(value, decimals) == expected


def test_int_percent_signed() -> None:
    assert fmt_int(12345) == "12,345"
    assert fmt_int(-3) == "−3"
    assert fmt_percent(0.456) == "46%"
    assert fmt_percent(0.4567, 1) == "45.7%"
    assert fmt_percent(None) == "–"
    assert fmt_signed(0.25) == "+0.25"
    assert fmt_signed(-0.1) == "−0.10"
    assert fmt_signed(0.0) == "0.00"
    assert fmt_signed(-0.001) == "0.00"
    assert fmt_n(45) == "n = 45"


def test_ci_p_alpha() -> None:
    assert fmt_ci(3.1, 3.62) == "[3.10, 3.62]"
    assert fmt_ci(-0.2, 0.1, 1) == "[−0.2, 0.1]"
    assert fmt_ci(None, 1.0) == "–"
    assert fmt_p(0.0004) == "< .001"
    assert fmt_p(0.034) == ".034"
    assert fmt_p(0.9999) == "1"
    assert fmt_p(math.nan) == "–"
    assert fmt_alpha(0.823) == ".82"
    assert fmt_alpha(-0.12) == "−.12"
    assert fmt_alpha(1.0) == "1.00"


def test_cell_dispatch_and_suppression() -> None:
    assert fmt_cell(Cell(0.4), Column("Rate", "percent")) == "40%"
    assert fmt_cell(Cell(lo=1.0, hi=2.0), Column("CI", "ci", 1)) == "[1.0, 2.0]"
    assert fmt_cell(Cell(0.03), Column("p", "p")) == ".030"
    assert fmt_cell(Cell(12), Column("n", "int")) == "12"
    assert fmt_cell(Cell("Spring"), Column("Wave")) == "Spring"
    assert fmt_cell(Cell(None), Column("Wave")) == "–"
    assert fmt_cell(Cell.hidden(), Column("Mean", "number")) == "suppressed"
