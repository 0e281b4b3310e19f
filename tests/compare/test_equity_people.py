"""The rest-of-the-group wide table built from one sorted person table per scale equals the
one built by sorting the selected rows (``_wide``): the same people, order and values."""

from __future__ import annotations

import numpy as np

from cop_eval.compare.equity_trend import _People, _wide


def test_people_wide_equals_the_sorted_selection() -> None:
    rng = np.random.default_rng(11)
    persons = [rng.integers(0, 300, 400), rng.integers(100, 500, 350), rng.integers(0, 500, 200)]
    scores = [rng.normal(3, 1, p.size) for p in persons]
    for x in scores:
        x[rng.random(x.size) < 0.1] = np.nan
    groups = [rng.integers(0, 4, p.size) for p in persons]
    people = _People(persons, scores)
    for k in range(4):
        for masks in ([g != k for g in groups], [g == k for g in groups]):
            expected = _wide(persons, scores, masks)
            got = people.wide(masks)
            assert got.shape == expected.shape
            assert np.array_equal(got, expected, equal_nan=True)
