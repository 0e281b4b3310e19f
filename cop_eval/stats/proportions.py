"""Confidence intervals for proportions (% favourable) and their differences.

Wilson score interval for one proportion; Newcombe's hybrid score interval (method 10) for the
difference of two independent proportions.
"""

from __future__ import annotations

import math

from cop_eval.stats.distributions import norm_quantile

__all__ = ["newcombe_diff_ci", "wilson_ci"]


def _z(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"confidence level must lie in (0, 1), got {level}")
    return float(norm_quantile(0.5 + level / 2))


def wilson_ci(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion.

    Notes
    -----
    With :math:`\\hat p = x/n` and :math:`z` the normal quantile,

    .. math:: \\frac{\\hat p + z^2/2n \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}}{1 + z^2/n}

    Returns ``(nan, nan)`` when ``n == 0``.

    References
    ----------
    .. [1] Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
       inference. JASA 22, 209-212.

    Examples
    --------
    >>> lo, hi = wilson_ci(81, 263)   # In R: prop.test(81, 263, correct = FALSE)$conf.int
    >>> round(lo, 4), round(hi, 4)
    (0.2553, 0.3662)
    """
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
    if n == 0:
        return (math.nan, math.nan)
    z = _z(level)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def newcombe_diff_ci(
    x1: int, n1: int, x2: int, n2: int, level: float = 0.95
) -> tuple[float, float]:
    """Newcombe's hybrid score interval for ``p1 - p2`` (independent samples).

    Notes
    -----
    With Wilson limits :math:`(l_i, u_i)` for each proportion and :math:`D = \\hat p_1 - \\hat p_2`:
    :math:`L = D - \\sqrt{(\\hat p_1 - l_1)^2 + (u_2 - \\hat p_2)^2}`,
    :math:`U = D + \\sqrt{(u_1 - \\hat p_1)^2 + (\\hat p_2 - l_2)^2}`.

    References
    ----------
    .. [1] Newcombe, R. G. (1998). Interval estimation for the difference between independent
       proportions: comparison of eleven methods. Statistics in Medicine 17, 873-890 (method 10).

    Examples
    --------
    >>> lo, hi = newcombe_diff_ci(56, 70, 48, 80)   # Newcombe (1998), Table II, example (a)
    >>> round(lo, 4), round(hi, 4)
    (0.0524, 0.3339)
    """
    if n1 == 0 or n2 == 0:
        return (math.nan, math.nan)
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson_ci(x1, n1, level)
    l2, u2 = wilson_ci(x2, n2, level)
    diff = p1 - p2
    lower = diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return (lower, upper)
