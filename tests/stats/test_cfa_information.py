"""The closed-form expected information of the CFA equals its definition.

The definition, ``Σ_g n_g/N [tr(Σ⁻¹ ∂_aΣ Σ⁻¹ ∂_bΣ) + 2 ∂_aμ' Σ⁻¹ ∂_bμ]`` (Bollen 1989, ch. 4),
is computed here the long way, with one dense ``p x p`` derivative matrix per parameter (what
``cfa.information`` did before it took the closed form), on lavaan's Holzinger-Swineford data
by school — the models of ``tests/reference/validity.R`` — at the fitted and at perturbed
parameters, for every kind of parameter (loadings, factor covariances, residual variances,
intercepts shared or freed, latent means).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

from cop_eval.stats.cfa import as_moments, fit_cfa, information
from cop_eval.stats.cfa_model import ParameterLayout, build_layout, implied, unpack
from cop_eval.stats.cfa_moments import GroupMoments

DATA = Path(__file__).parent.parent / "reference" / "data" / "holzinger_swineford.csv"
ITEMS = [f"x{i}" for i in range(1, 10)]
FACTORS = [0, 0, 0, 1, 1, 1, 2, 2, 2]


def _dense(
    x: npt.NDArray[np.float64],
    layout: ParameterLayout,
    moments: tuple[GroupMoments, ...],
    total: int,
) -> npt.NDArray[np.float64]:
    info = np.zeros((x.size, x.size))
    p, k = layout.n_items, layout.n_factors
    eye = np.eye(p)
    for g, mom in enumerate(moments):
        m = unpack(x, layout, g)
        inv = np.linalg.inv(implied(m)[1])
        lp = m.lam @ m.psi
        terms: list[tuple[int, npt.NDArray[np.float64], npt.NDArray[np.float64]]] = []
        for i in range(p):
            f = layout.factor_of[i]
            if layout.lam[g, i] >= 0:
                d_sigma = np.outer(eye[i], lp[:, f]) + np.outer(lp[:, f], eye[i])
                terms.append((int(layout.lam[g, i]), d_sigma, eye[i] * m.alpha[f]))
        for j in range(k):
            for h in range(j + 1):
                block = np.outer(m.lam[:, j], m.lam[:, h])
                d_sigma = block + block.T if j != h else block
                terms.append((int(layout.psi[g, j, h]), d_sigma, np.zeros(p)))
        for i in range(p):
            terms.append((int(layout.theta[g, i]), np.outer(eye[i], eye[i]), np.zeros(p)))
            terms.append((int(layout.nu[g, i]), np.zeros((p, p)), eye[i]))
        for j in range(k):
            if layout.alpha[g, j] >= 0:
                terms.append((int(layout.alpha[g, j]), np.zeros((p, p)), m.lam[:, j].copy()))
        index = np.asarray([t[0] for t in terms])
        w_sigma = inv @ np.asarray([t[1] for t in terms])  # Σ⁻¹ ∂_aΣ, one per parameter
        d_mu = np.asarray([t[2] for t in terms])
        local = np.einsum("arc,bcr->ab", w_sigma, w_sigma) + 2.0 * d_mu @ inv @ d_mu.T
        info[np.ix_(index, index)] += mom.n / total * local
    return info


@pytest.mark.parametrize(
    ("equal", "free"),
    [((), ()), (("loadings",), ()), (("loadings", "intercepts"), (2, 6))],
)
def test_closed_form_equals_the_trace_definition(
    equal: tuple[str, ...], free: tuple[int, ...]
) -> None:
    data = pd.read_csv(DATA)
    groups = [
        data.loc[data["school"] == s, ITEMS].to_numpy(dtype=float)
        for s in ("Pasteur", "Grant-White")
    ]
    moments = as_moments(groups)
    total = sum(m.n for m in moments)
    layout = build_layout(FACTORS, 2, equal=equal, free_intercepts=free)
    fitted = fit_cfa(moments, FACTORS, equal=equal, free_intercepts=free).x
    rng = np.random.default_rng(7)
    for x in (fitted, fitted + rng.normal(scale=0.05, size=fitted.size)):
        expected = _dense(x, layout, moments, total)
        got = information(x, layout, moments, total)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-13 * np.abs(expected).max())
