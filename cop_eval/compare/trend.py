"""The trend over three or more waves of one scale: the wide matrix, the fit, or why not.

The model itself is :func:`cop_eval.stats.trend.fit_trend`; this module lays a scale's waves out
as one row per person (linked by pseudonymised id; people without a match, and every row when the
waves are not linked, as rows of their own) and asks :mod:`cop_eval.compare.anonymity` whether a
trend may be shown.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from cop_eval.compare import anonymity
from cop_eval.compare.prepare import Wave
from cop_eval.privacy import PrivacyPolicy
from cop_eval.stats.reml import ModelNotFitted
from cop_eval.stats.trend import TrendFit, fit_trend

__all__ = ["NUMERICAL_FAILURE", "trend_for_scale", "wide_scores"]

#: The reason given when the model's arithmetic fails on the answers (never expected: the
#: fit checks what the answers can determine first), in place of the library's message.
NUMERICAL_FAILURE = (
    "no trend model: the answers could not be fitted (a numerical failure; please report it)"
)

FloatArray = npt.NDArray[np.float64]


def wide_scores(data: Sequence[Wave], column: int, linked: bool) -> FloatArray:
    """One row per person, one column per wave (NaN where a person has no score)."""
    columns = [w.scores[:, column] for w in data]
    if not linked:
        sizes = [x.size for x in columns]
        wide = np.full((sum(sizes), len(data)), np.nan)
        start = 0
        for k, x in enumerate(columns):
            wide[start : start + x.size, k] = x
            start += x.size
        return wide
    n_people = 1 + max(int(w.codes.max(initial=-1)) for w in data if w.codes is not None)
    unlinked = [np.flatnonzero(w.codes < 0) if w.codes is not None else None for w in data]
    extra = sum(u.size for u in unlinked if u is not None)
    wide = np.full((n_people + extra, len(data)), np.nan)
    offset = n_people
    for k, (w, x, u) in enumerate(zip(data, columns, unlinked, strict=True)):
        assert w.codes is not None and u is not None
        has = w.codes >= 0
        wide[w.codes[has], k] = x[has]
        wide[offset : offset + u.size, k] = x[u]
        offset += u.size
    return wide


def trend_for_scale(
    data: Sequence[Wave],
    column: int,
    linked: bool,
    privacy: PrivacyPolicy,
) -> tuple[TrendFit | None, str | None]:
    """The mixed-model (or OLS) trend of one scale, or ``None`` and the reason it was skipped."""
    labels = [w.label for w in data]
    counts = [int(np.isfinite(w.scores[:, column]).sum()) for w in data]
    reason = anonymity.trend_reason(privacy, labels, counts)
    if reason is not None:
        return None, reason
    try:
        return fit_trend(wide_scores(data, column, linked), labels, linked=linked), None
    except ModelNotFitted as exc:  # its message is written for the reader
        return None, f"no trend model: {exc}"
    except np.linalg.LinAlgError:
        return None, NUMERICAL_FAILURE
