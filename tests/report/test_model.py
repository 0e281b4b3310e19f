"""Invariants of the report model: suppressed cells carry no values, references resolve."""

from __future__ import annotations

import math

import pytest

from cop_eval.report.model import (
    Cell,
    Column,
    Heatmap,
    KeyMessage,
    KeyMessages,
    ReportMeta,
    ReportModel,
    Row,
    Section,
    Table,
)

META = ReportMeta("t", "s", None, "today", ("W1",), ("I",), 5, "cop-eval")


def test_suppressed_cell_cannot_hold_a_value() -> None:
    with pytest.raises(ValueError, match="suppressed"):
        Cell(3.2, suppressed=True)
    assert Cell.hidden().value is None


def test_row_length_must_match_columns() -> None:
    with pytest.raises(ValueError, match="2 cells for 1 columns"):
        Table("t1", "Table 1.1", "x", (Column("a"),), (Row((Cell(1), Cell(2))),))


def test_heatmap_rejects_nan_and_ragged_rows() -> None:
    with pytest.raises(ValueError, match="finite or None"):
        Heatmap(("a",), ("s",), ((math.nan,),), (5,), 1, 5, 3)
    with pytest.raises(ValueError, match="one value per column"):
        Heatmap(("a",), ("s", "t"), ((1.0,),), (5,), 1, 5, 3)


def test_key_message_reference_must_exist() -> None:
    message = KeyMessage("h", "t", "fig-9-9", "Figure 9.9")
    with pytest.raises(ValueError, match="unknown figure or table: fig-9-9"):
        ReportModel(META, (Section("sec-a", 1, "A", (KeyMessages((message,)),)),))


def test_duplicate_ids_are_refused() -> None:
    table = Table("tab-1-1", "Table 1.1", "x", (Column("a"),), ())
    with pytest.raises(ValueError, match="duplicate id"):
        ReportModel(META, (Section("sec-a", 1, "A", (table, table)),))
