"""McDonald's omega total from a one-factor minimum-residual (minres) factor analysis.

Reproduces ``psych::omega(x, nfactors = 1, flip = FALSE)$omega.tot``. Items are never flipped:
psych's default ``flip = TRUE`` reverses items that load negatively, while cop-eval reverses only
the items an instrument declares ``reverse`` (before anything is computed), so a negatively
loading item lowers omega here (tests/reference/omega_flip.R). psych factors the correlation matrix
with ``fa(r, nfactors = 1, fm = "minres")``, which minimises the off-diagonal residuals with
L-BFGS-B over the uniquenesses (bounds 0.005..1, start ``1 - smc``), taking the loadings as the
first eigenvector of the reduced correlation matrix. Omega total is then
``(sum(R) - sum(u2)) / sum(R)`` with ``u2 = 1 - loading^2``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["OmegaFit", "omega_total"]

_FloatArray = npt.NDArray[np.float64]
_EPS = float(np.finfo(np.float64).eps)


@dataclass(frozen=True)
class OmegaFit:
    """Result of the one-factor minres fit behind omega total."""

    omega_total: float
    loadings: tuple[float, ...]
    converged: bool


def _loadings(r: _FloatArray, psi: _FloatArray) -> tuple[_FloatArray, _FloatArray]:
    s = r.copy()
    np.fill_diagonal(s, 1.0 - psi)
    values, vectors = np.linalg.eigh(s)
    top = max(float(values[-1]), 100 * _EPS)
    loadings = vectors[:, -1] * math.sqrt(top)
    if loadings.sum() < 0:
        loadings = -loadings
    return loadings, s


def _objective(psi: _FloatArray, r: _FloatArray) -> float:
    loadings, s = _loadings(r, psi)
    residual = s - np.outer(loadings, loadings)
    lower = residual[np.tril_indices_from(residual, k=-1)]
    return float(lower @ lower)


def _gradient(psi: _FloatArray, r: _FloatArray) -> _FloatArray:
    # psych's FAgr.minres: diag(L L' - S*), zero at the principal-axis fixed point
    loadings, s = _loadings(r, psi)
    return np.asarray(loadings**2 - np.diag(s), dtype=np.float64)


def _smc(r: _FloatArray) -> _FloatArray:
    try:
        inverse = np.linalg.inv(r)
    except np.linalg.LinAlgError:
        inverse = np.linalg.pinv(r)
    with np.errstate(divide="ignore"):  # a zero diagonal (singular matrix) gives smc 0, clipped
        smc = 1.0 - 1.0 / np.diag(inverse)
    return np.clip(smc, 0.0, 1.0)


def omega_total(r: npt.ArrayLike) -> OmegaFit:
    """McDonald's omega total of a scale from its item correlation matrix (one factor, minres).

    Parameters
    ----------
    r
        Item correlation matrix of the keyed items (pairwise or listwise), ``k >= 3``.

    Returns
    -------
    OmegaFit
        ``omega_total`` is NaN when the matrix has missing entries or fewer than 3 items (a one-
        factor model is not identified from two items).

    Notes
    -----
    With loadings :math:`\\lambda` of the one-factor minres solution and
    :math:`u_j^2 = 1 - \\lambda_j^2`,

    .. math:: \\omega_t = \\frac{\\mathbf 1' R \\mathbf 1 - \\sum_j u_j^2}{\\mathbf 1' R \\mathbf 1}

    which for a one-factor model equals :math:`(\\sum\\lambda_j)^2 / \\mathbf 1' R \\mathbf 1`
    up to the residuals. Nothing is flipped: items are keyed by the instrument.

    References
    ----------
    .. [1] McDonald, R. P. (1999). Test Theory: A Unified Treatment. Erlbaum.
    .. [2] Revelle, W. (2022). psych 2.2.9, ``omega`` and ``fa(fm = "minres")``.

    Examples
    --------
    >>> import numpy as np
    >>> lam = np.array([0.7, 0.6, 0.5, 0.4])
    >>> r = np.outer(lam, lam); np.fill_diagonal(r, 1.0)
    >>> round(omega_total(r).omega_total, 6)   # In R: psych::omega(r, nfactors = 1)$omega.tot
    0.638522
    """
    mat = np.asarray(r, dtype=np.float64)
    k = mat.shape[0]
    if k < 3 or not np.isfinite(mat).all():
        return OmegaFit(omega_total=math.nan, loadings=(), converged=False)
    from scipy import optimize  # here, not at import: compare uses this module, not omega

    start = 1.0 - _smc(mat)
    start = np.clip(start, 0.005, 1.0)
    fit = optimize.minimize(
        _objective,
        start,
        args=(mat,),
        jac=_gradient,
        method="L-BFGS-B",
        bounds=[(0.005, 1.0)] * k,
        options={"ftol": 1e-12, "gtol": 1e-9, "maxiter": 1000},
    )
    loadings, _ = _loadings(mat, np.asarray(fit.x, dtype=np.float64))
    total = float(mat.sum())
    uniqueness = float((1.0 - loadings**2).sum())
    return OmegaFit(
        omega_total=(total - uniqueness) / total,
        loadings=tuple(float(v) for v in loadings),
        converged=bool(fit.success),
    )
