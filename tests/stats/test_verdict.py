"""Plain-English verdicts: effect size magnitude (Cohen 1988) combined with uncertainty."""

from __future__ import annotations

import math

import pytest

from cop_eval.stats.verdict import MIN_N_FOR_VERDICT, change_direction, magnitude, verdict


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
    assert ci.text == "large deterioration, could be chance" and ci.direction == "deterioration"


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
    assert flat.to_dict()["text"] == flat.text


@pytest.mark.parametrize(
    ("scale_direction", "effect", "word"),
    [
        ("higher_is_better", 0.6, "improvement"),
        ("higher_is_better", -0.6, "deterioration"),
        ("lower_is_better", 0.6, "deterioration"),
        ("lower_is_better", -0.6, "improvement"),
        ("neutral", 0.6, "increase"),
        ("neutral", -0.6, "decrease"),
    ],
)
def test_direction_names_the_change(scale_direction: str, effect: float, word: str) -> None:
    lo, hi = sorted((effect * 0.5, effect * 1.5))
    v = verdict(
        effect,
        (lo, hi),
        0.001,
        60,
        design="paired",
        basis="d_av",
        scale_direction=scale_direction,  # type: ignore[arg-type]
    )
    assert v.text == f"medium {word}, likely real"
    assert v.direction == word and v.to_dict()["direction"] == word
    assert v.to_dict()["scale_direction"] == scale_direction
    assert change_direction(effect, scale_direction) == word  # type: ignore[arg-type]


def test_direction_is_none_when_the_verdict_names_none() -> None:
    """verdict_detail.direction is one of the five words, never null, and 'none' unless asserted."""
    cases = [
        verdict(0.05, (-0.2, 0.3), 0.7, 80, design="paired", basis="d_av"),
        verdict(0.9, (0.1, 1.7), 0.02, 6, design="paired", basis="d_av"),
        verdict(math.nan, (math.nan, math.nan), math.nan, 40, design="paired", basis="d_av"),
    ]
    assert [v.direction for v in cases] == ["none", "none", "none"]
    small = verdict(
        0.3, (-0.1, 0.7), 0.2, 80, design="paired", basis="d_av", scale_direction="lower_is_better"
    )
    assert small.text == "small deterioration, could be chance"
    assert small.direction == "deterioration"
