"""The raw table a container reader hands over: header layout plus the requested columns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, TypeAlias

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from cop_eval.ingest.layouts import Layout

__all__ = ["ExportSource", "RawTable"]

Column: TypeAlias = "pa.Array | pa.ChunkedArray"


@dataclass(frozen=True)
class RawTable:
    """Columns of one export, as read (no recoding yet).

    Attributes
    ----------
    columns
        The requested columns by column number, all ``n_rows`` long.
    row_numbers
        The file row of each data row, as a spreadsheet shows it (header rows included).
    rejected
        Rows the reader itself could not use (e.g. more values than columns), by data-row index.
    value_labels
        SPSS value labels by column number.
    """

    columns: Mapping[int, Column]
    n_rows: int
    row_numbers: npt.NDArray[np.int64]
    rejected: Mapping[int, str] = field(default_factory=dict)
    value_labels: Mapping[int, Mapping[float, str]] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    warnings: tuple[str, ...] = ()


class ExportSource(Protocol):
    """An opened export: its header is known; columns are read on request."""

    source: str
    layout: Layout

    def load(self, wanted: list[int], text_columns: set[int]) -> RawTable:
        """Read the columns ``wanted`` (``text_columns`` as text, never as numbers)."""
        ...
