"""What the answers can determine of the random-intercept model, and why not, in plain words.

:func:`cop_eval.stats.reml.profile_reml` asks before and after its search: the within-person
degrees of freedom (answers beyond each person's first, minus what the waves' differences take)
and the within-person residual decide how the REML criterion behaves as the residual variance
goes to zero; where no optimum short of that exists, :class:`ModelNotFitted` carries a reason a
report's reader understands. tests/reference/reml_degenerate.R shows what nlme does there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # for the annotation only: reml.py imports this module
    from cop_eval.stats.reml import _Patterns as Patterns

__all__ = [
    "EXACT",
    "ModelNotFitted",
    "check_residual",
    "check_size",
    "check_within",
    "why_not",
    "within",
    "within_rss",
]

#: A within-person residual sum of squares below this share of y'y is zero to rounding.
EXACT = 1e-12


class ModelNotFitted(ValueError):
    """The answers cannot determine the model; the message says why in a reader's words."""


def within(pat: Patterns) -> tuple[int, int]:
    """People who answered two or more waves, and the degrees of freedom their answers leave
    for chance variation within a person once the waves' differences are estimated from them
    (answers beyond each person's first, minus the rank of the within-person wave design)."""
    twice = pat.m > 1
    count, masks, m = pat.count[twice], pat.masks[twice], pat.m[twice]
    info = np.diag(count @ masks) - np.einsum("p,pi,pj->ij", count / m, masks, masks)
    rank = int(np.linalg.matrix_rank(info)) if count.size else 0
    return round(float(count.sum())), round(float(count @ (m - 1))) - rank


def within_rss(pat: Patterns) -> float:
    """The residual sum of squares within persons (λ → ∞: each person's own mean taken out),
    after the waves' differences: what is left for chance variation once people and waves
    are allowed for."""
    inv_m = 1.0 / pat.m
    xtx = pat.xtx0 - np.tensordot(inv_m, pat.outer, axes=1)
    xty = pat.xty0 - (inv_m * pat.total) @ pat.c
    yty = pat.yty0 - inv_m @ pat.r
    beta = np.linalg.lstsq(xtx, xty, rcond=None)[0]
    return float(yty - beta @ xty)


def why_not(pat: Patterns, free: int) -> str:
    """Why the model cannot be fitted (``free``: within-person degrees of freedom), in a
    reader's words."""
    twice = round(float(pat.count[pat.m > 1].sum()))
    people = round(float(pat.count.sum()))
    if free <= 0:
        did = "person did" if people == 1 else "people did"
        return (
            "too few people answered in two or more waves to tell a change over time from "
            f"chance differences between answers ({twice:,} of {people:,} {did})"
        )
    return (
        f"the {twice:,} people who answered in two or more waves all changed by exactly the "
        "same amount, so how much answers vary by chance cannot be estimated"
    )


def check_size(pat: Patterns) -> None:
    """Refuse too few answers for the waves' means and a variance."""
    p = pat.c.shape[1]
    if pat.n_obs - p <= 0:
        raise ModelNotFitted(
            f"too few answers ({pat.n_obs:,}) to estimate the {p} waves' means and how much "
            "answers vary"
        )


def check_within(pat: Patterns, free: int) -> None:
    """Refuse answers of people seen more than once that people and waves fit exactly (the
    criterion then falls without bound as the residual variance goes to zero)."""
    if free > 0 and not within_rss(pat) > EXACT * pat.yty0:
        raise ModelNotFitted(why_not(pat, free))


def check_residual(pat: Patterns, rss: float) -> None:
    """Refuse a fit whose residual sum of squares is zero to rounding."""
    if rss > EXACT * pat.yty0:
        return
    if np.any(pat.m > 1):
        raise ModelNotFitted(why_not(pat, within(pat)[1]))
    raise ModelNotFitted(
        "the answers in each wave are all the same, so how much answers vary by chance "
        "cannot be estimated"
    )
