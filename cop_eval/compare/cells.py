"""Building the cells of a wave comparison: wave summaries, comparisons, p adjustment, and the
per-subgroup versions with anonymity suppression (used by :mod:`cop_eval.compare.waves`)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from cop_eval.compare.results import Cell, Comparison, ComparisonCell, SuppressedCell, WaveStat
from cop_eval.privacy import RESIDUAL_REASON, PrivacyPolicy
from cop_eval.stats.distributions import t_quantile
from cop_eval.stats.multiplicity import benjamini_hochberg, holm
from cop_eval.stats.ranktests import mann_whitney, wilcoxon_signed_rank
from cop_eval.stats.reliable_change import reliable_change
from cop_eval.stats.trend import TrendFit, fit_trend
from cop_eval.stats.ttests import PairedTest, WelchTest, paired_test, welch_test
from cop_eval.stats.verdict import ScaleDirection, verdict

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Wave:
    """One wave's arrays: scores (n × scales), person codes (-1 = no id) and group codes."""

    label: str
    scores: FloatArray
    codes: IntArray | None
    groups: IntArray | None


@dataclass(frozen=True)
class Pair:
    """A wave pair and how it is compared; matched row positions for the paired design."""

    earlier: int
    later: int
    design: Literal["paired", "independent"]
    rows_earlier: IntArray | None
    rows_later: IntArray | None
    matched: int | None
    attrition: int | None
    new_joiners: int | None
    note: str | None


def wave_stat(label: str, x: FloatArray, level: float) -> WaveStat:
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
    return WaveStat(label, n, mean, sd, ci)


def compare_pair(
    pair: Pair,
    labels: Sequence[str],
    x_earlier: FloatArray,
    x_later: FloatArray,
    reliability: float | None,
    level: float,
    direction: ScaleDirection = "higher_is_better",
) -> Comparison:
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
    return Comparison(
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


def _finish(c: Comparison, p_adjusted: float, adjustment: str) -> Comparison:
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
    raw = np.array([c.p if isinstance(c, Comparison) else np.nan for c in cells])
    if method == "holm":
        adjusted, name = holm(raw), "Holm across scales"
    else:
        adjusted, name = benjamini_hochberg(raw), "Benjamini-Hochberg across subgroups x scales"
    return [
        _finish(c, float(a), name) if isinstance(c, Comparison) else c
        for c, a in zip(cells, adjusted, strict=True)
    ]


# ---------------------------------------------------------------------------------------------
# Subgroups
# ---------------------------------------------------------------------------------------------


def _hidden(
    counts: IntArray, names: Sequence[str], privacy: PrivacyPolicy, also: Sequence[int] = ()
) -> dict[int, str]:
    """Hidden group index -> reason, primary and complementary (``also``: residual-hidden)."""
    hidden = privacy.suppressed_groups(
        {names[g]: int(counts[g]) for g in range(len(names))},
        also_hidden=[names[g] for g in also],
    )
    return {
        g: RESIDUAL_REASON
        if g in also and not privacy.hides(int(counts[g]))
        else privacy.reason(complementary=not privacy.hides(int(counts[g])))
        for g in range(len(names))
        if names[g] in hidden
    }


def _slices(codes: IntArray, n_groups: int) -> tuple[IntArray, IntArray]:
    """Row order sorted by group and the start offsets of each group (length n_groups + 1)."""
    order = np.argsort(codes, kind="stable").astype(np.int64)
    bounds = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(codes, minlength=n_groups), out=bounds[1:])
    return order, bounds


def group_wave_cells(
    label: str,
    x: FloatArray,
    codes: IntArray,
    names: Sequence[str],
    privacy: PrivacyPolicy,
    level: float,
) -> list[Cell]:
    """One cell per group for one wave and scale, suppression applied."""
    ok = np.isfinite(x)
    counts = np.bincount(codes[ok], minlength=len(names)).astype(np.int64)
    hidden = _hidden(counts, names, privacy)
    frame = pd.DataFrame({"g": codes[ok], "x": x[ok]})
    agg = frame.groupby("g")["x"].agg(["count", "mean", "std"]).reindex(range(len(names)))
    n_arr = agg["count"].fillna(0).to_numpy(dtype=np.int64)
    mean_arr = agg["mean"].to_numpy(dtype=np.float64)
    sd_arr = agg["std"].to_numpy(dtype=np.float64)
    q = t_quantile(0.5 + level / 2, np.maximum(n_arr - 1, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        half = q * sd_arr / np.sqrt(n_arr)
    cells: list[Cell] = []
    for g, name in enumerate(names):
        if g in hidden:
            cells.append(SuppressedCell(label, hidden[g], group=name))
            continue
        n, mean, sd = int(n_arr[g]), float(mean_arr[g]), float(sd_arr[g])
        if n > 1 and sd > 0:
            ci = (mean - float(half[g]), mean + float(half[g]))
        else:
            ci = (math.nan, math.nan)
        cells.append(WaveStat(label, n, mean, sd, ci))
    return cells


def group_comparison_cells(
    pair: Pair,
    labels: Sequence[str],
    x_earlier: FloatArray,
    x_later: FloatArray,
    groups_earlier: IntArray,
    groups_later: IntArray,
    names: Sequence[str],
    privacy: PrivacyPolicy,
    level: float,
    direction: ScaleDirection = "higher_is_better",
) -> list[ComparisonCell]:
    """One comparison per group for one wave pair and scale (p not yet adjusted).

    Paired: matched respondents grouped by their group in the earlier wave; the family's counts
    are matched pairs with both scores. Independent: a group is hidden when it is hidden in
    either wave's family.
    """
    bare = dataclasses.replace(pair, matched=None, attrition=None, new_joiners=None, note=None)
    n_groups = len(names)
    cells: list[ComparisonCell] = []
    frm, to = labels[pair.earlier], labels[pair.later]
    if pair.design == "paired":
        assert pair.rows_earlier is not None and pair.rows_later is not None
        xe, xl = x_earlier[pair.rows_earlier], x_later[pair.rows_later]
        g = groups_earlier[pair.rows_earlier]
        ok = np.isfinite(xe) & np.isfinite(xl)
        xe, xl, g = xe[ok], xl[ok], g[ok]
        paired = np.bincount(g, minlength=n_groups).astype(np.int64)
        # People of a group's wave cells who are not in its pairs (in the later wave, also pairs
        # that moved to another group): the wave means would give them away when few.
        g_later = groups_later[pair.rows_later][ok]
        stayed = np.bincount(g[g == g_later], minlength=n_groups)
        n_earlier = np.bincount(groups_earlier[np.isfinite(x_earlier)], minlength=n_groups)
        n_later = np.bincount(groups_later[np.isfinite(x_later)], minlength=n_groups)
        residual = [
            k
            for k in range(n_groups)
            if privacy.residual_recoverable(
                [
                    int(n_earlier[k] - paired[k]),
                    int(n_later[k] - stayed[k] + paired[k] - stayed[k]),
                ]
            )
        ]
        hidden = _hidden(paired, names, privacy, residual)
        order, bounds = _slices(g, n_groups)
        xe, xl = xe[order], xl[order]
        for k, name in enumerate(names):
            if k in hidden:
                cells.append(SuppressedCell(frm, hidden[k], group=name, to_label=to))
                continue
            sl = slice(int(bounds[k]), int(bounds[k + 1]))
            cells.append(compare_pair(bare, labels, xe[sl], xl[sl], None, level, direction))
        return cells
    oke, okl = np.isfinite(x_earlier), np.isfinite(x_later)
    xe, ge = x_earlier[oke], groups_earlier[oke]
    xl, gl = x_later[okl], groups_later[okl]
    hidden = _hidden(np.bincount(ge, minlength=n_groups).astype(np.int64), names, privacy)
    for k, reason in _hidden(
        np.bincount(gl, minlength=n_groups).astype(np.int64), names, privacy
    ).items():
        hidden.setdefault(k, reason)
    order_e, bounds_e = _slices(ge, n_groups)
    order_l, bounds_l = _slices(gl, n_groups)
    xe, xl = xe[order_e], xl[order_l]
    for k, name in enumerate(names):
        if k in hidden:
            cells.append(SuppressedCell(frm, hidden[k], group=name, to_label=to))
            continue
        se = slice(int(bounds_e[k]), int(bounds_e[k + 1]))
        sl = slice(int(bounds_l[k]), int(bounds_l[k + 1]))
        cells.append(compare_pair(bare, labels, xe[se], xl[sl], None, level, direction))
    return cells


def trend_for_scale(
    data: Sequence[Wave],
    column: int,
    linked: bool,
    privacy: PrivacyPolicy,
) -> tuple[TrendFit | None, str | None]:
    """The mixed-model (or OLS) trend of one scale, or ``None`` and the reason it was skipped."""
    labels = [w.label for w in data]
    columns = [w.scores[:, column] for w in data]
    short = [
        w.label
        for w, x in zip(data, columns, strict=True)
        if privacy.hides(int(np.isfinite(x).sum()))
    ]
    if short:
        return None, (
            f"no trend model: wave(s) {', '.join(short)} have fewer than {privacy.min_group_size} scores "
            "(anonymity rule)"
        )
    if linked:
        n_people = 1 + max(int(w.codes.max(initial=-1)) for w in data if w.codes is not None)
        unlinked = [np.flatnonzero(w.codes < 0) if w.codes is not None else None for w in data]
        extra = sum(u.size for u in unlinked if u is not None)
        wide = np.full((n_people + extra, len(data)), np.nan)
        offset = n_people
        for k, (w, x, u) in enumerate(zip(data, columns, unlinked, strict=True)):
            assert w.codes is not None and u is not None
            has = w.codes >= 0
            wide[w.codes[has], k] = x[has]
            wide[offset : offset + u.size, k] = x[u]
            offset += u.size
    else:
        sizes = [x.size for x in columns]
        wide = np.full((sum(sizes), len(data)), np.nan)
        start = 0
        for k, x in enumerate(columns):
            wide[start : start + x.size, k] = x
            start += x.size
    try:
        return fit_trend(wide, labels, linked=linked), None
    except (ValueError, np.linalg.LinAlgError) as exc:
        return None, f"no trend model: {exc}"
