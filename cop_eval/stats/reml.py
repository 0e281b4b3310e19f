"""Exact REML for ``score ~ C(wave) + (1 | respondent)`` from per-pattern sufficient statistics.

With only wave dummies as fixed effects, a respondent's design matrix depends only on *which*
waves they answered, so every term of the REML criterion (``X'V⁻¹X``, ``X'V⁻¹y``, ``y'V⁻¹y``,
``log|V|``) and its derivative is a sum over the observed response patterns (at most 2^W − 1)
of per-pattern totals. One pass over the data builds the totals; the criterion, profiled over
the residual variance, is then minimised over the intraclass correlation in [0, 1) by locating
the root of its analytic derivative. The cost after the pass does not depend on the number of
respondents. Used by :func:`cop_eval.stats.trend.fit_trend`.

Notation: :math:`V_i = \\sigma^2 H_i`, :math:`H_i = I + \\lambda J`,
:math:`\\lambda = \\tau^2/\\sigma^2`, :math:`H_i^{-1} = I - g_i J` with
:math:`g_i = \\lambda/(1 + m_i\\lambda)`, :math:`|H_i| = 1 + m_i\\lambda`.

References
----------
.. [1] Harville, D. A. (1977). Maximum likelihood approaches to variance component estimation
   and to related problems. JASA 72, 320-338.
.. [2] Pinheiro, J. C. & Bates, D. M. (2000). Mixed-Effects Models in S and S-PLUS. Springer, 2.2.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cop_eval.stats import reml_identified as _ident
from cop_eval.stats.reml_identified import ModelNotFitted
from cop_eval.stats.roots import brent_root

__all__ = [
    "ModelNotFitted",
    "PatternTotals",
    "ProfileREML",
    "profile_reml",
    "profile_reml_totals",
    "reml_is_well_conditioned",
    "treatment_design",
]

FloatArray = npt.NDArray[np.float64]

#: Grid over the intraclass correlation on which the derivative's sign changes are bracketed.
_GRID = np.concatenate([np.linspace(0.0, 0.98, 99), 1.0 - np.geomspace(1e-2, 1e-9, 15)[1:]])

#: The slope at zero respondent variance counts as zero within this share of the answers'
#: number (its terms are of that size; rounding leaves ~1e-14 where it is exactly zero).
_ZERO_SLOPE = 1e-9

#: A minimum of the criterion (-2 log restricted likelihood) less than this below its value as
#: the residual variance goes to zero is not told apart from that limit.
_FLAT = 1e-6

#: Two values of λ far out where the criterion is still computed to ~1e-10 (beyond ~1e7 the
#: fixed effects' cross-product is too close to singular), to find its limit as λ → ∞.
_LIMIT = np.array([1e5, 1e6])


def treatment_design(n_waves: int) -> FloatArray:
    """Treatment coding: row k is the fixed-effect row of wave k (intercept + dummies)."""
    d = np.zeros((n_waves, n_waves))
    d[:, 0] = 1.0
    d[np.arange(1, n_waves), np.arange(1, n_waves)] = 1.0
    return d


@dataclass(frozen=True)
class _Patterns:
    """Totals per response pattern (the data enter the criterion only through these)."""

    count: FloatArray  # respondents with the pattern
    m: FloatArray  # answers per respondent of the pattern
    masks: FloatArray  # P × W: 1 where the pattern answered the wave
    c: FloatArray  # P × p: column sums of one respondent's X
    total: FloatArray  # sum over respondents of (their total score)
    r: FloatArray  # sum over respondents of (their total score)^2
    xtx0: FloatArray  # X'X
    xty0: FloatArray  # X'y
    yty0: float  # y'y
    n_obs: int

    @functools.cached_property
    def outer(self) -> FloatArray:
        """P × p × p: count times c c' per pattern (the same at every λ)."""
        return np.asarray(
            self.c[:, :, None] * self.c[:, None, :] * self.count[:, None, None], dtype=np.float64
        )


@dataclass(frozen=True)
class PatternTotals:
    """The data's sufficient statistics for the model: totals per response pattern.

    Totals of disjoint sets of respondents add, so the totals of a subset's complement are the
    whole set's minus the subset's (:meth:`minus`), at a cost that does not depend on the number
    of respondents. Patterns are bit codes (bit k set: wave k answered), sorted.
    ``magnitude`` is the sum of ``yty`` over every set added or taken away: differences of large
    sums lose precision in proportion to it (see :func:`reml_is_well_conditioned`).
    """

    n_waves: int
    codes: npt.NDArray[np.int64]  # P pattern codes, sorted, none 0
    count: FloatArray  # respondents with the pattern
    total: FloatArray  # sum over respondents of (their total score)
    r: FloatArray  # sum over respondents of (their total score)^2
    wave_sum: FloatArray  # W: sum of the answers per wave
    yty: float  # y'y
    magnitude: float

    @classmethod
    def of(cls, y: FloatArray) -> PatternTotals:
        """Totals of an n × W array (NaN = not answered; rows of NaN count for nothing)."""
        n_waves = y.shape[1]
        ok = np.isfinite(y)
        y0 = np.where(ok, y, 0.0)
        code = np.zeros(y.shape[0], dtype=np.int64)
        for k in range(n_waves):  # bit k set when wave k was answered
            code |= ok[:, k].astype(np.int64) << k
        if n_waves <= 16:
            # Codes are < 2^W: count them directly (one pass, no sort).
            present = np.bincount(code, minlength=1 << n_waves)
            present[0] = 0
            uniq = np.flatnonzero(present)
        else:
            uniq = np.unique(code)
            uniq = uniq[uniq > 0]
        n_pat = uniq.size
        # Respondents with no answer (code 0) go to an extra bin that is dropped.
        if n_waves <= 16:
            lookup = np.full(1 << n_waves, n_pat, dtype=np.int64)
            lookup[uniq] = np.arange(n_pat)
            inv = lookup[code]
        else:
            inv = np.searchsorted(uniq, code)
            inv[code == 0] = n_pat

        def per_pattern(weights: FloatArray | None = None) -> FloatArray:
            return np.bincount(inv, weights=weights, minlength=n_pat + 1)[:n_pat].astype(np.float64)

        totals = y0.sum(axis=1)
        yty = float(np.einsum("ij,ij->", y0, y0))
        return cls(
            n_waves, uniq.astype(np.int64), per_pattern(), per_pattern(totals),
            per_pattern(totals**2), y0.sum(axis=0), yty, yty,
        )  # fmt: skip

    def plus(self, other: PatternTotals, sign: float = 1.0) -> PatternTotals:
        """The totals of both sets together (``sign=-1``: of this set without ``other``)."""
        codes = np.union1d(self.codes, other.codes)
        mine, theirs = np.searchsorted(codes, self.codes), np.searchsorted(codes, other.codes)

        def merged(a: FloatArray, b: FloatArray) -> FloatArray:
            out = np.zeros(codes.size)
            out[mine] = a
            out[theirs] += sign * b
            return out

        count = merged(self.count, other.count)
        keep = count > 0.5  # counts are whole numbers, exact in float
        return PatternTotals(
            self.n_waves, codes[keep], count[keep], merged(self.total, other.total)[keep],
            merged(self.r, other.r)[keep], self.wave_sum + sign * other.wave_sum,
            self.yty + sign * other.yty, self.magnitude + other.magnitude,
        )  # fmt: skip

    def minus(self, other: PatternTotals) -> PatternTotals:
        """The totals of this set without ``other`` (a subset of it)."""
        return self.plus(other, -1.0)

    def _patterns(self) -> _Patterns:
        masks = ((self.codes[:, None] >> np.arange(self.n_waves)) & 1).astype(np.float64)
        design = treatment_design(self.n_waves)
        n_per_wave = self.count @ masks
        return _Patterns(
            count=self.count,
            m=masks.sum(axis=1),
            masks=masks,
            c=masks @ design,
            total=self.total,
            r=self.r,
            xtx0=design.T @ (n_per_wave[:, None] * design),
            xty0=design.T @ self.wave_sum,
            yty0=self.yty,
            n_obs=round(float(n_per_wave.sum())),
        )


def _patterns(y: FloatArray) -> _Patterns:
    return PatternTotals.of(y)._patterns()


@dataclass(frozen=True)
class _Points:
    """The criterion and its derivative in λ at G values of λ, with the GLS quantities there."""

    value: FloatArray  # G
    slope: FloatArray  # G
    xtx: FloatArray  # G × p × p: X'H⁻¹X
    beta: FloatArray  # G × p
    rss: FloatArray  # G


def _at(pat: _Patterns, lam: FloatArray, *, value_too: bool = True) -> _Points:
    """Evaluate at every λ at once (a batch of p × p solves); ``value_too=False`` leaves the
    criterion's value out (NaN), for root finding on the slope."""
    one_m = 1.0 + np.outer(lam, pat.m)  # G × P
    g = lam[:, None] / one_m
    dg = 1.0 / one_m**2
    outer = pat.outer
    xtx = pat.xtx0 - np.tensordot(g, outer, axes=1)
    dxtx = -np.tensordot(dg, outer, axes=1)
    xty = pat.xty0 - (g * pat.total) @ pat.c
    dxty = -(dg * pat.total) @ pat.c
    yty = pat.yty0 - g @ pat.r
    beta: FloatArray = np.linalg.solve(xtx, xty[:, :, None])[:, :, 0].astype(np.float64)
    rss = yty - np.einsum("gi,gi->g", beta, xty)
    drss = -(dg @ pat.r) - 2.0 * np.einsum("gi,gi->g", beta, dxty)
    drss += np.einsum("gi,gij,gj->g", beta, dxtx, beta)
    dfree = pat.n_obs - pat.c.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        if value_too:
            _sign, logdet_x = np.linalg.slogdet(xtx)
            value = dfree * np.log(rss / dfree) + np.log(one_m) @ pat.count + logdet_x
        else:
            value = np.full(lam.shape, np.nan)
        slope = dfree * drss / rss + (pat.m / one_m) @ pat.count
        slope += np.einsum("gii->g", np.linalg.solve(xtx, dxtx))
    bad = ~(rss > 0)
    value[bad], slope[bad] = np.inf, np.nan
    return _Points(value, slope, xtx, beta, rss)


def _slope(pat: _Patterns, rho: float) -> float:
    return float(_at(pat, np.array([_lam(rho)]), value_too=False).slope[0])


def _lam(rho: float) -> float:
    return rho / (1.0 - rho)


_GRID_LAM = _GRID / (1.0 - _GRID)


@dataclass(frozen=True)
class ProfileREML:
    """REML estimates: fixed effects (intercept = first wave), their covariance, variances.

    ``log_likelihood`` is the restricted log-likelihood as nlme reports it (``logLik(fit)``).
    """

    beta: FloatArray
    cov: FloatArray
    sigma2: float
    tau2: float
    rho: float
    converged: bool
    message: str
    n_obs: int
    n_respondents: int
    log_likelihood: float


def _optimum(pat: _Patterns) -> tuple[float, bool, str]:
    """The intraclass correlation minimising the criterion, whether found, and how.

    As the residual variance goes to zero (ρ → 1) the criterion rises without bound when the
    answers of people seen more than once leave chance variation to estimate (within-person
    degrees of freedom and residual); it falls without bound when they leave none (every
    such person changed by the same amount), and it tends to a finite limit when they leave
    no degrees of freedom (e.g. one person seen twice). There a minimum counts only if it is
    below that limit; otherwise, or when the criterion is flat, :class:`ModelNotFitted`
    says why. Near ρ = 1 the slope is below rounding, so roots are not sought there.
    """
    if not np.any((pat.m > 1) & (pat.count > 0)):
        return 0.0, True, "nobody answered two waves: the respondent variance is not identified"
    _twice, free = _ident.within(pat)
    _ident.check_within(pat, free)
    grid = _at(pat, _GRID_LAM)
    slopes, values = grid.slope, grid.value
    candidates: list[tuple[float, float]] = []
    if slopes[0] >= -_ZERO_SLOPE * pat.n_obs:
        candidates.append((float(values[0]), 0.0))  # rising from 0: the boundary is a minimum
    usable = slice(None) if free > 0 else slice(0, int(np.searchsorted(_GRID_LAM, _LIMIT[0])))
    s = slopes[usable]
    for k in np.flatnonzero((s[:-1] < 0) & (s[1:] >= 0)):
        lo, hi = float(_GRID[k]), float(_GRID[k + 1])
        try:
            rho = brent_root(lambda r: _slope(pat, r), lo, hi, xtol=1e-15)
        except ValueError:
            # Where the slope is zero to rounding at a grid point (answers on a coarse scale
            # can put the root exactly there), evaluating it alone may give the other sign
            # than in the batch: the grid's own slopes bound the bracket.
            fa, fb = float(s[k]), float(s[k + 1])
            rho = brent_root(lambda r: _slope(pat, r), lo, hi, xtol=1e-15, fa=fa, fb=fb)
        candidates.append((float(_at(pat, np.array([_lam(rho)])).value[0]), rho))
    if free <= 0:
        # value(λ) = limit + a/λ + O(λ⁻²): the limit from two λ where the value is still exact.
        (v1, v2), (l1, l2) = _at(pat, _LIMIT).value, _LIMIT
        limit = float((l2 * v2 - l1 * v1) / (l2 - l1)) if np.isfinite(v1 + v2) else -math.inf
        candidates = [c for c in candidates if c[0] < limit - _FLAT]
    if not candidates:
        raise ModelNotFitted(_ident.why_not(pat, free))
    value, rho = min(candidates)
    if rho == 0.0:
        return rho, True, "the criterion rises from zero respondent variance (boundary)"
    return rho, math.isfinite(value), "root of the profiled REML score"


def profile_reml(y: FloatArray) -> ProfileREML:
    """Fit the random-intercept model to an n × W array (NaN = not answered) by exact REML.

    Notes
    -----
    Minimises :math:`(N - p)\\log\\hat\\sigma^2 + \\sum_i \\log(1 + m_i\\lambda) +
    \\log|X'H^{-1}X|` over :math:`\\rho = \\lambda/(1+\\lambda) \\in [0, 1)`: the sign changes
    of its analytic derivative are bracketed on a grid and each root is refined by Brent's
    method to machine precision; :math:`\\rho = 0` (no respondent variance) is the answer when the criterion
    rises from there. The fixed-effect covariance is
    :math:`\\hat\\sigma^2 (X'H^{-1}X)^{-1}`, as in nlme.

    Raises :class:`ModelNotFitted` where the answers cannot determine the model (see
    :mod:`cop_eval.stats.reml_identified`; nlme there stops at a residual variance near zero
    with standard errors near zero, is flat, or fails: tests/reference/reml_degenerate.R).

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([[3.0, 3.5, 4.0], [2.0, 2.4, 3.1], [4.0, 4.1, np.nan], [3.0, 3.9, 4.2]])
    >>> fit = profile_reml(y)  # In R: nlme::lme(score ~ factor(wave), random = ~1 | id)
    >>> [round(float(b), 4) for b in fit.beta], round(fit.tau2, 4)
    ([3.0, 0.475, 1.0292], 0.5533)
    """
    return _fit(_patterns(np.asarray(y, dtype=np.float64)))


def profile_reml_totals(totals: PatternTotals) -> ProfileREML:
    """:func:`profile_reml` from the data's totals (:class:`PatternTotals`) instead of the data.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([[3.0, 3.5, 4.0], [2.0, 2.4, 3.1], [4.0, 4.1, np.nan], [3.0, 3.9, 4.2]])
    >>> whole, last = PatternTotals.of(y), PatternTotals.of(y[3:])
    >>> fit = profile_reml_totals(whole.minus(last))  # the first three respondents
    >>> bool(np.allclose(fit.beta, profile_reml(y[:3]).beta, rtol=1e-12))
    True
    """
    return _fit(totals._patterns())


def reml_is_well_conditioned(totals: PatternTotals, fit: ProfileREML, tol: float = 1e-8) -> bool:
    """Whether totals obtained as differences still determine ``fit`` to ~``tol`` relative.

    The residual sum of squares at the optimum is itself a difference of ``y'y`` and the
    fitted part; each total carries a rounding error of about machine epsilon times
    ``totals.magnitude``, so the fit is trusted while that sum exceeds ``tol * magnitude``
    and the fixed effects' covariance (``σ²(X'H⁻¹X)⁻¹``) is positive definite: the augmented
    cross-product ``[X y]'H⁻¹[X y]`` then is too. Otherwise fit the subset's data directly.
    """
    try:
        np.linalg.cholesky(fit.cov)
    except np.linalg.LinAlgError:
        return False
    rss = fit.sigma2 * (fit.n_obs - fit.beta.size)
    return bool(np.all(np.isfinite(fit.cov)) and rss > tol * totals.magnitude)


def _fit(pat: _Patterns) -> ProfileREML:
    p = pat.c.shape[1]
    _ident.check_size(pat)
    rho, converged, message = _optimum(pat)
    lam = _lam(rho)
    point = _at(pat, np.array([lam]))
    dfree = pat.n_obs - p
    _ident.check_residual(pat, float(point.rss[0]))
    sigma2 = float(point.rss[0]) / dfree
    xtx = point.xtx[0]
    cov = np.asarray(sigma2 * np.linalg.inv(xtx), dtype=np.float64)
    loglik = -0.5 * (
        dfree * (math.log(2 * math.pi) + 1 + math.log(sigma2))
        + float(pat.count @ np.log1p(pat.m * lam))
        + float(np.linalg.slogdet(xtx)[1])
    )
    return ProfileREML(
        beta=np.asarray(point.beta[0], dtype=np.float64),
        cov=cov,
        sigma2=sigma2,
        tau2=lam * sigma2,
        rho=rho,
        converged=converged,
        message=message,
        n_obs=pat.n_obs,
        n_respondents=int(pat.count.sum()),
        log_likelihood=loglik,
    )
