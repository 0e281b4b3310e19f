"""Multiplicity adjustment: Holm across a few scales, Benjamini–Hochberg across a grid.

Both return adjusted p-values in the input order, as R's ``p.adjust`` does; NaN entries (cells
that were not tested, e.g. suppressed) stay NaN and do not count towards the family size.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["benjamini_hochberg", "holm"]

FloatArray = npt.NDArray[np.float64]


def _as_float(values: npt.ArrayLike) -> FloatArray:
    return np.asarray(values, dtype=np.float64).ravel()


def holm(p: npt.ArrayLike) -> FloatArray:
    """Holm's step-down adjusted p-values (NaN entries stay NaN and are not counted).

    Notes
    -----
    Sorted ascending, :math:`\\tilde p_{(i)} = \\max_{j \\le i} \\min(1, (m - j + 1) p_{(j)})`.

    References
    ----------
    .. [1] Holm, S. (1979). A simple sequentially rejective multiple test procedure.
       Scandinavian Journal of Statistics 6, 65-70.

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03]).round(2).tolist()   # In R: p.adjust(c(.01, .04, .03), "holm")
    [0.03, 0.06, 0.06]
    """
    values = _as_float(p)
    out = np.full(values.shape, np.nan)
    ok = np.isfinite(values)
    pv = values[ok]
    m = pv.size
    if m == 0:
        return out
    order = np.argsort(pv, kind="stable")
    adjusted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * pv[order]))
    res = np.empty(m)
    res[order] = adjusted
    out[ok] = res
    return out


def benjamini_hochberg(p: npt.ArrayLike) -> FloatArray:
    """Benjamini–Hochberg false-discovery-rate adjusted p-values (NaN entries stay NaN).

    Notes
    -----
    Sorted ascending, :math:`\\tilde p_{(i)} = \\min_{j \\ge i} \\min(1, m\\,p_{(j)}/j)`.

    References
    ----------
    .. [1] Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B 57,
       289-300.

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, 0.03]).round(2).tolist()   # In R: p.adjust(p, "BH")
    [0.03, 0.04, 0.04]
    """
    values = _as_float(p)
    out = np.full(values.shape, np.nan)
    ok = np.isfinite(values)
    pv = values[ok]
    m = pv.size
    if m == 0:
        return out
    order = np.argsort(pv, kind="stable")[::-1]
    ranks = np.arange(m, 0, -1)
    adjusted = np.minimum(1.0, np.minimum.accumulate(m / ranks * pv[order]))
    res = np.empty(m)
    res[order] = adjusted
    out[ok] = res
    return out
