"""Continuum (McDermott), profile (le May) and three-stage profile rules."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cop_eval.errors import CopEvalError
from cop_eval.instruments import ProfileClassification, load_instrument
from cop_eval.measure.classification import (
    profile,
    stage_profile,
    stage_scores,
)
from cop_eval.measure.scores import ScoreTable

NAN = math.nan


def _le_may() -> ProfileClassification:
    rule = load_instrument("le_may_success_factors").classification[0]
    assert isinstance(rule, ProfileClassification)
    return rule


def test_profile_strongest_weakest_margins_and_ties() -> None:
    rule = _le_may()  # tie_margin 0.1
    rng = np.random.default_rng(4)
    means = {
        "membership": 4.0,
        "commitment": 3.95,  # within 0.1 of the strongest: a tie
        "relevance": 3.5,
        "enthusiasm": 3.2,
        "infrastructure": 3.0,
        "skills": 2.7,
        "resources": 2.5,  # 0.2 below skills: clearly the weakest
    }
    scores = pd.DataFrame({k: v + rng.normal(0, 0.5, 40) for k, v in means.items()})
    scores = scores - scores.mean() + pd.Series(means)  # exact means
    scores.loc[0, "skills"] = NAN
    result = profile(scores, rule)
    assert result.strongest == "membership"
    assert result.strongest_margin == pytest.approx(0.05)
    assert result.strongest_tie and result.strongest_tied_with == ("commitment",)
    assert result.weakest == "resources"
    assert result.weakest_margin == pytest.approx(
        scores["skills"].mean() - 2.5
    )  # skills mean shifts with the dropped answer
    assert not result.weakest_tie and result.weakest_tied_with == ()
    skills = next(s for s in result.scales if s.scale == "skills")
    assert skills.n == 39
    assert skills.sd == pytest.approx(scores["skills"].std(ddof=1))
    frame = result.to_frame()
    assert list(frame["scale"])[:2] == ["membership", "commitment"]


def test_profile_with_too_few_scored_scales() -> None:
    rule = _le_may()
    scores = pd.DataFrame({s: [NAN, NAN] for s in rule.scales})
    scores["membership"] = [3.0, 4.0]
    result = profile(scores, rule)
    assert result.strongest is None and result.weakest is None
    assert math.isnan(result.weakest_margin)


def _table(instrument_id: str, columns: dict[str, list[float]]) -> ScoreTable:
    instrument = load_instrument(instrument_id)
    frame = pd.DataFrame({s: [NAN] * 5 for s in instrument.scale_ids})
    for name, values in columns.items():
        frame[name] = values
    return ScoreTable(instrument=instrument, scores=frame)


def test_stage_profile_matches_r_t_test() -> None:
    tables = [
        _table(
            "strategic_direction_ownership",
            {"sponsorship": [4, 3, 5, NAN, 2], "collective_agenda": [4, 5, NAN, NAN, 2]},
        ),
        _table(
            "professional_identity",
            {"professional_identity": [3, 3, 4, 4, NAN], "knowledge_sharing": [5, 3, NAN, 2, NAN]},
        ),
        _table(
            "reflection",
            {"time_to_reflect": [2, 1, 3, 2, 2], "reflecting_with_others": [2, 3, 3, NAN, 1]},
        ),
        _table("transfer_of_learning", {"applying_learning": [4, NAN, NAN, NAN, NAN]}),
        _table("mcdermott_identity_strength", {"network": [1, 1, 1, 1, 1]}),  # no stage
    ]
    per_person = stage_scores(tables)
    np.testing.assert_allclose(per_person["stage_1"], [4, 4, 5, NAN, 2])
    np.testing.assert_allclose(per_person["stage_3"], [8 / 3, 2, 3, 2, 1.5])
    result = stage_profile(tables)
    # R 4.2.2: v <- c(4,4,5,2); mean(v); sd(v); t.test(v)$conf.int
    #   stage 1: 3.75 1.258305739212 [1.747754774664, 5.752245225336]
    #   stage 2 c(4,3,4,3): 3.5 0.577350269190 [2.581306884481, 4.418693115519]
    #   stage 3 c(8/3,2,3,2,1.5): 2.233333333333 0.596284794000 [1.492947971947, 2.973718694719]
    expected = {
        1: (4, 3.75, 1.258305739212, (1.747754774664, 5.752245225336)),
        2: (4, 3.5, 0.577350269190, (2.581306884481, 4.418693115519)),
        3: (5, 2.233333333333, 0.596284794000, (1.492947971947, 2.973718694719)),
    }
    assert [s.stage for s in result.stages] == [1, 2, 3]
    for summary in result.stages:
        n, mean, sd, ci = expected[summary.stage]
        assert summary.n == n
        assert summary.mean == pytest.approx(mean, abs=1e-10)
        assert summary.sd == pytest.approx(sd, abs=1e-10)
        np.testing.assert_allclose(summary.ci, ci, atol=1e-10)
    assert result.stages[2].scales == (
        "reflection.time_to_reflect",
        "reflection.reflecting_with_others",
        "reflection.closing_the_loop",
        "transfer_of_learning.applying_learning",
        "transfer_of_learning.wider_perspective",
        "transfer_of_learning.follow_up",
        "transfer_of_learning.organisational_embedding",
    )
    assert result.weakest_stage == 3
    assert result.weakest_margin == pytest.approx(3.5 - 2.233333333333, abs=1e-10)
    assert list(result.to_frame()["stage"]) == [1, 2, 3]


def test_stage_profile_refuses_misaligned_tables() -> None:
    a = _table("reflection", {"time_to_reflect": [1, 2, 3, 4, 5]})
    b = ScoreTable(
        instrument=load_instrument("professional_identity"),
        scores=pd.DataFrame({"professional_identity": [1.0, 2.0]}),
    )
    with pytest.raises(CopEvalError, match="same responses"):
        stage_profile([a, b])
    with pytest.raises(CopEvalError, match="no score tables"):
        stage_profile([])


def test_profile_ties_are_decided_on_the_printed_means() -> None:
    """A margin of exactly 0.10 is the same answer however the floats round (issue 12)."""
    rule = ProfileClassification(
        id="p", label="P", description="d", scales=("a", "b", "c", "d"), tie_margin=0.1
    )
    # 3.3 - 3.2 = 0.0999... and 1.6 - 1.5 = 0.1000...01 in binary; both print as 0.10.
    result = profile(pd.DataFrame({"a": [3.3], "b": [3.2], "c": [1.6], "d": [1.5]}), rule)
    assert 3.3 - 3.2 < 0.1 < 1.6 - 1.5
    assert (result.strongest, result.strongest_tie) == ("a", False)
    assert (result.weakest, result.weakest_tie) == ("d", False)
    close = profile(pd.DataFrame({"a": [3.3], "b": [3.21], "c": [1.59], "d": [1.5]}), rule)
    assert close.strongest_tie and close.weakest_tie
    assert close.strongest_tied_with == ("b",) and close.weakest_tied_with == ("c",)
