"""Fit indices of a maximum-likelihood CFA with lavaan 0.6's definitions.

``N`` is the total number of respondents over groups (lavaan's ``likelihood = "normal"``, its
default for ML: not ``N - 1``), ``G`` the number of groups.

- CFI = 1 - max(χ² - df, 0) / max(χ² - df, χ²_b - df_b, 0) (1 when both are 0).
- TLI = 1 - ((χ² - df) df_b) / ((χ²_b - df_b) df).
- RMSEA = sqrt(max(χ²/(N df) - 1/N, 0)) · sqrt(G) — lavaan's multi-group RMSEA (Steiger 1998).
- RMSEA 90% CI from the noncentral chi-square: λ with P(χ²_df(λ) ≤ χ²) = .95 (lower) and .05
  (upper), RMSEA = sqrt(λ/(N df)) · sqrt(G), searched as ``lavaan:::lav_fit_rmsea_ci`` does.
- SRMR (Bentler's, lavaan's ``srmr`` for continuous data): per group the root mean square of
  the residual covariances ``(s_ij - σ_ij)/sqrt(s_ii s_jj)`` over the lower triangle with the
  diagonal, and, when the model has a mean structure (several groups, or FIML), of the mean
  residuals ``(m_i - μ_i)/sqrt(s_ii)``; groups are averaged with weights ``n_g / N``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from cop_eval.stats.distributions import chi2_cdf, ncx2_cdf
from cop_eval.stats.roots import brent_root

__all__ = ["cfi", "htmt", "rmsea", "rmsea_ci", "srmr", "tli"]

_FloatArray = npt.NDArray[np.float64]


def cfi(chisq: float, df: float, chisq_b: float, df_b: float) -> float:
    """Comparative fit index (Bentler 1990), as ``lavaan:::lav_fit_cfi``.

    Examples
    --------
    >>> round(cfi(85.306, 24, 918.852, 36), 3)  # lavaan::HolzingerSwineford1939
    0.931
    """
    t1 = max(chisq - df, 0.0)
    t2 = max(chisq - df, chisq_b - df_b, 0.0)
    if math.isclose(t1, 0.0, abs_tol=1.5e-8) and math.isclose(t2, 0.0, abs_tol=1.5e-8):
        return 1.0
    return 1.0 - t1 / t2


def tli(chisq: float, df: float, chisq_b: float, df_b: float) -> float:
    """Tucker-Lewis index (non-normed fit index), as ``lavaan:::lav_fit_nnfi``.

    Examples
    --------
    >>> round(tli(85.306, 24, 918.852, 36), 3)
    0.896
    """
    t1 = (chisq - df) * df_b
    t2 = (chisq_b - df_b) * df
    if df > 0 and abs(t2) > 0:
        return 1.0 - t1 / t2
    return 1.0


def rmsea(chisq: float, df: float, n: int, groups: int = 1) -> float:
    """Root mean square error of approximation, lavaan's multi-group version.

    Examples
    --------
    >>> round(rmsea(85.306, 24, 301), 3)
    0.092
    """
    if df <= 0:
        return 0.0
    return math.sqrt(max(chisq / n / df - 1.0 / n, 0.0)) * math.sqrt(groups)


def _cdf(chisq: float, df: float, ncp: float) -> float:
    if ncp <= 0:
        return float(chi2_cdf(chisq, df))
    return float(ncx2_cdf(chisq, df, ncp))


def rmsea_ci(
    chisq: float, df: float, n: int, groups: int = 1, level: float = 0.90
) -> tuple[float, float]:
    """The ``level`` confidence interval of the RMSEA (``lavaan:::lav_fit_rmsea_ci``).

    Examples
    --------
    >>> [round(v, 3) for v in rmsea_ci(85.306, 24, 301)]
    [0.071, 0.114]
    """
    upper_p = 1 - (1 - level) / 2
    lower_p = (1 - level) / 2
    scale = math.sqrt(groups)
    if df < 1 or _cdf(chisq, df, 0.0) - upper_p < 0:
        low = 0.0
    else:
        lam = brent_root(lambda v: _cdf(chisq, df, v) - upper_p, 0.0, chisq, xtol=1e-12)
        low = math.sqrt(lam / (n * df)) * scale
    top = max(n, chisq * 4)
    if df < 1 or _cdf(chisq, df, top) - lower_p > 0 or _cdf(chisq, df, 0.0) - lower_p < 0:
        high = 0.0
    else:
        lam = brent_root(lambda v: _cdf(chisq, df, v) - lower_p, 0.0, top, xtol=1e-12)
        high = math.sqrt(lam / (n * df)) * scale
    return low, high


def srmr(
    observed: Sequence[tuple[_FloatArray, _FloatArray]],
    fitted: Sequence[tuple[_FloatArray, _FloatArray]],
    n: Sequence[int],
    *,
    meanstructure: bool,
) -> float:
    """Bentler's standardised root mean square residual, weighted over groups by ``n_g / N``.

    ``observed`` and ``fitted`` hold one ``(mean, cov)`` pair per group: the sample (or, under
    FIML, the EM-saturated) moments and the model-implied ones.

    Examples
    --------
    >>> s = np.array([[1.0, 0.5], [0.5, 1.0]])
    >>> f = np.array([[1.0, 0.3], [0.3, 1.0]])
    >>> round(srmr([(np.zeros(2), s)], [(np.zeros(2), f)], [10], meanstructure=False), 4)
    0.1155
    """
    total = sum(n)
    value = 0.0
    for (m_obs, s), (m_fit, sigma), n_g in zip(observed, fitted, n, strict=True):
        sd = np.sqrt(np.diag(s))
        resid = (s - sigma) / np.outer(sd, sd)
        lower = resid[np.tril_indices_from(resid)]
        squares = float(lower @ lower)
        count = lower.size
        if meanstructure:
            mean_resid = (m_obs - m_fit) / sd
            squares += float(mean_resid @ mean_resid)
            count += mean_resid.size
        value += n_g / total * math.sqrt(squares / count)
    return value


def htmt(r: _FloatArray, factor_of: Sequence[int]) -> _FloatArray:
    """Heterotrait-monotrait ratio of correlations, HTMT2 (Roemer, Schuberth & Henseler 2021).

    The geometric mean of the absolute correlations between two scales' items, over the
    geometric mean of the two scales' within-scale mean correlations — ``semTools::htmt``'s
    default (``htmt2 = TRUE``, ``absolute = TRUE``). Above .85 the two scales are hard to tell
    apart (Henseler, Ringle & Sarstedt 2015). A one-item scale has no within-scale correlation
    (NaN).

    Examples
    --------
    >>> r = np.array([[1, .5, .2, .2], [.5, 1, .2, .2], [.2, .2, 1, .5], [.2, .2, .5, 1]])
    >>> htmt(r, [0, 0, 1, 1]).round(3).tolist()
    [[1.0, 0.4], [0.4, 1.0]]
    """
    a = np.abs(np.asarray(r, dtype=np.float64))
    factor = np.asarray(factor_of)
    k = int(factor.max()) + 1
    mono = np.full(k, math.nan)
    for f in range(k):
        idx = np.flatnonzero(factor == f)
        if idx.size > 1:
            block = a[np.ix_(idx, idx)][np.triu_indices(idx.size, k=1)]
            mono[f] = math.exp(float(np.mean(np.log(block))))
    out = np.eye(k)
    for f in range(k):
        for h in range(f):
            block = a[np.ix_(np.flatnonzero(factor == f), np.flatnonzero(factor == h))]
            hetero = math.exp(float(np.mean(np.log(block))))
            out[f, h] = out[h, f] = hetero / math.sqrt(mono[f] * mono[h])
    return out
