"""McDonald's omega total does not flip items: it equals ``psych::omega(..., flip = FALSE)``.

Reference: tests/reference/omega_flip.R (R 4.2.2, psych 2.2.9) on the unkeyed Agreeableness items
of psychTools::bfi (A1 reverse-worded): ``omega(x, nfactors = 1, flip = FALSE)$omega.tot`` =
0.5919868034; psych's default ``flip = TRUE`` gives 0.7229431365.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cop_eval.stats.alpha import pairwise_moments
from cop_eval.stats.omega import omega_total

DATA = Path(__file__).parent.parent / "reference" / "data" / "bfi.csv"


def test_omega_keeps_a_negatively_loading_item_as_it_is() -> None:
    x = pd.read_csv(DATA)[["a1", "a2", "a3", "a4", "a5"]].to_numpy(dtype=float)
    fit = omega_total(pairwise_moments(x).cor)
    assert fit.omega_total == pytest.approx(0.5919868034, abs=1e-6)
    assert fit.omega_total != pytest.approx(0.7229431365, abs=0.01)
    assert fit.loadings[0] < 0  # A1 keeps its negative loading
