"""Brent's root finder against scipy.optimize.brentq (the same algorithm, Brent 1973 ch. 4)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize, special

from cop_eval.stats.roots import brent_root

FUNCTIONS = [
    (lambda x: x**3 - 2 * x - 5, 2.0, 3.0),
    (lambda x: math.cos(x) - x, 0.0, 1.0),
    (lambda x: math.exp(x) - 1e6, 0.0, 20.0),
    (lambda x: (x - 1.0) ** 3 + 1e-3 * (x - 1.0), -3.0, 2.5),  # nearly flat at the root
    (lambda x: math.atan(x - 0.3) * 1e-9, -10.0, 10.0),
    (lambda x: float(special.nctdtr(9, x, 4.062128)) - 0.975, -6.0, 14.0),  # noncentral t CI
]


@pytest.mark.parametrize(("f", "a", "b"), FUNCTIONS)
def test_same_root_as_brentq(f, a, b) -> None:  # type: ignore[no-untyped-def]
    for xtol, rtol in ((2e-12, 4 * np.finfo(float).eps), (1e-13, 1e-15)):
        ours = brent_root(f, a, b, xtol=xtol, rtol=rtol)
        theirs = optimize.brentq(f, a, b, xtol=xtol, rtol=rtol)
        assert ours == theirs


def test_endpoint_roots_and_errors() -> None:
    assert brent_root(lambda x: x, 0.0, 1.0) == 0.0
    assert brent_root(lambda x: x - 1.0, 0.0, 1.0) == 1.0
    with pytest.raises(ValueError, match="different signs"):
        brent_root(lambda x: x * x + 1, -1.0, 1.0)
    with pytest.raises(RuntimeError, match="no root"):
        brent_root(lambda x: math.cos(x) - x, 0.0, 1.0, xtol=0.0, rtol=0.0, maxiter=3)


def test_given_end_values_keep_the_bracket() -> None:
    # A caller's bracket from values computed another way: f is zero to rounding at b, and
    # evaluating it again there gives the sign of f(a). With the caller's values the bracket
    # holds and the root is b; without them there is no bracket.
    def f(x: float) -> float:
        return -1e-15 if x >= 1.0 else x - 1.0

    assert brent_root(f, 0.0, 1.0, fa=-1.0, fb=1e-15) == pytest.approx(1.0, abs=1e-12)
    with pytest.raises(ValueError, match="different signs"):
        brent_root(f, 0.0, 1.0)
    calls: list[float] = []
    brent_root(lambda x: calls.append(x) or x - 0.3, 0.0, 1.0, fa=-0.3, fb=0.7)
    assert 0.0 not in calls and 1.0 not in calls  # the given ends are not evaluated again
