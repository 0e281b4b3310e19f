"""Cohen's kappa: agreement between two coders beyond chance, with its large-sample CI.

The variance is that of Fleiss, Cohen & Everitt (1969), as ``psych::cohen.kappa`` computes it, so
the estimate and both bounds equal psych's (checked in ``tests/reference/kappa.R``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cop_eval.stats.distributions import norm_quantile

__all__ = ["KappaResult", "cohen_kappa"]


@dataclass(frozen=True)
class KappaResult:
    """Cohen's (unweighted) kappa of two codings of the same units.

    ``kappa`` is NaN when chance agreement is 1 (both coders used one and the same category for
    every unit): agreement beyond chance is then undefined. ``ci`` is clipped to [-1, 1] as psych
    does.
    """

    kappa: float
    ci: tuple[float, float]
    variance: float
    n: int
    observed: float
    expected: float


def cohen_kappa(
    first: Sequence[object], second: Sequence[object], level: float = 0.95
) -> KappaResult:
    """Cohen's kappa of two coders' categories for the same units, with a normal-theory CI.

    Parameters
    ----------
    first, second
        One category per unit from each coder (e.g. theme present 1 / absent 0), same length.
    level
        Confidence level of the interval.

    Returns
    -------
    KappaResult

    Notes
    -----
    With the table of proportions :math:`p_{ij}`, margins :math:`p_{i.}`, :math:`p_{.j}`,
    :math:`p_o = \\sum_i p_{ii}` and :math:`p_c = \\sum_i p_{i.} p_{.i}`,
    :math:`\\kappa = (p_o - p_c) / (1 - p_c)` and (Fleiss, Cohen & Everitt 1969)

    .. math::

        \\operatorname{Var}\\kappa = \\frac{1}{N (1-p_c)^4} \\Big[\\sum_i p_{ii}\\big((1-p_c) -
        (p_{i.}+p_{.i})(1-p_o)\\big)^2 + (1-p_o)^2 \\sum_{i \\ne j} p_{ij}(p_{.i}+p_{j.})^2
        - (p_o p_c - 2 p_c + p_o)^2\\Big]

    A negative or undefined variance is set to 0, as in psych. The interval is
    :math:`\\kappa \\pm z \\sqrt{\\operatorname{Var}\\kappa}`, clipped to [-1, 1].

    References
    ----------
    1. Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and
       Psychological Measurement, 20, 37-46.
    2. Fleiss, J.L., Cohen, J. & Everitt, B.S. (1969). Large sample standard errors of kappa and
       weighted kappa. Psychological Bulletin, 72, 323-327.

    Examples
    --------
    >>> r = cohen_kappa([1, 1, 0, 0, 1, 0, 1, 0], [1, 0, 0, 0, 1, 0, 1, 1])
    >>> round(r.kappa, 4), tuple(round(b, 4) for b in r.ci)
    (0.5, (-0.1001, 1.0))

    In R: ``psych::cohen.kappa(cbind(a, b))``.
    """
    if len(first) != len(second):
        raise ValueError(f"the two codings have {len(first)} and {len(second)} units")
    n = len(first)
    if n == 0:
        raise ValueError("no units were coded by both coders")
    labels = sorted({*map(str, first), *map(str, second)})
    index = {label: k for k, label in enumerate(labels)}
    table = np.zeros((len(labels), len(labels)))
    for a, b in zip(first, second, strict=True):
        table[index[str(a)], index[str(b)]] += 1
    x = table / n
    rs, cs = x.sum(axis=1), x.sum(axis=0)
    po = float(np.trace(x))
    pc = float(rs @ cs)
    if len(labels) == 1 or pc >= 1.0:
        nan = float("nan")
        return KappaResult(nan, (nan, nan), nan, n, po, pc)
    kappa = (po - pc) / (1 - pc)
    diagonal = np.diag(x) * ((1 - pc) - (rs + cs) * (1 - po)) ** 2
    cross = cs[:, None] + rs[None, :]  # psych's cs %+% t(rs)
    off = (x * cross**2).sum() - np.trace(x * cross**2)
    variance = (diagonal.sum() + (1 - po) ** 2 * off - (po * pc - 2 * pc + po) ** 2) / (
        n * (1 - pc) ** 4
    )
    variance = float(variance) if math.isfinite(variance) and variance > 0 else 0.0
    z = float(norm_quantile(0.5 + level / 2))
    half = z * math.sqrt(variance)
    lo, hi = max(-1.0, kappa - half), min(1.0, kappa + half)
    return KappaResult(float(kappa), (lo, hi), variance, n, po, pc)
