"""Jacobson–Truax reliable change.

Reference: tests/reference/waves.R (R 4.2.2) writes s_diff = sqrt(2) * sd(earlier) *
sqrt(1 - r_xx) and the counts of (later - earlier) / s_diff beyond ±1.96 for datasets::sleep
(r_xx = 0.8) and every Orthodont wave pair (checked in test_waves.py).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from cop_eval.stats.reliable_change import reliable_change, reliable_change_index

REF = json.loads((Path(__file__).parent.parent / "reference" / "waves.json").read_text())["sleep"]


def test_sleep_counts_match_r() -> None:
    ref = REF["paired"]["reliable_change"]
    r = reliable_change(REF["drug1"], REF["drug2"], reliability=ref["reliability"])
    assert r.s_diff == pytest.approx(ref["s_diff"], abs=1e-12)
    assert (r.improved, r.unchanged, r.deteriorated) == (
        ref["improved"],
        ref["unchanged"],
        ref["deteriorated"],
    )
    assert r.n == 10 and r.to_dict()["improved"] == ref["improved"]


def test_index_formula_jacobson_truax_1991() -> None:
    # RCI = (x2 - x1) / (sqrt(2) * SD1 * sqrt(1 - r)); SD1 = 0.5, r = 0.8: S_diff = 0.31623.
    rci = reliable_change_index([3.0, 2.0, np.nan], [4.0, 2.2, 1.0], 0.5, 0.8)
    assert rci[0] == pytest.approx(1 / (math.sqrt(2) * 0.5 * math.sqrt(0.2)))
    assert rci[1] == pytest.approx(0.2 / (math.sqrt(2) * 0.5 * math.sqrt(0.2)))
    assert math.isnan(rci[2])


def test_direction_and_threshold() -> None:
    r = reliable_change([1, 2, 3, 4, 5], [3, 2, 3, 4, 1], reliability=0.9)
    assert (r.improved, r.unchanged, r.deteriorated) == (1, 3, 1)
    # A stricter criterion classifies fewer people as changed.
    strict = reliable_change([1, 2, 3, 4, 5], [3, 2, 3, 4, 1], reliability=0.9, criterion=3.5)
    assert (strict.improved, strict.deteriorated) == (0, 1)


def test_bad_reliability_and_no_spread() -> None:
    with pytest.raises(ValueError, match="reliability in \\[0, 1\\)"):
        reliable_change([1, 2], [2, 3], reliability=1.0)
    flat = reliable_change([3, 3, 3], [4, 2, 3], reliability=0.8)
    assert flat.improved is None and flat.unchanged is None


def test_improved_follows_the_scale_direction() -> None:
    """Improved = reliably changed in the scale's good direction (issue 12)."""
    earlier, later = [1, 2, 3, 4, 5, 3], [3, 2, 3, 4, 1, 5]
    up = reliable_change(earlier, later, reliability=0.9)
    down = reliable_change(earlier, later, reliability=0.9, direction="lower_is_better")
    flat = reliable_change(earlier, later, reliability=0.9, direction="neutral")
    assert (up.increased, up.decreased) == (down.increased, down.decreased) == (2, 1)
    assert (up.improved, up.deteriorated) == (2, 1)
    assert (down.improved, down.deteriorated) == (1, 2)
    assert (flat.improved, flat.deteriorated) == (None, None)
    assert flat.to_dict()["increased"] == 2 and flat.to_dict()["direction"] == "neutral"
