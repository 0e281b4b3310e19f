"""The exact REML trend model on near-degenerate data: few people, few seen twice, a variance
on its boundary; and, where the answers cannot determine the model, a reason in plain words.

Reference values: tests/reference/reml_degenerate.R -> reml_degenerate.json (R 4.2.2, nlme
3.1.162): ``nlme::lme(score ~ factor(wave), random = ~ 1 | id, method = "REML")`` with the
default control and with ``opt = "optim"``, and ``nlme::gls(score ~ factor(wave), method =
"REML")`` (the same model with no respondent variance); data in reml_degenerate_data.csv.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cop_eval.stats import reml
from cop_eval.stats.reml import ModelNotFitted, profile_reml

REF_DIR = Path(__file__).parent.parent / "reference"
REF = json.loads((REF_DIR / "reml_degenerate.json").read_text())
DATA = pd.read_csv(REF_DIR / "reml_degenerate_data.csv")
CASES = [name for name in REF if name != "versions"]
TOL = 1e-6

INTERIOR = ["grid_root_2w", "grid_root_3w", "one_pair_interior"]
BOUNDARY = ["boundary_flat_start", "boundary_one_pair", "boundary_3w"]
TOO_FEW = (
    "too few people answered in two or more waves to tell a change over time from chance "
    "differences between answers ({} of {} people did)"
)
SAME = (
    "the {} people who answered in two or more waves all changed by exactly the same amount, "
    "so how much answers vary by chance cannot be estimated"
)
NOT_FITTED = {
    "one_pair_falls": TOO_FEW.format(1, 7),
    "one_pair_flat": TOO_FEW.format(1, 2),
    "same_change": SAME.format(3),
    "exact_3w": SAME.format(4),
    "one_wave_constant": TOO_FEW.format(1, 2),
}


def wide(name: str) -> np.ndarray:
    part = DATA[DATA["case"] == name]
    score = part["points"] / part["items"]
    table = part.assign(score=score).pivot(index="id", columns="wave", values="score")
    return table[list(range(1, REF[name]["n_waves"] + 1))].to_numpy(dtype=np.float64)


def test_every_case_is_listed_once() -> None:
    assert sorted(INTERIOR + BOUNDARY + list(NOT_FITTED)) == sorted(CASES)
    assert all(REF[name]["fitted"] for name in INTERIOR + BOUNDARY)
    assert not any(REF[name]["fitted"] for name in NOT_FITTED)


@pytest.mark.parametrize("name", INTERIOR)
def test_interior_optimum_matches_nlme(name: str) -> None:
    ref = REF[name]["lme"]
    fit = profile_reml(wide(name))
    assert fit.converged and 0 < fit.rho < 1
    np.testing.assert_allclose(fit.beta, ref["beta"], atol=TOL, rtol=0)
    np.testing.assert_allclose(np.sqrt(np.diag(fit.cov)), ref["se"], atol=TOL, rtol=0)
    assert fit.sigma2 == pytest.approx(ref["sigma2"], abs=TOL)
    assert fit.tau2 == pytest.approx(ref["tau2"], abs=TOL)
    assert fit.log_likelihood == pytest.approx(ref["logLik"], abs=TOL)
    # The optimum, not a stopping point: no higher than ours by either of nlme's optimisers.
    assert fit.log_likelihood >= max(ref["logLik"], REF[name]["lme_optim"]["logLik"]) - 1e-10


def test_grid_roots_are_the_round_values_nlme_approaches() -> None:
    # Scores in quarter points put the optimum exactly at rho = 0.75 and 0.6: the grid point
    # where the slope is zero to rounding (the old bracket failed there).
    assert profile_reml(wide("grid_root_2w")).rho == pytest.approx(0.75, abs=1e-12)
    assert profile_reml(wide("grid_root_3w")).rho == pytest.approx(0.6, abs=1e-12)


@pytest.mark.parametrize("name", BOUNDARY)
def test_boundary_is_zero_and_equals_gls(name: str) -> None:
    # No respondent variance: the REML fit is nlme::gls's; lme can only approach it (its
    # variance is on a log scale), and gets no higher likelihood than it.
    ref, lme = REF[name]["gls"], REF[name]["lme"]
    fit = profile_reml(wide(name))
    assert fit.converged and fit.rho == 0.0 and fit.tau2 == 0.0
    np.testing.assert_allclose(fit.beta, ref["beta"], atol=TOL, rtol=0)
    np.testing.assert_allclose(np.sqrt(np.diag(fit.cov)), ref["se"], atol=TOL, rtol=0)
    assert fit.sigma2 == pytest.approx(ref["sigma2"], abs=TOL)
    assert fit.log_likelihood == pytest.approx(ref["logLik"], abs=TOL)
    assert lme["tau2"] < 1e-4 and lme["logLik"] <= ref["logLik"] + 1e-9
    np.testing.assert_allclose(fit.beta, lme["beta"], atol=1e-4, rtol=0)
    np.testing.assert_allclose(np.sqrt(np.diag(fit.cov)), lme["se"], atol=1e-4, rtol=0)


@pytest.mark.parametrize("name", list(NOT_FITTED))
def test_no_model_where_the_answers_cannot_determine_it(name: str) -> None:
    with pytest.raises(ModelNotFitted) as info:
        profile_reml(wide(name))
    assert str(info.value) == NOT_FITTED[name]


@pytest.mark.parametrize("name", list(NOT_FITTED))
def test_nlme_has_no_usable_fit_either(name: str) -> None:
    # What nlme gives there: an error, a residual variance near zero (with a change's standard
    # error near zero: the model would claim to know it exactly), or a flat likelihood (its
    # respondent variance far from zero at the same likelihood as gls's, which has none).
    lme, gls = REF[name]["lme"], REF[name]["gls"]
    if "error" in lme:
        return
    flat = "error" not in gls and abs(lme["logLik"] - gls["logLik"]) < 1e-8 and lme["tau2"] > 0.01
    exact = lme["sigma2"] < 1e-6 and min(lme["se"][1:]) < 1e-3
    assert flat or exact


def test_subgroups_of_a_few_people_give_a_fit_or_a_reason() -> None:
    # Small subgroups as a board report has hundreds of: 2-3 waves, 2-13 people, scores in
    # steps of 1/3 to 1/5, some with a person effect, many seen once. Every one gives a fit at
    # an optimum (the slope zero, or rising from the boundary) or a reason a reader
    # understands; none an error of the root finder or of the arithmetic.
    rng = np.random.default_rng(20261202)
    fitted = refused = 0
    for _ in range(400):
        n, waves, items = (
            int(rng.integers(2, 14)),
            int(rng.choice([2, 3])),
            int(rng.choice([3, 4, 5])),
        )
        y = np.round(rng.normal(3, 0.7, (n, waves)) * items) / items
        if rng.random() < 0.5:
            y += np.round(rng.normal(0, rng.choice([0.0, 0.3, 1.0]), (n, 1)) * items) / items
        y[rng.random((n, waves)) < rng.choice([0.2, 0.4, 0.6])] = np.nan
        y = y[~np.isnan(y).all(axis=1)]
        if y.shape[0] == 0 or (np.isfinite(y).sum(axis=0) == 0).any():
            continue
        try:
            fit = profile_reml(y)
        except ModelNotFitted as exc:
            refused += 1
            assert str(exc).startswith(("too few", "the ")), str(exc)
            continue
        fitted += 1
        pat = reml._patterns(y)
        slope = reml._slope(pat, fit.rho)
        assert fit.converged and np.isfinite(fit.cov).all() and fit.sigma2 > 0
        assert (fit.rho == 0.0 and slope >= -1e-6) or abs(slope) < 1e-6, (y, fit.rho, slope)
    assert fitted > 300 and refused > 20
