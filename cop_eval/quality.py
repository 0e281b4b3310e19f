"""Response-quality checks over item answers: straight-lining, partial responses, duplicate ids.

Pure functions over arrays (no I/O). They flag; they never change or drop answers themselves.
"""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["duplicate_ids", "partial_responses", "straight_lining"]


def straight_lining(answers: npt.ArrayLike, *, min_answered: int = 5) -> npt.NDArray[np.bool_]:
    """Rows that give the same answer to every answered item.

    Parameters
    ----------
    answers
        ``n × k`` raw answer codes of *one instrument* (NaN = missing), **not** reverse-keyed:
        the same code on positively and reverse-keyed items is exactly the pattern of inattention
        this check exists for.
    min_answered
        Rows with fewer answered items are never flagged (agreeing with two items says little).

    Returns
    -------
    numpy.ndarray of bool
        ``True`` where at least ``min_answered`` items are answered and all answers are equal.

    Notes
    -----
    Straight-lining (non-differentiation) is a flag for the analyst, not a reason to drop a
    respondent: a consistent respondent may honestly agree with everything (Kim et al., 2019).

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
    values = np.asarray(answers, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] == 0:
        return np.zeros(values.shape[0] if values.ndim else 0, dtype=bool)
    answered = (~np.isnan(values)).sum(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows
        low = np.nanmin(values, axis=1)
        high = np.nanmax(values, axis=1)
    flagged: npt.NDArray[np.bool_] = (answered >= min_answered) & (low == high)
    return flagged


def partial_responses(answered: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Rows that answered some, but not all, items (``answered``: ``n × k`` booleans).

    Examples
    --------
    >>> partial_responses([[True, True], [True, False], [False, False]]).tolist()
    [False, True, False]
    """
    mask = np.asarray(answered, dtype=bool)
    if mask.ndim != 2 or mask.shape[1] == 0:
        return np.zeros(mask.shape[0] if mask.ndim else 0, dtype=bool)
    some: npt.NDArray[np.bool_] = np.any(mask, axis=1)
    every: npt.NDArray[np.bool_] = np.all(mask, axis=1)
    return some & ~every


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
    present = series.notna().to_numpy()
    codes, _uniques = pd.factorize(series, use_na_sentinel=True)
    n = len(series)
    last = np.full(max(int(codes.max(initial=-1)) + 1, 0), -1, dtype=np.int64)
    positions = np.arange(n, dtype=np.int64)
    valid = codes >= 0
    np.maximum.at(last, codes[valid], positions[valid])
    kept = np.where(valid, last[np.where(valid, codes, 0)] if len(last) else -1, -1)
    earlier = present & valid & (kept != positions)
    return earlier, kept.astype(np.int64)
