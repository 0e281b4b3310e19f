"""write_csv writes the bytes DataFrame.to_csv(index=False, float_format=...) writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cop_eval.measure.csv_out import write_csv


def _same_as_pandas(frame: pd.DataFrame, tmp: Path, float_format: str = "%.10g") -> None:
    ours, theirs = tmp / "ours.csv", tmp / "pandas.csv"
    write_csv(frame, ours, float_format=float_format)
    frame.to_csv(theirs, index=False, float_format=float_format, encoding="utf-8")
    assert ours.read_bytes() == theirs.read_bytes()


def test_scores_ids_and_levels(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    n = 2000
    scores = np.round(rng.integers(4, 21, n) / 4, 12)
    scores[rng.random(n) < 0.1] = np.nan
    frame = pd.DataFrame(
        {
            "respondent": pd.Series(
                [f"p_{i:020x}" if i % 7 else None for i in range(n)], dtype=object
            ),
            "sum_scale": rng.integers(5, 26, n).astype(float),
            "mean_scale": scores,
            "tiny": scores * 1e-12,
            "huge": -scores * 1e15,
            "level": pd.Series(rng.choice(["weak", "network", None], n), dtype=object),
        }
    )
    _same_as_pandas(frame, tmp_path)
    _same_as_pandas(frame, tmp_path, float_format="%.3f")


def test_text_that_needs_quoting(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "a, b": ["plain", "with, comma", 'with "quote"', "two\nlines", "cr\r", None, "é ü"],
            "n": [1, 2, 3, 4, 5, 6, 7],
            "flag": [True, False, True, True, False, False, True],
        }
    )
    _same_as_pandas(frame, tmp_path)


def test_integer_columns(tmp_path: Path) -> None:
    big = np.iinfo(np.int64)
    frame = pd.DataFrame(
        {
            "row": np.arange(2, 5002, dtype=np.int64),
            "extremes": np.resize(np.array([big.min, big.max, 0, -1], np.int64), 5000),
            "small": np.resize(np.array([-128, 127, 3], np.int8), 5000),
            "unsigned": np.resize(np.array([np.iinfo(np.uint64).max, 0], np.uint64), 5000),
            "nullable": pd.array(np.resize([1, None, -7], 5000), dtype="Int64"),
        }
    )
    _same_as_pandas(frame, tmp_path)
    _same_as_pandas(frame[["nullable"]], tmp_path)


@pytest.mark.parametrize("rows", [0, 1])
def test_empty_and_single_row(tmp_path: Path, rows: int) -> None:
    frame = pd.DataFrame({"x": [1.5] * rows, "y": ["a"] * rows})
    _same_as_pandas(frame, tmp_path)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(allow_nan=True, allow_infinity=False, width=64),
            st.one_of(st.none(), st.text(alphabet=st.characters(codec="utf-8"), max_size=8)),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_any_floats_and_text(rows: list[tuple[float, str | None]]) -> None:
    import tempfile

    frame = pd.DataFrame(
        {"x": [r[0] for r in rows], "t": pd.Series([r[1] for r in rows], dtype=object)}
    )
    with tempfile.TemporaryDirectory() as folder:
        _same_as_pandas(frame, Path(folder))
