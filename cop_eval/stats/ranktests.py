"""Rank-based robustness checks computed as R's ``wilcox.test`` computes them.

Wilcoxon signed-rank (paired) and Mann–Whitney U / Wilcoxon rank-sum (independent), each with
R's choice between the exact null distribution and the normal approximation with continuity and
tie correction. Differences are *later minus earlier*.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from cop_eval.stats.distributions import norm_sf, rankdata

__all__ = ["EXACT_RANK_LIMIT", "RankTest", "mann_whitney", "wilcoxon_signed_rank"]

FloatArray = npt.NDArray[np.float64]

#: R's rule (``wilcox.test``): exact p-values when fewer than this many observations (per
#: sample) and there are no ties (and, for the signed-rank test, no zero differences).
EXACT_RANK_LIMIT = 50


def _as_float(values: npt.ArrayLike) -> FloatArray:
    return np.asarray(values, dtype=np.float64).ravel()


@dataclass(frozen=True)
class RankTest:
    """A rank-based robustness check (Wilcoxon signed-rank or Mann–Whitney U).

    ``statistic`` is R's V (sum of ranks of positive later − earlier differences) or W (rank
    sum of the later wave minus ``n_later (n_later + 1) / 2``). ``exact`` says whether the p-value
    is exact or the normal approximation with continuity and tie correction.
    """

    test: Literal["wilcoxon_signed_rank", "mann_whitney"]
    statistic: float
    p: float
    exact: bool
    n: int

    def to_dict(self) -> dict[str, object]:
        """JSON form."""
        return {"test": self.test, "statistic": self.statistic, "p": self.p, "exact": self.exact}


def _tie_term(values: FloatArray) -> float:
    """Sum of t^3 - t over groups of tied values."""
    _, counts = np.unique(values, return_counts=True)
    counts = counts[counts > 1].astype(np.float64)
    return float(np.sum(counts**3 - counts))


def _two_sided_normal(z: float) -> float:
    return float(min(1.0, 2 * float(norm_sf(abs(z)))))


def wilcoxon_signed_rank(
    earlier: npt.ArrayLike, later: npt.ArrayLike, *, exact: bool | None = None
) -> RankTest:
    """Wilcoxon signed-rank test on paired values (``later - earlier``), as R computes it.

    Parameters
    ----------
    earlier, later
        Paired values (same length); a pair with a missing value is dropped.
    exact
        ``None`` (R's default): exact when fewer than 50 non-zero differences and no ties or
        zeros; otherwise the normal approximation. ``True``/``False`` force the choice (an exact
        p-value is impossible with ties or zeros and then falls back, as in R).

    Notes
    -----
    Zero differences are dropped; :math:`V = \\sum_{d_i > 0} R_i` with average ranks of
    :math:`|d_i|`. Normal approximation:
    :math:`z = (V - n(n+1)/4 - \\tfrac12\\operatorname{sign}) / \\sqrt{n(n+1)(2n+1)/24 - \\sum(t^3 - t)/48}`.

    References
    ----------
    .. [1] Hollander, M. & Wolfe, D. A. (1973). Nonparametric Statistical Methods. Wiley, 27-33.

    Examples
    --------
    >>> x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
    >>> y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
    >>> r = wilcoxon_signed_rank(x, y)   # In R: wilcox.test(y, x, paired = TRUE)
    >>> r.statistic, round(r.p, 6)
    (5.0, 0.039062)
    """
    a, b = _as_float(earlier), _as_float(later)
    d = b - a
    d = d[np.isfinite(d)]
    zeros = bool(np.any(d == 0))
    d = d[d != 0]
    n = d.size
    if n == 0:
        return RankTest("wilcoxon_signed_rank", math.nan, math.nan, False, 0)
    abs_d = np.abs(d)
    ranks = rankdata(abs_d)
    v = float(ranks[d > 0].sum())
    ties = _tie_term(abs_d)
    use_exact = (n < EXACT_RANK_LIMIT) if exact is None else exact
    if use_exact and ties == 0 and not zeros:
        dist = _signrank_pmf(n)
        cdf = np.cumsum(dist)
        k = round(v)
        p = 2 * (1 - cdf[k - 1]) if v > n * (n + 1) / 4 else 2 * cdf[k]
        return RankTest("wilcoxon_signed_rank", v, float(min(1.0, p)), True, n)
    centre = v - n * (n + 1) / 4
    sigma = math.sqrt(n * (n + 1) * (2 * n + 1) / 24 - ties / 48)
    z = (centre - 0.5 * np.sign(centre)) / sigma if sigma > 0 else math.nan
    return RankTest("wilcoxon_signed_rank", v, _two_sided_normal(float(z)), False, n)


def _signrank_pmf(n: int) -> FloatArray:
    """Null distribution of V for n non-tied, non-zero differences (subset sums of 1..n)."""
    top = n * (n + 1) // 2
    counts = np.zeros(top + 1, dtype=np.float64)
    counts[0] = 1.0
    for rank in range(1, n + 1):
        counts[rank:] = counts[rank:] + counts[:-rank].copy()
    return counts / 2.0**n


def _rank_sum_pmf(m: int, n: int) -> FloatArray:
    """Null distribution of W for samples of m and n values without ties (R ``dwilcox``).

    The count of arrangements with W = u satisfies c(i, j, u) = c(i-1, j, u-j) + c(i, j-1, u)
    (the largest value belongs to the first sample or not); additions only, so no precision is
    lost to cancellation.
    """
    rows = [np.ones(1) for _ in range(n + 1)]  # c(0, j, .) = [1]
    for i in range(1, m + 1):
        current = [np.ones(1)]
        for j in range(1, n + 1):
            counts = np.zeros(i * j + 1)
            counts[j : j + rows[j].size] += rows[j]
            counts[: current[j - 1].size] += current[j - 1]
            current.append(counts)
        rows = current
    final: FloatArray = rows[n]
    return np.asarray(final / final.sum(), dtype=np.float64)


def mann_whitney(
    earlier: npt.ArrayLike, later: npt.ArrayLike, *, exact: bool | None = None
) -> RankTest:
    """Mann–Whitney U (Wilcoxon rank-sum) test of ``later`` against ``earlier``, as R computes it.

    Parameters
    ----------
    earlier, later
        Independent samples; missing values are dropped.
    exact
        ``None`` (R's default): exact when both samples have fewer than 50 values and there are
        no ties; otherwise the normal approximation with continuity and tie correction.

    Notes
    -----
    :math:`W = \\sum R_{later} - n_l(n_l+1)/2`;
    :math:`z = (W - n_l n_e/2 - \\tfrac12\\operatorname{sign}) / \\sqrt{\\tfrac{n_l n_e}{12}\\left(N + 1 - \\tfrac{\\sum(t^3-t)}{N(N-1)}\\right)}`.

    References
    ----------
    .. [1] Mann, H. B. & Whitney, D. R. (1947). On a test of whether one of two random variables
       is stochastically larger than the other. Ann. Math. Statist. 18, 50-60.

    Examples
    --------
    >>> a = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
    >>> b = [1.15, 0.88, 0.90, 0.74, 1.21]
    >>> r = mann_whitney(a, b)   # In R: wilcox.test(b, a)
    >>> r.statistic, round(r.p, 6)
    (15.0, 0.254412)
    """
    e, l_ = _as_float(earlier), _as_float(later)
    e, l_ = e[np.isfinite(e)], l_[np.isfinite(l_)]
    n_l, n_e = l_.size, e.size
    if n_l == 0 or n_e == 0:
        return RankTest("mann_whitney", math.nan, math.nan, False, n_l + n_e)
    pooled = np.concatenate([l_, e])
    ranks = rankdata(pooled)
    w = float(ranks[:n_l].sum() - n_l * (n_l + 1) / 2)
    ties = _tie_term(pooled)
    use_exact = (n_l < EXACT_RANK_LIMIT and n_e < EXACT_RANK_LIMIT) if exact is None else exact
    if use_exact and ties == 0:
        cdf = np.cumsum(_rank_sum_pmf(n_l, n_e))
        k = round(w)
        # R: upper tail P(W >= w) above the centre, lower tail P(W <= w) otherwise; doubled.
        p = 2 * (1 - cdf[k - 1]) if w > n_l * n_e / 2 else 2 * cdf[k]
        return RankTest("mann_whitney", w, float(min(1.0, p)), True, n_l + n_e)
    big_n = n_l + n_e
    centre = w - n_l * n_e / 2
    sigma = math.sqrt(n_l * n_e / 12 * ((big_n + 1) - ties / (big_n * (big_n - 1))))
    z = (centre - 0.5 * np.sign(centre)) / sigma if sigma > 0 else math.nan
    return RankTest("mann_whitney", w, _two_sided_normal(float(z)), False, big_n)
