"""Item statistics against R on psychTools::bfi and msq.

Reference: tests/reference/reliability.R, ``item_stats()`` (R 4.2.2): per item ``length``,
``mean``, ``sd``, ``tabulate(x - lo + 1)``; on the keyed item ``sum(y >= hi - 1)`` with
``prop.test(fav, n, correct = FALSE)$conf.int`` (Wilson), ``100 * mean(y == lo)`` and
``100 * mean(y == hi)``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cop_eval.instruments import load_instrument
from cop_eval.measure.items import favourable_codes, item_statistics

REF = Path(__file__).parent.parent / "reference"


@pytest.mark.parametrize("name", ["bfi", "msq"])
def test_item_statistics_match_r(name: str) -> None:
    reference = json.loads((REF / "reliability.json").read_text())[name]
    expected, low, high = reference["items"], reference["min"], reference["max"]
    instrument = load_instrument(REF / f"{name}_instrument.yaml")
    data = pd.read_csv(REF / "data" / f"{name}.csv", dtype="float32")
    result = item_statistics(data, instrument)
    assert [s.item for s in result.items] == list(instrument.item_ids)
    for stat in result.items:
        ref = expected[stat.item]
        assert stat.n == ref["n"]
        assert stat.missing == len(data) - ref["n"]
        assert stat.mean == pytest.approx(ref["mean"], abs=1e-9)
        assert stat.sd == pytest.approx(ref["sd"], abs=1e-9)
        assert list(stat.distribution.values()) == ref["counts"]
        assert list(stat.distribution) == list(range(low, high + 1))
        assert stat.favourable == ref["favourable"]
        assert stat.pct_favourable == pytest.approx(ref["pct_favourable"], abs=1e-9)
        np.testing.assert_allclose(stat.pct_favourable_ci, ref["ci"], atol=1e-9)
        assert stat.floor_pct == pytest.approx(ref["floor_pct"], abs=1e-9)
        assert stat.ceiling_pct == pytest.approx(ref["ceiling_pct"], abs=1e-9)


def test_reverse_keyed_item_is_favourable_when_disagreeing() -> None:
    instrument = load_instrument("le_may_success_factors")
    reversed_item = next(i for i in instrument.items if i.reverse)
    frame = pd.DataFrame({i: [3.0] * 5 for i in instrument.item_ids})
    # "Attendance is often low": 1 and 2 (disagree) are favourable; 5 is the floor when keyed
    frame[reversed_item.id] = [1.0, 2.0, 5.0, 4.0, np.nan]
    stat = item_statistics(frame, instrument).item(reversed_item.id)
    assert stat.n == 4 and stat.missing == 1
    assert stat.distribution == {1: 1, 2: 1, 3: 0, 4: 1, 5: 1}
    assert stat.favourable == 2 and stat.pct_favourable == 50.0
    assert stat.floor_pct == 25.0 and stat.ceiling_pct == 25.0
    assert stat.mean == 3.0 and stat.keyed_mean == 3.0
    frame_out = item_statistics(frame, instrument).to_frame()
    assert {"n_1", "n_5", "pct_favourable_ci_low"} <= set(frame_out.columns)


def test_unanswered_item_has_nan_statistics() -> None:
    instrument = load_instrument("reflection")
    frame = pd.DataFrame({i: [np.nan, np.nan] for i in instrument.item_ids})
    stat = item_statistics(frame, instrument).items[0]
    assert stat.n == 0 and stat.missing == 2
    assert math.isnan(stat.mean) and math.isnan(stat.pct_favourable)
    assert all(math.isnan(v) for v in stat.pct_favourable_ci)


@pytest.mark.parametrize(
    ("low", "high", "codes"), [(1, 5, (4, 5)), (0, 10, (9, 10)), (1, 3, (3,)), (0, 1, (1,))]
)
def test_favourable_codes(low: int, high: int, codes: tuple[int, ...]) -> None:
    assert favourable_codes(low, high) == codes
