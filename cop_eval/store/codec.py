"""A wave's answers as one compressed Parquet file (and back).

Columns: ``row`` (file row numbers, when known), ``id`` (pseudonymised respondent ids, when the
wave has them), ``g:<name>`` per subgroup column and ``i:<item>`` per item. The prefixes keep a
subgroup named like an item apart. Item columns keep their dtype (float32 per the
:class:`~cop_eval.responses.ResponseSet` contract) and NaN stays NaN. Parquet's dictionary encoding
plus zstd stores a 700,000 × 100 wave of 1..5 answers in a few tens of MB (see
``benchmarks/bench_store.py``), and reads back in about a second.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cop_eval.errors import StoreError, option
from cop_eval.privacy import PSEUDONYM_PREFIX

__all__ = ["DATA_FORMAT", "DecodedAnswers", "EncodedAnswers", "decode_answers", "encode_answers"]

DATA_FORMAT = "parquet-1"
_META_KEY = b"cop_eval"
_PSEUDONYM = re.compile(re.escape(PSEUDONYM_PREFIX) + r"[0-9a-f]{20}")


@dataclass(frozen=True)
class EncodedAnswers:
    """A wave's answers ready for the store."""

    blob: bytes
    sha256: str
    has_ids: bool
    group_columns: tuple[str, ...]


@dataclass(frozen=True)
class DecodedAnswers:
    """A wave's answers read back from the store."""

    items: pd.DataFrame
    respondent_ids: pd.Series | None
    groups: pd.DataFrame
    row_numbers: np.ndarray[Any, np.dtype[np.int64]]


def _check_ids(ids: pd.Series, source: str) -> None:
    present = ids[ids.notna()]
    text = present.astype(str)
    if len(text) and not text.str.fullmatch(_PSEUDONYM.pattern).all():
        bad = int((~text.str.fullmatch(_PSEUDONYM.pattern)).sum())
        # The offending values are not quoted: they may be raw e-mail addresses.
        raise StoreError(
            f"{source}: {bad} respondent id(s) are not pseudonymised (expected "
            f"'{PSEUDONYM_PREFIX}' + 20 hex digits); raw identifiers are never stored. Read the "
            "file with the project's key (cop_eval.ingest.read_responses(..., key=project.key))."
        )


def encode_answers(
    items: pd.DataFrame,
    respondent_ids: pd.Series | None,
    groups: pd.DataFrame,
    row_numbers: np.ndarray[Any, Any],
    *,
    source: str,
) -> EncodedAnswers:
    """Serialise a wave's answers to compressed Parquet bytes.

    Raises
    ------
    StoreError
        When ids are not pseudonymised, columns are misaligned, duplicated or not numeric.
    """
    n = len(items)
    if items.columns.has_duplicates:
        dups = sorted({str(c) for c in items.columns[items.columns.duplicated()]})
        raise StoreError(f"{source}: item column(s) appear twice: {', '.join(dups)}.")
    if groups.columns.has_duplicates:
        dups = sorted({str(c) for c in groups.columns[groups.columns.duplicated()]})
        raise StoreError(f"{source}: subgroup column(s) appear twice: {', '.join(dups)}.")
    for what, length in (
        ("respondent ids", None if respondent_ids is None else len(respondent_ids)),
        ("subgroup columns", len(groups) if len(groups.columns) else None),
        ("row numbers", len(row_numbers) if len(row_numbers) else None),
    ):
        if length is not None and length != n:
            raise StoreError(f"{source}: {length} {what} for {n} answer rows; they must align.")
    names: list[str] = []
    arrays: list[pa.Array] = []
    if len(row_numbers):
        names.append("row")
        arrays.append(pa.array(np.asarray(row_numbers, dtype=np.int64)))
    if respondent_ids is not None:
        _check_ids(respondent_ids, source)
        names.append("id")
        arrays.append(pa.array(respondent_ids.to_numpy(dtype=object), type=pa.string()))
    group_dtypes: dict[str, str] = {}
    for column in groups.columns:
        names.append(f"g:{column}")
        arrays.append(pa.array(groups[column], from_pandas=True))
        group_dtypes[str(column)] = str(groups[column].dtype)
    for column in items.columns:
        values = items[column]
        if not pd.api.types.is_numeric_dtype(values.dtype):
            raise StoreError(
                f"{source}: item column {column!r} holds {values.dtype} values, not numbers."
            )
        names.append(f"i:{column}")
        arrays.append(pa.array(values.to_numpy()))
    meta = {
        "format": DATA_FORMAT,
        "n": n,
        "items": [str(c) for c in items.columns],
        "groups": [str(c) for c in groups.columns],
        "group_dtypes": group_dtypes,
        "has_ids": respondent_ids is not None,
        "has_rows": bool(len(row_numbers)),
    }
    table = pa.Table.from_arrays(arrays, names=names).replace_schema_metadata(
        {_META_KEY: json.dumps(meta).encode()}
    )
    sink = pa.BufferOutputStream()
    pq.write_table(
        table,
        sink,
        compression="zstd",
        use_dictionary=True,
        write_statistics=False,
        row_group_size=max(n, 1),
    )
    blob = sink.getvalue().to_pybytes()
    return EncodedAnswers(
        blob=blob,
        sha256=hashlib.sha256(blob).hexdigest(),
        has_ids=respondent_ids is not None,
        group_columns=tuple(str(c) for c in groups.columns),
    )


def decode_answers(blob: bytes, *, expected_sha256: str, where: str) -> DecodedAnswers:
    """Read answers written by :func:`encode_answers`, checking they are intact."""
    if hashlib.sha256(blob).hexdigest() != expected_sha256:
        raise StoreError(
            f"{where}: the stored answers are damaged (checksum mismatch). Restore "
            f"project.sqlite from a backup, or import the wave again with "
            f"{option('replace', True)}."
        )
    try:
        table = pq.read_table(pa.BufferReader(blob))
        meta = json.loads((table.schema.metadata or {})[_META_KEY])
    except (pa.ArrowException, KeyError, ValueError) as exc:
        raise StoreError(f"{where}: the stored answers cannot be read ({exc}).") from exc
    if meta.get("format") != DATA_FORMAT:
        raise StoreError(
            f"{where}: stored answers in format {meta.get('format')!r}; this cop-eval reads "
            f"{DATA_FORMAT!r}. Upgrade cop-eval."
        )
    n = int(meta["n"])
    index = pd.RangeIndex(n)
    item_names: list[str] = meta["items"]
    items = table.select([f"i:{c}" for c in item_names]).to_pandas()
    items.columns = pd.Index(item_names)
    items.index = index
    ids: pd.Series | None = None
    if meta["has_ids"]:
        ids = pd.Series(table.column("id").to_numpy(zero_copy_only=False), dtype=object)
    group_names: list[str] = meta["groups"]
    group_columns: dict[str, pd.Series] = {}
    for name in group_names:
        column = table.column(f"g:{name}")
        if meta["group_dtypes"].get(name) == "object":
            group_columns[name] = pd.Series(column.to_numpy(zero_copy_only=False), dtype=object)
        else:
            group_columns[name] = column.to_pandas()
    groups = pd.DataFrame(group_columns, index=index)
    rows = (
        table.column("row").to_numpy().astype(np.int64, copy=False)
        if meta["has_rows"]
        else np.zeros(0, dtype=np.int64)
    )
    return DecodedAnswers(items=items, respondent_ids=ids, groups=groups, row_numbers=rows)
