"""Item level: change in the share of favourable answers (top-2-box) between two waves."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from cop_eval.stats.proportions import newcombe_diff_ci

__all__ = ["FavourableChange", "favourable_change"]


@dataclass(frozen=True)
class FavourableChange:
    """Change in the share of favourable answers (top-2-box) between two waves.

    ``diff = p_later - p_earlier`` with Newcombe's hybrid score interval (independent samples).
    """

    x_earlier: int
    n_earlier: int
    x_later: int
    n_later: int
    p_earlier: float
    p_later: float
    diff: float
    ci: tuple[float, float]

    def to_frame(self) -> pd.DataFrame:
        """One-row table."""
        return pd.DataFrame(
            [
                {
                    "x_earlier": self.x_earlier,
                    "n_earlier": self.n_earlier,
                    "p_earlier": self.p_earlier,
                    "x_later": self.x_later,
                    "n_later": self.n_later,
                    "p_later": self.p_later,
                    "diff": self.diff,
                    "ci_low": self.ci[0],
                    "ci_high": self.ci[1],
                }
            ]
        )


def favourable_change(x1: int, n1: int, x2: int, n2: int, level: float = 0.95) -> FavourableChange:
    """Change in % favourable from wave 1 (``x1`` of ``n1``) to wave 2 (``x2`` of ``n2``).

    Parameters
    ----------
    x1, n1
        Favourable answers and answers in the earlier wave.
    x2, n2
        The same in the later wave.
    level
        Confidence level.

    Notes
    -----
    :math:`\\hat p_2 - \\hat p_1` with Newcombe's method 10 (Wilson limits of each proportion
    combined); see :func:`cop_eval.stats.proportions.newcombe_diff_ci`. It treats the waves as
    independent samples, which is conservative when some respondents answered both.

    References
    ----------
    .. [1] Newcombe, R. G. (1998). Interval estimation for the difference between independent
       proportions: comparison of eleven methods. Statistics in Medicine 17, 873-890.

    Examples
    --------
    >>> r = favourable_change(48, 80, 56, 70)   # Newcombe (1998), Table II (a), reversed
    >>> round(r.diff, 4), round(r.ci[0], 4), round(r.ci[1], 4)
    (0.2, 0.0524, 0.3339)
    """
    for name, x, n in (("earlier", x1, n1), ("later", x2, n2)):
        if n < 0 or x < 0 or x > n:
            raise ValueError(f"{name} wave: need 0 <= favourable <= answered, got {x} of {n}")
    p1 = x1 / n1 if n1 else math.nan
    p2 = x2 / n2 if n2 else math.nan
    return FavourableChange(
        x_earlier=x1,
        n_earlier=n1,
        x_later=x2,
        n_later=n2,
        p_earlier=p1,
        p_later=p2,
        diff=p2 - p1,
        ci=newcombe_diff_ci(x2, n2, x1, n1, level),
    )
