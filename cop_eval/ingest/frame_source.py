"""A pandas DataFrame as an export: for analysts whose answers are already in a notebook.

The column names are the header (a platform's metadata columns are recognised as in a CSV
export); a Qualtrics or SurveyMonkey export read with ``pandas.read_csv`` keeps its extra header
rows as data rows, and they are skipped as the CSV reader skips them. Rows are numbered from 1 in
the frame's order (``RejectedRow.row`` is the position, not the index label).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from cop_eval.errors import DataImportError
from cop_eval.ingest.layouts import Layout, read_layout
from cop_eval.ingest.raw import Column, RawTable

__all__ = ["FRAME_SOURCE", "FrameSource"]

#: How a DataFrame is named in messages and in the import report's ``source``.
FRAME_SOURCE = "DataFrame"

_SNIFF_ROWS = 7


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


class FrameSource:
    """A DataFrame read like a one-sheet export."""

    def __init__(self, frame: pd.DataFrame, fmt: str | None, source: str = FRAME_SOURCE) -> None:
        self.source = source
        if not isinstance(frame, pd.DataFrame):
            raise DataImportError(f"{source}: expected a pandas DataFrame, got {type(frame)}.")
        if isinstance(frame.columns, pd.MultiIndex):
            raise DataImportError(
                f"{source}: the columns have several levels; flatten them to one name per "
                "column first (e.g. frame.columns = [' '.join(c) for c in frame.columns])."
            )
        names = [str(c) for c in frame.columns]
        if len(names) < 2:
            raise DataImportError(
                f"{source}: fewer than two columns; give one column per question, named by item "
                "id or item text."
            )
        head = [[_text(v) or "" for v in row] for row in frame.head(_SNIFF_ROWS).itertuples(False)]
        records = [names, *head]
        layout = read_layout("dataframe", None if fmt in (None, "csv", "xlsx") else fmt, records)
        self.layout: Layout = layout
        self.skip = layout.header_rows - 1
        self.frame = frame.iloc[self.skip :]
        if len(self.frame) == 0:
            raise DataImportError(f"{source}: the DataFrame has columns but no rows of answers.")

    def load(self, wanted: list[int], text_columns: set[int]) -> RawTable:
        columns: dict[int, Column] = {}
        for i in wanted:
            series = self.frame.iloc[:, i]
            numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(
                series
            )
            if numeric and i not in text_columns:
                columns[i] = pa.array(
                    series.to_numpy(dtype=np.float64, na_value=np.nan),
                    type=pa.float64(),
                    from_pandas=True,
                )
            else:
                columns[i] = pa.array([_text(v) for v in series.tolist()], type=pa.string())
        n = len(self.frame)
        first = self.skip + 1
        return RawTable(
            columns=columns,
            n_rows=n,
            row_numbers=np.arange(first, first + n, dtype=np.int64),
        )
