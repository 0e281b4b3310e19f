"""Writing a table of scores as CSV: each distinct value formatted once, rows joined by pyarrow.

``DataFrame.to_csv(float_format="%.10g")`` formats every cell through Python (7 million cells
for 700,000 respondents × 10 scales: ~10 s). A scale score takes at most a few hundred distinct
values and an id column is one string per respondent, so :func:`write_csv` factorises each
column, formats its distinct values once, and lets pyarrow assemble the rows. The bytes are
those ``to_csv(index=False, float_format=...)`` writes (tests/measure/test_csv_out.py).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from cop_eval.outputs import atomic_output

__all__ = ["write_csv"]

#: what makes Python's csv module (and so pandas) quote a field, with "\n" as the line end
_SPECIAL = (",", '"', "\n")


def _quoted(text: str) -> str:
    """A field as Python's csv module writes it with QUOTE_MINIMAL (pandas' default)."""
    if any(ch in text for ch in _SPECIAL):
        return '"' + text.replace('"', '""') + '"'
    return text


def _text_fields(column: pd.Series) -> pa.Array | None:
    """A column of text (or None) as CSV fields, vectorised; ``None`` if it holds other objects."""
    try:
        text = pa.array(column, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    special = pc.match_substring_regex(text, r'[,"\n]')
    if pc.any(special).as_py():
        quote = pa.scalar('"', pa.large_string())
        doubled = pc.replace_substring(text, '"', '""')
        wrapped = pc.binary_join_element_wise(
            quote, doubled, quote, pa.scalar("", pa.large_string())
        )
        text = pc.if_else(special, wrapped, text)
    return pc.fill_null(text, pa.scalar("", pa.large_string()))


def _formatted(column: pd.Series, float_format: str) -> pa.Array:
    """The column's cells as CSV fields (a pyarrow string array, no nulls)."""
    is_float = pd.api.types.is_float_dtype(column.dtype)
    if not is_float and column.dtype == object:
        fields = _text_fields(column)
        if fields is not None:
            return fields
    if pd.api.types.is_integer_dtype(column.dtype):
        # str(int) is arrow's decimal cast; a missing value (nullable Int64) is the empty field
        digits = pa.array(column, from_pandas=True).cast(pa.large_string())
        return pc.fill_null(digits, pa.scalar("", pa.large_string()))
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    texts = [float_format % float(v) if is_float else _quoted(str(v)) for v in np.asarray(uniques)]
    # Missing values (code -1) become the empty field, as in to_csv.
    dictionary = pa.array([*texts, ""], type=pa.large_string())
    indices = np.where(codes < 0, len(texts), codes).astype(np.int64)
    return pc.take(dictionary, pa.array(indices))


def _header(columns: pd.Index) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([str(c) for c in columns])
    return buffer.getvalue()


def write_csv(frame: pd.DataFrame, path: Path, *, float_format: str = "%.10g") -> None:
    """Write ``frame`` without its index, byte for byte as ``to_csv(index=False, ...)`` would.

    Parameters
    ----------
    frame
        Columns of floats (formatted with ``float_format``; NaN is the empty field), of text or
        ``None`` (quoted where they hold a comma, quote or line break), of integers or booleans.
    path
        The file to write (UTF-8, ``\\n`` line ends).

    Raises
    ------
    OSError
        The file cannot be written.
    """
    header = _header(frame.columns).encode("utf-8")
    with atomic_output(path, "the scores") as handle:
        handle.write(header)
        if frame.empty or frame.shape[1] == 0:
            return
        fields = [_formatted(frame.iloc[:, j], float_format) for j in range(frame.shape[1])]
        if len(fields) == 1:  # csv writes a row of one empty field as ""
            empty_field = pc.equal(fields[0], "")
            fields[0] = pc.if_else(empty_field, pa.scalar('""', pa.large_string()), fields[0])
        if not any(pc.any(pc.match_substring_regex(f, '["\r]')).as_py() for f in fields):
            # Nothing quoted (and no CR, which pyarrow refuses unquoted): pyarrow's writer, told
            # never to quote, writes the fields as they are.
            table = pa.table({str(j): f for j, f in enumerate(fields)})
            options = pacsv.WriteOptions(include_header=False, quoting_style="none")
            pacsv.write_csv(table, handle, options)
            return
        comma, empty = pa.scalar(",", pa.large_string()), pa.scalar("", pa.large_string())
        rows = pc.binary_join_element_wise(*fields, comma)
        # row + "\n" + "": every row with its line end, one contiguous buffer of the file body.
        lines = pc.binary_join_element_wise(rows, empty, pa.scalar("\n", pa.large_string()))
        offsets, data = lines.buffers()[1:3]
        bounds = np.frombuffer(offsets, dtype=np.int64)[[lines.offset, lines.offset + len(lines)]]
        handle.write(memoryview(data)[int(bounds[0]) : int(bounds[1])])
