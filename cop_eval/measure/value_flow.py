"""Reading value creation as a cycle: where does value stop flowing?

Wenger, Trayner and de Laat (2011) describe five cycles of value a community can create, each
feeding the next: immediate value (taking part is worthwhile), potential value (knowledge
capital), applied value (changed practice), realised value (better results) and reframing value
(rethinking what success is). :func:`value_flow` reads a set of scales in that order:

- the group's cycle: the mean of each step, and the first step whose mean is below the
  threshold (``stops_at``: value stops flowing there);
- each member's reach: how many steps, counted from the first without a gap, have a score at or
  above the threshold (a missing score ends the run); members with no score at all are not
  counted. ``reached[k]`` is the number of members whose value reaches step ``k`` (and every
  step before it) — a funnel.

The default threshold, 3.5 on a 1-5 agreement scale, is the point nearer "agree" than "neither
agree nor disagree", the same cut-off the report uses for a weak score.

References
----------
.. [1] Wenger, E., Trayner, B. and de Laat, M. (2011). Promoting and assessing value creation in
   communities and networks: a conceptual framework. Rapport 18, Ruud de Moor Centrum, Open
   Universiteit, Heerlen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["VALUE_CYCLE", "CycleStep", "ValueFlow", "value_flow"]

#: The scales of the built-in ``value_creation`` instrument, in the order value flows.
VALUE_CYCLE = (
    "immediate_value",
    "potential_value",
    "applied_value",
    "realised_value",
    "reframing_value",
)


@dataclass(frozen=True)
class CycleStep:
    """One step of the cycle: its mean and how many members' value reaches it."""

    scale: str
    n: int
    mean: float
    reached: int


@dataclass(frozen=True)
class ValueFlow:
    """The cycle read in order (:func:`value_flow`)."""

    steps: tuple[CycleStep, ...]
    threshold: float
    stops_at: str | None
    n_members: int

    def share_reached(self, scale: str) -> float:
        """Share of the counted members whose value reaches ``scale``."""
        step = next(s for s in self.steps if s.scale == scale)
        return step.reached / self.n_members if self.n_members else math.nan


def value_flow(scores: pd.DataFrame, scales: Sequence[str], threshold: float = 3.5) -> ValueFlow:
    """The cycle of value read in order: step means, where it stops, how far each member's goes.

    Parameters
    ----------
    scores
        One column per scale (NaN where a member has no score), one row per member.
    scales
        The steps, in order (e.g. :data:`VALUE_CYCLE`).
    threshold
        A step is reached (by a member) or flowing (for the group) at a score of at least this.

    Returns
    -------
    ValueFlow

    Examples
    --------
    >>> scores = pd.DataFrame({"a": [4.0, 4.0, 3.0, None], "b": [4.0, 3.0, 4.0, None],
    ...                        "c": [2.0, 4.0, 4.0, None]})
    >>> flow = value_flow(scores, ["a", "b", "c"])
    >>> [s.reached for s in flow.steps], flow.n_members, flow.stops_at
    ([2, 1, 0], 3, 'c')
    """
    missing = [s for s in scales if s not in scores.columns]
    if missing:
        raise ValueError(f"value_flow: no scores for scale(s) {', '.join(missing)}")
    if len(scales) < 2:
        raise ValueError("value_flow needs at least two steps")
    x = scores.loc[:, list(scales)].to_numpy(dtype=np.float64)
    counted = np.isfinite(x).any(axis=1)
    x = x[counted]
    ok = np.isfinite(x) & (x >= threshold)
    run = np.cumprod(ok, axis=1).astype(bool)
    steps = []
    for k, scale in enumerate(scales):
        column = x[:, k]
        finite = column[np.isfinite(column)]
        steps.append(
            CycleStep(
                scale=scale,
                n=int(finite.size),
                mean=float(finite.mean()) if finite.size else math.nan,
                reached=int(run[:, k].sum()),
            )
        )
    stops = next((s.scale for s in steps if not (s.mean >= threshold)), None)
    return ValueFlow(tuple(steps), threshold, stops, int(counted.sum()))
