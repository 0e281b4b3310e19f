"""Plain-English verdicts: effect size magnitude (Cohen 1988) combined with uncertainty."""

from __future__ import annotations

import math

import pytest

from cop_eval.stats.verdict import MIN_N_FOR_VERDICT, magnitude, verdict


@pytest.mark.parametrize(
    ("effect", "label"),
    [
        (0.0, "negligible"),
        (0.1999, "negligible"),
        (0.2, "small"),
        (-0.49, "small"),
        (0.5, "medium"),
        (-0.79, "medium"),
        (0.8, "large"),
        (-2.0, "large"),
    ],
)
def test_cohen_thresholds(effect: float, label: str) -> None:
    assert magnitude(effect) == label


def test_likely_real_needs_both_ci_and_adjusted_p() -> None:
    ok = verdict(0.35, (0.05, 0.6), 0.01, 100, design="paired", basis="d_av")
    assert ok.text == "small improvement, likely real" and ok.certainty == "likely real"
    # The CI excludes zero but the Holm-adjusted p does not pass: could be chance.
    adj = verdict(0.35, (0.05, 0.6), 0.08, 100, design="paired", basis="d_av")
    assert adj.text == "small improvement, could be chance"
    # Adjusted p passes but the CI includes zero (e.g. a different interval): could be chance.
    ci = verdict(-0.9, (-1.8, 0.01), 0.03, 100, design="independent", basis="hedges_g")
    assert ci.text == "large decline, could be chance" and ci.direction == "decline"


def test_negligible_changes() -> None:
    assert verdict(0.1, (-0.1, 0.3), 0.4, 50, design="paired", basis="d_av").text == (
        "no clear change"
    )
    big_n = verdict(0.05, (0.03, 0.07), 1e-9, 700_000, design="independent", basis="hedges_g")
    assert big_n.text == "negligible improvement (too small to matter), likely real"


def test_too_few_and_undefined() -> None:
    few = verdict(1.2, (0.3, 2.0), 0.001, MIN_N_FOR_VERDICT - 1, design="paired", basis="d_av")
    assert few.text == "too few matched respondents to tell" and few.magnitude is None
    few_ind = verdict(1.2, (0.3, 2.0), 0.001, 3, design="independent", basis="hedges_g")
    assert few_ind.text == "too few respondents to tell"
    enough = verdict(1.2, (0.3, 2.0), 0.001, MIN_N_FOR_VERDICT, design="paired", basis="d_av")
    assert enough.text == "large improvement, likely real"
    flat = verdict(math.nan, (math.nan, math.nan), math.nan, 40, design="paired", basis="d_av")
    assert flat.certainty == "cannot tell"
    assert flat.to_json_dict()["text"] == flat.text
