"""SPSS data files (.sav), read with pyreadstat, keeping variable and value labels.

Variable labels (the question text) are matched like headers; value labels translate codes when
the file's codes are not the instrument's (see :func:`cop_eval.ingest.recode.recode_column`).
User-missing values are returned as missing by pyreadstat. Row numbers are SPSS case numbers
(Data View shows the variable names above case 1).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from cop_eval.errors import DataImportError
from cop_eval.ingest.layouts import Layout
from cop_eval.ingest.raw import Column, RawTable

__all__ = ["SpssSource"]


class SpssSource:
    """An SPSS .sav file."""

    def __init__(self, path: Path, source: str) -> None:
        import pyreadstat

        self.source = source
        try:
            frame, meta = pyreadstat.read_sav(str(path), user_missing=False)
        except Exception as exc:  # pyreadstat raises ReadstatError and PyreadstatError
            raise DataImportError(
                f"{source}: not a readable SPSS .sav file ({exc}). Save it again from SPSS, or "
                "export CSV."
            ) from exc
        if frame.shape[0] == 0:
            raise DataImportError(f"{source}: the SPSS file has variables but no cases.")
        names = tuple(str(c) for c in frame.columns)
        labels = list(meta.column_labels or [None] * len(names))
        texts = tuple((str(lab),) if lab else () for lab in labels)
        self.layout: Layout = Layout("spss", 1, names, texts)
        self.frame: pd.DataFrame = frame
        value_labels = meta.variable_value_labels or {}
        self.value_labels = {
            i: {float(k): str(v) for k, v in value_labels[name].items()}
            for i, name in enumerate(names)
            if name in value_labels
        }

    def load(self, wanted: list[int], text_columns: set[int]) -> RawTable:
        columns: dict[int, Column] = {}
        for i in wanted:
            series = self.frame.iloc[:, i]
            if i in text_columns or not pd.api.types.is_numeric_dtype(series):
                cells = [
                    None
                    if v is None or (isinstance(v, float) and v != v) or str(v).strip() == ""
                    else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                    for v in series.tolist()
                ]
                columns[i] = pa.array(cells, type=pa.string())
            else:
                columns[i] = pa.array(
                    series.to_numpy(dtype=np.float64), type=pa.float64(), from_pandas=True
                )
        n = len(self.frame)
        return RawTable(
            columns=columns,
            n_rows=n,
            row_numbers=np.arange(1, n + 1, dtype=np.int64),
            value_labels={i: self.value_labels[i] for i in wanted if i in self.value_labels},
        )
