"""The hand-written kernels equal statsmodels where statsmodels computes the same thing.

Holm, Benjamini-Hochberg and the Wilson interval are kept in cop_eval.stats rather than called
from statsmodels because importing ``statsmodels.stats`` costs the command line more than the
whole computation (it pulls in scipy.stats; see stats/distributions.py); R is the reference
(tests/reference), and statsmodels 0.14 is checked here as a second implementation, to 1e-14.
"""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from cop_eval.stats.multiplicity import benjamini_hochberg, holm
from cop_eval.stats.proportions import wilson_ci


@pytest.mark.parametrize("seed", range(5))
def test_holm_and_bh_equal_statsmodels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = np.concatenate([rng.uniform(size=12) ** 3, [0.05, 0.05, 1.0]])  # ties and a 1
    for ours, method in ((holm, "holm"), (benjamini_hochberg, "fdr_bh")):
        ref = multipletests(p, method=method)[1]
        np.testing.assert_allclose(ours(p), ref, rtol=0, atol=1e-14)


@pytest.mark.parametrize(("x", "n"), [(0, 7), (1, 7), (81, 263), (30, 30), (3, 1000)])
def test_wilson_equals_statsmodels(x: int, n: int) -> None:
    lo, hi = proportion_confint(x, n, alpha=0.05, method="wilson")
    np.testing.assert_allclose(wilson_ci(x, n), (lo, hi), rtol=0, atol=1e-14)
