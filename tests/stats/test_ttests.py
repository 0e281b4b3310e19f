"""Two-wave tests and effect sizes against R.

Reference values: tests/reference/waves.R -> waves.json (R 4.2.2, stats 4.2.2):
``t.test(drug2, drug1, paired = TRUE)`` and ``t.test(drug2, drug1, var.equal = FALSE)`` on
datasets::sleep; ``wilcox.test(..., exact = TRUE | FALSE, correct = TRUE)`` on the two
?wilcox.test examples (Hollander & Wolfe 1973, pp. 29 and 69); d_z, d_av and Hedges' g written out
in the script with the noncentral-t CI that effectsize::cohens_d uses; ``p.adjust(p, "holm" |
"BH")``.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cop_eval.stats.favourable import favourable_change
from cop_eval.stats.multiplicity import benjamini_hochberg, holm
from cop_eval.stats.ranktests import mann_whitney, wilcoxon_signed_rank
from cop_eval.stats.ttests import hedges_j, noncentral_t_ci, paired_test, welch_test

REF = json.loads((Path(__file__).parent.parent / "reference" / "waves.json").read_text())
TOL = 1e-6


def assert_close(got: float, want: float, tol: float = TOL) -> None:
    assert math.isclose(got, want, rel_tol=tol, abs_tol=tol), (got, want)


def test_paired_t_and_effect_sizes_match_r_on_sleep() -> None:
    ref = REF["sleep"]["paired"]
    r = paired_test(REF["sleep"]["drug1"], REF["sleep"]["drug2"])
    assert r.n == ref["n"]
    assert_close(r.mean_diff, ref["mean_diff"])
    assert_close(r.ci[0], ref["ci"][0])
    assert_close(r.ci[1], ref["ci"][1])
    assert_close(r.statistic, ref["statistic"])
    assert_close(r.df, ref["df"])
    assert_close(r.p, ref["p"])
    assert_close(r.d_z, ref["d_z"])
    assert_close(r.d_z_ci[0], ref["d_z_ci"][0])
    assert_close(r.d_z_ci[1], ref["d_z_ci"][1])
    assert_close(r.d_av, ref["d_av"])


def test_welch_t_and_hedges_g_match_r_on_sleep() -> None:
    ref = REF["sleep"]["welch"]
    r = welch_test(REF["sleep"]["drug1"], REF["sleep"]["drug2"])
    assert (r.n_earlier, r.n_later) == (ref["n_from"], ref["n_to"])
    for got, want in [
        (r.mean_diff, ref["mean_diff"]),
        (r.ci[0], ref["ci"][0]),
        (r.ci[1], ref["ci"][1]),
        (r.statistic, ref["statistic"]),
        (r.df, ref["df"]),
        (r.p, ref["p"]),
        (r.cohens_d, ref["cohens_d"]),
        (r.hedges_g, ref["hedges_g"]),
        (r.hedges_g_ci[0], ref["hedges_g_ci"][0]),
        (r.hedges_g_ci[1], ref["hedges_g_ci"][1]),
    ]:
        assert_close(got, want)


@pytest.mark.parametrize(
    ("block", "exact"),
    [("paired_exact", True), ("paired_approx", False)],
)
def test_signed_rank_matches_r_exact_and_approximate(block: str, exact: bool) -> None:
    hw = REF["hollander_wolfe"]
    ref = hw[block]["wilcoxon"]
    r = wilcoxon_signed_rank(hw["paired_x"], hw["paired_y"], exact=exact)
    assert r.exact is exact
    assert r.statistic == ref["statistic"]
    assert_close(r.p, ref["p"])
    # R's default (exact = NULL) picks the exact test here: 9 differences, no ties.
    assert wilcoxon_signed_rank(hw["paired_x"], hw["paired_y"]).exact


def test_signed_rank_with_ties_and_zeros_uses_normal_approximation_like_r() -> None:
    ref = REF["sleep"]["paired"]["wilcoxon"]
    r = wilcoxon_signed_rank(REF["sleep"]["drug1"], REF["sleep"]["drug2"])
    assert not r.exact  # sleep has a zero difference and ties: R falls back too
    assert r.statistic == ref["statistic"]
    assert_close(r.p, ref["p"])


@pytest.mark.parametrize(("block", "exact"), [("indep_exact", True), ("indep_approx", False)])
def test_mann_whitney_matches_r(block: str, exact: bool) -> None:
    hw = REF["hollander_wolfe"]
    ref = hw[block]["mann_whitney"]
    r = mann_whitney(hw["indep_a"], hw["indep_b"], exact=exact)
    assert r.exact is exact and r.statistic == ref["statistic"]
    assert_close(r.p, ref["p"])
    sleep = REF["sleep"]["welch"]["mann_whitney"]
    s = mann_whitney(REF["sleep"]["drug1"], REF["sleep"]["drug2"])
    assert not s.exact and s.statistic == sleep["statistic"]
    assert_close(s.p, sleep["p"])


def test_p_adjust_matches_r() -> None:
    ref = REF["p_adjust"]
    np.testing.assert_allclose(holm(ref["p"]), ref["holm"], atol=1e-12)
    np.testing.assert_allclose(benjamini_hochberg(ref["p"]), ref["bh"], atol=1e-12)
    with_nan = holm([0.01, np.nan, 0.04])
    assert np.isnan(with_nan[1])
    np.testing.assert_allclose(with_nan[[0, 2]], [0.02, 0.04])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=30))
def test_adjusted_p_bounds(p: list[float]) -> None:
    raw = np.array(p)
    h, b = holm(raw), benjamini_hochberg(raw)
    assert np.all(h >= raw - 1e-15) and np.all(h <= 1)
    assert np.all(b >= raw - 1e-15) and np.all(b <= h + 1e-15)
    order = np.argsort(raw, kind="stable")
    assert np.all(np.diff(h[order]) >= -1e-15)  # monotone in the raw p


def test_hedges_j_matches_r_gamma_formula() -> None:
    # R: exp(lgamma(9) - log(sqrt(9)) - lgamma(8.5)) = 0.957646427 (R 4.2.2)
    assert_close(hedges_j(18), 0.957646427, 1e-9)
    assert math.isnan(hedges_j(1))


@pytest.mark.parametrize(("t", "df"), [(4.06, 9), (134.0, 2e5), (-250.0, 7e5)])
def test_noncentral_ci_inverts_the_noncentral_t_cdf(t: float, df: float) -> None:
    # Definition check (the R script solves the same equations with uniroot on pt(t, df, ncp)),
    # including national-scale t and df.
    lo, hi = noncentral_t_ci(t, df)
    assert stats.nct.cdf(t, df, lo) == pytest.approx(0.975, abs=1e-9)
    assert stats.nct.cdf(t, df, hi) == pytest.approx(0.025, abs=1e-9)
    assert lo < t < hi


def test_degenerate_inputs_give_nan_not_errors() -> None:
    r = paired_test([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])  # no variation in the differences
    assert math.isnan(r.statistic) and math.isnan(r.d_z) and r.mean_diff == 0
    one = paired_test([1.0], [2.0])
    assert one.n == 1 and math.isnan(one.p)
    w = welch_test([1.0], [2.0, 3.0])
    assert math.isnan(w.p) and w.mean_diff == 1.5
    assert wilcoxon_signed_rank([1, 2], [1, 2]).n == 0
    with pytest.raises(ValueError, match="differ in length"):
        paired_test([1.0, 2.0], [1.0])


def test_missing_values_drop_pairs() -> None:
    r = paired_test([1.0, 2.0, np.nan, 4.0], [2.0, 2.5, 9.0, np.nan])
    assert r.n == 2 and r.mean_diff == pytest.approx(0.75)


def test_favourable_change_uses_newcombe_interval() -> None:
    # Newcombe (1998) Table II, example (a): 56/70 vs 48/80, difference 0.2, CI (0.0524, 0.3339).
    r = favourable_change(48, 80, 56, 70)
    assert r.diff == pytest.approx(0.2)
    assert r.ci[0] == pytest.approx(0.0524, abs=5e-5) and r.ci[1] == pytest.approx(0.3339, abs=5e-5)
    frame = r.to_frame()
    assert list(frame["diff"]) == [pytest.approx(0.2)]
    # Reversing the waves mirrors the interval.
    back = favourable_change(56, 70, 48, 80)
    assert back.ci[0] == pytest.approx(-r.ci[1]) and back.ci[1] == pytest.approx(-r.ci[0])
    with pytest.raises(ValueError, match="earlier wave"):
        favourable_change(5, 4, 1, 2)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(1, 5), min_size=3, max_size=40),
    st.lists(st.integers(-2, 2), min_size=3, max_size=40),
)
def test_agrees_with_scipy_on_likert_like_data(base: list[int], change: list[int]) -> None:
    # Cross-check with scipy (ttest_rel, ttest_ind(equal_var=False), mannwhitneyu asymptotic
    # with continuity correction) on tied, Likert-like scores.
    warnings.simplefilter("ignore", RuntimeWarning)  # scipy: near-constant samples
    n = min(len(base), len(change))
    a = np.array(base[:n], dtype=float)
    b = a + np.array(change[:n], dtype=float)
    r = paired_test(a, b)
    if np.std(b - a) > 0:
        ref = stats.ttest_rel(b, a)
        assert r.statistic == pytest.approx(ref.statistic, rel=1e-9)
        assert r.p == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-15)
    if np.std(a) > 0 or np.std(b) > 0:
        w = welch_test(a, b)
        ref_w = stats.ttest_ind(b, a, equal_var=False)
        assert w.statistic == pytest.approx(ref_w.statistic, rel=1e-9)
        assert w.p == pytest.approx(ref_w.pvalue, rel=1e-9, abs=1e-15)
    mw = mann_whitney(a, b, exact=False)
    ref_mw = stats.mannwhitneyu(b, a, use_continuity=True, method="asymptotic")
    assert mw.statistic == ref_mw.statistic
    if np.isfinite(mw.p):
        assert mw.p == pytest.approx(ref_mw.pvalue, rel=1e-9, abs=1e-15)
