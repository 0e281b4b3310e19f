"""cop_eval.stats.distributions gives exactly what scipy.stats gives (scipy.stats is not imported
by the library; it is the reference here), and the exact Mann–Whitney distribution equals
scipy's exact ``mannwhitneyu``."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from cop_eval.stats import distributions as d
from cop_eval.stats.ranktests import mann_whitney

RNG = np.random.default_rng(20)
P = np.r_[1e-12, 1e-6, 0.001, 0.025, RNG.random(50), 0.5, 0.975, 0.999999]
X = np.r_[-40.0, -3.5, RNG.normal(0, 3, 50), 0.0, 2.0, 60.0]
DF = np.r_[1.0, 2.5, 9.0, 30.0, 1e3, 1e7]


def test_t_quantile_and_tail() -> None:
    for df in DF:
        np.testing.assert_array_equal(d.t_quantile(P, df), stats.t.ppf(P, df))
        np.testing.assert_array_equal(d.t_sf(X, df), stats.t.sf(X, df))


def test_normal_quantile_and_tail() -> None:
    np.testing.assert_array_equal(d.norm_quantile(P), stats.norm.ppf(P))
    np.testing.assert_array_equal(d.norm_sf(X), stats.norm.sf(X))


def test_f_quantile() -> None:
    for df1, df2 in ((1, 1), (3, 20), (9, 4000), (49, 98)):
        np.testing.assert_array_equal(d.f_quantile(P, df1, df2), stats.f.ppf(P, df1, df2))


@pytest.mark.parametrize("n", [1, 2, 7, 100, 1001])
def test_rankdata_with_and_without_ties(n: int) -> None:
    for values in (RNG.normal(size=n), RNG.integers(0, 4, size=n).astype(float)):
        np.testing.assert_array_equal(d.rankdata(values), stats.rankdata(values))


def test_exact_mann_whitney_equals_scipy() -> None:
    for m, n in ((1, 1), (3, 8), (12, 5), (20, 29), (49, 49)):
        pooled = RNG.permutation(500)[: m + n].astype(float)  # distinct: no ties
        earlier, later = pooled[:n], pooled[n:]
        ours = mann_whitney(earlier, later)
        ref = stats.mannwhitneyu(later, earlier, alternative="two-sided", method="exact")
        assert ours.exact and ours.statistic == ref.statistic
        assert ours.p == pytest.approx(ref.pvalue, rel=1e-12, abs=1e-300)


def test_chi_square_central_and_noncentral() -> None:
    x = np.abs(X) * 3
    for df in (1.0, 4.0, 24.0, 300.0):
        np.testing.assert_array_equal(d.chi2_sf(x, df), stats.chi2.sf(x, df))
        np.testing.assert_array_equal(d.chi2_cdf(x, df), stats.chi2.cdf(x, df))
        for nc in (0.0, 0.5, 12.0, 250.0):
            np.testing.assert_array_equal(d.ncx2_cdf(x, df, nc), stats.ncx2.cdf(x, df, nc))
