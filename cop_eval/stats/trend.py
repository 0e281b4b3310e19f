"""Trend over three or more waves: ``score ~ C(wave)`` with a random intercept per respondent.

Three ways to the same model, chosen by :func:`fit_trend` and named in the result's ``method``
and ``note``:

``mixedlm``
    statsmodels ``MixedLM`` fitted by REML, optimisers tried in turn (lbfgs, bfgs, powell, nm,
    cg) until one converges with finite standard errors. Used up to :data:`MIXEDLM_MAX_OBS`
    observations. A fit that converges with none of them is never reported silently: the exact
    profile REML below is used instead and the note says so.
``profile_reml``
    The same REML estimates computed exactly from sufficient statistics. With only wave dummies
    as fixed effects, a respondent's design matrix depends only on *which* waves they answered,
    so every term of the REML likelihood (``X'V⁻¹X``, ``X'V⁻¹y``, ``y'V⁻¹y``, ``log|V|``) is a sum
    over at most 2^W − 1 response patterns of per-pattern totals. The likelihood is profiled over
    the residual variance and maximised over the intraclass correlation in [0, 1), so the cost
    is one pass over the data however many respondents there are (a national survey of 700,000
    respondents × 3 waves takes well under a second); no subsample, no respondent is dropped.
``ols``
    When respondents cannot be linked across waves (no ids), a random intercept cannot be
    separated from the residual: every respondent is seen once and the model reduces to
    ordinary least squares ``score ~ C(wave)`` (= R ``lm(score ~ factor(wave))``).

Reference: ``nlme::lme(score ~ factor(wave), random = ~ 1 | id, method = "REML")``
(tests/reference/waves.R).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from cop_eval.stats.reml import gls_covariance, profile_reml, treatment_design

__all__ = [
    "MIXEDLM_MAX_OBS",
    "OPTIMISERS",
    "FitAttempt",
    "TrendFit",
    "fit_trend",
]

FloatArray = npt.NDArray[np.float64]

#: Above this many observations the exact profile REML replaces statsmodels (same estimates;
#: MixedLM's generic optimiser takes minutes at national scale).
MIXEDLM_MAX_OBS = 2_000

#: statsmodels optimisers, tried in this order.
OPTIMISERS: tuple[str, ...] = ("lbfgs", "bfgs", "powell", "nm", "cg")

Method = Literal["mixedlm", "profile_reml", "ols"]

_MODEL = "score ~ C(wave) + (1 | respondent), REML"
_OLS_MODEL = "score ~ C(wave), OLS (respondents not linked)"


@dataclass(frozen=True)
class FitAttempt:
    """One optimiser run: whether it converged and what statsmodels said."""

    optimiser: str
    converged: bool
    messages: tuple[str, ...]


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
        Whether the reported fit converged (``False`` is always accompanied by a note).
    optimiser
        The statsmodels optimiser that converged (``mixedlm``), else the method's own.
    sigma, tau
        Residual and random-intercept SDs (``tau`` is NaN for ``ols``).
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
    attempts: tuple[FitAttempt, ...]
    n_obs: int
    n_respondents: int
    sigma: float
    tau: float
    note: str

    def to_json_dict(self) -> dict[str, object]:
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
            "attempts": [
                {"optimiser": a.optimiser, "converged": a.converged, "messages": list(a.messages)}
                for a in self.attempts
            ],
            "n_obs": self.n_obs,
            "n_respondents": self.n_respondents,
            "sigma": self.sigma,
            "tau": self.tau,
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
        raise ValueError(f"no scores in wave(s) {', '.join(empty)}")
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


# ---------------------------------------------------------------------------------------------
# OLS (respondents not linked)
# ---------------------------------------------------------------------------------------------


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
    return _result(
        "ols",
        labels,
        beta,
        cov,
        converged=True,
        optimiser=None,
        attempts=(),
        n_obs=n_obs,
        n_respondents=n_obs,
        sigma=math.sqrt(s2),
        tau=math.nan,
        note=(
            "Respondents are not linked across waves (no respondent ids), so a random intercept "
            "cannot be separated from the residual: fitted as OLS score ~ C(wave), which treats "
            "every answer as a different person."
        ),
    )


def _fit_profile_reml(y: FloatArray, labels: Sequence[str], note: str) -> TrendFit:
    fit = profile_reml(y)
    extra = (
        " The respondent variance is estimated at zero (on the boundary)." if fit.rho == 0 else ""
    )
    return _result(
        "profile_reml",
        labels,
        fit.beta,
        fit.cov,
        converged=fit.converged,
        optimiser="profile REML (bounded Brent over the intraclass correlation)",
        attempts=(
            FitAttempt("profile_reml", fit.converged, () if fit.converged else (fit.message,)),
        ),
        n_obs=fit.n_obs,
        n_respondents=fit.n_respondents,
        sigma=math.sqrt(fit.sigma2),
        tau=math.sqrt(fit.tau2),
        note=note + extra,
    )


# ---------------------------------------------------------------------------------------------
# statsmodels MixedLM
# ---------------------------------------------------------------------------------------------


def _fit_mixedlm(
    y: FloatArray, labels: Sequence[str], optimisers: Sequence[str]
) -> tuple[TrendFit | None, tuple[FitAttempt, ...]]:
    from statsmodels.regression.mixed_linear_model import MixedLM
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    rows, waves = np.nonzero(np.isfinite(y))
    endog = y[rows, waves]
    exog = treatment_design(len(labels))[waves]
    attempts: list[FitAttempt] = []
    for name in optimisers:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                model = MixedLM(endog, exog, groups=rows)
                fit = model.fit(reml=True, method=name)
            except (np.linalg.LinAlgError, ValueError) as exc:
                attempts.append(FitAttempt(name, False, (f"{type(exc).__name__}: {exc}",)))
                continue
        messages = tuple(
            str(w.message)
            for w in caught
            if issubclass(w.category, ConvergenceWarning | UserWarning)
        )
        fe = np.asarray(fit.fe_params, dtype=np.float64)
        cov = np.asarray(fit.cov_params(), dtype=np.float64)[: len(labels), : len(labels)]
        ok = (
            bool(fit.converged)
            and np.all(np.isfinite(fe))
            and np.all(np.isfinite(np.diag(cov)))
            and np.all(np.diag(cov) > 0)
            and not any("Hessian" in m or "singular" in m for m in messages)
        )
        attempts.append(FitAttempt(name, bool(ok), messages))
        if ok:
            sigma2 = float(fit.scale)
            tau2 = max(float(np.asarray(fit.cov_re)[0, 0]), 0.0)
            # Fixed-effect SEs as nlme and lme4 report them, sigma^2 (X'H^-1 X)^-1 at the REML
            # variance estimates; statsmodels' default (the joint Hessian with the variance
            # parameters) differs from nlme in the fourth decimal.
            cov = gls_covariance(y, sigma2, tau2)
            note = f"statsmodels MixedLM (REML), converged with the {name} optimiser"
            if len(attempts) > 1:
                failed = ", ".join(a.optimiser for a in attempts[:-1])
                note += f" after {failed} did not"
            note += "."
            if tau2 < 1e-8 * sigma2:
                note += " The respondent variance is estimated at zero (on the boundary)."
            return (
                _result(
                    "mixedlm",
                    labels,
                    fe,
                    cov,
                    converged=True,
                    optimiser=name,
                    attempts=tuple(attempts),
                    n_obs=int(endog.size),
                    n_respondents=int(np.unique(rows).size),
                    sigma=math.sqrt(sigma2),
                    tau=math.sqrt(tau2),
                    note=note,
                ),
                tuple(attempts),
            )
    return None, tuple(attempts)


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


def fit_trend(
    wide: npt.ArrayLike,
    labels: Sequence[str],
    *,
    linked: bool = True,
    strategy: Literal["auto", "mixedlm", "profile_reml"] = "auto",
    optimisers: Sequence[str] = OPTIMISERS,
    max_mixedlm_obs: int = MIXEDLM_MAX_OBS,
) -> TrendFit:
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
    strategy
        ``"auto"``: statsmodels MixedLM up to ``max_mixedlm_obs`` observations, the exact
        profile REML above that (and whenever MixedLM converges with no optimiser).
    optimisers
        statsmodels optimisers tried in turn.

    Returns
    -------
    TrendFit
        Estimates and SEs of each later wave against the first; ``method``, ``converged``,
        ``optimiser``, ``attempts`` and ``note`` say how they were obtained.

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
    >>> fit.method, round(fit.estimates["t2"], 3)
    ('mixedlm', 0.475)
    """
    y = _check_wide(wide, labels)
    if not linked:
        return _fit_ols(y, labels)
    n_obs = int(np.isfinite(y).sum())
    if strategy == "profile_reml" or (strategy == "auto" and n_obs > max_mixedlm_obs):
        note = (
            f"{n_obs:,} observations: REML estimates computed exactly from per-pattern sufficient "
            "statistics (same model and estimates as MixedLM, which is too slow at this size; "
            "no subsample)."
        )
        return _fit_profile_reml(y, labels, note)
    fit, attempts = _fit_mixedlm(y, labels, optimisers)
    if fit is not None:
        return fit
    tried = ", ".join(optimisers)
    if strategy == "mixedlm":
        raise ValueError(f"MixedLM did not converge with any optimiser ({tried})")
    exact = _fit_profile_reml(
        y,
        labels,
        f"statsmodels MixedLM did not converge with any optimiser ({tried}); the estimates come "
        "from the exact profile REML of the same model.",
    )
    return TrendFit(**{**exact.__dict__, "attempts": attempts + exact.attempts})
