"""Response-quality checks: straight-lining, partial and incomplete responses, duplicate ids.

Pure functions over arrays (no I/O); they flag, they never change or drop answers. Answers are
given as a sequence of ``k`` item columns of length ``n`` (the importer holds them column by
column), and the work is done one column at a time, so no ``n × k`` copy is made.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["duplicate_ids", "incomplete_responses", "partial_responses", "straight_lining"]

BoolArray = npt.NDArray[np.bool_]


def _length(columns: Sequence[npt.ArrayLike], n: int | None) -> int:
    if n is not None:
        return n
    if not columns:
        raise ValueError("give n when there are no columns")
    return len(np.asarray(columns[0]))


def straight_lining(
    columns: Sequence[npt.ArrayLike], *, min_answered: int = 5, n: int | None = None
) -> BoolArray:
    """Rows that give the same answer to every answered item of one instrument.

    Parameters
    ----------
    columns
        ``k`` item columns of raw answer codes (NaN = missing), **not** reverse-keyed: the same
        code on positively and reverse-keyed items is exactly the pattern of inattention this
        check exists for.
    min_answered
        Rows with fewer answered items are never flagged (agreeing with two items says little).
    n
        Number of rows (needed only when ``columns`` is empty).

    Returns
    -------
    numpy.ndarray of bool
        ``True`` where at least ``min_answered`` items are answered and all answers are equal.

    Notes
    -----
    Straight-lining (non-differentiation) is a flag for the analyst, not a reason to drop a
    respondent: someone may honestly agree with everything [1]_.

    References
    ----------
    .. [1] Kim, Y., Dykema, J., Stevenson, J., Black, P. and Moberg, D. P. (2019). Straightlining:
       overview of measurement, comparison of indicators, and effects in mail-web mixed-mode
       surveys. Social Science Computer Review 37(2), 214-233.

    Examples
    --------
    Three respondents, five items (one list per item):

    >>> nan = float("nan")
    >>> straight_lining([[4, 4, 3], [4, 4, 3], [4, 4, 3], [4, 4, 3], [4, 5, nan]]).tolist()
    [True, False, False]
    """
    rows = _length(columns, n)
    count = np.zeros(rows, dtype=np.int32)
    low = np.full(rows, np.inf)
    high = np.full(rows, -np.inf)
    for column in columns:
        values = np.asarray(column, dtype=np.float64)
        count += ~np.isnan(values)
        np.fmin(low, values, out=low)  # fmin/fmax skip NaN
        np.fmax(high, values, out=high)
    flagged: BoolArray = (count >= max(min_answered, 1)) & (low == high)
    return flagged


def incomplete_responses(answered: Sequence[npt.ArrayLike], *, n: int | None = None) -> BoolArray:
    """Rows that answered some, but not all, items (``answered``: ``k`` boolean item columns).

    Examples
    --------
    >>> incomplete_responses([[True, True, False], [True, False, False]]).tolist()
    [False, True, False]
    """
    rows = _length(answered, n)
    some = np.zeros(rows, dtype=bool)
    every = np.ones(rows, dtype=bool)
    for column in answered:
        mask = np.asarray(column, dtype=bool)
        some |= mask
        every &= mask
    result: BoolArray = some & ~every if answered else np.zeros(rows, dtype=bool)
    return result


def partial_responses(
    filled: Sequence[npt.ArrayLike], blocks: Sequence[Sequence[int]], *, n: int | None = None
) -> BoolArray:
    """Rows that filled in something but left at least one whole block (scale) blank.

    This is a break-off or a skipped section - the respondent did not reach or did not do part
    of the questionnaire - as opposed to the odd skipped item, which
    :func:`incomplete_responses` counts. A block answered with "Not applicable" throughout was
    answered on purpose and is not a gap.

    Parameters
    ----------
    filled
        ``k`` boolean item columns: ``True`` where the cell is not blank (a code, or a
        missing-answer label such as "Don't know").
    blocks
        Groups of column positions (e.g. the items of each scale); empty blocks are ignored.

    Examples
    --------
    Two scales of two items; the second respondent skipped one item, the third stopped after
    the first scale:

    >>> answered = [[True, True, True], [True, True, True], [True, False, False], [True, True, False]]
    >>> partial_responses(answered, [[0, 1], [2, 3]]).tolist()
    [False, False, True]
    """
    rows = _length(filled, n)
    columns = [np.asarray(c, dtype=bool) for c in filled]
    some = np.zeros(rows, dtype=bool)
    for column in columns:
        some |= column
    skipped_block = np.zeros(rows, dtype=bool)
    for block in blocks:
        if not block:
            continue
        block_answered = np.zeros(rows, dtype=bool)
        for position in block:
            block_answered |= columns[position]
        skipped_block |= ~block_answered
    result: BoolArray = some & skipped_block
    return result


def duplicate_ids(ids: pd.Series) -> tuple[BoolArray, npt.NDArray[np.int64]]:
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
    codes = _codes(series)
    n = len(series)
    valid = codes >= 0
    last = np.full(int(codes.max(initial=-1)) + 1, -1, dtype=np.int64)
    positions = np.arange(n, dtype=np.int64)
    np.maximum.at(last, codes[valid], positions[valid])
    kept = np.full(n, -1, dtype=np.int64)
    kept[valid] = last[codes[valid]]
    earlier: BoolArray = valid & (kept != positions)
    return earlier, kept


def _codes(series: pd.Series) -> npt.NDArray[np.int64]:
    """One integer per distinct id (-1 for a missing one): arrow's hash table for text (a
    national survey's 700,000 ids in a fraction of ``pd.factorize``'s time), else pandas'."""
    try:
        encoded = pc.dictionary_encode(pa.array(series, from_pandas=True))
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return np.asarray(pd.factorize(series, use_na_sentinel=True)[0], dtype=np.int64)
    return np.asarray(encoded.indices.fill_null(-1).to_numpy(), dtype=np.int64)
