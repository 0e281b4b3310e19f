"""Response-quality checks over item answers: straight-lining, partial responses, duplicate ids.

Pure functions over arrays (no I/O). They flag; they never change or drop answers themselves.
The ``*_columns`` variants take ``k`` item columns of length ``n`` and work one column at a time,
so no ``n × k`` copy is made (the importer holds answers column by column).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "duplicate_ids",
    "partial_responses",
    "partial_responses_columns",
    "straight_lining",
    "straight_lining_columns",
]


def _rows(data: npt.ArrayLike, dtype: type) -> list[npt.NDArray[np.generic]]:
    array: npt.NDArray[np.generic] = np.asarray(data, dtype=dtype)
    if array.ndim != 2:
        raise ValueError(f"expected an n x k array of answers, got {array.ndim} dimension(s)")
    return [array[:, j] for j in range(array.shape[1])]


def straight_lining(answers: npt.ArrayLike, *, min_answered: int = 5) -> npt.NDArray[np.bool_]:
    """Rows that give the same answer to every answered item.

    Parameters
    ----------
    answers
        ``n × k`` raw answer codes of *one instrument* (NaN = missing), **not**
        reverse-keyed: the same code on positively and reverse-keyed items is exactly the pattern
        of inattention this check exists for.
    min_answered
        Rows with fewer answered items are never flagged (agreeing with two items says little).

    Returns
    -------
    numpy.ndarray of bool
        ``True`` where at least ``min_answered`` items are answered and all answers are equal.

    Notes
    -----
    Straight-lining (non-differentiation) is a flag for the analyst, not a reason to drop a
    respondent: a consistent respondent may honestly agree with everything [1]_.

    References
    ----------
    .. [1] Kim, Y., Dykema, J., Stevenson, J., Black, P. and Moberg, D. P. (2019). Straightlining:
       overview of measurement, comparison of indicators, and effects in mail-web mixed-mode
       surveys. Social Science Computer Review 37(2), 214-233.

    Examples
    --------
    >>> straight_lining([[4, 4, 4, 4, 4], [4, 4, 4, 4, 5], [3, 3, 3, 3, np.nan]]).tolist()
    [True, False, False]
    """
    n = np.shape(answers)[0] if np.ndim(answers) else 0
    return straight_lining_columns(_rows(answers, float), n=n, min_answered=min_answered)


def straight_lining_columns(
    columns: Sequence[npt.ArrayLike], *, n: int, min_answered: int = 5
) -> npt.NDArray[np.bool_]:
    """:func:`straight_lining` over ``k`` item columns of length ``n`` (no ``n × k`` copy).

    Examples
    --------
    >>> straight_lining_columns([[4, 2], [4, 2], [4, 3]], n=2, min_answered=3).tolist()
    [True, False]
    """
    count = np.zeros(n, dtype=np.int32)
    low = np.full(n, np.inf)
    high = np.full(n, -np.inf)
    for column in columns:
        values = np.asarray(column, dtype=np.float64)
        present = ~np.isnan(values)
        count += present
        np.fmin(low, values, out=low)  # fmin/fmax ignore NaN
        np.fmax(high, values, out=high)
    flagged: npt.NDArray[np.bool_] = (count >= max(min_answered, 1)) & (low == high)
    return flagged


def partial_responses(answered: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Rows that answered some, but not all, items (``answered``: ``n × k`` booleans).

    Examples
    --------
    >>> partial_responses([[True, True], [True, False], [False, False]]).tolist()
    [False, True, False]
    """
    n = np.shape(answered)[0] if np.ndim(answered) else 0
    return partial_responses_columns(_rows(answered, bool), n=n)


def partial_responses_columns(columns: Sequence[npt.ArrayLike], *, n: int) -> npt.NDArray[np.bool_]:
    """:func:`partial_responses` over ``k`` boolean item columns of length ``n``.

    Examples
    --------
    >>> partial_responses_columns([[True, True], [True, False]], n=2).tolist()
    [False, True]
    """
    some = np.zeros(n, dtype=bool)
    every = np.ones(n, dtype=bool)
    for column in columns:
        mask = np.asarray(column, dtype=bool)
        some |= mask
        every &= mask
    if not columns:
        return np.zeros(n, dtype=bool)
    partial: npt.NDArray[np.bool_] = some & ~every
    return partial


def duplicate_ids(ids: pd.Series) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """Earlier occurrences of repeated ids: the *last* occurrence of each id is the one kept.

    Parameters
    ----------
    ids
        Respondent ids (missing ids are never duplicates of each other).

    Returns
    -------
    (earlier, kept)
        ``earlier``: ``True`` for a row whose id occurs again further down. ``kept``: for each
        row, the position of the occurrence that is kept (its own position when not a
        duplicate; ``-1`` for missing ids).

    Examples
    --------
    >>> earlier, kept = duplicate_ids(pd.Series(["a", "b", "a", None]))
    >>> earlier.tolist(), kept.tolist()
    ([True, False, False, False], [2, 1, 2, -1])
    """
    series = pd.Series(ids).reset_index(drop=True)
    codes, _uniques = pd.factorize(series, use_na_sentinel=True)
    n = len(series)
    valid = codes >= 0
    last = np.full(int(codes.max(initial=-1)) + 1, -1, dtype=np.int64)
    positions = np.arange(n, dtype=np.int64)
    np.maximum.at(last, codes[valid], positions[valid])
    kept = np.full(n, -1, dtype=np.int64)
    kept[valid] = last[codes[valid]]
    earlier: npt.NDArray[np.bool_] = valid & (kept != positions)
    return earlier, kept
