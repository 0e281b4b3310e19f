"""The few distribution functions the statistics need, from ``scipy.special``.

``scipy.stats`` computes these same values with these same special functions, but importing it
costs about a second (it builds the documentation of ~200 distributions); the command line and
the web app import only ``scipy.special``. Each function equals its ``scipy.stats`` counterpart
exactly (tests/stats/test_distributions.py).
"""

from __future__ import annotations

import importlib
from types import ModuleType

import numpy as np
import numpy.typing as npt

__all__ = [
    "chi2_cdf",
    "chi2_sf",
    "f_quantile",
    "ncx2_cdf",
    "norm_quantile",
    "norm_sf",
    "rankdata",
    "t_quantile",
    "t_sf",
]

FloatArray = npt.NDArray[np.float64]


def _special() -> ModuleType:
    """``scipy.special``, imported on first use: commands that never compute a p-value or an
    interval (``score``, ``reliability``) then start without it (~0.2 s)."""
    return importlib.import_module("scipy.special")


def t_quantile(p: npt.ArrayLike, df: npt.ArrayLike) -> FloatArray:
    """Student t quantile (``scipy.stats.t.ppf(p, df)``, R ``qt(p, df)``).

    Examples
    --------
    >>> round(float(t_quantile(0.975, 10)), 6)   # In R: qt(0.975, 10)
    2.228139
    """
    return np.asarray(_special().stdtrit(df, p), dtype=np.float64)


def t_sf(x: npt.ArrayLike, df: npt.ArrayLike) -> FloatArray:
    """Student t upper tail P(T > x) (``scipy.stats.t.sf``, R ``pt(x, df, lower.tail = FALSE)``).

    Examples
    --------
    >>> round(float(t_sf(2.228139, 10)), 6)
    0.025
    """
    return np.asarray(_special().stdtr(df, -np.asarray(x, dtype=np.float64)), dtype=np.float64)


def norm_quantile(p: npt.ArrayLike) -> FloatArray:
    """Standard normal quantile (``scipy.stats.norm.ppf``, R ``qnorm``).

    Examples
    --------
    >>> round(float(norm_quantile(0.975)), 6)
    1.959964
    """
    return np.asarray(_special().ndtri(p), dtype=np.float64)


def norm_sf(z: npt.ArrayLike) -> FloatArray:
    """Standard normal upper tail (``scipy.stats.norm.sf``, R ``pnorm(z, lower.tail = FALSE)``).

    Examples
    --------
    >>> round(float(norm_sf(1.959964)), 6)
    0.025
    """
    return np.asarray(_special().ndtr(-np.asarray(z, dtype=np.float64)), dtype=np.float64)


def f_quantile(p: npt.ArrayLike, df1: npt.ArrayLike, df2: npt.ArrayLike) -> FloatArray:
    """F quantile (``scipy.stats.f.ppf(p, df1, df2)``, R ``qf(p, df1, df2)``).

    Examples
    --------
    >>> round(float(f_quantile(0.95, 3, 20)), 6)   # In R: qf(0.95, 3, 20)
    3.098391
    """
    return np.asarray(_special().fdtri(df1, df2, p), dtype=np.float64)


def chi2_sf(x: npt.ArrayLike, df: npt.ArrayLike) -> FloatArray:
    """Chi-square upper tail (``scipy.stats.chi2.sf``, R ``pchisq(x, df, lower.tail = FALSE)``).

    Examples
    --------
    >>> round(float(chi2_sf(3.841459, 1)), 6)
    0.05
    """
    return np.asarray(_special().chdtrc(df, x), dtype=np.float64)


def chi2_cdf(x: npt.ArrayLike, df: npt.ArrayLike) -> FloatArray:
    """Chi-square distribution function (``scipy.stats.chi2.cdf``, R ``pchisq``).

    Examples
    --------
    >>> round(float(chi2_cdf(3.841459, 1)), 6)
    0.95
    """
    return np.asarray(_special().chdtr(df, x), dtype=np.float64)


def ncx2_cdf(x: npt.ArrayLike, df: npt.ArrayLike, nc: npt.ArrayLike) -> FloatArray:
    """Noncentral chi-square distribution function (``scipy.stats.ncx2.cdf``, R ``pchisq(x, df,
    ncp)``); ``nc = 0`` is the central distribution, as in scipy.

    Examples
    --------
    >>> round(float(ncx2_cdf(10.0, 4, 2.5)), 6)   # In R: pchisq(10, 4, ncp = 2.5)
    0.818251
    """
    x, df, nc = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (x, df, nc)))
    central = _special().chdtr(df, x)
    return np.asarray(np.where(nc != 0, _special().chndtr(x, df, nc), central), dtype=np.float64)


def rankdata(values: npt.ArrayLike) -> FloatArray:
    """Ranks 1..n, ties given their average rank (``scipy.stats.rankdata``, R ``rank``).

    Examples
    --------
    >>> rankdata([3.0, 1.0, 3.0, 2.0]).tolist()
    [3.5, 1.0, 3.5, 2.0]
    """
    arr = np.asarray(values).ravel()
    sorter = np.argsort(arr, kind="mergesort")
    inverse = np.empty(sorter.size, dtype=np.intp)
    inverse[sorter] = np.arange(sorter.size, dtype=np.intp)
    ordered = arr[sorter]
    first = np.r_[True, ordered[1:] != ordered[:-1]]
    dense = first.cumsum()[inverse]
    bounds = np.r_[np.nonzero(first)[0], first.size]
    return np.asarray(0.5 * (bounds[dense] + bounds[dense - 1] + 1), dtype=np.float64)
