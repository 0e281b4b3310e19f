"""Exact REML for ``score ~ C(wave) + (1 | respondent)`` from per-pattern sufficient statistics.

With only wave dummies as fixed effects, a respondent's design matrix depends only on *which*
waves they answered, so every term of the REML criterion (``X'V⁻¹X``, ``X'V⁻¹y``, ``y'V⁻¹y``,
``log|V|``) is a sum over at most 2^W − 1 response patterns of per-pattern totals. One pass over
the data builds the totals; the criterion, profiled over the residual variance, is then minimised
over the intraclass correlation in [0, 1). Used by :func:`cop_eval.stats.trend.fit_trend`.

Notation: :math:`V_i = \\sigma^2 H_i`, :math:`H_i = I + \\lambda J`,
:math:`\\lambda = \\tau^2/\\sigma^2`, :math:`H_i^{-1} = I - \\tfrac{\\lambda}{1 + m_i\\lambda} J`,
:math:`|H_i| = 1 + m_i\\lambda`.

References
----------
.. [1] Harville, D. A. (1977). Maximum likelihood approaches to variance component estimation
   and to related problems. JASA 72, 320-338.
.. [2] Pinheiro, J. C. & Bates, D. M. (2000). Mixed-Effects Models in S and S-PLUS. Springer, 2.2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize

__all__ = ["ProfileREML", "gls_covariance", "profile_reml", "treatment_design"]

FloatArray = npt.NDArray[np.float64]


def treatment_design(n_waves: int) -> FloatArray:
    """Treatment coding: row k is the fixed-effect row of wave k (intercept + dummies)."""
    d = np.zeros((n_waves, n_waves))
    d[:, 0] = 1.0
    d[np.arange(1, n_waves), np.arange(1, n_waves)] = 1.0
    return d


@dataclass(frozen=True)
class _Patterns:
    masks: FloatArray  # P × W (1 where observed)
    count: FloatArray  # clusters per pattern
    m: FloatArray  # observations per cluster
    ysum: FloatArray  # P × W: summed scores per wave
    q: FloatArray  # sum of squares
    r: FloatArray  # sum over clusters of (cluster total)^2


def _patterns(y: FloatArray) -> _Patterns:
    ok = np.isfinite(y)
    weights = (1 << np.arange(y.shape[1])).astype(np.int64)
    code = ok.astype(np.int64) @ weights
    keep = code > 0
    code, y0, ok = code[keep], np.where(ok, y, 0.0)[keep], ok[keep]
    # Pattern codes are < 2^W: count them directly instead of sorting (one pass, no sort).
    present = np.bincount(code, minlength=1 << y.shape[1])
    uniq = np.flatnonzero(present).astype(np.int64)
    lookup = np.zeros(present.size, dtype=np.int64)
    lookup[uniq] = np.arange(uniq.size)
    inv = lookup[code]
    n_pat = uniq.size
    count = present[uniq].astype(np.float64)
    ysum = np.zeros((n_pat, y.shape[1]))
    for k in range(y.shape[1]):  # W columns, vectorised over respondents
        ysum[:, k] = np.bincount(inv, weights=y0[:, k], minlength=n_pat)
    q = np.bincount(inv, weights=(y0**2).sum(axis=1), minlength=n_pat).astype(np.float64)
    r = np.bincount(inv, weights=y0.sum(axis=1) ** 2, minlength=n_pat).astype(np.float64)
    masks = ((uniq[:, None] & weights[None, :]) > 0).astype(np.float64)
    return _Patterns(masks, count, masks.sum(axis=1), ysum, q, r)


def _reml_pieces(
    pat: _Patterns, design: FloatArray, lam: float
) -> tuple[FloatArray, FloatArray, float, float]:
    g = lam / (1 + pat.m * lam)
    c = pat.masks @ design  # P × p: column sums of each pattern's X
    xtx = np.einsum("pk,ki,kj->ij", pat.count[:, None] * pat.masks, design, design)
    xtx -= np.einsum("p,pi,pj->ij", g * pat.count, c, c)
    totals = pat.ysum.sum(axis=1)
    xty = design.T @ pat.ysum.sum(axis=0) - c.T @ (g * totals)
    yty = float(np.sum(pat.q - g * pat.r))
    logdet_h = float(np.sum(pat.count * np.log1p(pat.m * lam)))
    return xtx, xty, yty, logdet_h


def _neg_reml(pat: _Patterns, design: FloatArray, n_obs: int, rho: float) -> float:
    lam = rho / (1 - rho)
    xtx, xty, yty, logdet_h = _reml_pieces(pat, design, lam)
    beta = np.linalg.solve(xtx, xty)
    rss = yty - float(beta @ xty)
    dfree = n_obs - design.shape[1]
    if rss <= 0:
        return math.inf
    _sign, logdet_x = np.linalg.slogdet(xtx)
    return float(dfree * math.log(rss / dfree) + logdet_h + logdet_x)


@dataclass(frozen=True)
class ProfileREML:
    """REML estimates: fixed effects (intercept = first wave), their covariance, variances."""

    beta: FloatArray
    cov: FloatArray
    sigma2: float
    tau2: float
    rho: float
    converged: bool
    message: str
    n_obs: int
    n_respondents: int


def profile_reml(y: FloatArray) -> ProfileREML:
    """Fit the random-intercept model to an n × W array (NaN = not answered) by exact REML.

    Notes
    -----
    Minimises :math:`(N - p)\\log\\hat\\sigma^2 + \\sum_i \\log(1 + m_i\\lambda) +
    \\log|X'H^{-1}X|` over :math:`\\rho = \\lambda/(1+\\lambda)`: a 200-point grid, then bounded
    Brent around the best point; :math:`\\rho = 0` (no respondent variance) is allowed.
    The fixed-effect covariance is :math:`\\hat\\sigma^2 (X'H^{-1}X)^{-1}`, as in nlme.
    """
    pat = _patterns(y)
    design = treatment_design(y.shape[1])
    n_obs = int(np.sum(pat.count * pat.m))
    if n_obs - y.shape[1] <= 0:
        raise ValueError("too few observations for a trend model")
    grid = np.linspace(0.0, 0.995, 200)
    values = np.array([_neg_reml(pat, design, n_obs, float(r)) for r in grid])
    best = int(np.argmin(values))
    lo = float(grid[max(best - 1, 0)])
    hi = float(grid[best + 1]) if best < grid.size - 1 else 1 - 1e-12
    res = optimize.minimize_scalar(
        lambda r: _neg_reml(pat, design, n_obs, r),
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": 1e-12, "maxiter": 500},
    )
    rho = 0.0 if values[0] <= res.fun else float(res.x)
    converged = bool(res.success) and math.isfinite(float(res.fun))
    lam = rho / (1 - rho)
    xtx, xty, yty, _ = _reml_pieces(pat, design, lam)
    beta: FloatArray = np.asarray(np.linalg.solve(xtx, xty), dtype=np.float64)
    sigma2 = (yty - float(beta @ xty)) / (n_obs - design.shape[1])
    cov: FloatArray = np.asarray(sigma2 * np.linalg.inv(xtx), dtype=np.float64)
    return ProfileREML(
        beta,
        cov,
        sigma2,
        lam * sigma2,
        rho,
        converged,
        str(res.message),
        n_obs,
        int(pat.count.sum()),
    )


def gls_covariance(y: FloatArray, sigma2: float, tau2: float) -> FloatArray:
    """:math:`\\sigma^2 (X'H^{-1}X)^{-1}` at given variance components (nlme's fixed-effect SEs)."""
    xtx, _, _, _ = _reml_pieces(_patterns(y), treatment_design(y.shape[1]), tau2 / sigma2)
    return np.asarray(sigma2 * np.linalg.inv(xtx), dtype=np.float64)
