"""Item statistics: n, mean, SD, response distribution, % favourable with Wilson CI, floor/ceiling.

"Favourable" means agreement with the *positively worded* form of the statement: a reverse-keyed
item ("Attendance is often low") is reversed first (``min + max - x``), so disagreeing with it
counts as favourable. % favourable is the top-2-box share of the keyed answers — the two highest
codes (4 and 5 on a 1-5 scale) — or the top code alone on scales with three or fewer points
(where the second code from the top is the neutral middle or the bottom). Floor and ceiling
percentages are also on the keyed scale (the least and most favourable answer). The mean, SD and
distribution describe the answers *as given* (raw codes), with ``keyed_mean`` beside them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from cop_eval.instruments import Instrument
from cop_eval.measure.scoring import keyed_items
from cop_eval.models import FrozenModel
from cop_eval.stats.proportions import wilson_ci

__all__ = ["ItemStatistic", "ItemStatistics", "favourable_codes", "item_statistics"]


class ItemStatistic(FrozenModel):
    """Descriptive statistics of one item over the respondents given.

    Percentages are 0-100 of ``n`` (answered); NaN when ``n == 0``.
    """

    item: str
    scale: str
    reverse: bool
    n: int
    missing: int
    mean: float  # raw codes, as answered
    sd: float  # sample SD (n - 1)
    keyed_mean: float  # after reverse keying
    distribution: dict[int, int]  # raw code -> count, every code min..max
    favourable: int  # count in the top box(es) of the keyed scale
    pct_favourable: float
    pct_favourable_ci: tuple[float, float]  # Wilson 95%
    floor_pct: float  # keyed answer == min
    ceiling_pct: float  # keyed answer == max


class ItemStatistics(FrozenModel):
    """Item statistics of every item of an instrument."""

    instrument: str
    items: tuple[ItemStatistic, ...]

    def item(self, item_id: str) -> ItemStatistic:
        """Statistics of one item (``KeyError`` when absent)."""
        for entry in self.items:
            if entry.item == item_id:
                return entry
        raise KeyError(item_id)

    def to_frame(self) -> pd.DataFrame:
        """One row per item; the distribution as columns ``n_<code>``; CI as two columns."""
        rows = []
        for s in self.items:
            row = s.model_dump(exclude={"distribution", "pct_favourable_ci"})
            row["pct_favourable_ci_low"], row["pct_favourable_ci_high"] = s.pct_favourable_ci
            row.update({f"n_{code}": count for code, count in s.distribution.items()})
            rows.append(row)
        return pd.DataFrame(rows)


def favourable_codes(low: int, high: int) -> tuple[int, ...]:
    """The keyed codes that count as favourable: the top two, or the top one with <= 3 points.

    Examples
    --------
    >>> favourable_codes(1, 5)
    (4, 5)
    >>> favourable_codes(1, 3)
    (3,)
    """
    return (high,) if high - low + 1 <= 3 else (high - 1, high)


def _pct(count: int, n: int) -> float:
    return 100.0 * count / n if n else math.nan


def item_statistics(items: pd.DataFrame, instrument: Instrument) -> ItemStatistics:
    """Per item: n, mean, SD, distribution, % favourable (Wilson 95% CI), floor and ceiling %.

    Parameters
    ----------
    items
        Raw answer codes, one column per item id, NaN = missing.
    instrument
        Declares each item's response scale and keying.

    Notes
    -----
    With :math:`y` the keyed answers and :math:`F` the favourable codes
    (:func:`favourable_codes`), :math:`\\hat p = \\#\\{y \\in F\\}/n` with the Wilson score interval
    (:func:`cop_eval.stats.proportions.wilson_ci`; R: ``prop.test(x, n, correct = FALSE)$conf.int``).
    Non-integer answers (none after import) count towards n, mean and SD but in no code of the
    distribution.

    References
    ----------
    .. [1] Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
       inference. JASA 22, 209-212.
    """
    results = []
    for item in instrument.items:
        rs = instrument.response_scale_of(item.id)
        keyed = keyed_items(items, instrument, [item.id])[:, 0]
        answered = keyed[~np.isnan(keyed)]
        n = int(answered.size)
        raw = (rs.min + rs.max - answered) if item.reverse else answered
        integral = raw == np.rint(raw)
        counts = np.bincount(
            (raw[integral] - rs.min).astype(np.int64), minlength=rs.points
        ).tolist()
        favourable = int(np.isin(answered, favourable_codes(rs.min, rs.max)).sum())
        lo, hi = wilson_ci(favourable, n)
        results.append(
            ItemStatistic(
                item=item.id,
                scale=item.scale,
                reverse=item.reverse,
                n=n,
                missing=int(keyed.size - n),
                mean=float(raw.mean()) if n else math.nan,
                sd=float(raw.std(ddof=1)) if n > 1 else math.nan,
                keyed_mean=float(answered.mean()) if n else math.nan,
                distribution={rs.min + i: int(c) for i, c in enumerate(counts)},
                favourable=favourable,
                pct_favourable=_pct(favourable, n),
                pct_favourable_ci=(100.0 * lo, 100.0 * hi),
                floor_pct=_pct(int((answered == rs.min).sum()), n),
                ceiling_pct=_pct(int((answered == rs.max).sum()), n),
            )
        )
    return ItemStatistics(instrument=instrument.id, items=tuple(results))
