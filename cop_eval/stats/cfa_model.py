"""The parameters of a simple-structure CFA in one or several groups, and where they sit.

Each item loads on exactly one factor. Identification and defaults follow ``lavaan::cfa``:
the first item of each factor is its marker (loading fixed at 1); factor variances and
covariances, residual variances and intercepts are free in every group; latent means are 0.
Equality across groups works as ``group.equal``: ``"loadings"`` gives every group the same
loadings; ``"intercepts"`` the same intercepts (except the items in ``free_intercepts``, as
``group.partial``) and frees the latent means of every group but the first.

A :class:`ParameterLayout` maps each matrix entry of each group to an index in the parameter vector
(``-1``: fixed); two groups share a parameter by sharing its index.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "Matrices",
    "ParameterLayout",
    "build_layout",
    "implied",
    "pack",
    "start_values",
    "unpack",
]

_FloatArray = npt.NDArray[np.float64]
_IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class ParameterLayout:
    """Index of every free parameter: ``lam[g, i]`` (item i's loading), ``psi[g, j, k]``,
    ``theta[g, i]``, ``nu[g, i]``, ``alpha[g, j]``; -1 marks a fixed value."""

    factor_of: tuple[int, ...]
    n_factors: int
    lam: _IntArray
    psi: _IntArray
    theta: _IntArray
    nu: _IntArray
    alpha: _IntArray
    n_par: int

    @property
    def n_groups(self) -> int:
        return int(self.lam.shape[0])

    @property
    def n_items(self) -> int:
        return len(self.factor_of)

    def markers(self) -> tuple[int, ...]:
        """The marker item of each factor (its first item)."""
        return tuple(self.factor_of.index(f) for f in range(self.n_factors))


@dataclass(frozen=True)
class Matrices:
    """One group's model matrices (Λ is ``p x k`` with one non-zero per row; Θ is diagonal)."""

    lam: _FloatArray
    psi: _FloatArray
    theta: _FloatArray
    nu: _FloatArray
    alpha: _FloatArray


def build_layout(
    factor_of: Sequence[int],
    n_groups: int = 1,
    *,
    equal: Collection[str] = (),
    free_intercepts: Collection[int] = (),
) -> ParameterLayout:
    """Number the free parameters of the model (see the module docstring).

    Examples
    --------
    >>> lay = build_layout([0, 0, 0, 1, 1, 1])
    >>> lay.n_par  # 4 loadings, 3 factor (co)variances, 6 residual variances, 6 intercepts
    19
    >>> build_layout([0, 0, 0, 1, 1, 1], 2, equal=["loadings"]).n_par
    34
    """
    factor_of = tuple(int(f) for f in factor_of)
    p, k = len(factor_of), max(factor_of) + 1
    unknown = set(equal) - {"loadings", "intercepts"}
    if unknown:
        raise ValueError(f"equal: unknown constraint(s) {sorted(unknown)}")
    markers = {factor_of.index(f) for f in range(k)}
    lam = np.full((n_groups, p), -1, dtype=np.intp)
    psi = np.full((n_groups, k, k), -1, dtype=np.intp)
    theta = np.full((n_groups, p), -1, dtype=np.intp)
    nu = np.full((n_groups, p), -1, dtype=np.intp)
    alpha = np.full((n_groups, k), -1, dtype=np.intp)
    count = 0

    def new() -> int:
        nonlocal count
        count += 1
        return count - 1

    for g in range(n_groups):
        for i in range(p):
            if i not in markers:
                lam[g, i] = lam[0, i] if g and "loadings" in equal else new()
        for j in range(k):
            for m in range(j + 1):
                psi[g, j, m] = psi[g, m, j] = new()
        for i in range(p):
            theta[g, i] = new()
        for i in range(p):
            shared = g and "intercepts" in equal and i not in free_intercepts
            nu[g, i] = nu[0, i] if shared else new()
        if g and "intercepts" in equal:
            for j in range(k):
                alpha[g, j] = new()
    return ParameterLayout(factor_of, k, lam, psi, theta, nu, alpha, count)


def _take(x: _FloatArray, index: _IntArray, fixed: float) -> _FloatArray:
    return np.where(index >= 0, x[np.maximum(index, 0)], fixed)


def unpack(x: _FloatArray, layout: ParameterLayout, g: int) -> Matrices:
    """Group ``g``'s matrices from the parameter vector ``x``."""
    p, k = layout.n_items, layout.n_factors
    lam = np.zeros((p, k))
    lam[np.arange(p), layout.factor_of] = _take(x, layout.lam[g], 1.0)
    return Matrices(
        lam,
        _take(x, layout.psi[g], 0.0),
        _take(x, layout.theta[g], 0.0),
        _take(x, layout.nu[g], 0.0),
        _take(x, layout.alpha[g], 0.0),
    )


def implied(m: Matrices) -> tuple[_FloatArray, _FloatArray]:
    """Model-implied mean ``ν + Λα`` and covariance ``ΛΨΛ' + Θ``."""
    sigma = m.lam @ m.psi @ m.lam.T + np.diag(m.theta)
    return m.nu + m.lam @ m.alpha, sigma


def start_values(
    layout: ParameterLayout, means: Sequence[_FloatArray], covs: Sequence[_FloatArray]
) -> _FloatArray:
    """Starting values from each group's saturated moments (a shared parameter takes the
    first group's value): loadings from the first principal axis of each factor's items,
    scaled to the marker; half of each item's variance as its residual; factor covariances 0;
    intercepts at the item means; latent means 0."""
    x = np.zeros(layout.n_par)
    filled = np.zeros(layout.n_par, dtype=bool)

    def put(index: int, value: float) -> None:
        if index >= 0 and not filled[index]:
            x[index] = value
            filled[index] = True

    factor_of = np.asarray(layout.factor_of)
    for g in range(layout.n_groups):
        cov, mean = covs[g], means[g]
        for f in range(layout.n_factors):
            items = np.flatnonzero(factor_of == f)
            values, vectors = np.linalg.eigh(cov[np.ix_(items, items)])
            loading = vectors[:, -1] * np.sqrt(max(values[-1], 1e-8))
            marker = loading[0] if abs(loading[0]) > 1e-6 else 1.0
            for item, value in zip(items, loading, strict=True):
                put(int(layout.lam[g, item]), float(value / marker))
            put(int(layout.psi[g, f, f]), float(marker**2) * 0.5 + 1e-3)
        for i in range(layout.n_items):
            put(int(layout.theta[g, i]), 0.5 * float(cov[i, i]))
            put(int(layout.nu[g, i]), float(mean[i]))
    return x


def pack(layout: ParameterLayout, groups: Sequence[Matrices]) -> _FloatArray:
    """The parameter vector of ``layout`` holding the values in ``groups``' matrices.

    Used to start a model from a neighbouring one (e.g. the scalar model with one intercept
    freed, from the scalar model's estimates). Shared parameters take the last group's value.
    """
    x = np.zeros(layout.n_par)
    rows = np.arange(layout.n_items)
    for g, m in enumerate(groups):
        pairs = [
            (layout.lam[g], m.lam[rows, layout.factor_of]),
            (layout.psi[g].ravel(), m.psi.ravel()),
            (layout.theta[g], m.theta),
            (layout.nu[g], m.nu),
            (layout.alpha[g], m.alpha),
        ]
        for index, values in pairs:
            free = index >= 0
            x[index[free]] = values[free]
    return x
