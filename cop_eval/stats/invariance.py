"""Measurement invariance across groups: configural, metric and scalar CFA models compared.

- **configural**: the same factor structure in every group, every parameter free;
- **metric** (weak): loadings equal across groups (``group.equal = "loadings"``);
- **scalar** (strong): loadings and intercepts equal (``c("loadings", "intercepts")``), the
  latent means free in every group but the first.

Each model is compared with the one before it by the chi-square difference test and by the
change in CFI and RMSEA. Chen (2007)'s cut-offs decide: invariance holds when CFI drops by no
more than .010 **and** RMSEA rises by no more than .015 (with large samples the chi-square
difference rejects trivial differences, so it is shown beside, not used to decide).

When metric invariance holds and scalar does not, a *partial* scalar model is sought (Byrne,
Shavelson & Muthén 1989): free, one at a time, the intercept whose release lowers chi-square
most (the likelihood-ratio form of the modification index), keeping at least two constrained
intercepts per factor, until the cut-offs against the metric model hold or no intercept can
be freed. ``tests/reference/validity.R`` runs the same search with lavaan.

References
----------
1. Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement
   invariance. *Structural Equation Modeling* 14(3), 464-504.
2. Byrne, B. M., Shavelson, R. J., & Muthén, B. (1989). Testing for the equivalence of factor
   covariance and mean structures. *Psychological Bulletin* 105(3), 456-466.
3. Putnick, D. L., & Bornstein, M. H. (2016). Measurement invariance conventions and reporting.
   *Developmental Review* 41, 71-90.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from cop_eval.stats.cfa import CfaFit, as_moments, fit_cfa, information, objective
from cop_eval.stats.cfa_model import build_layout, pack
from cop_eval.stats.cfa_moments import GroupMoments
from cop_eval.stats.distributions import chi2_sf

__all__ = [
    "CHEN_CFI_DROP",
    "CHEN_RMSEA_RISE",
    "Invariance",
    "ModelComparison",
    "compare_models",
    "invariance",
]

#: Chen (2007): the largest CFI drop and RMSEA rise that still count as invariance.
CHEN_CFI_DROP = 0.010
CHEN_RMSEA_RISE = 0.015

Decision = Literal["scalar", "partial_scalar", "metric", "configural"]


@dataclass(frozen=True)
class ModelComparison:
    """A constrained model against a freer one: χ² difference test and Chen's criteria."""

    chisq_diff: float
    df_diff: int
    p: float
    delta_cfi: float
    delta_rmsea: float
    holds: bool


@dataclass(frozen=True)
class Invariance:
    """The invariance sequence and its decision.

    ``freed`` lists the items (column indices) whose intercepts the partial model frees, in
    the order they were freed; ``partial`` is ``None`` when no search was run (scalar holds,
    or metric fails).
    """

    configural: CfaFit
    metric: CfaFit
    scalar: CfaFit
    metric_test: ModelComparison
    scalar_test: ModelComparison
    partial: CfaFit | None
    partial_test: ModelComparison | None
    freed: tuple[int, ...]
    decision: Decision


def compare_models(free: CfaFit, constrained: CfaFit) -> ModelComparison:
    """Compare nested ML fits (``lavaan::lavTestLRT(free, constrained)`` and Chen 2007).

    Examples
    --------
    >>> # In R: lavaan::lavTestLRT(fit_configural, fit_metric)
    """
    diff = float(constrained.chisq - free.chisq)
    df = int(constrained.df - free.df)
    delta_cfi = float(constrained.cfi - free.cfi)
    delta_rmsea = float(constrained.rmsea - free.rmsea)
    return ModelComparison(
        chisq_diff=diff,
        df_diff=df,
        p=float(chi2_sf(diff, df)) if df > 0 else float("nan"),
        delta_cfi=delta_cfi,
        delta_rmsea=delta_rmsea,
        holds=delta_cfi >= -CHEN_CFI_DROP and delta_rmsea <= CHEN_RMSEA_RISE,
    )


def _refit(
    moments: Sequence[GroupMoments],
    factor_of: Sequence[int],
    near: CfaFit,
    missing: Literal["listwise", "fiml"],
    equal: Sequence[str],
    free_intercepts: Sequence[int] = (),
) -> CfaFit:
    layout = build_layout(factor_of, len(moments), equal=equal, free_intercepts=free_intercepts)
    start = pack(layout, [g.matrices for g in near.groups])
    return fit_cfa(
        moments,
        factor_of,
        equal=equal,
        free_intercepts=free_intercepts,
        missing=missing,
        start=start,
    )


#: candidates (ranked by their score statistic) refitted in full at each step of the search
_REFIT = 3


def _score(
    moments: Sequence[GroupMoments],
    factor_of: Sequence[int],
    current: CfaFit,
    free_intercepts: Sequence[int],
) -> float:
    """Score (Lagrange multiplier) statistic for freeing one more intercept: the chi-square
    drop predicted at the constrained estimates, ``(N/2) g' I⁻¹ g`` (the modification index)."""
    both = ("loadings", "intercepts")
    layout = build_layout(factor_of, len(moments), equal=both, free_intercepts=free_intercepts)
    x = pack(layout, [g.matrices for g in current.groups])
    total = sum(m.n for m in moments)
    with threadpool_limits(limits=1):
        _, grad = objective(x, layout, moments, total)
        info = information(x, layout, moments, total)
    try:
        step = np.linalg.solve(info, grad)
    except np.linalg.LinAlgError:
        return 0.0
    return float(total / 2 * grad @ step)


def _partial_search(
    moments: Sequence[GroupMoments],
    factor_of: Sequence[int],
    metric: CfaFit,
    scalar: CfaFit,
    missing: Literal["listwise", "fiml"],
) -> tuple[CfaFit, tuple[int, ...]]:
    both = ("loadings", "intercepts")
    factor = np.asarray(factor_of)
    freed: list[int] = []
    current = scalar
    while not compare_models(metric, current).holds:
        left = [i for i in range(factor.size) if i not in freed]
        allowed = [i for i in left if sum(factor[j] == factor[i] for j in left) > 2]
        if not allowed:
            break
        ranked = sorted(
            allowed,
            key=lambda i: -_score(moments, factor_of, current, [*freed, i]),
        )
        best: CfaFit | None = None
        best_item = -1
        for item in sorted(ranked[:_REFIT], key=allowed.index):
            trial = _refit(moments, factor_of, current, missing, both, [*freed, item])
            if best is None or trial.chisq < best.chisq:
                best, best_item = trial, item
        assert best is not None
        freed.append(best_item)
        current = best
    return current, tuple(freed)


def invariance(
    data: Sequence[npt.ArrayLike] | Sequence[GroupMoments],
    factor_of: Sequence[int],
    *,
    missing: Literal["listwise", "fiml"] = "listwise",
    search_partial: bool = True,
) -> Invariance:
    """Fit the configural, metric and scalar models (and a partial one when scalar fails).

    Parameters
    ----------
    data
        One ``n x p`` array per group (NaN = missing), or their prepared moments; at least two.
    factor_of
        The factor of each column (see :func:`~cop_eval.stats.cfa.fit_cfa`).
    missing
        ``"listwise"`` or ``"fiml"``.
    search_partial
        Look for a partial scalar model when metric invariance holds and scalar does not.

    Returns
    -------
    Invariance
        The three (or four) fits, their comparisons and the decision: ``"scalar"``,
        ``"partial_scalar"``, ``"metric"`` or ``"configural"`` (only the factor structure is
        shared; loadings differ).
    """
    if len(data) < 2:
        raise ValueError("invariance needs at least two groups")
    moments = as_moments(data, missing)
    configural = fit_cfa(moments, factor_of, missing=missing)
    metric = _refit(moments, factor_of, configural, missing, ("loadings",))
    scalar = _refit(moments, factor_of, metric, missing, ("loadings", "intercepts"))
    metric_test = compare_models(configural, metric)
    scalar_test = compare_models(metric, scalar)
    partial: CfaFit | None = None
    partial_test: ModelComparison | None = None
    freed: tuple[int, ...] = ()
    decision: Decision
    if not metric_test.holds:
        decision = "configural"
    elif scalar_test.holds:
        decision = "scalar"
    else:
        decision = "metric"
        if search_partial:
            partial, freed = _partial_search(moments, factor_of, metric, scalar, missing)
            partial_test = compare_models(metric, partial)
            if partial_test.holds and freed:
                decision = "partial_scalar"
    return Invariance(
        configural,
        metric,
        scalar,
        metric_test,
        scalar_test,
        partial,
        partial_test,
        freed,
        decision,
    )
