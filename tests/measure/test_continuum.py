"""McDermott's continuum: each member's level and status, the group's level with its uncertainty,
and the sensitivity of the group's level to the cut-off (rules: cop_eval/measure/continuum.py)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cop_eval.errors import CopEvalError
from cop_eval.instruments import ContinuumClassification, load_instrument
from cop_eval.measure.continuum import (
    classify_continuum,
    classify_members,
    continuum_sensitivity,
    continuum_straight_lining,
    continuum_summary,
)
from cop_eval.stats.proportions import wilson_ci

NAN = math.nan
LEVELS = ("interest_group", "network", "community_of_practice")


def _mcdermott() -> ContinuumClassification:
    rule = load_instrument("mcdermott_identity_strength").classification[0]
    assert isinstance(rule, ContinuumClassification)
    return rule


def _scores(rows: list[tuple[float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(LEVELS))


def test_member_level_is_the_endorsed_level_agreed_with_most() -> None:
    cases = [
        ((4.5, 4.0, 3.5), "interest_group", "classified"),  # all endorsed: not "the strongest"
        ((4.0, 2.0, 4.5), "community_of_practice", "classified"),
        ((3.5, 3.49, NAN), "interest_group", "classified"),  # exactly at the cut-off counts
        ((1.0, NAN, 3.5), "community_of_practice", "classified"),
        ((4.0, 4.0, 2.0), None, "tied"),  # two levels endorsed equally
        ((2.0, 2.0, 2.0), None, "none_endorsed"),  # not put at the weak end any more
        ((NAN, 3.0, NAN), None, "none_endorsed"),
        ((NAN, NAN, NAN), None, "not_answered"),
    ]
    scores = _scores([c[0] for c in cases])
    scores.index = pd.Index(range(10, 10 + len(cases)))
    members = classify_members(scores, _mcdermott())
    assert list(members.index) == list(scores.index)
    assert list(members["identity_level"]) == [c[1] for c in cases]
    assert list(members["identity_level_status"]) == [c[2] for c in cases]
    assert list(classify_continuum(scores, _mcdermott())) == [c[1] for c in cases]


def test_straight_liners_are_flagged_and_not_classified() -> None:
    """An all-'Agree' straight-liner endorses every level; it is excluded, not called CoP."""
    instrument = load_instrument("mcdermott_identity_strength")
    rule = _mcdermott()
    ids = list(instrument.item_ids)
    items = pd.DataFrame([[4] * len(ids), [4, 5] * (len(ids) // 2), [2] * len(ids)], columns=ids)
    items.iloc[2, :8] = np.nan  # four answered items: too few to call straight-lining
    flagged = continuum_straight_lining(items.astype(float), instrument, rule)
    assert flagged.tolist() == [True, False, False]
    scores = _scores([(4.0, 4.0, 4.0), (4.5, 4.5, 4.5), (NAN, NAN, 2.0)])
    members = classify_members(scores, rule, straight=flagged)
    assert list(members["identity_level_status"]) == ["straight_lining", "tied", "none_endorsed"]


def test_shares_have_wilson_intervals_and_reasons_are_counted() -> None:
    rule = _mcdermott()
    levels = pd.Series(
        ["interest_group"] * 10 + ["network"] * 28 + ["community_of_practice"] * 8 + [None] * 3,
        dtype=object,
    )
    status = pd.Series(["classified"] * 46 + ["tied", "tied", "straight_lining"])
    summary = continuum_summary(levels, rule, status)
    assert summary.n_classified == 46 and summary.n_unclassified == 3
    assert summary.not_classified == (("tied", 2), ("straight_lining", 1))
    ig = summary.levels[0]
    assert ig.count == 10 and ig.percent == pytest.approx(100 * 10 / 46)
    # In R 4.2.2: prop.test(10, 46, correct = FALSE)$conf.int = 0.122609 0.355737
    assert ig.ci == pytest.approx((12.2609, 35.5737), abs=1e-4)
    # Boundaries: P(<= interest group) = 10/46, CI (.123, .356); P(<= network) = 38/46,
    # prop.test(38, 46, correct = FALSE) CI (.693, .909): neither contains 50%, network is clear.
    assert summary.group_level == "network" and summary.group_status == "classified"
    assert summary.group_text == "Network"
    assert list(summary.to_frame().columns) == [
        "level",
        "label",
        "count",
        "percent",
        "ci_low",
        "ci_high",
    ]


def test_too_close_to_call_when_a_boundary_interval_contains_half() -> None:
    rule = _mcdermott()
    # 10 / 19 / 18 of 47: the median member is at network, but P(<= network) = 29/47 = .617,
    # prop.test(29, 47, correct = FALSE) CI (.474, .742) contains 50%: network or CoP.
    levels = pd.Series(
        ["interest_group"] * 10 + ["network"] * 19 + ["community_of_practice"] * 18, dtype=object
    )
    summary = continuum_summary(levels, rule)
    assert wilson_ci(29, 47) == pytest.approx((0.474266, 0.742093), abs=1e-6)
    assert summary.group_level == "network" and summary.group_status == "too_close"
    assert summary.group_between == ("network", "community_of_practice")
    assert summary.group_text == "too close to call (Network or Community of practice)"
    # Even count with different middle levels: the weaker (lower median), and far too few to
    # separate anything: prop.test(2, 4)$conf.int (.150, .850) contains 50%.
    even = continuum_summary(pd.Series(["interest_group", "community_of_practice"] * 2), rule)
    assert even.group_level == "interest_group" and even.group_status == "too_close"
    assert even.group_between == ("interest_group", "network", "community_of_practice")


def test_nobody_classified_and_unknown_levels() -> None:
    rule = _mcdermott()
    empty = continuum_summary(pd.Series([None, None], dtype=object), rule)
    assert empty.group_level is None and empty.group_status == "none" and empty.n_classified == 0
    assert empty.not_classified == (("not_answered", 2),) and empty.group_text == "–"
    assert all(math.isnan(lc.percent) for lc in empty.levels)
    with pytest.raises(CopEvalError, match="unknown level id"):
        continuum_summary(pd.Series(["guild"]), rule)
    with pytest.raises(CopEvalError, match="network"):
        classify_members(pd.DataFrame({"interest_group": [1.0]}), rule)


def test_sensitivity_moves_the_cut_off_both_ways() -> None:
    rule = _mcdermott()
    assert rule.threshold == 3.5 and rule.sensitivity == 0.25
    # 35 members at network 3.5 (community of practice 3.25), 15 at community of practice 4.0:
    # at 3.5 the group is network; at 3.75 network is no longer endorsed by the 35 -> CoP.
    rows = [(2.0, 3.5, 3.25)] * 35 + [(2.0, 3.0, 4.0)] * 15
    result = continuum_sensitivity(_scores(rows), rule)
    assert [r.threshold for r in result] == [3.25, 3.5, 3.75]
    assert [r.n_classified for r in result] == [50, 50, 15]
    assert [r.group_level for r in result] == ["network", "network", "community_of_practice"]
    assert all(r.group_status == "classified" for r in result)
