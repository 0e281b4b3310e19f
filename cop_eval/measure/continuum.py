"""Continuum classification (McDermott's community identity strength, or a user's own continuum).

The rule (documented in the instrument and in docs/instruments.md):

1. **Endorsed levels.** A level is endorsed when the member's score on its scale is at least the
   rule's ``threshold`` (3.5 for McDermott: agreeing with its statements on average).
2. **The member's level** is the endorsed level the member agrees with most (the highest
   score). A member is *not classified* when they endorse no level (``none_endorsed``), when two
   or more endorsed levels share the highest score (``tied``), when they gave the same answer to
   every item of the continuum (``straight_lining``: inattention is likelier than a view), or
   when no level's scale has a score (``not_answered``).
3. **The group's level** is the median classified member's level (with an even number, the
   weaker of the two middle levels). Its uncertainty: the share of members at or below each
   boundary between two levels has a 95% Wilson interval; when an interval contains 50%, the
   median could lie on either side of that boundary and the group is *too close to call*
   between the levels on either side.
4. **Sensitivity**: the group's level with the threshold moved by ``-sensitivity`` and
   ``+sensitivity`` (0.25 by default), so a reader sees whether the cut-off decides it.

Pure functions over scale scores (and, for straight-lining, the raw item answers).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from cop_eval.errors import CopEvalError
from cop_eval.instruments import ContinuumClassification, Instrument
from cop_eval.measure.quality import straight_lining
from cop_eval.models import FrozenModel
from cop_eval.stats.proportions import wilson_ci

__all__ = [
    "NOT_CLASSIFIED",
    "STATUS_SUFFIX",
    "ContinuumSummary",
    "LevelCount",
    "SensitivityResult",
    "classify_continuum",
    "classify_members",
    "continuum_sensitivity",
    "continuum_straight_lining",
    "continuum_summary",
]

Status = Literal["classified", "none_endorsed", "tied", "straight_lining", "not_answered"]

#: Why a member is not classified, in the order the report lists them.
NOT_CLASSIFIED: dict[str, str] = {
    "none_endorsed": "endorsed no level",
    "tied": "endorsed two levels equally",
    "straight_lining": "gave the same answer to every item",
    "not_answered": "did not answer these items",
}

#: The status column of a continuum in a score table is named ``rule.id + STATUS_SUFFIX``.
STATUS_SUFFIX = "_status"

BoolArray = npt.NDArray[np.bool_]


def _level_values(scores: pd.DataFrame, rule: ContinuumClassification) -> npt.NDArray[np.float64]:
    scales = [level.scale for level in rule.levels]
    absent = [s for s in scales if s not in scores.columns]
    if absent:
        raise CopEvalError(
            f"classification {rule.id}: no score column for scale(s) {', '.join(absent)}; "
            "score the instrument that declares the rule (cop_eval.measure.scoring.score_items) first"
        )
    return scores.loc[:, scales].to_numpy(dtype=np.float64, na_value=np.nan)


def continuum_straight_lining(
    items: pd.DataFrame, instrument: Instrument, rule: ContinuumClassification
) -> BoolArray:
    """Members who gave one and the same answer to every answered item of the continuum.

    ``items`` holds raw answer codes (not reverse-keyed), one column per item id; at least five
    answered items are needed for a flag (:func:`cop_eval.measure.quality.straight_lining`).
    """
    ids = [item.id for level in rule.levels for item in instrument.items_of(level.scale)]
    present = [items[i].to_numpy(dtype=np.float64, na_value=np.nan) for i in ids if i in items]
    return straight_lining(present, n=len(items))


def classify_members(
    scores: pd.DataFrame,
    rule: ContinuumClassification,
    *,
    threshold: float | None = None,
    straight: npt.ArrayLike | None = None,
) -> pd.DataFrame:
    """Each member's level and status (see the module docstring for the rule).

    Parameters
    ----------
    scores
        Scale scores, one column per scale id (:func:`cop_eval.measure.scoring.score_items`).
    rule
        The continuum, e.g. ``identity_level`` of ``mcdermott_identity_strength``.
    threshold
        The endorsement cut-off (default ``rule.threshold``; the sensitivity check moves it).
    straight
        Boolean per member: straight-lining, excluded from classification
        (:func:`continuum_straight_lining`); default none.

    Returns
    -------
    pandas.DataFrame
        Column ``rule.id``: level id, ``None`` when not classified; column
        ``rule.id + "_status"``: ``classified`` or why not. Same index as ``scores``.

    Examples
    --------
    >>> from cop_eval.instruments import load_instrument
    >>> rule = load_instrument("mcdermott_identity_strength").classification[0]
    >>> scores = pd.DataFrame({"interest_group": [4.5, 2.0, 4.0], "network": [4.0, 3.0, 4.0],
    ...                        "community_of_practice": [3.5, 2.5, 2.0]})
    >>> classify_members(scores, rule).to_dict("list")  # doctest: +NORMALIZE_WHITESPACE
    {'identity_level': ['interest_group', None, None],
     'identity_level_status': ['classified', 'none_endorsed', 'tied']}
    """
    cut = rule.threshold if threshold is None else threshold
    values = _level_values(scores, rule)
    scored = ~np.isnan(values)
    with np.errstate(invalid="ignore"):
        endorsed = scored & (values >= cut)
    masked = np.where(endorsed, values, -np.inf)
    top = masked.max(axis=1, initial=-np.inf)
    at_top = endorsed & (masked == top[:, None])
    n_top = at_top.sum(axis=1)
    flagged = np.zeros(len(scores), dtype=bool) if straight is None else np.asarray(straight, bool)
    status = np.full(len(scores), "classified", dtype=object)
    status[n_top > 1] = "tied"
    status[~endorsed.any(axis=1)] = "none_endorsed"
    status[flagged & scored.any(axis=1)] = "straight_lining"
    status[~scored.any(axis=1)] = "not_answered"
    ids = np.array([level.id for level in rule.levels], dtype=object)
    level = np.asarray(
        np.where(status == "classified", ids[np.argmax(at_top, axis=1)], None), dtype=object
    )
    return pd.DataFrame(
        {rule.id: level, rule.id + STATUS_SUFFIX: status},
        index=scores.index,
        dtype=object,
    )


def classify_continuum(
    scores: pd.DataFrame,
    rule: ContinuumClassification,
    *,
    threshold: float | None = None,
    straight: npt.ArrayLike | None = None,
) -> pd.Series:
    """Each member's level id (``None`` when not classified); see :func:`classify_members`."""
    frame = classify_members(scores, rule, threshold=threshold, straight=straight)
    return frame[rule.id].rename(rule.id)


class LevelCount(FrozenModel):
    """Members at one level: count, percentage of the classified, and its 95% Wilson CI."""

    level: str
    label: str
    count: int
    percent: float  # of classified members; NaN when nobody was classified
    ci: tuple[float, float]  # percent, Wilson 95%


class ContinuumSummary(FrozenModel):
    """The group's distribution across a continuum and its level, with the level's uncertainty.

    ``group_level`` is the median classified member's level (the weaker of the two middle levels
    with an even count); ``group_status`` is ``classified``, ``too_close`` (the evidence does not
    separate the levels in ``group_between``) or ``none`` (nobody classified).
    """

    rule: str
    label: str
    threshold: float
    levels: tuple[LevelCount, ...]
    n_classified: int
    n_unclassified: int
    not_classified: tuple[tuple[str, int], ...]  # (status, count), statuses of NOT_CLASSIFIED
    group_level: str | None
    group_level_label: str | None
    group_status: Literal["classified", "too_close", "none"]
    group_between: tuple[str, ...] = ()  # level ids the median could be at

    @property
    def group_text(self) -> str:
        """The group's level in words: a level label, "too close to call (...)" or "–"."""
        labels = {lc.level: lc.label for lc in self.levels}
        if self.group_status == "too_close":
            return "too close to call (" + " or ".join(labels[i] for i in self.group_between) + ")"
        return self.group_level_label or "–"

    def to_frame(self) -> pd.DataFrame:
        """One row per level: level, label, count, percent, ci_low, ci_high."""
        return pd.DataFrame(
            [
                {
                    "level": lc.level,
                    "label": lc.label,
                    "count": lc.count,
                    "percent": lc.percent,
                    "ci_low": lc.ci[0],
                    "ci_high": lc.ci[1],
                }
                for lc in self.levels
            ]
        )


def _median_level(counts: list[int], level: float) -> tuple[int | None, tuple[int, ...]]:
    """Index of the median level, and the indices it could be at given the boundaries' CIs."""
    n = sum(counts)
    if n == 0:
        return None, ()
    cumulative = np.cumsum(counts)
    median = int(np.searchsorted(cumulative, (n - 1) // 2, side="right"))
    # Boundary b lies between level b and b + 1; the median is above it when the share at or
    # below it is under 50%. A CI containing 50% leaves the side open.
    low = high = median
    for b in range(len(counts) - 1):
        lo, hi = wilson_ci(int(cumulative[b]), n, level)
        if lo <= 0.5 <= hi:
            low, high = min(low, b), max(high, b + 1)
    return median, tuple(range(low, high + 1))


def continuum_summary(
    levels: pd.Series,
    rule: ContinuumClassification,
    status: pd.Series | None = None,
    *,
    level: float = 0.95,
) -> ContinuumSummary:
    """Counts, shares with Wilson CIs, the reasons members were not classified, the group level.

    Parameters
    ----------
    levels
        Level ids per member (``None``/NaN when not classified), as :func:`classify_continuum`.
    rule
        The same continuum.
    status
        The status column of :func:`classify_members`; without it every unclassified member
        counts as ``not_answered``.
    level
        Confidence level of the shares' intervals and of the group level's uncertainty.

    Examples
    --------
    Levels weak → strong ``a, b, c``; members ``a, b, c, c``: the two middle levels are ``b`` and
    ``c``, so the group's level is ``b`` — but four members cannot separate it from ``a`` or
    ``c``: too close to call.
    """
    order = [lv.id for lv in rule.levels]
    unknown = sorted(set(levels.dropna().unique()) - set(order))
    if unknown:
        raise CopEvalError(
            f"classification {rule.id}: unknown level id(s) {', '.join(map(str, unknown))}; "
            f"the levels are {', '.join(order)}"
        )
    counts = [int(c) for c in levels.value_counts(dropna=True).reindex(order, fill_value=0)]
    n = sum(counts)
    reasons = (
        status[levels.isna()].value_counts()
        if status is not None
        else pd.Series({"not_answered": int(levels.isna().sum())})
    )
    labels = {lv.id: lv.label for lv in rule.levels}
    median, between = _median_level(counts, level)
    group_status: Literal["classified", "too_close", "none"] = (
        "none" if median is None else ("too_close" if len(between) > 1 else "classified")
    )
    return ContinuumSummary(
        rule=rule.id,
        label=rule.label,
        threshold=rule.threshold,
        levels=tuple(
            LevelCount(
                level=lvl,
                label=labels[lvl],
                count=count,
                percent=100.0 * count / n if n else math.nan,
                ci=tuple(100.0 * v for v in wilson_ci(count, n, level)),  # type: ignore[arg-type]
            )
            for lvl, count in zip(order, counts, strict=True)
        ),
        n_classified=n,
        n_unclassified=int(levels.isna().sum()),
        not_classified=tuple(
            (reason, int(reasons.get(reason, 0)))
            for reason in NOT_CLASSIFIED
            if int(reasons.get(reason, 0))
        ),
        group_level=None if median is None else order[median],
        group_level_label=None if median is None else labels[order[median]],
        group_status=group_status,
        group_between=tuple(order[i] for i in between) if len(between) > 1 else (),
    )


class SensitivityResult(FrozenModel):
    """The group's level with the endorsement threshold at one value."""

    threshold: float
    n_classified: int
    group_level: str | None
    group_status: Literal["classified", "too_close", "none"]
    group_text: str


def continuum_sensitivity(
    scores: pd.DataFrame,
    rule: ContinuumClassification,
    straight: npt.ArrayLike | None = None,
) -> tuple[SensitivityResult, ...]:
    """The group's level at ``threshold - sensitivity``, ``threshold``, ``threshold + sensitivity``."""
    out = []
    for cut in (
        rule.threshold - rule.sensitivity,
        rule.threshold,
        rule.threshold + rule.sensitivity,
    ):
        members = classify_members(scores, rule, threshold=cut, straight=straight)
        summary = continuum_summary(members[rule.id], rule, members[rule.id + STATUS_SUFFIX])
        out.append(
            SensitivityResult(
                threshold=cut,
                n_classified=summary.n_classified,
                group_level=summary.group_level,
                group_status=summary.group_status,
                group_text=summary.group_text,
            )
        )
    return tuple(out)
