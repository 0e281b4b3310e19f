"""Scale scores: reverse keying, the ``min_answered`` rule, ``mean`` or prorated ``sum``.

Pure functions over a DataFrame of raw answer codes (one column per item id, NaN = missing) and an
:class:`~cop_eval.instruments.Instrument`. Nothing is reversed from the data: keying comes from the
instrument (``reverse: true``) and uses the item's *declared* response scale (``min + max - x``).

The rule for "enough answers"
-----------------------------
A respondent gets a score on a scale of ``k`` items when they answered at least
``ceil(min_answered * k)`` of them — the same rule as docs/instruments.md ("the share answered is
at least ``min_answered``"): with 0.5 that is 2 of 3 or 4 items and 3 of 5 or 6. The product is
rounded down by 1e-9 before the ceiling so that floating point cannot add an item
(``0.7 * 10`` is ``7.000000000000001`` in binary arithmetic, and needs 7 items, not 8).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pandas as pd

from cop_eval.errors import DataImportError, action
from cop_eval.instruments import ContinuumClassification, Instrument, Scale
from cop_eval.measure.continuum import classify_members, continuum_straight_lining
from cop_eval.measure.scores import ScoreTable
from cop_eval.responses import ResponseSet

__all__ = ["keyed_items", "min_items_needed", "score", "score_items"]

_FloatArray = npt.NDArray[np.float64]


def min_items_needed(scale: Scale, n_items: int) -> int:
    """Least number of answered items for a score: ``ceil(min_answered * n_items)``, at least 1.

    Examples
    --------
    >>> from cop_eval.instruments import Scale
    >>> min_items_needed(Scale(id="s", label="S", min_answered=0.5), 3)
    2
    >>> min_items_needed(Scale(id="s", label="S", min_answered=0.7), 10)
    7
    """
    return max(1, math.ceil(scale.min_answered * n_items - 1e-9))


def _check_columns(items: pd.DataFrame, item_ids: list[str], instrument: Instrument) -> None:
    absent = [i for i in item_ids if i not in items.columns]
    if absent:
        shown = ", ".join(absent[:10]) + (
            f" and {len(absent) - 10} more" if len(absent) > 10 else ""
        )
        raise DataImportError(
            f"instrument {instrument.id}: the data have no column for item(s) {shown}; "
            f"name the columns after the item ids (or read the file with {action('read')}, "
            "which matches columns by id, text or a mapping file)"
        )


def keyed_items(
    items: pd.DataFrame, instrument: Instrument, item_ids: list[str] | None = None
) -> _FloatArray:
    """The answers of ``item_ids`` (default: all items) as float64, reverse-keyed where declared.

    Reverse keying uses each item's declared response scale: ``min + max - x``. Values outside the
    declared ``min..max`` raise :class:`~cop_eval.errors.DataImportError` naming the item and row,
    because keying them would give numbers that mean nothing.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_respondents, len(item_ids))``, NaN where missing.
    """
    ids = list(instrument.item_ids) if item_ids is None else item_ids
    _check_columns(items, ids, instrument)
    non_numeric = [c for c in ids if not pd.api.types.is_numeric_dtype(items[c].dtype)]
    if non_numeric:
        raise DataImportError(
            f"instrument {instrument.id}: item column(s) {', '.join(map(str, non_numeric))} "
            "hold text, not answer codes; recode the answers to numbers (or read the file with "
            f"{action('read')}, which recodes labels such as 'Agree' to codes)"
        )
    # Column by column into a Fortran-ordered float64 block: one conversion pass per column,
    # no intermediate DataFrame copy (this is the hot path at 700k x 100).
    x = np.empty((len(items), len(ids)), dtype=np.float64, order="F")
    for j, item_id in enumerate(ids):
        x[:, j] = items[item_id].to_numpy(dtype=np.float64, na_value=np.nan)
    lows = np.array([instrument.response_scale_of(i).min for i in ids], dtype=np.float64)
    highs = np.array([instrument.response_scale_of(i).max for i in ids], dtype=np.float64)
    # fmin/fmax ignore NaN: one pass per bound, and the cell-level search only on failure
    if len(x) and (
        (np.fmin.reduce(x, axis=0) < lows).any() or (np.fmax.reduce(x, axis=0) > highs).any()
    ):
        with np.errstate(invalid="ignore"):
            bad = (x < lows) | (x > highs)
        row, col = (int(v) for v in np.argwhere(bad)[0])  # first bad cell, row-major
        raise DataImportError(
            f"instrument {instrument.id}: item {ids[col]}, row {row + 1} of the data: answer "
            f"{x[row, col]:g} lies outside the declared response scale "
            f"{lows[col]:g}..{highs[col]:g} ({int(bad.sum())} such cells in all); fix the data or "
            f"the item's response_scale, or read the file with {action('read')}, which treats "
            "them as missing and lists them"
        )
    flip = np.array([instrument.item(i).reverse for i in ids], dtype=bool)
    if flip.any():
        x[:, flip] = (lows + highs)[flip] - x[:, flip]
    return x


def _score_block(x: _FloatArray, scale: Scale) -> _FloatArray:
    k = x.shape[1]
    answered = ~np.isnan(x)
    count = answered.sum(axis=1)
    total = np.where(answered, x, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
    result = np.where(count >= min_items_needed(scale, k), mean, np.nan)
    if scale.method == "sum":
        result = result * k
    return result


def score_items(items: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Score every scale of an instrument for every respondent.

    Parameters
    ----------
    items
        Raw answer codes, one column per item id (other columns are ignored), NaN = missing.
    instrument
        Gives each item's scale, keying and response scale, and each scale's method and
        ``min_answered``.

    Returns
    -------
    pandas.DataFrame
        One float64 column per scale id (declaration order), same index as ``items``; NaN where
        fewer than ``ceil(min_answered * k)`` of the scale's ``k`` items were answered.

    Notes
    -----
    With keyed answers :math:`y_{ij} = x_{ij}` or :math:`\\min_j + \\max_j - x_{ij}` (reverse-keyed),
    and :math:`A_i` the items respondent :math:`i` answered,

    .. math:: \\text{mean}_i = \\frac{1}{|A_i|}\\sum_{j \\in A_i} y_{ij}, \\qquad
              \\text{sum}_i = k \\cdot \\text{mean}_i \\ \\text{(prorated)}

    when :math:`|A_i| \\ge \\lceil \\text{min\\_answered} \\cdot k \\rceil`, else missing. Where a
    score exists the mean equals ``psych::scoreItems(keys, x, impute = "none", min, max)$scores``
    (which scores anyone with at least one answer); tests check it on psychTools::bfi and msq.

    References
    ----------
    .. [1] Revelle, W. (2022). psych: Procedures for Psychological, Psychometric, and Personality
       Research, version 2.2.9, ``scoreItems``.

    Examples
    --------
    The first respondent answers 4 ("Agree") throughout, the second 2, the third nothing.
    rf_time_to_reflect_3 and rf_closing_the_loop_3 are reverse-keyed: their 4 counts as 2.

    >>> import pandas as pd
    >>> from cop_eval.instruments import load_instrument
    >>> inst = load_instrument("reflection")
    >>> items = pd.DataFrame({i: [4.0, 2.0, None] for i in inst.item_ids})
    >>> score_items(items, inst)
       time_to_reflect  reflecting_with_others  closing_the_loop
    0              3.5                     4.0               3.5
    1              2.5                     2.0               2.5
    2              NaN                     NaN               NaN
    >>> # In R: psych::scoreItems(keys, items, impute = "none", min = 1, max = 5)$scores
    """
    columns: dict[str, _FloatArray] = {}
    for scale in instrument.scales:
        ids = [item.id for item in instrument.items_of(scale.id)]
        columns[scale.id] = _score_block(keyed_items(items, instrument, ids), scale)
    return pd.DataFrame(columns, index=items.index, dtype=np.float64)


def score(responses: ResponseSet, instrument: Instrument) -> ScoreTable:
    """Score a :class:`~cop_eval.responses.ResponseSet` and classify it with the instrument's continua.

    The :class:`~cop_eval.responses.ScoreTable` carries the respondent ids, groups and wave of the
    responses; its ``classifications`` hold two columns per continuum rule: ``rule.id`` (level
    ids, ``None`` when not classified) and ``rule.id + "_status"`` (``classified`` or why not:
    ``none_endorsed``, ``tied``, ``straight_lining``, ``not_answered``). Profile rules describe groups, not people, and are computed with
    :func:`cop_eval.measure.classification.profile`.
    """
    scores = score_items(responses.items, instrument)
    frames = [
        classify_members(
            scores,
            rule,
            straight=continuum_straight_lining(responses.items, instrument, rule),
        )
        for rule in instrument.classification
        if isinstance(rule, ContinuumClassification)
    ]
    classifications = pd.concat(frames, axis=1) if frames else pd.DataFrame(index=scores.index)
    return ScoreTable(
        instrument=instrument,
        scores=scores,
        classifications=classifications,
        respondent_ids=responses.respondent_ids,
        groups=responses.groups,
        wave=responses.wave,
    )
