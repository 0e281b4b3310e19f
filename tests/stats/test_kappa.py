"""Cohen's kappa and its CI against R psych::cohen.kappa (tests/reference/kappa.R).

R 4.2.2, psych 2.2.9: ``psych::cohen.kappa(cbind(first, second))``; expected values in
tests/reference/kappa.json.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from cop_eval.stats.kappa import cohen_kappa

REFERENCE = json.loads((Path(__file__).parents[1] / "reference" / "kappa.json").read_text())


@pytest.mark.parametrize("name", sorted(REFERENCE["cases"]))
def test_kappa_equals_psych(name: str) -> None:
    case = REFERENCE["cases"][name]
    result = cohen_kappa(case["first"], case["second"])
    assert result.n == case["n"]
    assert result.kappa == pytest.approx(case["kappa"], abs=1e-12)
    assert result.variance == pytest.approx(case["var"], abs=1e-12)
    assert result.ci[0] == pytest.approx(case["lower"], abs=1e-12)
    assert result.ci[1] == pytest.approx(case["upper"], abs=1e-12)


def test_negative_kappa_case_is_negative() -> None:
    case = REFERENCE["cases"]["negative"]
    assert cohen_kappa(case["first"], case["second"]).kappa < 0


def test_no_variation_gives_nan_not_an_error() -> None:
    result = cohen_kappa([0, 0, 0], [0, 0, 0])
    assert math.isnan(result.kappa) and result.observed == 1.0
    with pytest.raises(ValueError, match="3 and 2"):
        cohen_kappa([0, 1, 0], [0, 1])
