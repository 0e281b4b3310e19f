"""Trend models: statsmodels MixedLM, the exact profile REML and OLS, against nlme and lm.

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

from cop_eval.stats.trend import OPTIMISERS, fit_trend

REF_DIR = Path(__file__).parent.parent / "reference"
REF = json.loads((REF_DIR / "waves.json").read_text())["orthodont"]
WAVES = REF["waves"]


def wide(scale: str) -> np.ndarray:
    data = pd.read_csv(REF_DIR / "waves_orthodont.csv")
    return data.pivot(index="Subject", columns="wave", values=scale)[WAVES].to_numpy().copy()


@pytest.mark.parametrize("scale", ["distance", "log_distance"])
@pytest.mark.parametrize("strategy", ["mixedlm", "profile_reml"])
def test_fixed_effects_and_se_match_nlme(scale: str, strategy: str) -> None:
    fit = fit_trend(wide(scale), WAVES, strategy=strategy)  # type: ignore[arg-type]
    ref = REF["trend"][scale]
    assert fit.converged and fit.method == strategy
    est = [fit.intercept, *fit.estimates.values()]
    se = [fit.intercept_se, *fit.se.values()]
    np.testing.assert_allclose(est, ref["estimates"], atol=1e-4, rtol=0)
    np.testing.assert_allclose(se, ref["se"], atol=1e-4, rtol=0)
    assert fit.sigma == pytest.approx(ref["sigma"], abs=1e-4)
    assert fit.tau == pytest.approx(ref["tau"], abs=1e-4)
    assert fit.n_obs == 100 and fit.n_respondents == 27


def test_profile_reml_is_exact() -> None:
    # The closed form reaches nlme's optimum far inside the 1e-4 tolerance.
    fit = fit_trend(wide("distance"), WAVES, strategy="profile_reml")
    ref = REF["trend"]["distance"]
    np.testing.assert_allclose([fit.intercept_se, *fit.se.values()], ref["se"], atol=1e-6, rtol=0)


def _simulate(n: int, waves: int, seed: int, tau: float = 0.6) -> np.ndarray:
    rng = np.random.default_rng(seed)
    person = rng.normal(0, tau, size=(n, 1))
    y = 3.0 + person + np.arange(waves) * 0.1 + rng.normal(0, 0.5, size=(n, waves))
    y[rng.random((n, waves)) < 0.35] = np.nan  # attrition and joiners
    return y


def test_profile_reml_agrees_with_mixedlm_on_unbalanced_data() -> None:
    y = _simulate(300, 3, seed=7)
    a = fit_trend(y, ["a", "b", "c"], strategy="mixedlm")
    b = fit_trend(y, ["a", "b", "c"], strategy="profile_reml")
    for label in ("b", "c"):
        assert a.estimates[label] == pytest.approx(b.estimates[label], abs=1e-4)
        assert a.se[label] == pytest.approx(b.se[label], abs=1e-4)
    assert a.tau == pytest.approx(b.tau, abs=1e-3)


def test_auto_switches_to_profile_reml_above_the_size_limit() -> None:
    y = _simulate(400, 3, seed=3)
    fit = fit_trend(y, ["a", "b", "c"], max_mixedlm_obs=100)
    assert fit.method == "profile_reml" and "sufficient statistics" in fit.note


def test_non_convergence_is_reported_and_never_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    from statsmodels.regression.mixed_linear_model import MixedLM

    real_fit = MixedLM.fit

    def starved(self: MixedLM, *args: object, **kwargs: object) -> object:
        kwargs["maxiter"] = 1  # no optimiser can converge in one iteration
        return real_fit(self, *args, **kwargs)

    monkeypatch.setattr(MixedLM, "fit", starved)
    y = wide("distance")
    fit = fit_trend(y, WAVES)
    tried = [a.optimiser for a in fit.attempts if a.optimiser in OPTIMISERS]
    assert tried == list(OPTIMISERS)
    assert not any(a.converged for a in fit.attempts if a.optimiser in OPTIMISERS)
    assert fit.method == "profile_reml" and "did not converge" in fit.note
    np.testing.assert_allclose(
        list(fit.estimates.values()), REF["trend"]["distance"]["estimates"][1:], atol=1e-4
    )
    with pytest.raises(ValueError, match="did not converge with any optimiser"):
        fit_trend(y, WAVES, strategy="mixedlm")


def test_boundary_fit_equals_ols_and_says_so() -> None:
    # Within-person differences anti-correlated: the REML respondent variance is zero, and the
    # model then reduces to OLS (R: lm(score ~ factor(wave)) gives the same estimates).
    rng = np.random.default_rng(11)
    base = rng.normal(0, 1, size=(60, 1))
    y = np.hstack([base, -base + 0.3, base + 0.5]) + rng.normal(0, 0.05, size=(60, 3))
    fit = fit_trend(y, ["a", "b", "c"], strategy="profile_reml")
    ols = fit_trend(y, ["a", "b", "c"], linked=False)
    assert fit.tau == pytest.approx(0.0, abs=1e-6)
    assert "boundary" in fit.note
    for label in ("b", "c"):
        assert fit.estimates[label] == pytest.approx(ols.estimates[label], abs=1e-9)


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
    doc = fit.to_json_dict()
    assert {"model", "estimates", "se", "converged", "optimiser", "note"} <= set(doc)
    with pytest.raises(ValueError, match="shape"):
        fit_trend(np.zeros((3, 2)), WAVES)
    y = wide("distance")
    y[:, 2] = np.nan
    with pytest.raises(ValueError, match="no scores in wave"):
        fit_trend(y, WAVES)
