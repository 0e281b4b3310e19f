"""Maximum-likelihood confirmatory factor analysis in one or several groups, as lavaan fits it.

The model is simple-structure (each item on one factor; see :mod:`~cop_eval.stats.cfa_model`
for the parameters and the ``group.equal``-style constraints). The fit minimises

    F(θ) = Σ_g [D_g(θ) - D_g^sat] / N,   χ² = N · F(θ̂),

where ``D_g = Σ_patterns n_p [log|Σ_oo| + tr(Σ_oo⁻¹ (S_p + d_p d_p'))]`` is ``-2 log L`` of
group ``g`` (:mod:`~cop_eval.stats.cfa_moments`). With complete data this is lavaan's ML
discrepancy ``Σ_g n_g [log|Σ| - log|S| + tr(SΣ⁻¹) - p + (ȳ-μ)'Σ⁻¹(ȳ-μ)]`` with the ML
(divide-by-n) covariance; with FIML the saturated ``D^sat`` comes from EM. The gradient is
analytic: with ``G = Σ_p n_p (Σ⁻¹ - Σ⁻¹ M_p Σ⁻¹)`` and ``g_μ = -2 Σ_p n_p Σ⁻¹ d_p``,
``∂/∂Λ = 2GΛΨ + g_μα'``, ``∂/∂Ψ = Λ'GΛ``, ``∂/∂θ_i = G_ii``, ``∂/∂ν = g_μ``, ``∂/∂α = Λ'g_μ``.

References
----------
1. Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of
   Statistical Software* 48(2). (0.6-14 is the reference: ``tests/reference/validity.R``.)
2. Jöreskog, K. G. (1971). Simultaneous factor analysis in several populations.
   *Psychometrika* 36, 409-426.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(1)
>>> f = rng.normal(size=(500, 2)) @ np.array([[1, .4], [0, .9]])
>>> x = np.repeat(f, 3, axis=1) + rng.normal(scale=.7, size=(500, 6))
>>> fit = fit_cfa([x], [0, 0, 0, 1, 1, 1])
>>> fit.df, fit.converged
(8, True)
>>> # In R: lavaan::cfa("f1 =~ x1 + x2 + x3; f2 =~ x4 + x5 + x6", data)
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from cop_eval.stats.cfa_indices import cfi, rmsea, rmsea_ci, srmr, tli
from cop_eval.stats.cfa_information import Generators, group_information
from cop_eval.stats.cfa_model import (
    Matrices,
    ParameterLayout,
    build_layout,
    implied,
    start_values,
    unpack,
)
from cop_eval.stats.cfa_moments import GroupMoments, group_moments
from cop_eval.stats.distributions import chi2_sf

__all__ = [
    "CfaFit",
    "GroupSolution",
    "as_moments",
    "fit_cfa",
    "information",
    "objective",
    "prepare_groups",
]

_FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class GroupSolution:
    """One group's estimates: model matrices, standardised loadings (lavaan ``std.all``),
    factor correlations and omega per factor (model-implied, ``compRelSEM(obs.var = FALSE)``)."""

    n: int
    matrices: Matrices
    std_loadings: _FloatArray
    factor_correlations: _FloatArray
    omega: _FloatArray
    observed_cov: _FloatArray


@dataclass(frozen=True)
class CfaFit:
    """Fit of a CFA: test statistic, fit indices and per-group solutions."""

    chisq: float
    df: int
    p: float
    cfi: float
    tli: float
    rmsea: float
    rmsea_ci: tuple[float, float]
    srmr: float
    baseline_chisq: float
    baseline_df: int
    npar: int
    n: int
    groups: tuple[GroupSolution, ...]
    converged: bool
    iterations: int
    x: _FloatArray
    layout: ParameterLayout


def prepare_groups(
    data: Sequence[npt.ArrayLike], *, missing: Literal["listwise", "fiml"] = "listwise"
) -> tuple[GroupMoments, ...]:
    """Each group's moments: listwise drops incomplete rows, FIML drops rows with no answer."""
    with threadpool_limits(limits=1):
        return tuple(_prepare(block, missing) for block in data)


def as_moments(
    data: Sequence[npt.ArrayLike] | Sequence[GroupMoments],
    missing: Literal["listwise", "fiml"] = "listwise",
) -> tuple[GroupMoments, ...]:
    """``data`` as group moments: prepared already, or computed by :func:`prepare_groups`."""
    ready = [d for d in data if isinstance(d, GroupMoments)]
    if len(ready) == len(data):
        return tuple(ready)
    return prepare_groups(cast("Sequence[npt.ArrayLike]", data), missing=missing)


def _prepare(block: npt.ArrayLike, missing: str) -> GroupMoments:
    x = np.asarray(block, dtype=np.float64)
    seen = ~np.isnan(x)
    keep = seen.all(axis=1) if missing == "listwise" else seen.any(axis=1)
    return group_moments(x[keep], fiml=missing == "fiml")


def objective(
    x: _FloatArray, layout: ParameterLayout, moments: Sequence[GroupMoments], total: int
) -> tuple[float, _FloatArray]:
    """``F(x)`` and its analytic gradient (see the module docstring); ``1e10`` where some
    implied covariance block is not positive definite."""
    value = 0.0
    grad = np.zeros_like(x)
    for g, mom in enumerate(moments):
        m = unpack(x, layout, g)
        mu, sigma = implied(m)
        p = sigma.shape[0]
        big_g = np.zeros((p, p))
        g_mu = np.zeros(p)
        dev = 0.0
        for pt in mom.patterns:
            o = pt.observed
            full = o.size == p
            grid = np.ix_(o, o)
            block = sigma if full else sigma[grid]
            try:
                chol = np.linalg.cholesky(block)
            except np.linalg.LinAlgError:
                return 1e10, np.zeros_like(x)
            inv = np.linalg.inv(block)
            d = pt.mean - (mu if full else mu[o])
            inv_d = inv @ d
            a = inv @ pt.cov
            logdet = 2.0 * float(np.log(np.diag(chol)).sum())
            dev += pt.n * (logdet + float(np.trace(a)) + float(d @ inv_d))
            update = pt.n * (inv - a @ inv - np.outer(inv_d, inv_d))
            if full:
                big_g += update
                g_mu += -2.0 * pt.n * inv_d
            else:
                big_g[grid] += update
                g_mu[o] += -2.0 * pt.n * inv_d
        value += dev - mom.saturated
        d_lam = 2.0 * big_g @ m.lam @ m.psi + np.outer(g_mu, m.alpha)
        d_psi = m.lam.T @ big_g @ m.lam
        d_psi = 2.0 * d_psi - np.diag(np.diag(d_psi))
        lower = np.tril_indices(layout.n_factors)
        parts = [
            (layout.lam[g], d_lam[np.arange(p), layout.factor_of]),
            (layout.psi[g][lower], d_psi[lower]),
            (layout.theta[g], np.diag(big_g)),
            (layout.nu[g], g_mu),
            (layout.alpha[g], m.lam.T @ g_mu),
        ]
        for index, values in parts:
            free = index >= 0
            np.add.at(grad, index[free], values[free])
    return value / total, grad / total


def information(
    x: _FloatArray, layout: ParameterLayout, moments: Sequence[GroupMoments], total: int
) -> _FloatArray:
    """Expected (Fisher) information of F, as if the data were complete:
    ``Σ_g n_g/N [tr(Σ⁻¹ ∂_aΣ Σ⁻¹ ∂_bΣ) + 2 ∂_aμ' Σ⁻¹ ∂_bμ]`` — the Newton matrix of the fit.
    Closed form (:mod:`~cop_eval.stats.cfa_information`): its cost does not depend on n."""
    info = np.zeros((x.size, x.size))
    for g, mom in enumerate(moments):
        m = unpack(x, layout, g)
        _, sigma = implied(m)
        gen = Generators.of(layout, g)
        info[np.ix_(gen.index, gen.index)] += mom.n / total * group_information(gen, m, sigma)
    return info


def _minimise(
    x0: _FloatArray, layout: ParameterLayout, moments: Sequence[GroupMoments], total: int
) -> tuple[_FloatArray, bool, int]:
    """Fisher scoring with backtracking until close, then BFGS started from the inverse
    information (superlinear where scoring alone is only linear for a misfitting model)."""
    x = x0.copy()
    value, grad = objective(x, layout, moments, total)
    info = np.eye(x.size)
    iterations = 0
    for iterations in range(1, 30):  # noqa: B007 - the count is reported
        info = information(x, layout, moments, total)
        try:
            step = np.linalg.solve(info + 1e-12 * np.eye(x.size), -grad)
        except np.linalg.LinAlgError:
            break
        slope = float(grad @ step)
        if slope >= 0:
            break
        t = 1.0
        for _ in range(40):
            new_value, new_grad = objective(x + t * step, layout, moments, total)
            if new_value <= value + 1e-4 * t * slope:
                break
            t /= 2
        else:
            break
        x, value, grad = x + t * step, new_value, new_grad
        if np.max(np.abs(grad)) < 1e-6:
            break
    try:
        hess_inv = np.linalg.inv(info + 1e-12 * np.eye(x.size))
        hess_inv = (hess_inv + hess_inv.T) / 2
        np.linalg.cholesky(hess_inv)
    except np.linalg.LinAlgError:
        hess_inv = np.eye(x.size)
    from scipy import optimize  # when a model is fitted, not when the module is imported

    result = optimize.minimize(
        objective,
        x,
        args=(layout, moments, total),
        jac=True,
        method="BFGS",
        options={"maxiter": 5000, "gtol": 1e-10, "hess_inv0": hess_inv},
    )
    best = result.x if result.fun <= value else x
    grad = objective(best, layout, moments, total)[1]
    return best, bool(np.max(np.abs(grad)) < 1e-5), iterations + int(result.nit)


def _solution(x: _FloatArray, layout: ParameterLayout, g: int, mom: GroupMoments) -> GroupSolution:
    m = unpack(x, layout, g)
    _, sigma = implied(m)
    sd_factor = np.sqrt(np.diag(m.psi))
    loading = m.lam[np.arange(layout.n_items), layout.factor_of]
    std = loading * sd_factor[list(layout.factor_of)] / np.sqrt(np.diag(sigma))
    corr = m.psi / np.outer(sd_factor, sd_factor)
    omega = np.empty(layout.n_factors)
    factor = np.asarray(layout.factor_of)
    for f in range(layout.n_factors):
        idx = factor == f
        common = float(loading[idx].sum()) ** 2 * float(m.psi[f, f])
        omega[f] = common / (common + float(m.theta[idx].sum()))
    return GroupSolution(mom.n, m, std, corr, omega, mom.cov)


def fit_cfa(
    data: Sequence[npt.ArrayLike] | Sequence[GroupMoments],
    factor_of: Sequence[int],
    *,
    equal: Collection[str] = (),
    free_intercepts: Collection[int] = (),
    missing: Literal["listwise", "fiml"] = "listwise",
    start: _FloatArray | None = None,
) -> CfaFit:
    """Fit the CFA by ML and compute its fit indices (lavaan 0.6 definitions).

    Parameters
    ----------
    data
        One ``n x p`` array per group (NaN = missing), or their :func:`prepare_groups` moments
        (to fit several models to the same data without recomputing EM).
    factor_of
        The factor (0, 1, ...) of each column; the first column of a factor is its marker.
    equal, free_intercepts
        Cross-group equality constraints (``"loadings"``, ``"intercepts"``) and the items
        whose intercepts stay free (column indices) — lavaan's ``group.equal`` and
        ``group.partial``.
    missing
        ``"listwise"`` (lavaan's default) or ``"fiml"`` (``missing = "fiml"``).
    start
        Starting parameter vector (e.g. a less constrained model's ``x``); default: computed.

    Returns
    -------
    CfaFit
        Chi-square ``N·F``, df, p, CFI, TLI, RMSEA and its 90% CI, SRMR, the baseline model,
        and each group's solution. ``npar`` counts intercepts only when the model has a mean
        structure (several groups or FIML), as lavaan does.
    """
    moments = as_moments(data, missing)
    layout = build_layout(factor_of, len(moments), equal=equal, free_intercepts=free_intercepts)
    total = sum(m.n for m in moments)
    x0 = (
        start_values(layout, [m.mean for m in moments], [m.cov for m in moments])
        if start is None
        else np.asarray(start, dtype=np.float64)
    )
    # small matrices: threaded BLAS only adds contention (20x slower on a busy 2-core machine)
    with threadpool_limits(limits=1):
        x, converged, iterations = _minimise(x0, layout, moments, total)
        chisq = max(float(total * objective(x, layout, moments, total)[0]), 0.0)
    p = layout.n_items
    n_groups = len(moments)
    df = n_groups * (p * (p + 1) // 2 + p) - layout.n_par
    baseline = float(sum(m.baseline - m.saturated for m in moments))
    baseline_df = n_groups * (p * (p - 1) // 2)
    meanstructure = n_groups > 1 or missing == "fiml"
    groups = tuple(_solution(x, layout, g, m) for g, m in enumerate(moments))
    fitted = [implied(s.matrices) for s in groups]
    return CfaFit(
        chisq=chisq,
        df=df,
        p=float(chi2_sf(chisq, df)) if df > 0 else math.nan,
        cfi=cfi(chisq, df, baseline, baseline_df),
        tli=tli(chisq, df, baseline, baseline_df),
        rmsea=rmsea(chisq, df, total, n_groups),
        rmsea_ci=rmsea_ci(chisq, df, total, n_groups),
        srmr=srmr(
            [(m.mean, m.cov) for m in moments],
            fitted,
            [m.n for m in moments],
            meanstructure=meanstructure,
        ),
        baseline_chisq=baseline,
        baseline_df=baseline_df,
        npar=layout.n_par - (0 if meanstructure else p),
        n=total,
        groups=groups,
        converged=converged,
        iterations=iterations,
        x=x,
        layout=layout,
    )
