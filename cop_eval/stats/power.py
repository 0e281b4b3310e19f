"""What a comparison could detect: the smallest effect found with 80% power at a given n.

A "no clear change" is only informative when the comparison could have found a change of a size
that matters. :func:`detectable_effect` gives the smallest standardised mean difference a
two-sided t-test at level ``alpha`` detects with the given power, for a paired design (``n``
matched pairs, effect size d_z) or an independent design (``n`` and ``n2`` respondents, Cohen's
d); :func:`required_n` turns it round: the respondents needed to detect a given effect.

The equations are those of the noncentral t: a paired test of ``n`` pairs has ``n - 1`` degrees of
freedom and noncentrality ``d * sqrt(n)``; two independent groups have ``n1 + n2 - 2`` degrees of
freedom and noncentrality ``d / sqrt(1/n1 + 1/n2)``. The power is the noncentral t's tail beyond
the critical t (``scipy.special.nctdtr``, as R's ``pt(q, df, ncp)``), and the effect (or n) is
found by bisection to machine precision. (pingouin's ``power_ttest`` solves the same equations,
but importing it takes matplotlib, statsmodels and scipy.stats: seconds before a ``compare``
could print.)

Reference values: ``tests/reference/power.R`` (R 4.2.2, pwr 1.3.0 ``pwr.t.test`` and
``pwr.t2n.test``).

References
----------
.. [1] Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences (2nd ed.).
   Erlbaum, chapter 2.
.. [2] Champely, S. (2020). pwr: Basic functions for power analysis. R package 1.3-0.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from scipy import special

__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_POWER",
    "Detectable",
    "detectable",
    "detectable_effect",
    "required_n",
]

Design = Literal["paired", "independent"]

#: Two-sided significance level of every power figure (STATISTICS.md).
DEFAULT_ALPHA = 0.05
#: The power at which the smallest detectable effect is given (STATISTICS.md).
DEFAULT_POWER = 0.8


def _check(power: float, alpha: float) -> None:
    if not 0 < power < 1:
        raise ValueError(f"power must be between 0 and 1 (exclusive), got {power}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1 (exclusive), got {alpha}")


def detectable_effect(
    n: int,
    *,
    design: Design = "paired",
    n2: int | None = None,
    power: float = DEFAULT_POWER,
    alpha: float = DEFAULT_ALPHA,
) -> float:
    """The smallest standardised effect a two-sided t-test detects with ``power`` at this n.

    Parameters
    ----------
    n
        Matched pairs (``design="paired"``) or respondents in the first group (independent).
    design
        ``"paired"`` (effect size d_z: mean difference / SD of the differences) or
        ``"independent"`` (Cohen's d: mean difference / pooled SD).
    n2
        Respondents in the second group (independent design; default: ``n``).
    power, alpha
        The power wanted and the two-sided significance level.

    Returns
    -------
    float
        The effect size, positive; NaN when the samples are too small for a t-test (fewer than
        2 pairs, or fewer than 2 respondents in a group).

    Notes
    -----
    Solves :math:`1 - \\beta = P(|T_{\\nu,\\delta}| > t_{1-\\alpha/2,\\nu})` for d, with
    :math:`\\nu = n - 1, \\delta = d\\sqrt n` (paired) or :math:`\\nu = n_1 + n_2 - 2,
    \\delta = d/\\sqrt{1/n_1 + 1/n_2}` (independent).

    Examples
    --------
    >>> round(detectable_effect(39, design="paired"), 3)   # In R: pwr::pwr.t.test(n = 39, power = .8, type = "paired")
    0.46
    >>> round(detectable_effect(47, design="independent", n2=47), 3)   # In R: pwr::pwr.t2n.test(47, 47, power = .8)
    0.584
    """
    _check(power, alpha)
    if design == "paired":
        if n2 is not None and n2 != n:
            raise ValueError("a paired design has one n (the matched pairs); leave n2 out")
        return _solve_d(int(n), None, power, alpha) if n >= 2 else math.nan
    if design != "independent":
        raise ValueError(f"design must be paired or independent, got {design!r}")
    other = n if n2 is None else n2
    if n < 2 or other < 2:
        return math.nan
    # The equation is symmetric in the two groups: one cache entry for (8, 39) and (39, 8).
    return _solve_d(*sorted((int(n), int(other))), power, alpha)


def _power(d: float, df: float, scale: float, alpha: float) -> float:
    """Power of the two-sided t-test: P(|T| > t_crit) for T noncentral t(df, d * scale)."""
    crit = float(special.stdtrit(df, 1 - alpha / 2))
    ncp = d * scale
    return float(1 - special.nctdtr(df, ncp, crit) + special.nctdtr(df, ncp, -crit))


def _root(f: Callable[[float], float], lo: float, hi: float) -> float:
    """The root of the increasing ``f`` between ``lo`` and ``hi`` (widened upwards until it
    changes sign), by bisection to machine precision."""
    while f(hi) < 0:
        lo, hi = hi, hi * 2
        if hi > 1e12:
            return math.nan
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        if f(mid) < 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


@lru_cache(maxsize=1024)
def _solve_d(n: int, n2: int | None, power: float, alpha: float) -> float:
    """Root of the power equation in d (``n2`` None: paired). Reports repeat the same n often."""
    if n2 is None:
        df, scale = n - 1.0, math.sqrt(n)
    else:
        df, scale = n + n2 - 2.0, 1 / math.sqrt(1 / n + 1 / n2)
    return _root(lambda d: _power(d, df, scale, alpha) - power, 0.0, 1.0)


def required_n(
    effect: float,
    *,
    design: Design = "paired",
    power: float = DEFAULT_POWER,
    alpha: float = DEFAULT_ALPHA,
) -> int:
    """Respondents needed to detect ``effect`` with ``power``: pairs, or per group (equal groups).

    Parameters
    ----------
    effect
        The standardised effect to detect (d_z for paired, Cohen's d for independent); its sign
        does not matter (the test is two-sided).
    design
        ``"paired"`` (matched pairs) or ``"independent"`` (respondents in *each* of two equal
        groups).
    power, alpha
        The power wanted and the two-sided significance level.

    Returns
    -------
    int
        The sample size, rounded up to a whole respondent (at least 2).

    Examples
    --------
    >>> required_n(0.3, design="paired")   # In R: ceiling(pwr::pwr.t.test(d = .3, power = .8, type = "paired")$n)
    90
    >>> required_n(0.5, design="independent")   # In R: ceiling(pwr::pwr.t.test(d = .5, power = .8)$n)
    64
    """
    _check(power, alpha)
    if not (math.isfinite(effect) and effect != 0):
        raise ValueError(f"the effect to detect must be a non-zero number, got {effect}")
    if design not in ("paired", "independent"):
        raise ValueError(f"design must be paired or independent, got {design!r}")
    d = abs(effect)
    if design == "paired":
        n = _root(lambda m: _power(d, m - 1, math.sqrt(m), alpha) - power, 2.0, 4.0)
    else:
        n = _root(lambda m: _power(d, 2 * m - 2, math.sqrt(m / 2), alpha) - power, 2.0, 4.0)
    # Guard against float noise just above a whole number (e.g. 64.0000000001).
    return max(2, math.ceil(n - 1e-9))


@dataclass(frozen=True)
class Detectable:
    """The smallest effect a comparison could detect, standardised and in scale points.

    ``points`` is ``effect`` times the SD it is standardised by (SD of the differences for a
    paired design, pooled SD for an independent one), so it reads on the scale itself.
    """

    design: Design
    n: int
    n2: int | None
    effect: float
    effect_name: Literal["d_z", "d"]
    points: float
    power: float
    alpha: float


def detectable(
    n: int,
    sd: float,
    *,
    design: Design = "paired",
    n2: int | None = None,
    power: float = DEFAULT_POWER,
    alpha: float = DEFAULT_ALPHA,
) -> Detectable:
    """:func:`detectable_effect` with the effect also in points, from the comparison's SD.

    Parameters
    ----------
    n, design, n2, power, alpha
        As for :func:`detectable_effect`.
    sd
        The SD of the paired differences (paired) or the pooled SD (independent).

    Examples
    --------
    >>> d = detectable(39, 0.5, design="paired")
    >>> round(d.effect, 2), round(d.points, 2), d.effect_name
    (0.46, 0.23, 'd_z')
    """
    effect = detectable_effect(n, design=design, n2=n2, power=power, alpha=alpha)
    points = effect * sd if math.isfinite(sd) and sd >= 0 else math.nan
    return Detectable(
        design,
        n,
        None if design == "paired" else (n if n2 is None else n2),
        effect,
        "d_z" if design == "paired" else "d",
        points,
        power,
        alpha,
    )
