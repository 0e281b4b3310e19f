"""Equity between subgroups: each subgroup's gap to the rest of the group, and whether it moves.

:func:`equity_gaps` takes one :class:`~cop_eval.measure.scores.ScoreTable` per wave (time order,
one instrument) and a subgroup column, and returns a frozen :class:`EquityResult`. Rules:

Gap (per wave, scale and subgroup)
    The subgroup's mean minus the mean of everyone else who answered that wave (the "rest"),
    with Welch's t-test (:func:`cop_eval.stats.ttests.welch_test`): the gap's CI, t, df, p and
    Hedges' g. Benjamini–Hochberg across the visible subgroup × scale grid of each wave. A gap is
    *reliable* when its adjusted p is below ``alpha``. The gap to the overall mean (subgroup mean
    minus everyone's mean) is carried too: it is what a heatmap colours.
Gap trend (two or more waves, where sizes allow)
    Is a gap widening? For a subgroup visible at every wave of a scale, the random-intercept
    model ``score ~ C(wave) + (1 | respondent)`` is fitted by exact REML
    (:func:`cop_eval.stats.reml.profile_reml`) to the subgroup and, separately, to the rest; the
    change in the gap from the first to the last wave is the difference of their last-wave
    effects, with a Wald z test and CI (the two fits describe different people, so their
    estimates are independent). BH across the visible subgroup × scale grid. Respondents are
    linked across waves by their (pseudonymised) id; without ids every answer counts as one
    person. A respondent is placed in the subgroup of each wave's answer.
Anonymity
    Within each family (one wave, one scale) the subgroups hidden by
    :meth:`cop_eval.privacy.PrivacyPolicy.suppressed_groups` (primary and complementary) get a
    :class:`HiddenGap` without numbers; a gap trend needs the subgroup visible at every wave.
    Small subgroups can instead be merged into "Other" beforehand by a declared rule
    (:func:`cop_eval.compare.grouping.merge_small_groups`).

References
----------
.. [1] Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B 57,
   289-300.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cop_eval.compare.equity_trend import GapTrend, SkippedTrend, gap_trends
from cop_eval.compare.grouping import GroupMerge, group_series
from cop_eval.errors import CopEvalError, OptionError
from cop_eval.measure.scores import ScoreTable
from cop_eval.privacy import DEFAULT_PRIVACY, PrivacyPolicy
from cop_eval.privacy.differencing import WITHHELD_LABEL
from cop_eval.stats.multiplicity import benjamini_hochberg
from cop_eval.stats.ttests import welch_test

__all__ = ["EquityResult", "Gap", "GapTrend", "HiddenGap", "Overall", "SkippedTrend", "equity_gaps"]


@dataclass(frozen=True)
class Gap:
    """One subgroup against the rest of the group, on one scale in one wave (group − rest)."""

    scale: str
    group: str
    wave: str
    n_group: int
    n_rest: int
    mean_group: float
    mean_rest: float
    overall_mean: float
    gap: float
    ci: tuple[float, float]
    statistic: float
    df: float
    p: float
    p_adjusted: float
    hedges_g: float
    reliable: bool

    @property
    def gap_to_overall(self) -> float:
        """Subgroup mean minus the mean of everyone (what the heatmap colours)."""
        return self.mean_group - self.overall_mean

    def to_dict(self) -> dict[str, object]:
        return {
            "scale": self.scale,
            "group": self.group,
            "wave": self.wave,
            "n_group": self.n_group,
            "n_rest": self.n_rest,
            "mean_group": self.mean_group,
            "mean_rest": self.mean_rest,
            "overall_mean": self.overall_mean,
            "gap": self.gap,
            "ci": [self.ci[0], self.ci[1]],
            "gap_to_overall": self.gap_to_overall,
            "statistic": self.statistic,
            "df": self.df,
            "p": self.p,
            "p_adjusted": self.p_adjusted,
            "adjustment": "Benjamini-Hochberg across subgroups x scales of the wave",
            "hedges_g": self.hedges_g,
            "reliable": self.reliable,
        }


@dataclass(frozen=True)
class HiddenGap:
    """A gap that is not shown (anonymity rule, or no one to compare with): no numbers."""

    scale: str
    group: str
    wave: str
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {
            "scale": self.scale,
            "group": self.group,
            "wave": self.wave,
            "suppressed": True,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Overall:
    """Everyone's mean on one scale in one wave (the heatmap's "All" row); ``None`` if hidden."""

    scale: str
    wave: str
    n: int | None
    mean: float | None


@dataclass(frozen=True)
class EquityResult:
    """The result of :func:`equity_gaps` for one instrument."""

    instrument: str
    group_column: str
    waves: tuple[str, ...]
    scales: tuple[str, ...]
    scale_labels: tuple[str, ...]
    groups: tuple[str, ...]
    min_group_size: int
    alpha: float
    gaps: tuple[Gap | HiddenGap, ...]
    overall: tuple[Overall, ...]
    trends: tuple[GapTrend | SkippedTrend, ...]
    merge: GroupMerge | None = None

    def gap(self, scale: str, group: str, wave: str) -> Gap | HiddenGap:
        """The cell of one scale, subgroup and wave (``KeyError`` when absent)."""
        for cell in self.gaps:
            if (cell.scale, cell.group, cell.wave) == (scale, group, wave):
                return cell
        raise KeyError((scale, group, wave))

    def reliable_gaps(self, wave: str | None = None) -> list[Gap]:
        """Reliable gaps of a wave (default: the latest), largest first."""
        wave = self.waves[-1] if wave is None else wave
        found = [g for g in self.gaps if isinstance(g, Gap) and g.wave == wave and g.reliable]
        return sorted(found, key=lambda g: -abs(g.gap))

    def to_dict(self) -> dict[str, object]:
        """``{"instrument", "group_column", "waves", "min_group_size", "gaps", "overall", "trends"}``."""
        return {
            "instrument": self.instrument,
            "group_column": self.group_column,
            "waves": list(self.waves),
            "min_group_size": self.min_group_size,
            "alpha": self.alpha,
            "merge": self.merge.describe() if self.merge is not None else None,
            "gaps": [g.to_dict() for g in self.gaps],
            "overall": [
                {"scale": o.scale, "wave": o.wave, "n": o.n, "mean": o.mean}
                if o.n is not None
                else {"scale": o.scale, "wave": o.wave, "suppressed": True}
                for o in self.overall
            ],
            "trends": [t.to_dict() for t in self.trends],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per visible gap."""
        rows = [g.to_dict() for g in self.gaps if isinstance(g, Gap)]
        for row in rows:
            row["ci_low"], row["ci_high"] = row.pop("ci")  # type: ignore[misc]
            row.pop("adjustment")
        return pd.DataFrame(rows)


def _labels(waves: Sequence[ScoreTable], labels: Sequence[str] | None) -> tuple[str, ...]:
    out = (
        tuple(str(x) for x in labels)
        if labels is not None
        else tuple(w.wave or f"wave {k + 1}" for k, w in enumerate(waves))
    )
    if len(out) != len(waves):
        raise OptionError(f"{len(out)} labels given for {len(waves)} waves; give one per wave")
    if len(set(out)) != len(out):
        raise OptionError(f"wave labels must differ, got: {', '.join(out)}")
    return out


def _wave_gaps(
    x: np.ndarray,
    groups: np.ndarray,
    scale: str,
    wave: str,
    names: Sequence[str],
    privacy: PrivacyPolicy,
    level: float,
    withheld: Collection[str] = (),
) -> tuple[list[Gap | HiddenGap], Overall]:
    """Gaps of one scale in one wave, p not yet adjusted (``p_adjusted`` NaN); ``groups``
    holds each row's subgroup as its position in ``names``; ``withheld`` groups are hidden as
    well (the differencing rule), with complementary suppression."""
    ok = np.isfinite(x)
    x, groups = x[ok], groups[ok]
    # each subgroup's rows, in row order, as a slice of one stable sort (-1: no subgroup)
    order = np.argsort(groups, kind="stable")
    bounds = np.searchsorted(groups[order], np.arange(len(names) + 1))
    counts = {name: int(bounds[k + 1] - bounds[k]) for k, name in enumerate(names)}
    also = {g for g in withheld if counts.get(g)}
    hidden = privacy.suppressed_groups(counts, also_hidden=also)
    overall_mean = float(x.mean()) if x.size else math.nan
    overall = Overall(scale, wave, int(x.size), overall_mean)
    if privacy.hides(int(x.size)):
        overall = Overall(scale, wave, None, None)
    cells: list[Gap | HiddenGap] = []
    for k, name in enumerate(names):
        if counts[name] == 0:
            continue
        if name in hidden:
            reason = (
                WITHHELD_LABEL
                if name in also
                else privacy.reason(complementary=not privacy.hides(counts[name]))
            )
            cells.append(HiddenGap(scale, name, wave, reason))
            continue
        n_rest = int(x.size - counts[name])
        if n_rest < max(privacy.min_group_size, 2) or counts[name] < 2:
            reason = "no one else to compare with" if n_rest == 0 else "too few to compare with"
            cells.append(HiddenGap(scale, name, wave, reason))
            continue
        rows = order[bounds[k] : bounds[k + 1]]
        t = welch_test(np.delete(x, rows), x[rows], level)
        cells.append(
            Gap(
                scale,
                name,
                wave,
                counts[name],
                n_rest,
                t.mean_later,
                t.mean_earlier,
                overall_mean,
                t.mean_diff,
                t.ci,
                t.statistic,
                t.df,
                t.p,
                math.nan,
                t.hedges_g,
                False,
            )
        )
    return cells, overall


def _adjust(cells: list[Gap | HiddenGap], alpha: float) -> list[Gap | HiddenGap]:
    raw = np.array([c.p if isinstance(c, Gap) else np.nan for c in cells], dtype=np.float64)
    adjusted = benjamini_hochberg(raw)
    out: list[Gap | HiddenGap] = []
    for cell, p_adj in zip(cells, adjusted, strict=True):
        if isinstance(cell, Gap):
            p_adj = float(p_adj)
            reliable = math.isfinite(p_adj) and p_adj < alpha
            cell = dataclasses.replace(cell, p_adjusted=p_adj, reliable=reliable)
        out.append(cell)
    return out


def equity_gaps(
    waves: Sequence[ScoreTable],
    group_column: str,
    *,
    labels: Sequence[str] | None = None,
    privacy: PrivacyPolicy = DEFAULT_PRIVACY,
    merge: GroupMerge | None = None,
    alpha: float = 0.05,
    level: float = 0.95,
    withheld: Mapping[str, Collection[str]] | None = None,
) -> EquityResult:
    """Each subgroup's gap to the rest of the group, per scale and wave, and how gaps move.

    Parameters
    ----------
    waves
        One :class:`~cop_eval.measure.scores.ScoreTable` per wave (time order, one instrument),
        each with the subgroup column in ``groups``.
    group_column
        The subgroup column (role, strand, site).
    labels
        Wave labels (default: each table's ``wave``).
    privacy
        The anonymity rule (:class:`~cop_eval.privacy.PrivacyPolicy`): no figure describes fewer
        respondents than its threshold; complementary suppression applies.
    merge
        A declared rule merging small subgroups (see
        :func:`~cop_eval.compare.grouping.merge_small_groups`), applied before anything else.
    alpha
        A gap (or gap change) is reliable when its BH-adjusted p is below ``alpha``.
    level
        Confidence level of the intervals.
    withheld
        Subgroups to hide in a wave (by wave label) for another reason: their members differ
        from a group shown before by too few respondents (the differencing rule,
        :mod:`cop_eval.privacy.differencing`); complementary suppression protects them too.

    Returns
    -------
    EquityResult
        Frozen; hidden cells carry no numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> from cop_eval.instruments import load_instrument
    >>> inst = load_instrument("reflection")
    >>> scores = pd.DataFrame({s: [3.0 + (i % 5) * 0.2 - (0.8 if i < 10 else 0) for i in range(40)]
    ...                        for s in inst.scale_ids})
    >>> groups = pd.DataFrame({"role": ["trainer"] * 10 + ["HR"] * 30})
    >>> result = equity_gaps([ScoreTable(inst, scores, groups=groups, wave="2025")], "role")
    >>> gap = result.gap(inst.scale_ids[0], "trainer", "2025")
    >>> round(gap.gap, 2), gap.reliable
    (-0.8, True)
    """
    if not waves:
        raise OptionError("equity needs at least one wave")
    wave_labels = _labels(waves, labels)
    instrument = waves[0].instrument
    if any(w.instrument.id != instrument.id for w in waves):
        raise CopEvalError("equity compares waves of one instrument; score every wave with it")
    scales = instrument.scale_ids
    values = [
        group_series(w.groups, group_column, label)
        for w, label in zip(waves, wave_labels, strict=True)
    ]
    if merge is not None:
        values = [merge.apply(v) for v in values]
    names = sorted(set().union(*(set(v.unique()) for v in values)))
    # each row's subgroup as its position in names: integer comparisons, not text ones
    group_codes = [pd.Index(names).get_indexer(v.to_numpy(dtype=object)) for v in values]
    out = withheld or {}
    gaps: list[Gap | HiddenGap] = []
    overall: list[Overall] = []
    for w, (table, label) in enumerate(zip(waves, wave_labels, strict=True)):
        family: list[Gap | HiddenGap] = []
        for scale in scales:
            x = table.scores[scale].to_numpy(dtype=np.float64)
            cells, all_row = _wave_gaps(
                x, group_codes[w], scale, label, names, privacy, level, out.get(label, ())
            )
            family.extend(cells)
            overall.append(all_row)
        gaps.extend(_adjust(family, alpha))
    trends = gap_trends(waves, wave_labels, group_codes, names, gaps, privacy, alpha, level)
    return EquityResult(
        instrument=instrument.id,
        group_column=group_column,
        waves=wave_labels,
        scales=scales,
        scale_labels=tuple(instrument.scale(s).label for s in scales),
        groups=tuple(names),
        min_group_size=privacy.min_group_size,
        alpha=alpha,
        gaps=tuple(gaps),
        overall=tuple(overall),
        trends=tuple(trends),
        merge=merge,
    )
