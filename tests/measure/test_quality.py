"""Quality flags: straight-lining, partial/incomplete responses, duplicate ids.

Expected values are worked out by hand in each test (definitions in cop_eval/measure/quality.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cop_eval.measure.quality import (
    duplicate_ids,
    incomplete_responses,
    partial_responses,
    straight_lining,
)

nan = np.nan


def test_straight_lining_needs_five_equal_answers_and_ignores_missing() -> None:
    columns = [
        [3, 3, 3, 1, nan],
        [3, 3, 3, 1, nan],
        [3, 3, nan, 1, 2],
        [3, 3, 3, 1, 2],
        [3, 4, 3, 1, 2],
        [3, 3, 3, 1, 2],
    ]
    # row 0: six 3s; row 1: one 4; row 2: five 3s + missing; row 3: six 1s; row 4: four 2s.
    assert straight_lining(columns).tolist() == [True, False, True, True, False]
    assert straight_lining(columns, min_answered=6).tolist() == [True, False, False, True, False]


def test_straight_lining_counts_reverse_keyed_items_raw() -> None:
    # Same raw code on a reverse-keyed item is still the same answer (no reversal here).
    columns = [[5.0]] * 5
    assert straight_lining(columns).tolist() == [True]
    assert straight_lining([], n=3).tolist() == [False, False, False]


def _columns(rows: list[list[bool]]) -> list[list[bool]]:
    return [list(column) for column in zip(*rows, strict=True)]


def test_incomplete_and_partial_responses() -> None:
    # Four items in two blocks (scales): items 0-1 and items 2-3. One list per respondent.
    answered = [
        [True, True, True, True],  # complete
        [True, True, True, False],  # one item skipped
        [True, True, False, False],  # stopped after the first block
        [False, True, False, False],  # "Don't know" to item 2, rest of block 2 blank
        [False, False, False, False],  # nothing
    ]
    filled = [
        [True, True, True, True],
        [True, True, True, False],
        [True, True, False, False],
        [False, True, True, False],
        [False, False, False, False],
    ]
    assert incomplete_responses(_columns(answered)).tolist() == [False, True, True, True, False]
    blocks = [[0, 1], [2, 3]]
    assert partial_responses(_columns(filled), blocks).tolist() == [
        False,
        False,
        True,  # block 2 entirely blank
        False,  # block 2 holds a missing label: answered on purpose
        False,  # nothing filled: not a response at all
    ]
    assert partial_responses(_columns(filled), [[0, 1, 2, 3], []]).tolist() == [False] * 5


def test_duplicate_ids_keep_last() -> None:
    ids = pd.Series(["a", "b", "a", None, "a", None, "b"])
    earlier, kept = duplicate_ids(ids)
    assert earlier.tolist() == [True, True, True, False, False, False, False]
    assert kept.tolist() == [4, 6, 4, -1, 4, -1, 6]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from("abcde")), max_size=40))
def test_duplicate_ids_agree_with_pandas(values: list[str | None]) -> None:
    series = pd.Series(values, dtype=object)
    earlier, kept = duplicate_ids(series)
    expected = series.duplicated(keep="last") & series.notna()
    assert earlier.tolist() == expected.tolist()
    for position, keep in enumerate(kept):
        if values[position] is None:
            assert keep == -1
        else:
            assert values[keep] == values[position]
            assert values[position] not in values[keep + 1 :]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.just(nan), st.integers(1, 5).map(float)), min_size=6, max_size=6),
        min_size=1,
        max_size=20,
    )
)
def test_straight_lining_agrees_with_a_row_by_row_definition(rows: list[list[float]]) -> None:
    columns = [list(c) for c in zip(*rows, strict=True)]
    got = straight_lining(columns)
    for row, flag in zip(rows, got, strict=True):
        answered = [v for v in row if v == v]
        assert flag == (len(answered) >= 5 and len(set(answered)) == 1)


def test_shape_errors() -> None:
    with pytest.raises(ValueError, match="give n"):
        straight_lining([])
