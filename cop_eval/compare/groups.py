"""The subgroup cells of a wave comparison: counts → hidden groups → figures of the rest.

One family is one wave (or wave pair) and one scale. Which groups are hidden is decided from the
family's counts by :mod:`cop_eval.compare.anonymity`; the figures of the shown groups come from
:mod:`cop_eval.compare.cells`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence

import numpy as np
import numpy.typing as npt

from cop_eval.compare import anonymity
from cop_eval.compare.cells import compare_pair, group_stats, slices
from cop_eval.compare.prepare import Pair
from cop_eval.compare.results import Cell, ComparisonCell, SuppressedCell
from cop_eval.privacy import PrivacyPolicy
from cop_eval.stats.verdict import ScaleDirection

__all__ = ["group_comparison_cells", "group_wave_cells"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def group_wave_cells(
    label: str,
    x: FloatArray,
    codes: IntArray,
    names: Sequence[str],
    privacy: PrivacyPolicy,
    level: float,
    withheld: Collection[int] = (),
) -> list[Cell]:
    """One cell per group for one wave and scale, the anonymity rule applied (``withheld``:
    groups the differencing rule hides)."""
    counts = np.bincount(codes[np.isfinite(x)], minlength=len(names)).astype(np.int64)
    hidden = anonymity.group_reasons(privacy, counts, names, (), withheld)
    summaries = group_stats(label, x, codes, len(names), level)
    return [
        SuppressedCell(label, hidden[g], group=name) if g in hidden else summaries[g]
        for g, name in enumerate(names)
    ]


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
    withheld: Collection[int] = (),
) -> list[ComparisonCell]:
    """One comparison per group for one wave pair and scale (p not yet adjusted); ``withheld``:
    groups the differencing rule hides in either wave.

    Paired: matched respondents grouped by their group in the earlier wave; the family's counts
    are matched pairs with both scores. Independent: a group is hidden when it is hidden in
    either wave's family.
    """
    if pair.design == "paired":
        return _paired(
            pair,
            labels,
            (x_earlier, x_later),
            (groups_earlier, groups_later),
            names,
            privacy,
            level,
            direction,
            withheld,
        )
    bare = _bare(pair)
    n_groups = len(names)
    frm, to = labels[pair.earlier], labels[pair.later]
    oke, okl = np.isfinite(x_earlier), np.isfinite(x_later)
    xe, ge = x_earlier[oke], groups_earlier[oke]
    xl, gl = x_later[okl], groups_later[okl]
    hidden = anonymity.independent_group_reasons(
        privacy,
        np.bincount(ge, minlength=n_groups).astype(np.int64),
        np.bincount(gl, minlength=n_groups).astype(np.int64),
        names,
        withheld,
    )
    order_e, bounds_e = slices(ge, n_groups)
    order_l, bounds_l = slices(gl, n_groups)
    xe, xl = xe[order_e], xl[order_l]
    cells: list[ComparisonCell] = []
    for k, name in enumerate(names):
        if k in hidden:
            cells.append(SuppressedCell(frm, hidden[k], group=name, to_label=to))
            continue
        se = slice(int(bounds_e[k]), int(bounds_e[k + 1]))
        sl = slice(int(bounds_l[k]), int(bounds_l[k + 1]))
        cells.append(compare_pair(bare, labels, xe[se], xl[sl], None, level, direction))
    return cells


def _bare(pair: Pair) -> Pair:
    """The pair without its wave-level counts and note (they describe everyone, not a group)."""
    return dataclasses.replace(pair, matched=None, attrition=None, new_joiners=None, note=None)


def _paired(
    pair: Pair,
    labels: Sequence[str],
    x: tuple[FloatArray, FloatArray],
    groups: tuple[IntArray, IntArray],
    names: Sequence[str],
    privacy: PrivacyPolicy,
    level: float,
    direction: ScaleDirection,
    withheld: Collection[int] = (),
) -> list[ComparisonCell]:
    (x_earlier, x_later), (groups_earlier, groups_later) = x, groups
    assert pair.rows_earlier is not None and pair.rows_later is not None
    n_groups = len(names)
    frm, to = labels[pair.earlier], labels[pair.later]
    xe, xl = x_earlier[pair.rows_earlier], x_later[pair.rows_later]
    g = groups_earlier[pair.rows_earlier]
    ok = np.isfinite(xe) & np.isfinite(xl)
    xe, xl, g = xe[ok], xl[ok], g[ok]
    g_later = groups_later[pair.rows_later][ok]
    hidden = anonymity.paired_group_reasons(
        privacy,
        paired=np.bincount(g, minlength=n_groups).astype(np.int64),
        stayed=np.bincount(g[g == g_later], minlength=n_groups).astype(np.int64),
        n_earlier=np.bincount(groups_earlier[np.isfinite(x_earlier)], minlength=n_groups),
        n_later=np.bincount(groups_later[np.isfinite(x_later)], minlength=n_groups),
        names=names,
        withheld=withheld,
    )
    order, bounds = slices(g, n_groups)
    xe, xl = xe[order], xl[order]
    bare = _bare(pair)
    cells: list[ComparisonCell] = []
    for k, name in enumerate(names):
        if k in hidden:
            cells.append(SuppressedCell(frm, hidden[k], group=name, to_label=to))
            continue
        sl = slice(int(bounds[k]), int(bounds[k + 1]))
        cells.append(compare_pair(bare, labels, xe[sl], xl[sl], None, level, direction))
    return cells
