"""The figures of a wave comparison's cells: wave summaries, comparisons, p adjustment.

Statistics only: which cells are shown is decided beforehand, in :mod:`cop_eval.compare.anonymity`,
and only the shown cells are computed here.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from cop_eval.compare.prepare import Pair
from cop_eval.compare.results import ComparisonCell, PairComparison, WaveSummary
from cop_eval.stats.distributions import t_quantile
from cop_eval.stats.multiplicity import benjamini_hochberg, holm
from cop_eval.stats.ranktests import mann_whitney, wilcoxon_signed_rank
from cop_eval.stats.reliable_change import reliable_change
from cop_eval.stats.ttests import PairedTest, WelchTest, paired_test, welch_test
from cop_eval.stats.verdict import ScaleDirection, verdict

__all__ = ["adjust", "compare_pair", "group_stats", "slices", "wave_stat"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def wave_stat(label: str, x: FloatArray, level: float) -> WaveSummary:
    """n, mean, SD and t-based CI of the finite values of ``x``."""
    x = x[np.isfinite(x)]
    n = int(x.size)
    mean = float(x.mean()) if n else math.nan
    sd = float(x.std(ddof=1)) if n > 1 else math.nan
    if n > 1 and sd > 0:
        half = float(t_quantile(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
        ci = (mean - half, mean + half)
    else:
        ci = (math.nan, math.nan)
    return WaveSummary(label, n, mean, sd, ci)


def compare_pair(
    pair: Pair,
    labels: Sequence[str],
    x_earlier: FloatArray,
    x_later: FloatArray,
    reliability: float | None,
    level: float,
    direction: ScaleDirection = "higher_is_better",
) -> PairComparison:
    """One comparison (paired arrays aligned, or two independent samples); p not yet adjusted.

    ``direction`` is the scale's: it names reliable change now and the verdict in :func:`adjust`.
    """
    test: PairedTest | WelchTest
    if pair.design == "paired":
        ok = np.isfinite(x_earlier) & np.isfinite(x_later)
        x_earlier, x_later = x_earlier[ok], x_later[ok]
        test = paired_test(x_earlier, x_later, level)
        check = wilcoxon_signed_rank(x_earlier, x_later)
        n, n_from, n_to = test.n, test.n, test.n
        rc = (
            reliable_change(x_earlier, x_later, reliability, direction=direction)
            if reliability is not None
            else None
        )
    else:
        x_earlier = x_earlier[np.isfinite(x_earlier)]
        x_later = x_later[np.isfinite(x_later)]
        test = welch_test(x_earlier, x_later, level)
        check = mann_whitney(x_earlier, x_later)
        n_from, n_to = test.n_earlier, test.n_later
        n, rc = n_from + n_to, None
    return PairComparison(
        from_label=labels[pair.earlier],
        to_label=labels[pair.later],
        design=pair.design,
        n=n,
        n_from=n_from,
        n_to=n_to,
        matched=pair.matched,
        attrition=pair.attrition,
        new_joiners=pair.new_joiners,
        test=test,
        check=check,
        p_adjusted=math.nan,
        adjustment="none",
        # A placeholder until p is adjusted; it carries the scale's direction to _finish.
        verdict=verdict(
            math.nan,
            (math.nan, math.nan),
            math.nan,
            0,
            design=pair.design,
            basis="",
            scale_direction=direction,
        ),
        reliable_change=rc,
        note=pair.note,
    )


def _finish(c: PairComparison, p_adjusted: float, adjustment: str) -> PairComparison:
    t = c.test
    direction = c.verdict.scale_direction
    if isinstance(t, PairedTest):
        v = verdict(
            t.d_av,
            t.d_z_ci,
            p_adjusted,
            t.n,
            design="paired",
            basis="d_av",
            scale_direction=direction,
        )
    else:
        v = verdict(
            t.hedges_g,
            t.hedges_g_ci,
            p_adjusted,
            min(t.n_earlier, t.n_later),
            design="independent",
            basis="hedges_g",
            scale_direction=direction,
        )
    return dataclasses.replace(c, p_adjusted=p_adjusted, adjustment=adjustment, verdict=v)


def adjust(cells: Sequence[ComparisonCell], method: Literal["holm", "bh"]) -> list[ComparisonCell]:
    """Adjust p across the visible comparisons of one family and attach their verdicts."""
    raw = np.array([c.p if isinstance(c, PairComparison) else np.nan for c in cells])
    if method == "holm":
        adjusted, name = holm(raw), "Holm across scales"
    else:
        adjusted, name = benjamini_hochberg(raw), "Benjamini-Hochberg across subgroups x scales"
    return [
        _finish(c, float(a), name) if isinstance(c, PairComparison) else c
        for c, a in zip(cells, adjusted, strict=True)
    ]


def group_stats(
    label: str, x: FloatArray, codes: IntArray, n_groups: int, level: float
) -> list[WaveSummary]:
    """n, mean, SD and t-based CI of each group's finite values of ``x`` (vectorised)."""
    ok = np.isfinite(x)
    frame = pd.DataFrame({"g": codes[ok], "x": x[ok]})
    agg = frame.groupby("g")["x"].agg(["count", "mean", "std"]).reindex(range(n_groups))
    n_arr = agg["count"].fillna(0).to_numpy(dtype=np.int64)
    mean_arr = agg["mean"].to_numpy(dtype=np.float64)
    sd_arr = agg["std"].to_numpy(dtype=np.float64)
    q = t_quantile(0.5 + level / 2, np.maximum(n_arr - 1, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        half = q * sd_arr / np.sqrt(n_arr)
    out: list[WaveSummary] = []
    for g in range(n_groups):
        n, mean, sd = int(n_arr[g]), float(mean_arr[g]), float(sd_arr[g])
        ci = (mean - float(half[g]), mean + float(half[g])) if n > 1 and sd > 0 else (math.nan,) * 2
        out.append(WaveSummary(label, n, mean, sd, (ci[0], ci[1])))
    return out


def slices(codes: IntArray, n_groups: int) -> tuple[IntArray, IntArray]:
    """Row order sorted by group and the start offsets of each group (length n_groups + 1)."""
    order = np.argsort(codes, kind="stable").astype(np.int64)
    bounds = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(codes, minlength=n_groups), out=bounds[1:])
    return order, bounds
