"""Reading the value-creation cycle in order (measure/value_flow.py)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cop_eval.measure.value_flow import VALUE_CYCLE, value_flow


def test_the_group_stops_at_the_first_step_below_the_threshold() -> None:
    scores = pd.DataFrame(
        {
            "immediate_value": [4.5, 4.0, 3.0, 4.0],
            "potential_value": [4.0, 3.5, 4.0, 3.8],
            "applied_value": [3.0, 2.5, 4.0, 3.5],
            "realised_value": [4.0, 2.0, 2.0, 2.0],
            "reframing_value": [4.0, 2.0, 2.0, 2.0],
        }
    )
    flow = value_flow(scores, VALUE_CYCLE)
    means = [round(s.mean, 3) for s in flow.steps]
    assert means == [3.875, 3.825, 3.25, 2.5, 2.5]
    assert flow.stops_at == "applied_value"
    # Reach: row 1 stops at applied (3.0), row 2 at applied (2.5), row 3 at immediate (3.0),
    # row 4 reaches applied (3.5) and stops at realised.
    assert [s.reached for s in flow.steps] == [3, 3, 1, 0, 0]
    assert flow.n_members == 4 and flow.share_reached("potential_value") == 0.75


def test_a_missing_score_ends_a_members_run_and_empty_rows_are_not_counted() -> None:
    scores = pd.DataFrame({"a": [4.0, np.nan, np.nan], "b": [np.nan, 4.0, np.nan]})
    flow = value_flow(scores, ["a", "b"])
    assert flow.n_members == 2
    assert [s.reached for s in flow.steps] == [1, 0]
    assert [s.n for s in flow.steps] == [1, 1]
    assert flow.stops_at is None


def test_nothing_flows_and_bad_input() -> None:
    flow = value_flow(pd.DataFrame({"a": [np.nan], "b": [np.nan]}), ["a", "b"])
    assert flow.n_members == 0 and math.isnan(flow.steps[0].mean) and flow.stops_at == "a"
    assert math.isnan(flow.share_reached("a"))
    with pytest.raises(ValueError, match="no scores for scale"):
        value_flow(pd.DataFrame({"a": [1.0]}), ["a", "b"])
    with pytest.raises(ValueError, match="two steps"):
        value_flow(pd.DataFrame({"a": [1.0]}), ["a"])
