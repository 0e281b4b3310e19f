"""The exact REML trend model against nlme on real longitudinal data, on the boundary, with gaps.

Reference values: tests/reference/trend.R -> trend.json (R 4.2.2, nlme 3.1.162, lme4 1.1.31):
``nlme::lme(score ~ factor(wave), random = ~ 1 | id, method = "REML")`` with nlme's default
control, on nlme::BodyWeight (176 rows), datasets::ChickWeight (578 rows; chicks that died miss
the later ages), lme4::sleepstudy (180 rows), sleepstudy with 25 rows deleted, and a simulated
set whose between-person variance estimate is on its boundary (zero); the data are in
tests/reference/data/trend_*.csv. ``lme4::lmer(..., REML = TRUE)`` is recorded beside them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cop_eval.stats.reml import profile_reml
from cop_eval.stats.trend import fit_trend

REF_DIR = Path(__file__).parent.parent / "reference"
REF = json.loads((REF_DIR / "trend.json").read_text())
SETS = ["bodyweight", "chickweight", "sleepstudy", "sleepstudy_gaps", "boundary"]
TOL = 1e-6  # absolute, on every figure (the agreement seen is ~1e-9 or better)


def wide(name: str) -> np.ndarray:
    data = pd.read_csv(REF_DIR / "data" / f"trend_{name}.csv", dtype={"id": str, "wave": str})
    table = data.pivot(index="id", columns="wave", values="score")
    return table[REF[name]["waves"]].to_numpy(dtype=np.float64)


@pytest.mark.parametrize("name", SETS)
def test_matches_nlme_lme_reml(name: str) -> None:
    ref = REF[name]["default"]
    y = wide(name)
    fit = fit_trend(y, REF[name]["waves"])
    assert fit.method == "reml" and fit.converged
    assert fit.n_obs == REF[name]["n_obs"] and fit.n_respondents == REF[name]["n_people"]
    est = [fit.intercept, *fit.estimates.values()]
    se = [fit.intercept_se, *fit.se.values()]
    np.testing.assert_allclose(est, ref["estimates"], atol=TOL, rtol=0)
    np.testing.assert_allclose(se, ref["se"], atol=TOL, rtol=0)
    assert fit.sigma**2 == pytest.approx(ref["sigma2"], abs=TOL)
    assert fit.tau**2 == pytest.approx(ref["tau2"], abs=TOL)
    assert fit.log_likelihood == pytest.approx(ref["logLik"], abs=TOL)


def test_people_missing_whole_waves_are_kept() -> None:
    for name in ("chickweight", "sleepstudy_gaps", "boundary"):
        y = wide(name)
        assert np.isnan(y).any()  # the data really have gaps
        assert profile_reml(y).n_respondents == REF[name]["n_people"]


def test_boundary_is_exactly_zero_where_nlme_approaches_it() -> None:
    # nlme's log-scale parameter can only approach zero (its tau^2 is ~2e-9); lme4 reports a
    # singular fit with tau^2 = 0, as we do.
    fit = profile_reml(wide("boundary"))
    assert fit.rho == 0.0 and fit.tau2 == 0.0 and "boundary" in fit.message
    assert REF["boundary"]["lme4"]["tau2"] == 0.0
    assert REF["boundary"]["default"]["tau2"] < 1e-8


@pytest.mark.parametrize("name", SETS)
def test_nlme_default_and_tightened_controls_agree(name: str) -> None:
    # The reference is nlme's optimum, not a stopping point of its optimiser.
    default, tight = REF[name]["default"], REF[name]["tight"]
    np.testing.assert_allclose(default["se"], tight["se"], atol=1e-9, rtol=0)
    assert default["tau2"] == pytest.approx(tight["tau2"], abs=1e-8)


@pytest.mark.parametrize("name", SETS)
def test_lme4_agrees(name: str) -> None:
    ref = REF[name]["lme4"]
    fit = profile_reml(wide(name))
    np.testing.assert_allclose(fit.beta, ref["estimates"], rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(np.sqrt(np.diag(fit.cov)), ref["se"], rtol=1e-6, atol=1e-7)
    assert fit.tau2 == pytest.approx(ref["tau2"], rel=1e-6, abs=1e-8)
