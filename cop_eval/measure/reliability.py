"""Internal-consistency reliability per scale, as ``psych::alpha`` and ``psych::omega`` compute it.

Items are reverse-keyed from the instrument first (never from the data: psych's ``check.keys``
trap). Per scale: Cronbach's alpha from the pairwise-complete covariance matrix (or listwise),
standardised alpha, average inter-item r, Feldt 95% CI, item-rest r, alpha if item deleted and
McDonald's omega total (one factor, minres, items not flipped: ``psych::omega(..., flip = FALSE)``;
see :mod:`cop_eval.stats.omega`). Warnings flag alpha below
.70 and items that correlate negatively with the rest of their scale (a likely keying error).

Which respondents count (``n``)
-------------------------------
psych takes ``n`` as the number of rows it is given. cop-eval gives each scale the rows that
answered at least one of its items (``missing="pairwise"``) or all of them (``"listwise"``); ``n``
is that number, and it is the ``n`` of the Feldt interval. Each covariance uses the rows that
answered both items (R: ``cov(x, use = "pairwise")``); correlations for alpha are
``cov2cor`` of that matrix, as in psych, while omega factors ``cor(x, use = "pairwise")``, as
``psych::omega`` does.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from cop_eval.errors import OptionError
from cop_eval.instruments import Instrument
from cop_eval.measure.reliability_results import (
    ItemReliability,
    ReliabilityResult,
    ReliabilityWarning,
    ScaleReliability,
)
from cop_eval.measure.scoring import keyed_items
from cop_eval.privacy import DEFAULT_PRIVACY, PrivacyPolicy
from cop_eval.stats.alpha import (
    AlphaStatistics,
    PairwiseMoments,
    alpha_statistics,
    feldt_ci,
    pairwise_moments,
)
from cop_eval.stats.omega import omega_total

__all__ = [
    "LOW_ALPHA",
    "AlphaStatistics",
    "ItemReliability",
    "PairwiseMoments",
    "ReliabilityResult",
    "ReliabilityWarning",
    "ScaleReliability",
    "alpha_statistics",
    "feldt_ci",
    "pairwise_moments",
    "reliability",
    "scale_alphas",
]

LOW_ALPHA = 0.70
_FloatArray = npt.NDArray[np.float64]


def _alpha_warning(
    scale: str, alpha: float, alpha_ci: tuple[float, float]
) -> ReliabilityWarning | None:
    """Alpha below .70: low when its interval lies below .70, uncertain when it reaches .70."""
    if not alpha < LOW_ALPHA:
        return None
    lo, hi = alpha_ci
    ci = f" (95% CI {lo:.2f} to {hi:.2f})" if math.isfinite(lo) and math.isfinite(hi) else ""
    if math.isfinite(hi) and hi >= LOW_ALPHA:
        return ReliabilityWarning(
            kind="uncertain_alpha",
            scale=scale,
            message=(
                f"scale {scale}: alpha {alpha:.2f}{ci} is below {LOW_ALPHA:.2f}, but its "
                f"interval includes {LOW_ALPHA:.2f}: its reliability is uncertain rather than "
                "low in this sample"
            ),
        )
    return ReliabilityWarning(
        kind="low_alpha",
        scale=scale,
        message=(
            f"scale {scale}: alpha {alpha:.2f}{ci} is below {LOW_ALPHA:.2f}; its items do not "
            "hang together well in this sample, so read its scores with caution"
        ),
    )


def _gap_warnings(
    scale: str, alpha: float, items: list[ItemReliability], variances: _FloatArray, cor: _FloatArray
) -> list[ReliabilityWarning]:
    """Figures left blank: a constant item, or item pairs without a correlation."""
    found = [
        ReliabilityWarning(
            kind="no_variance",
            scale=scale,
            item=item.item,
            message=(
                f"item {item.item}: all {item.n} respondents who answered gave the same answer, "
                f"so it cannot correlate with the rest of scale {scale}; alpha still counts it "
                "as an item (psych::alpha would drop it), while standardised alpha, average r "
                "and omega cannot be computed and are left blank"
            ),
        )
        for item, variance in zip(items, variances, strict=True)
        if item.n > 1 and variance == 0
    ]
    off = cor[~np.eye(len(items), dtype=bool)]
    if math.isfinite(alpha) and not found and np.isnan(off).any():
        found.append(
            ReliabilityWarning(
                kind="missing_correlations",
                scale=scale,
                message=(
                    f"scale {scale}: some pairs of its items have no correlation (an item does "
                    "not vary among the respondents who answered both), so omega is left blank; "
                    "alpha, standardised alpha and average r are computed from the covariances"
                ),
            )
        )
    return found


def _warnings(
    scale: str,
    alpha: float,
    items: list[ItemReliability],
    n: int,
    variances: _FloatArray,
    cor: _FloatArray,
    alpha_ci: tuple[float, float] = (math.nan, math.nan),
) -> list[ReliabilityWarning]:
    found = _gap_warnings(scale, alpha, items, variances, cor)
    if not math.isfinite(alpha):
        found.append(
            ReliabilityWarning(
                kind="too_few_answers",
                scale=scale,
                message=(
                    f"scale {scale}: reliability could not be computed ({n} respondents); it "
                    "needs at least two respondents answering each pair of items, and items "
                    "whose answers vary"
                ),
            )
        )
        return found
    low = _alpha_warning(scale, alpha, alpha_ci)
    if low is not None:
        found.append(low)
    for item in items:
        if math.isfinite(item.item_rest_r) and item.item_rest_r < 0:
            keyed = "reverse-keyed" if item.reverse else "not reverse-keyed"
            found.append(
                ReliabilityWarning(
                    kind="negative_item_rest",
                    scale=scale,
                    item=item.item,
                    message=(
                        f"item {item.item} correlates negatively with the rest of scale {scale} "
                        f"(item-rest r = {item.item_rest_r:.2f}): likely a keying error; it is "
                        f"{keyed} in the instrument, check its `reverse` setting against the "
                        "wording"
                    ),
                )
            )
    return found


def _scale_reliability(
    x: _FloatArray,
    instrument: Instrument,
    scale_id: str,
    item_ids: list[str],
    missing: Literal["pairwise", "listwise"],
) -> ScaleReliability:
    answered = ~np.isnan(x)
    keep = answered.all(axis=1) if missing == "listwise" else answered.any(axis=1)
    x = x[keep] if not keep.all() else x
    n = int(x.shape[0])
    k = len(item_ids)
    moments = pairwise_moments(x)
    core = alpha_statistics(moments.cov)
    omega = omega_total(moments.cor).omega_total
    items = [
        ItemReliability(
            item=item_id,
            reverse=instrument.item(item_id).reverse,
            n=int(moments.nobs[j, j]),
            item_rest_r=float(core.item_rest_r[j]),
            alpha_if_deleted=float(core.alpha_if_deleted[j]),
        )
        for j, item_id in enumerate(item_ids)
    ]
    return ScaleReliability(
        scale=scale_id,
        label=instrument.scale(scale_id).label,
        n=n,
        n_items=k,
        alpha=core.alpha,
        alpha_ci=feldt_ci(core.alpha, n, k),
        std_alpha=core.std_alpha,
        average_r=core.average_r,
        omega_total=omega,
        items=tuple(items),
        warnings=tuple(
            _warnings(
                scale_id,
                core.alpha,
                items,
                n,
                np.diag(moments.cov),
                moments.cor,
                feldt_ci(core.alpha, n, k),
            )
        ),
        published=instrument.published_alpha(scale_id),
    )


def reliability(
    items: pd.DataFrame,
    instrument: Instrument,
    *,
    missing: Literal["pairwise", "listwise"] = "pairwise",
    privacy: PrivacyPolicy = DEFAULT_PRIVACY,
) -> ReliabilityResult:
    """Reliability of every scale of an instrument in one sample.

    Parameters
    ----------
    items
        Raw answer codes, one column per item id, NaN = missing (not yet reverse-keyed).
    instrument
        Declares the scales, their items and the keying (applied before anything is computed).
    missing
        ``"pairwise"`` (psych's default): each covariance from the rows answering both items;
        ``"listwise"``: only rows that answered every item of the scale.
    privacy
        The anonymity rule of the outputs (``to_dict``, ``to_frame``): a scale scored by fewer
        respondents is shown by name only.

    Returns
    -------
    ReliabilityResult
        Per scale: n, n_items, alpha with Feldt 95% CI, standardised alpha, average r, omega
        total, per-item item-rest r and alpha if deleted, warnings, and the published alpha.

    Notes
    -----
    See :func:`alpha_statistics`, :func:`feldt_ci` and :func:`cop_eval.stats.omega.omega_total` for
    the formulas; ``n`` is defined in the module docstring. Checked against psych 2.2.9 on
    psychTools::bfi and psychTools::msq (tests/reference/reliability.R).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cop_eval.instruments import load_instrument
    >>> inst = load_instrument("reflection")
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=200)
    >>> items = pd.DataFrame(
    ...     {i: np.clip(np.round(3 + f + rng.normal(size=200)), 1, 5) for i in inst.item_ids}
    ... )
    >>> result = reliability(items, inst)
    >>> [(s.scale, s.n, s.n_items) for s in result.scales]
    [('time_to_reflect', 200, 4), ('reflecting_with_others', 200, 3), ('closing_the_loop', 200, 4)]
    >>> # The simulation ignores that rf_time_to_reflect_3 is worded negatively (reverse: true),
    >>> # so, once keyed, it runs against its scale -- the warnings say so:
    >>> [w.kind for w in result.scale("time_to_reflect").warnings]
    ['low_alpha', 'negative_item_rest']
    >>> # In R: psych::alpha(keyed)$total; psych::omega(keyed, nfactors = 1)$omega.tot
    """
    if missing not in ("pairwise", "listwise"):
        raise OptionError(f"missing must be 'pairwise' or 'listwise', got {missing!r}")
    scales = []
    # The products here are skinny (n x k by n x k, k ~ 10) and L-BFGS-B calls BLAS on tiny
    # vectors: threaded BLAS only adds synchronisation, which on a busy machine made this 2-5
    # times slower (benchmarks/bench_scoring.py). One BLAS thread for the duration.
    with threadpool_limits(limits=1, user_api="blas"):
        for scale in instrument.scales:
            ids = [item.id for item in instrument.items_of(scale.id)]
            x = keyed_items(items, instrument, ids)
            scales.append(_scale_reliability(x, instrument, scale.id, ids, missing))
    return ReliabilityResult(
        instrument=instrument.id, missing=missing, scales=tuple(scales), privacy=privacy
    )


def scale_alphas(items: pd.DataFrame, instrument: Instrument) -> dict[str, float]:
    """Cronbach's alpha of every scale (pairwise), as :func:`reliability` computes it.

    Only the alphas: no omega (which fits a factor model) and no per-item figures, for the
    reliable change index of a wave comparison.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from cop_eval.instruments import load_instrument
    >>> inst = load_instrument("reflection")
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=200)
    >>> items = pd.DataFrame(
    ...     {i: np.clip(np.round(3 + f + rng.normal(size=200)), 1, 5) for i in inst.item_ids}
    ... )
    >>> alphas = scale_alphas(items, inst)
    >>> alphas == {s.scale: s.alpha for s in reliability(items, inst).scales}
    True
    """
    out = {}
    with threadpool_limits(limits=1, user_api="blas"):
        for scale in instrument.scales:
            ids = [item.id for item in instrument.items_of(scale.id)]
            x = keyed_items(items, instrument, ids)
            x = x[~np.isnan(x).all(axis=1)]
            out[scale.id] = alpha_statistics(pairwise_moments(x).cov).alpha
    return out
