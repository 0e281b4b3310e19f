"""Numeric kernels of internal-consistency reliability, as ``psych::alpha`` computes them.

Pairwise-complete moments of a respondents x items array, Cronbach's alpha with its item
statistics from a covariance matrix, and Feldt's confidence interval. Arrays in, numbers out;
:mod:`cop_eval.measure.reliability` applies them per scale of an instrument.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cop_eval.stats.distributions import f_quantile

__all__ = ["AlphaStatistics", "PairwiseMoments", "alpha_statistics", "feldt_ci", "pairwise_moments"]

_FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PairwiseMoments:
    """Pairwise-complete moments of a respondents × items array.

    ``nobs[j, k]`` rows answered both items; ``cov`` as R's ``cov(x, use = "pairwise")`` (the
    diagonal is each item's variance over its own answers); ``cor`` as
    ``cor(x, use = "pairwise")`` (each pair's own means and SDs).
    """

    nobs: _FloatArray
    cov: _FloatArray
    cor: _FloatArray


def pairwise_moments(x: npt.ArrayLike) -> PairwiseMoments:
    """Pairwise-complete covariance and correlation matrices in a few matrix products.

    Notes
    -----
    Columns are first centred on their own means (for accuracy); with :math:`z` the centred
    values set to 0 where missing and :math:`m` the answered indicator, the pairwise sums are
    :math:`n = m'm`, :math:`S_1 = z'm`, :math:`S_2 = (z \\circ z)'m` and :math:`S_{xy} = z'z`, and

    .. math:: c_{jk} = \\frac{S_{xy,jk} - S_{1,jk} S_{1,kj} / n_{jk}}{n_{jk} - 1}

    Cost: :math:`O(N k^2)` without any loop over respondents. Entries with fewer than two rows
    answering both items are NaN.
    """
    arr = np.asarray(x, dtype=np.float64)
    answered = np.isfinite(arr)
    m = answered.astype(np.float64)
    z = np.where(answered, arr, 0.0)  # a new array: the caller's is left alone
    nobs = m.T @ m
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = z.sum(axis=0) / np.diag(nobs)
    z -= np.where(np.isfinite(centre), centre, 0.0)
    z *= m  # missing cells back to 0 after centring
    s1 = z.T @ m
    sxy = z.T @ z
    z *= z  # in place: squares, to spare another n x k array
    s2 = z.T @ m
    with np.errstate(invalid="ignore", divide="ignore"):
        denom = np.where(nobs > 1, nobs - 1, np.nan)
        cov = (sxy - s1 * s1.T / nobs) / denom
        var_pair = (s2 - s1 * s1 / nobs) / denom  # var of item j over rows with item k
        cor = cov / np.sqrt(var_pair * var_pair.T)
    np.fill_diagonal(cor, np.where(np.diag(nobs) > 1, 1.0, np.nan))
    return PairwiseMoments(nobs=nobs, cov=cov, cor=cor)


@dataclass(frozen=True)
class AlphaStatistics:
    """Output of :func:`alpha_statistics` (per-item arrays in the order of the matrix)."""

    alpha: float
    std_alpha: float
    average_r: float
    item_rest_r: _FloatArray
    alpha_if_deleted: _FloatArray


def alpha_statistics(cov: npt.ArrayLike) -> AlphaStatistics:
    """Alpha, standardised alpha, average r, item-rest r and alpha-if-deleted from a covariance.

    Notes
    -----
    With :math:`C` the :math:`k \\times k` covariance and :math:`R` = ``cov2cor(C)``:

    .. math::
        \\alpha = \\frac{k}{k-1}\\Big(1 - \\frac{\\operatorname{tr} C}{\\mathbf 1'C\\mathbf 1}\\Big),
        \\quad
        \\alpha_{std} = \\frac{k}{k-1}\\Big(1 - \\frac{k}{\\mathbf 1'R\\mathbf 1}\\Big),
        \\quad
        \\bar r = \\frac{\\mathbf 1'R\\mathbf 1 - k}{k(k-1)}

    Item-rest r of item :math:`i`: :math:`(\\sum_j C_{ij} - C_{ii}) / \\sqrt{C_{ii} V_{-i}}` with
    :math:`V_{-i}` the sum of :math:`C` without row and column :math:`i` (psych's ``r.drop``);
    alpha if deleted is alpha of :math:`C_{-i,-i}` (``alpha.drop$raw_alpha``; NaN for 2 items).

    References
    ----------
    .. [1] Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
       Psychometrika 16, 297-334.
    .. [2] Revelle, W. (2022). psych 2.2.9, ``alpha``.
    """
    c = np.asarray(cov, dtype=np.float64)
    k = c.shape[0]
    diag = np.diag(c)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = c / np.sqrt(np.outer(diag, diag))
        total = c.sum()
        trace = diag.sum()
        alpha = (1 - trace / total) * k / (k - 1)
        sum_r = r.sum()
        std_alpha = (1 - k / sum_r) * k / (k - 1)
        average_r = (sum_r - k) / (k * (k - 1))
        col = c.sum(axis=0)
        v_drop = total - 2 * col + diag
        item_rest = (col - diag) / np.sqrt(diag * v_drop)
        if k > 2:
            if_deleted = (1 - (trace - diag) / v_drop) * (k - 1) / (k - 2)
        else:
            if_deleted = np.full(k, np.nan)
    return AlphaStatistics(
        alpha=float(alpha),
        std_alpha=float(std_alpha),
        average_r=float(average_r),
        item_rest_r=np.asarray(item_rest, dtype=np.float64),
        alpha_if_deleted=np.asarray(if_deleted, dtype=np.float64),
    )


def feldt_ci(alpha: float, n: int, k: int, level: float = 0.95) -> tuple[float, float]:
    """Feldt's confidence interval for Cronbach's alpha.

    Notes
    -----
    .. math:: 1 - (1 - \\alpha) F_{1 - p/2}(n - 1, (n - 1)(k - 1)) \\le \\alpha_{pop}
              \\le 1 - (1 - \\alpha) F_{p/2}(n - 1, (n - 1)(k - 1))

    with :math:`p = 1 - \\text{level}`; ``psych::alpha.ci(alpha, n.obs, n.var)``.

    References
    ----------
    .. [1] Feldt, L. S., Woodruff, D. J. and Salih, F. A. (1987). Statistical inference for
       coefficient alpha. Applied Psychological Measurement 11, 93-103.

    Examples
    --------
    >>> lo, hi = feldt_ci(0.8, 100, 5)   # In R: psych::alpha.ci(0.8, 100, 5)
    >>> round(lo, 4), round(hi, 4)
    (0.7306, 0.8559)
    """
    if not (math.isfinite(alpha) and n > 1 and k > 1):
        return (math.nan, math.nan)
    p = 1 - level
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lower = 1 - (1 - alpha) * float(f_quantile(1 - p / 2, df1, df2))
    upper = 1 - (1 - alpha) * float(f_quantile(p / 2, df1, df2))
    return (lower, upper)
