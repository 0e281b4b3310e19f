"""The "rest of the group" fits of the gap trends, obtained as the whole group's pattern totals
minus the subgroup's people's (compare/equity_trend.py, ``_Subgroups.rest_fit``).

Reference: tests/reference/equity_rest.R (R 4.2.2, nlme 3.1.162) -> equity_rest.json and
equity_rest_data.csv: ``nlme::lme(score ~ factor(wave), random = ~ 1 | id, method = "REML")``
on every answer outside each subgroup, with people who change subgroup between waves. Fixed
effects, their SEs (``sqrt(diag(vcov(m)))``), ``sigma^2`` and ``getVarCov(m)`` to 1e-6.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

from cop_eval.compare.equity_trend import _People, _person_codes, _Subgroups
from cop_eval.instruments import parse_instrument
from cop_eval.measure.scores import ScoreTable
from cop_eval.stats.reml import (
    PatternTotals,
    ProfileREML,
    profile_reml,
    profile_reml_totals,
    reml_is_well_conditioned,
)

REF_DIR = Path(__file__).parent.parent / "reference"
REF = json.loads((REF_DIR / "equity_rest.json").read_text())
DATA = pd.read_csv(REF_DIR / "equity_rest_data.csv", dtype={"id": str, "group": str})
GROUPS = ["North", "South", "East", "West", "Centre"]
TOL = 1e-6  # absolute, as tests/stats/test_reml_reference.py


def _subgroups(scale: str) -> _Subgroups:
    inst = parse_instrument(
        {
            "id": "rest_test", "version": "1.0.0", "title": "Rest test",
            "description": "Two scales whose scores are given directly.",
            "status": "seed-derived",
            "sources": [{"citation": "tests/reference/equity_rest.R (simulated)"}],
            "license": {"status": "open"},
            "response_scale": {"min": 1, "max": 5, "labels": {k: str(k) for k in range(1, 6)}},
            "items": [
                {"id": f"{s}{k}", "text": s, "scale": s}
                for s in ("relevance", "climate")
                for k in (1, 2)
            ],
            "scales": [{"id": "relevance", "label": "R"}, {"id": "climate", "label": "C"}],
        }
    )  # fmt: skip
    parts = [DATA[DATA["wave"] == w].reset_index(drop=True) for w in (1, 2, 3)]
    waves = [ScoreTable(inst, p[["relevance", "climate"]], respondent_ids=p["id"]) for p in parts]
    codes = [pd.Index(GROUPS).get_indexer(p["group"]) for p in parts]
    scores = [p[scale].to_numpy(dtype=np.float64) for p in parts]
    return _Subgroups(_person_codes(waves), scores, codes)


def _direct(sub: _Subgroups, k: int) -> ProfileREML:
    """The rest's fit from its own table (the old way)."""
    return profile_reml(sub.people.wide([g != k for g in sub.group_codes]))


@pytest.mark.parametrize("ref", REF["rest"], ids=lambda r: f"{r['scale']}-{r['group']}")
def test_rest_fit_matches_nlme(ref: dict[str, Any]) -> None:
    sub = _subgroups(ref["scale"])
    k = GROUPS.index(ref["group"])
    fit = sub.rest_fit(k, sub.group_wide(k)[1])
    assert (fit.n_obs, fit.n_respondents) == (ref["n_obs"], ref["n_respondents"])
    np.testing.assert_allclose(fit.beta, ref["beta"], atol=TOL, rtol=0)
    np.testing.assert_allclose(np.sqrt(np.diag(fit.cov)), ref["se"], atol=TOL, rtol=0)
    assert fit.sigma2 == pytest.approx(ref["sigma2"], abs=TOL)
    assert fit.tau2 == pytest.approx(ref["tau2"], abs=TOL)
    assert fit.converged


def test_the_reference_has_people_who_change_subgroup() -> None:
    moved = DATA.groupby("id")["group"].nunique()
    assert (moved > 1).sum() >= 20


def _same_fit(got: ProfileREML, want: ProfileREML, tol: float = 1e-9) -> None:
    assert (got.n_obs, got.n_respondents, got.converged) == (
        want.n_obs,
        want.n_respondents,
        want.converged,
    )
    np.testing.assert_allclose(got.beta, want.beta, rtol=tol, atol=tol)
    np.testing.assert_allclose(got.cov, want.cov, rtol=tol, atol=tol)
    for a, b in ((got.sigma2, want.sigma2), (got.tau2, want.tau2), (got.rho, want.rho)):
        assert a == pytest.approx(b, rel=tol, abs=tol)


def _random_waves(
    rng: np.random.Generator, spread: float = 1.0
) -> tuple[list[npt.NDArray[np.int64]], list[npt.NDArray[np.float64]], list[npt.NDArray[np.intp]]]:
    sizes = (600, 550, 500)
    persons = [rng.integers(0, 700, n).astype(np.int64) for n in sizes]  # duplicates included
    trait = rng.normal(0, 0.5, 700)
    scores = [3 + trait[p] + rng.normal(0, spread, p.size) for p in persons]
    for x in scores:
        x[rng.random(x.size) < 0.08] = np.nan
    groups = [rng.integers(-1, 6, p.size).astype(np.intp) for p in persons]  # -1: no subgroup
    return persons, scores, groups


def test_rest_by_subtraction_equals_the_rest_fitted_directly() -> None:
    rng = np.random.default_rng(20)
    persons, scores, groups = _random_waves(rng)
    sub = _Subgroups(persons, scores, groups)
    for k in range(6):
        wide, touched = sub.group_wide(k)
        fit = sub.rest_fit(k, touched)
        direct = _direct(sub, k)
        _same_fit(fit, direct)
        # The subgroup's own table is the one the old code sorted out of every row.
        old = _People(persons, scores).wide([g == k for g in groups])
        assert np.array_equal(wide, old, equal_nan=True)


@pytest.mark.parametrize("big", [1e4, 1e5])
def test_a_rest_whose_differences_lost_precision_is_fitted_directly(big: float) -> None:
    # The subgroup's answers are ~10^7 times as spread as the rest's: the rest's residual sum
    # of squares is near the rounding error of the whole group's totals. At 1e4 the difference
    # gives a residual variance 0.2% off (caught by the check); at 1e5 a negative one (an error).
    rng = np.random.default_rng(3)
    persons, scores, groups = _random_waves(rng)
    for x, g in zip(scores, groups, strict=True):
        x[g == 0] = big * rng.normal(0, 1, int((g == 0).sum()))
        x[g != 0] = 3.0 + 1e-3 * rng.normal(0, 1, int((g != 0).sum()))
    sub = _Subgroups(persons, scores, groups)
    _, touched = sub.group_wide(0)
    rest = sub.everyone.minus(PatternTotals.of(sub.full[touched]))
    rest = rest.plus(PatternTotals.of(sub._outside(0, touched)))
    direct = _direct(sub, 0)
    try:
        by_difference = profile_reml_totals(rest)
    except ValueError:
        assert big == 1e5
    else:
        assert by_difference.sigma2 != pytest.approx(direct.sigma2, rel=1e-3)
        assert not reml_is_well_conditioned(rest, by_difference)
    fit = sub.rest_fit(0, touched)
    _same_fit(fit, direct, tol=1e-9)


def test_totals_add_and_subtract() -> None:
    rng = np.random.default_rng(8)
    y = rng.normal(3, 1, (300, 4))
    y[rng.random(y.shape) < 0.3] = np.nan
    whole, part = PatternTotals.of(y), PatternTotals.of(y[:120])
    rest = whole.minus(part)
    again = PatternTotals.of(y[120:])
    assert np.array_equal(rest.codes, again.codes)
    np.testing.assert_allclose(rest.count, again.count, rtol=0, atol=0)
    np.testing.assert_allclose(rest.r, again.r, rtol=1e-12)
    assert rest.yty == pytest.approx(again.yty, rel=1e-12)
    assert rest.plus(part).codes.tolist() == whole.codes.tolist()
