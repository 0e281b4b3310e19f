"""SPSS data files (.sav), read with pyreadstat, keeping variable and value labels.

Variable labels (the question text) are matched like headers; value labels translate codes when
the file's codes are not the instrument's (see :func:`cop_eval.ingest.recode.recode_column`).
User-missing values are returned as missing by pyreadstat. Row numbers are SPSS case numbers
(Data View shows the variable names above case 1).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from cop_eval.errors import DataImportError
from cop_eval.ingest.layouts import Layout
from cop_eval.ingest.raw import Column, RawTable
from cop_eval.limits import over_limit

__all__ = ["SpssSource"]


#: The child's command after the interpreter (tests replace it with one that crashes).
_CHILD = ["-m", "cop_eval.ingest.spss_child"]
#: Seconds a child process may take to read one .sav (a national survey takes well under one).
_TIMEOUT = 600


def _read_in_child(
    path: Path, source: str
) -> tuple[pd.DataFrame, list[str], list[str | None], dict[str, list[tuple[float, str]]]]:
    """The file's answers, variable names, labels and value labels, read by pyreadstat in a
    child process (:mod:`cop_eval.ingest.spss_child`), so that a crash is an error message."""
    with tempfile.TemporaryDirectory(prefix="cop-eval-sav-") as tmp:
        try:
            done = subprocess.run(
                [sys.executable, *_CHILD, str(path), tmp],
                capture_output=True,
                timeout=_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise DataImportError(
                f"{source}: reading the SPSS file took more than {_TIMEOUT} s and was stopped; "
                "the file may be damaged. Save it again from SPSS, or export CSV."
            ) from None
        meta_path = Path(tmp) / "meta.json"
        if done.returncode != 0 or not meta_path.is_file():
            how = f"signal {-done.returncode}" if done.returncode < 0 else "an error"
            raise DataImportError(
                f"{source}: the SPSS reader stopped with {how} on this file, so it is damaged "
                "or not a .sav file. Save it again from SPSS (File > Save As), or export CSV."
            )
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if "limit" in meta:
            raise DataImportError(over_limit(meta["limit"], source, meta["found"]))
        if "error" in meta:
            raise DataImportError(
                f"{source}: not a readable SPSS .sav file ({meta['error']}). Save it again from "
                "SPSS, or export CSV."
            )
        frame = pd.read_feather(Path(tmp) / "data.arrow")
    names: list[str] = meta["names"]
    frame.columns = names
    value_labels = {k: [(float(a), str(b)) for a, b in v] for k, v in meta["value_labels"].items()}
    return frame, names, meta["labels"], value_labels


class SpssSource:
    """An SPSS .sav file."""

    def __init__(self, path: Path, source: str) -> None:
        self.source = source
        frame, names, labels, value_labels = _read_in_child(path, source)
        if frame.shape[0] == 0:
            raise DataImportError(f"{source}: the SPSS file has variables but no cases.")
        texts = tuple((str(lab),) if lab else () for lab in labels)
        self.layout: Layout = Layout("spss", 1, tuple(names), texts)
        self.frame: pd.DataFrame = frame
        self.value_labels = {
            i: dict(value_labels[name]) for i, name in enumerate(names) if name in value_labels
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
