"""Dashboard status rules: defaults from the response scale, declared thresholds, direction."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from cop_eval.errors import InstrumentError
from cop_eval.instruments import ResponseScale, StatusRules, instruments_dir, parse_instrument
from cop_eval.report.status import resolve_rules, status_of

FIVE = ResponseScale(min=1, max=5, labels={k: str(k) for k in range(1, 6)})
SEVEN = ResponseScale(min=0, max=10, labels={0: "never", 10: "always"})


def test_defaults_follow_the_response_scale() -> None:
    r = resolve_rules(StatusRules(), FIVE)
    assert (r.strength, r.concern, r.favourable, r.decline_is_concern) == (4.0, 3.0, 3.5, True)
    r = resolve_rules(StatusRules(), SEVEN)
    assert (r.strength, r.concern, r.favourable) == (7.5, 5.0, 6.25)
    assert "defaults for its response scale" in r.describe("Reflection")


@pytest.mark.parametrize(
    ("mean", "status"),
    [(4.0, "strength"), (4.6, "strength"), (3.99, "watch"), (3.0, "watch"), (2.99, "concern")],
)
def test_levels_on_a_higher_is_better_scale(mean: float, status: str) -> None:
    assert status_of(mean, "higher_is_better", resolve_rules(StatusRules(), FIVE)).status == status


@pytest.mark.parametrize(
    ("mean", "status"),
    [(2.0, "strength"), (1.4, "strength"), (2.01, "watch"), (3.0, "watch"), (3.01, "concern")],
)
def test_a_lower_is_better_scale_uses_the_mirror_image(mean: float, status: str) -> None:
    assert status_of(mean, "lower_is_better", resolve_rules(StatusRules(), FIVE)).status == status


def test_a_reliable_deterioration_is_a_concern_unless_declared_otherwise() -> None:
    rules = resolve_rules(StatusRules(), FIVE)
    fell = status_of(4.5, "higher_is_better", rules, change_since_previous="deteriorated",
                     previous_label="Sep 2025")  # fmt: skip
    assert fell.status == "concern" and fell.reason == "fell reliably since Sep 2025"
    assert status_of(4.5, "higher_is_better", rules, change_since_previous="declined").status == (
        "concern"
    )
    rose = status_of(1.5, "lower_is_better", rules, change_since_previous="deteriorated")
    assert rose.status == "concern" and rose.reason.startswith("rose reliably")
    for word in ("improved", "no_change", "unclear", None):
        assert status_of(4.5, "higher_is_better", rules, change_since_previous=word).status == (
            "strength"
        )
    relaxed = resolve_rules(StatusRules(decline_is_concern=False), FIVE)
    assert status_of(
        4.5, "higher_is_better", relaxed, change_since_previous="deteriorated"
    ).status == ("strength")
    assert "a decline alone is not a concern" in relaxed.describe("X")


def test_neutral_and_missing_get_no_status() -> None:
    rules = resolve_rules(StatusRules(), FIVE)
    assert status_of(2.0, "neutral", rules).status == "none"
    assert status_of(None, "higher_is_better", rules).status == "none"


def test_declared_thresholds_are_used_and_printed() -> None:
    rules = resolve_rules(StatusRules(strength=3.8, concern=3.2, favourable=4.0), FIVE)
    assert status_of(3.85, "higher_is_better", rules).status == "strength"
    assert status_of(3.1, "higher_is_better", rules).status == "concern"
    text = rules.describe("Transfer of learning")
    assert "declared in the instrument (strength 3.80, concern 3.20, favourable 4.00)" in text
    x = np.array([3.9, 4.0, 4.5, 2.0])
    assert rules.favourable_mask(x, "higher_is_better").tolist() == [False, True, True, False]
    assert rules.favourable_mask(x, "lower_is_better").tolist() == [False, False, False, True]


def test_status_rules_in_an_instrument_file_are_checked() -> None:
    data = yaml.safe_load((instruments_dir() / "reflection.yaml").read_text(encoding="utf-8"))
    data["status_rules"] = {"strength": 3.6, "concern": 3.1}
    inst = parse_instrument(data)
    assert inst.status_rules.strength == 3.6
    data["status_rules"] = {"strength": 3.0, "concern": 3.5, "favourable": 6}
    with pytest.raises(InstrumentError) as info:
        parse_instrument(data, source="mine.yaml")
    problems = " ".join(info.value.problems)
    assert "status_rules.favourable: 6 lies outside the response scale (1..5)" in problems
    assert "concern (3.5) must be below strength (3)" in problems
    data["status_rules"] = {"strenght": 4}
    with pytest.raises(InstrumentError, match="strenght"):
        parse_instrument(data, source="mine.yaml")
