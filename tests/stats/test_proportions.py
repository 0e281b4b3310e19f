"""Wilson and Newcombe intervals against R and Newcombe's published table."""

import math

import pytest

from cop_eval.stats.proportions import newcombe_diff_ci, wilson_ci


# R 4.2.2: print(prop.test(x, n, correct = FALSE)$conf.int, digits = 12)
@pytest.mark.parametrize(
    ("x", "n", "expected"),
    [
        (81, 263, (0.255288519878, 0.366209576983)),
        (0, 20, (0.0, 0.161125158053)),
        (20, 20, (0.838874841947, 1.0)),
    ],
)
def test_wilson_matches_r_prop_test(x: int, n: int, expected: tuple[float, float]) -> None:
    lo, hi = wilson_ci(x, n)
    assert lo == pytest.approx(expected[0], abs=1e-11)
    assert hi == pytest.approx(expected[1], abs=1e-11)


# Newcombe (1998) Stat Med 17:873-890, Table II, method 10 (hybrid score,
# no continuity correction): the worked examples 56/70-48/80, 9/10-3/10, 6/7-2/7, 5/56-0/29, 0/10-0/20.
@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "expected"),
    [
        (56, 70, 48, 80, (0.0524, 0.3339)),
        (9, 10, 3, 10, (0.1705, 0.8090)),
        (6, 7, 2, 7, (0.0582, 0.8062)),
        (5, 56, 0, 29, (-0.0381, 0.1926)),
        (0, 10, 0, 20, (-0.1611, 0.2775)),
    ],
)
def test_newcombe_matches_published_table(
    x1: int, n1: int, x2: int, n2: int, expected: tuple[float, float]
) -> None:
    lo, hi = newcombe_diff_ci(x1, n1, x2, n2)
    assert lo == pytest.approx(expected[0], abs=5e-5)
    assert hi == pytest.approx(expected[1], abs=5e-5)


def test_empty_samples_give_nan_not_an_error() -> None:
    assert all(math.isnan(v) for v in wilson_ci(0, 0))
    assert all(math.isnan(v) for v in newcombe_diff_ci(0, 0, 3, 5))


def test_impossible_counts_raise() -> None:
    with pytest.raises(ValueError, match="successes"):
        wilson_ci(6, 5)
