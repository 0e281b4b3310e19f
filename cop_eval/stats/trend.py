"""Trend over three or more waves: ``score ~ C(wave)`` with a random intercept per respondent.

Two fits, chosen by whether respondents are linked across waves, and named in the result's
``method`` and ``note``:

``reml``
    The REML estimates computed exactly from per-pattern sufficient statistics
    (:func:`cop_eval.stats.reml.profile_reml`), at every size. With only wave dummies as fixed
    effects, a respondent's design matrix depends only on *which* waves they answered, so every
    term of the REML likelihood (``X'V⁻¹X``, ``X'V⁻¹y``, ``y'V⁻¹y``, ``log|V|``) is a sum over at
    most 2^W − 1 response patterns of per-pattern totals. The likelihood is profiled over the
    residual variance and maximised over the intraclass correlation in [0, 1) (the boundary,
    no respondent variance, included), so the cost is one pass over the data however many
    respondents there are: no iterative optimiser that can fail to converge, no subsample, no
    respondent dropped. Equal to ``nlme::lme(..., method = "REML")`` to 1e-6 (tests/reference).
``ols``
    When respondents cannot be linked across waves (no ids), a random intercept cannot be
    separated from the residual: every respondent is seen once and the model reduces to
    ordinary least squares ``score ~ C(wave)`` (= R ``lm(score ~ factor(wave))``).

Reference: ``nlme::lme(score ~ factor(wave), random = ~ 1 | id, method = "REML")``
(tests/reference/waves.R, tests/reference/trend.R).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from cop_eval.stats.reml import ModelNotFitted, profile_reml, treatment_design

__all__ = ["ModelNotFitted", "TrendFit", "fit_trend"]

FloatArray = npt.NDArray[np.float64]

Method = Literal["reml", "ols"]

_MODEL = "score ~ C(wave) + (1 | respondent), REML"
_OLS_MODEL = "score ~ C(wave), OLS (respondents not linked)"
_ENGINE = "exact REML"


@dataclass(frozen=True)
class TrendFit:
    """Fixed effects of each later wave against the first wave, with standard errors.

    Attributes
    ----------
    labels
        Wave labels; the first is the reference.
    estimates, se
        ``{label: b}`` and ``{label: se}`` for each later wave (b = difference from the first
        wave's model mean).
    intercept, intercept_se
        The first wave's model mean and its SE.
    converged
        Whether the optimum was found (``False`` is always accompanied by a note).
    optimiser
        How the estimates were computed (``"exact REML"``; ``None`` for ``ols``).
    sigma, tau
        Residual and random-intercept SDs (``tau`` is NaN for ``ols``).
    log_likelihood
        The restricted log-likelihood (``reml``; R ``logLik(fit)`` of nlme) or the OLS
        log-likelihood (R ``logLik(lm(...))``).
    """

    method: Method
    model: str
    labels: tuple[str, ...]
    estimates: dict[str, float]
    se: dict[str, float]
    intercept: float
    intercept_se: float
    converged: bool
    optimiser: str | None
    n_obs: int
    n_respondents: int
    sigma: float
    tau: float
    log_likelihood: float
    note: str

    def to_dict(self) -> dict[str, object]:
        """The DESIGN.md ``trend`` object plus diagnostics."""
        return {
            "model": self.model,
            "method": self.method,
            "estimates": dict(self.estimates),
            "se": dict(self.se),
            "intercept": self.intercept,
            "intercept_se": self.intercept_se,
            "converged": self.converged,
            "optimiser": self.optimiser,
            "n_obs": self.n_obs,
            "n_respondents": self.n_respondents,
            "sigma": self.sigma,
            "tau": self.tau,
            "log_likelihood": self.log_likelihood,
            "note": self.note,
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per later wave: estimate and SE."""
        return pd.DataFrame(
            {
                "wave": list(self.estimates),
                "estimate": list(self.estimates.values()),
                "se": [self.se[k] for k in self.estimates],
            }
        )


def _check_wide(wide: npt.ArrayLike, labels: Sequence[str]) -> FloatArray:
    y = np.asarray(wide, dtype=np.float64)
    if y.ndim != 2 or y.shape[1] != len(labels):
        raise ValueError(f"need an n × {len(labels)} array of scores, got shape {y.shape}")
    if len(labels) < 2:
        raise ValueError("a trend needs at least two waves")
    counts = np.isfinite(y).sum(axis=0)
    empty = [label for label, c in zip(labels, counts, strict=True) if c == 0]
    if empty:
        raise ModelNotFitted(f"nobody has a score in {', '.join(empty)}")
    return y


def _result(
    method: Method,
    labels: Sequence[str],
    beta: FloatArray,
    cov: FloatArray,
    **kw: object,
) -> TrendFit:
    se = np.sqrt(np.diag(cov))
    later = list(labels[1:])
    return TrendFit(
        method=method,
        model=_OLS_MODEL if method == "ols" else _MODEL,
        labels=tuple(labels),
        estimates={label: float(beta[k + 1]) for k, label in enumerate(later)},
        se={label: float(se[k + 1]) for k, label in enumerate(later)},
        intercept=float(beta[0]),
        intercept_se=float(se[0]),
        **kw,  # type: ignore[arg-type]
    )


def _fit_ols(y: FloatArray, labels: Sequence[str]) -> TrendFit:
    ok = np.isfinite(y)
    n_k = ok.sum(axis=0).astype(np.float64)
    sums = np.where(ok, y, 0.0).sum(axis=0)
    means = sums / n_k
    resid_ss = float(np.nansum((y - means) ** 2))
    n_obs = int(n_k.sum())
    df = n_obs - len(labels)
    s2 = resid_ss / df if df > 0 else math.nan
    beta = means - np.r_[0.0, np.full(len(labels) - 1, means[0])]
    # Cov of (mean_1, mean_k - mean_1): var(mean_1) = s2/n_1; cov(b_0, b_k) = -s2/n_1.
    d_inv = np.linalg.inv(treatment_design(len(labels)))
    cov = d_inv @ np.diag(s2 / n_k) @ d_inv.T
    loglik = (
        -0.5 * n_obs * (math.log(2 * math.pi * resid_ss / n_obs) + 1) if resid_ss > 0 else math.inf
    )
    return _result(
        "ols",
        labels,
        beta,
        cov,
        converged=True,
        optimiser=None,
        n_obs=n_obs,
        n_respondents=n_obs,
        sigma=math.sqrt(s2),
        tau=math.nan,
        log_likelihood=loglik,
        note=(
            "Respondents are not linked across waves (no respondent ids), so a random intercept "
            "cannot be separated from the residual: fitted as OLS score ~ C(wave), which treats "
            "every answer as a different person."
        ),
    )


def _fit_reml(y: FloatArray, labels: Sequence[str]) -> TrendFit:
    fit = profile_reml(y)
    note = (
        f"REML estimates computed exactly from per-pattern sufficient statistics "
        f"({fit.n_obs:,} answers of {fit.n_respondents:,} respondents; no subsample)."
    )
    if fit.rho == 0:
        note += " The respondent variance is estimated at zero (on the boundary)"
        note += f": {fit.message}." if fit.converged and "not identified" in fit.message else "."
    if not fit.converged:
        note += f" The optimum was not found: {fit.message}; the estimates are not reliable."
    return _result(
        "reml",
        labels,
        fit.beta,
        fit.cov,
        converged=fit.converged,
        optimiser=_ENGINE,
        n_obs=fit.n_obs,
        n_respondents=fit.n_respondents,
        sigma=math.sqrt(fit.sigma2),
        tau=math.sqrt(fit.tau2),
        log_likelihood=fit.log_likelihood,
        note=note,
    )


def fit_trend(wide: npt.ArrayLike, labels: Sequence[str], *, linked: bool = True) -> TrendFit:
    """Fit ``score ~ C(wave)`` with a random intercept per respondent (REML).

    Parameters
    ----------
    wide
        n × W scores: one row per respondent (linked across waves by id), one column per wave in
        time order, NaN where the respondent did not answer. Respondents seen once are kept:
        they inform the wave means.
    labels
        Wave labels (the first is the reference level).
    linked
        ``False`` when rows are not people followed over time (no ids): OLS is fitted.

    Returns
    -------
    TrendFit
        Estimates and SEs of each later wave against the first; ``method``, ``converged`` and
        ``note`` say how they were obtained.

    Raises
    ------
    ModelNotFitted
        The answers cannot determine the model (a wave nobody answered, too few answers, too
        few people seen in two or more waves, or answers fitted exactly by people and waves);
        the message says why in words a report's reader understands.

    Notes
    -----
    Model: :math:`y_{ik} = \\beta_0 + \\beta_k + b_i + e_{ik}`, :math:`b_i \\sim N(0, \\tau^2)`,
    :math:`e_{ik} \\sim N(0, \\sigma^2)`. For respondent i with :math:`m_i` answers,
    :math:`V_i = \\sigma^2 (I + \\lambda J)`, :math:`\\lambda = \\tau^2/\\sigma^2`, and
    :math:`V_i^{-1} = \\sigma^{-2}(I - \\tfrac{\\lambda}{1 + m_i\\lambda} J)`,
    :math:`|V_i| = \\sigma^{2m_i}(1 + m_i\\lambda)`. The REML criterion profiled over
    :math:`\\sigma^2` is
    :math:`(N - p)\\log\\hat\\sigma^2 + \\sum_i \\log(1 + m_i\\lambda) + \\log|X'H^{-1}X|`,
    whose terms depend on the data only through per-pattern sums (see module docstring).
    SEs are :math:`\\sqrt{\\operatorname{diag}(\\hat\\sigma^2 (X'H^{-1}X)^{-1})}`, as in nlme.

    References
    ----------
    .. [1] Pinheiro, J. C. & Bates, D. M. (2000). Mixed-Effects Models in S and S-PLUS.
       Springer, ch. 2.2 (REML and the profiled likelihood).
    .. [2] Harville, D. A. (1977). Maximum likelihood approaches to variance component
       estimation and to related problems. JASA 72, 320-338.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([[3.0, 3.5, 4.0], [2.0, 2.4, 3.1], [4.0, 4.1, np.nan], [3.0, 3.9, 4.2]])
    >>> fit = fit_trend(y, ["t1", "t2", "t3"])   # In R: nlme::lme(..., random = ~1 | id)
    >>> fit.method, round(fit.estimates["t2"], 3), round(fit.estimates["t3"], 3)
    ('reml', 0.475, 1.029)
    """
    y = _check_wide(wide, labels)
    return _fit_reml(y, labels) if linked else _fit_ols(y, labels)
