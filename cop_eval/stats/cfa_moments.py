"""Sample moments behind a maximum-likelihood CFA: complete data, or missing-data patterns.

A group's data enter the ML fit only through its *patterns*: the rows that answered the same set
of items, with their count, mean vector and ML (divide-by-n) covariance matrix. Complete data
(listwise deletion) are one pattern. Under full-information ML (FIML) each pattern contributes
``n_p [log|Σ_oo| + tr(Σ_oo⁻¹ (S_p + d_p d_p'))]`` to ``-2 log L`` (constants dropped), with
``d_p`` the pattern mean minus the model-implied mean of the observed items.

The *saturated* model (free means and covariances) is what a model's chi-square is measured
against: with complete data its estimates are the sample mean and ML covariance; with missing
data they come from the EM algorithm (:func:`em_moments`), as lavaan's ``missing.h1``.
The *baseline* (independence) model frees each item's mean and variance; under FIML its
estimates are each item's observed mean and ML variance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "GroupMoments",
    "MissingPattern",
    "baseline_deviance",
    "em_moments",
    "group_moments",
    "pattern_deviance",
]

_FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class MissingPattern:
    """Rows that answered the same items: which items, how many rows, their mean and ML cov."""

    observed: npt.NDArray[np.intp]
    n: int
    mean: _FloatArray
    cov: _FloatArray


@dataclass(frozen=True)
class GroupMoments:
    """One group's data as the ML fit sees them.

    ``mean`` and ``cov`` are the saturated estimates (sample moments, or EM under FIML);
    ``saturated`` and ``baseline`` are ``-2 log L`` of the saturated and independence models
    (without the ``log 2π`` terms, which cancel in every difference).
    """

    n: int
    patterns: tuple[MissingPattern, ...]
    mean: _FloatArray
    cov: _FloatArray
    saturated: float
    baseline: float
    em_iterations: int = 0


def _ml_cov(x: _FloatArray) -> _FloatArray:
    centred = x - x.mean(axis=0)
    return np.asarray(centred.T @ centred / x.shape[0], dtype=np.float64)


def _patterns(x: _FloatArray) -> tuple[MissingPattern, ...]:
    seen = ~np.isnan(x)
    keys, inverse = np.unique(seen, axis=0, return_inverse=True)
    patterns = []
    for index, key in enumerate(keys):
        rows = x[np.asarray(inverse).ravel() == index][:, key]
        observed = np.flatnonzero(key)
        patterns.append(MissingPattern(observed, rows.shape[0], rows.mean(axis=0), _ml_cov(rows)))
    return tuple(patterns)


def pattern_deviance(
    patterns: tuple[MissingPattern, ...], mu: _FloatArray, sigma: _FloatArray
) -> float:
    """``-2 log L`` of the patterns under ``N(mu, sigma)``, without the ``log 2π`` terms.

    Returns ``inf`` when a pattern's covariance block is not positive definite.

    Examples
    --------
    >>> x = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 4.0], [4.0, 3.0]])
    >>> m = group_moments(x)
    >>> abs(pattern_deviance(m.patterns, m.mean, m.cov) - m.saturated) < 1e-9
    True
    """
    total = 0.0
    for p in patterns:
        o = p.observed
        block = sigma[np.ix_(o, o)]
        try:
            chol = np.linalg.cholesky(block)
        except np.linalg.LinAlgError:
            return math.inf
        d = p.mean - mu[o]
        inv = np.linalg.inv(block)
        logdet = 2.0 * float(np.log(np.diag(chol)).sum())
        total += p.n * (logdet + float(np.sum(inv * p.cov)) + float(d @ inv @ d))
    return total


def em_moments(
    patterns: tuple[MissingPattern, ...], p: int, *, tol: float = 1e-12, max_iter: int = 5000
) -> tuple[_FloatArray, _FloatArray, int]:
    """ML mean and covariance from incomplete data by EM (Dempster, Laird & Rubin 1977).

    Starts from each item's observed mean and variance; stops when ``-2 log L`` changes by
    less than ``tol`` (relative). Returns ``(mu, sigma, iterations)``.
    """
    n = sum(pt.n for pt in patterns)
    mu = np.zeros(p)
    var = np.zeros(p)
    count = np.zeros(p)
    for pt in patterns:
        mu[pt.observed] += pt.n * pt.mean
        count[pt.observed] += pt.n
    mu /= count
    for pt in patterns:
        d = pt.mean - mu[pt.observed]
        var[pt.observed] += pt.n * (np.diag(pt.cov) + d**2)
    sigma = np.diag(var / count)
    previous = pattern_deviance(patterns, mu, sigma)
    for iteration in range(1, max_iter + 1):
        s1 = np.zeros(p)
        s2 = np.zeros((p, p))
        for pt in patterns:
            o = pt.observed
            m = np.setdiff1d(np.arange(p), o)
            if m.size == 0:
                s1 += pt.n * pt.mean
                s2 += pt.n * (pt.cov + np.outer(pt.mean, pt.mean))
                continue
            beta = np.linalg.solve(sigma[np.ix_(o, o)], sigma[np.ix_(o, m)])  # o x m
            cond = sigma[np.ix_(m, m)] - sigma[np.ix_(m, o)] @ beta
            mean_full = np.empty(p)
            mean_full[o] = pt.mean
            mean_full[m] = mu[m] + (pt.mean - mu[o]) @ beta
            cov_full = np.zeros((p, p))
            cov_full[np.ix_(o, o)] = pt.cov
            cov_full[np.ix_(m, o)] = beta.T @ pt.cov
            cov_full[np.ix_(o, m)] = pt.cov @ beta
            cov_full[np.ix_(m, m)] = beta.T @ pt.cov @ beta + cond
            s1 += pt.n * mean_full
            s2 += pt.n * (cov_full + np.outer(mean_full, mean_full))
        mu = s1 / n
        sigma = s2 / n - np.outer(mu, mu)
        current = pattern_deviance(patterns, mu, sigma)
        if abs(previous - current) <= tol * max(1.0, abs(current)):
            return mu, sigma, iteration
        previous = current
    return mu, sigma, max_iter


def baseline_deviance(patterns: tuple[MissingPattern, ...], p: int) -> float:
    """``-2 log L`` of the independence model: each item's own mean and ML variance."""
    count = np.zeros(p)
    total = np.zeros(p)
    for pt in patterns:
        count[pt.observed] += pt.n
        total[pt.observed] += pt.n * pt.mean
    mean = total / count
    ss = np.zeros(p)
    for pt in patterns:
        d = pt.mean - mean[pt.observed]
        ss[pt.observed] += pt.n * (np.diag(pt.cov) + d**2)
    var = ss / count
    return float(np.sum(count * (np.log(var) + 1.0)))


def group_moments(x: _FloatArray, *, fiml: bool = False) -> GroupMoments:
    """The moments of one group's ``n x p`` data (NaN = missing).

    Without ``fiml`` the rows must be complete (delete incomplete rows first: listwise). With
    ``fiml`` rows that answered nothing must already be dropped.

    Examples
    --------
    >>> x = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 4.0], [4.0, 3.0]])
    >>> m = group_moments(x)
    >>> m.n, m.cov.tolist()
    (4, [[1.25, 0.75], [0.75, 1.25]])
    """
    x = np.asarray(x, dtype=np.float64)
    n, p = x.shape
    if not fiml:
        mean = x.mean(axis=0)
        cov = _ml_cov(x)
        pattern = MissingPattern(np.arange(p), n, mean, cov)
        sign, logdet = np.linalg.slogdet(cov)
        saturated = float(n * (logdet + p)) if sign > 0 else -math.inf
        return GroupMoments(n, (pattern,), mean, cov, saturated, baseline_deviance((pattern,), p))
    patterns = _patterns(x)
    mu, sigma, iterations = em_moments(patterns, p)
    return GroupMoments(
        n,
        patterns,
        mu,
        sigma,
        pattern_deviance(patterns, mu, sigma),
        baseline_deviance(patterns, p),
        iterations,
    )
