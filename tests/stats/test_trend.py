"""Trend models: the exact REML and OLS, against nlme and lm (statsmodels as a cross-check).

Reference values: tests/reference/waves.R -> waves.json (R 4.2.2, nlme 3.1.162):
``nlme::lme(score ~ factor(wave), random = ~ 1 | Subject, method = "REML")`` on nlme::Orthodont
with deletions (tests/reference/waves_orthodont.csv), and ``lm(score ~ factor(wave))``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cop_eval.stats.reml import ModelNotFitted
from cop_eval.stats.trend import fit_trend

REF_DIR = Path(__file__).parent.parent / "reference"
REF = json.loads((REF_DIR / "waves.json").read_text())["orthodont"]
WAVES = REF["waves"]


def wide(scale: str) -> np.ndarray:
    data = pd.read_csv(REF_DIR / "waves_orthodont.csv")
    return data.pivot(index="Subject", columns="wave", values=scale)[WAVES].to_numpy().copy()


@pytest.mark.parametrize("scale", ["distance", "log_distance"])
def test_fixed_effects_se_and_variances_match_nlme(scale: str) -> None:
    fit = fit_trend(wide(scale), WAVES)
    ref = REF["trend"][scale]
    assert fit.converged and fit.method == "reml" and fit.optimiser == "exact REML"
    est = [fit.intercept, *fit.estimates.values()]
    se = [fit.intercept_se, *fit.se.values()]
    np.testing.assert_allclose(est, ref["estimates"], atol=1e-6, rtol=0)
    np.testing.assert_allclose(se, ref["se"], atol=1e-6, rtol=0)
    assert fit.sigma == pytest.approx(ref["sigma"], abs=1e-6)
    assert fit.tau == pytest.approx(ref["tau"], abs=1e-6)
    assert fit.log_likelihood == pytest.approx(ref["logLik"], abs=1e-6)
    assert fit.n_obs == 100 and fit.n_respondents == 27
    assert "sufficient statistics" in fit.note and "no subsample" in fit.note


def _simulate(n: int, waves: int, seed: int, tau: float = 0.6) -> np.ndarray:
    rng = np.random.default_rng(seed)
    person = rng.normal(0, tau, size=(n, 1))
    y = 3.0 + person + np.arange(waves) * 0.1 + rng.normal(0, 0.5, size=(n, waves))
    y[rng.random((n, waves)) < 0.35] = np.nan  # attrition and joiners
    return y


def test_cross_check_against_statsmodels_mixedlm() -> None:
    # statsmodels is no part of the engine; its REML fit is an independent check here. Its
    # generic optimiser stops near, not at, the optimum: agreement to its own precision.
    from statsmodels.regression.mixed_linear_model import MixedLM

    y = _simulate(300, 3, seed=7)
    rows, waves = np.nonzero(np.isfinite(y))
    exog = np.column_stack([np.ones(rows.size), waves == 1, waves == 2]).astype(float)
    sm = MixedLM(y[rows, waves], exog, groups=rows).fit(reml=True, method="lbfgs")
    fit = fit_trend(y, ["a", "b", "c"])
    np.testing.assert_allclose(
        [fit.intercept, *fit.estimates.values()], sm.fe_params, atol=1e-5, rtol=0
    )
    assert fit.sigma**2 == pytest.approx(sm.scale, rel=1e-4)
    assert fit.tau**2 == pytest.approx(float(np.asarray(sm.cov_re)[0, 0]), rel=1e-3)
    assert fit.log_likelihood == pytest.approx(sm.llf, abs=1e-4)


def test_boundary_fit_equals_ols_and_says_so() -> None:
    # Within-person differences anti-correlated: the REML respondent variance is zero, and the
    # model then reduces to OLS (R: lm(score ~ factor(wave)) gives the same estimates).
    rng = np.random.default_rng(11)
    base = rng.normal(0, 1, size=(60, 1))
    y = np.hstack([base, -base + 0.3, base + 0.5]) + rng.normal(0, 0.05, size=(60, 3))
    fit = fit_trend(y, ["a", "b", "c"])
    ols = fit_trend(y, ["a", "b", "c"], linked=False)
    assert fit.tau == 0.0 and fit.converged
    assert "boundary" in fit.note
    for label in ("b", "c"):
        assert fit.estimates[label] == pytest.approx(ols.estimates[label], abs=1e-9)
        assert fit.se[label] == pytest.approx(ols.se[label], abs=1e-9)


def test_nobody_seen_twice_gives_zero_respondent_variance() -> None:
    y = np.full((9, 3), np.nan)
    y[np.arange(9), np.arange(9) % 3] = np.arange(9) * 0.5
    fit = fit_trend(y, ["a", "b", "c"])
    ols = fit_trend(y, ["a", "b", "c"], linked=False)
    assert fit.tau == 0.0 and "not identified" in fit.note
    assert fit.estimates == pytest.approx(ols.estimates)


def test_a_perfect_fit_is_refused_in_plain_words() -> None:
    # Person + wave effects with no residual: the criterion falls without bound as the
    # residual variance goes to zero (nlme stops at sigma ~ 0 with SEs ~ 0), so no trend is
    # given, and the reason is one a reader understands.
    y = np.array([[1.0, 2.0, 4.0], [2.0, 3.0, 5.0], [0.0, 1.0, 3.0], [5.0, 6.0, 8.0]])
    with pytest.raises(ModelNotFitted) as info:
        fit_trend(y, ["a", "b", "c"])
    assert str(info.value) == (
        "the 4 people who answered in two or more waves all changed by exactly the same "
        "amount, so how much answers vary by chance cannot be estimated"
    )


def test_ols_matches_lm() -> None:
    fit = fit_trend(wide("distance"), WAVES, linked=False)
    ref = REF["ols"]["distance"]
    assert fit.method == "ols" and "not linked" in fit.note
    np.testing.assert_allclose([fit.intercept, *fit.estimates.values()], ref["estimates"])
    np.testing.assert_allclose([fit.intercept_se, *fit.se.values()], ref["se"])


def test_outputs_and_input_checks() -> None:
    fit = fit_trend(wide("distance"), WAVES)
    frame = fit.to_frame()
    assert list(frame["wave"]) == WAVES[1:]
    doc = fit.to_dict()
    assert {"model", "estimates", "se", "converged", "optimiser", "note"} <= set(doc)
    with pytest.raises(ValueError, match="shape"):
        fit_trend(np.zeros((3, 2)), WAVES)
    y = wide("distance")
    y[:, 2] = np.nan
    with pytest.raises(ModelNotFitted, match="nobody has a score in"):
        fit_trend(y, WAVES)
