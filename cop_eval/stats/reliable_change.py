"""Individual change: the Jacobson–Truax reliable change index (matched respondents only)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cop_eval.stats.verdict import ScaleDirection

__all__ = ["RCI_CRITERION", "ReliableChange", "reliable_change", "reliable_change_index"]

#: |RCI| above this is change beyond measurement error at the 5% level (two-sided).
RCI_CRITERION = 1.96


def _check_reliability(reliability: float) -> None:
    if not (math.isfinite(reliability) and 0 <= reliability < 1):
        raise ValueError(
            f"reliable change needs a reliability in [0, 1), got {reliability}; use the scale's "
            "observed Cronbach's alpha"
        )


def reliable_change_index(
    earlier: npt.ArrayLike, later: npt.ArrayLike, sd_baseline: float, reliability: float
) -> npt.NDArray[np.float64]:
    """Reliable change index per matched respondent.

    Parameters
    ----------
    earlier, later
        The same respondents' scores in two waves (aligned; NaN where missing).
    sd_baseline
        SD of the earlier wave's scores.
    reliability
        The scale's reliability :math:`r_{xx}` (observed alpha).

    Returns
    -------
    numpy.ndarray
        :math:`RCI = (x_2 - x_1) / S_{diff}`, :math:`S_{diff} = \\sqrt{2}\\,SD_1\\sqrt{1 - r_{xx}}`
        (NaN where either score is missing).

    References
    ----------
    .. [1] Jacobson, N. S. & Truax, P. (1991). Clinical significance: a statistical approach to
       defining meaningful change in psychotherapy research. Journal of Consulting and Clinical
       Psychology 59(1), 12-19 (eqs. on p. 14).

    Examples
    --------
    >>> reliable_change_index([3.0, 2.0], [4.0, 2.2], sd_baseline=0.5, reliability=0.8).round(3)
    array([3.162, 0.632])
    """
    _check_reliability(reliability)
    x1 = np.asarray(earlier, dtype=np.float64)
    x2 = np.asarray(later, dtype=np.float64)
    s_diff = math.sqrt(2) * sd_baseline * math.sqrt(1 - reliability)
    if not s_diff > 0:
        return np.full(x1.shape, np.nan)
    out: npt.NDArray[np.float64] = (x2 - x1) / s_diff
    return out


@dataclass(frozen=True)
class ReliableChange:
    """Counts of matched respondents whose change exceeds measurement error.

    ``increased`` / ``decreased`` count reliably higher / lower scores. ``improved`` and
    ``deteriorated`` follow the scale's ``direction``: on a ``lower_is_better`` scale a reliable
    fall is an improvement; on a ``neutral`` scale neither word applies (``None``). The counts are
    ``None`` when :math:`S_{diff}` is not positive (fewer than two matched respondents, or no
    spread in the earlier wave): change cannot then be judged.
    """

    n: int
    reliability: float
    sd_baseline: float
    s_diff: float
    criterion: float
    increased: int | None
    unchanged: int | None
    decreased: int | None
    direction: ScaleDirection = "higher_is_better"

    @property
    def improved(self) -> int | None:
        """Reliably changed in the scale's good direction (``None`` on a neutral scale)."""
        if self.direction == "neutral":
            return None
        return self.increased if self.direction == "higher_is_better" else self.decreased

    @property
    def deteriorated(self) -> int | None:
        """Reliably changed in the scale's bad direction (``None`` on a neutral scale)."""
        if self.direction == "neutral":
            return None
        return self.decreased if self.direction == "higher_is_better" else self.increased

    def to_dict(self) -> dict[str, object]:
        """JSON form: both the raw counts (increased/decreased) and their direction-aware names."""
        return {
            "n": self.n,
            "reliability": self.reliability,
            "sd_baseline": self.sd_baseline,
            "s_diff": self.s_diff,
            "criterion": self.criterion,
            "direction": self.direction,
            "increased": self.increased,
            "decreased": self.decreased,
            "improved": self.improved,
            "unchanged": self.unchanged,
            "deteriorated": self.deteriorated,
        }


def reliable_change(
    earlier: npt.ArrayLike,
    later: npt.ArrayLike,
    reliability: float,
    *,
    criterion: float = RCI_CRITERION,
    direction: ScaleDirection = "higher_is_better",
) -> ReliableChange:
    """Jacobson–Truax classification of matched respondents: improved, unchanged, deteriorated.

    Parameters
    ----------
    earlier, later
        The same respondents' scores in two waves; pairs with a missing score are dropped.
    reliability
        The scale's reliability :math:`r_{xx}`. cop-eval passes the scale's observed Cronbach's
        alpha in the *first* wave of the comparison set, for every pair of waves
        (:func:`cop_eval.compare.waves.compare_waves`), and the report says so.
    criterion
        The |RCI| beyond which change is reliable (1.96: two-sided 5%).
    direction
        The scale's direction, which names reliable rises and falls as improved or deteriorated.

    Notes
    -----
    :math:`SD_1` is the SD of the earlier scores of the matched respondents (the people whose
    change is classified), :math:`S_{diff} = \\sqrt 2\\,SD_1\\sqrt{1 - r_{xx}}`; increased when
    :math:`RCI > c`, decreased when :math:`RCI < -c`, unchanged otherwise.

    References
    ----------
    .. [1] Jacobson, N. S. & Truax, P. (1991). J. Consult. Clin. Psychol. 59(1), 12-19.

    Examples
    --------
    >>> r = reliable_change([1, 2, 3, 4, 5], [3, 2, 3, 4, 1], reliability=0.9)
    >>> r.improved, r.unchanged, r.deteriorated
    (1, 3, 1)
    >>> r = reliable_change([1, 2, 3, 4, 5], [3, 2, 3, 4, 3], 0.9, direction="lower_is_better")
    >>> r.increased, r.decreased, r.improved, r.deteriorated
    (1, 1, 1, 1)
    """
    _check_reliability(reliability)
    x1 = np.asarray(earlier, dtype=np.float64).ravel()
    x2 = np.asarray(later, dtype=np.float64).ravel()
    keep = np.isfinite(x1) & np.isfinite(x2)
    x1, x2 = x1[keep], x2[keep]
    n = int(x1.size)
    sd1 = float(x1.std(ddof=1)) if n > 1 else math.nan
    s_diff = math.sqrt(2) * sd1 * math.sqrt(1 - reliability)
    if not s_diff > 0:
        return ReliableChange(n, reliability, sd1, s_diff, criterion, None, None, None, direction)
    rci = (x2 - x1) / s_diff
    increased = int(np.count_nonzero(rci > criterion))
    decreased = int(np.count_nonzero(rci < -criterion))
    return ReliableChange(
        n=n,
        reliability=reliability,
        sd_baseline=sd1,
        s_diff=s_diff,
        criterion=criterion,
        increased=increased,
        unchanged=n - increased - decreased,
        decreased=decreased,
        direction=direction,
    )
