"""Smallest detectable effect and required n against R's pwr.

Reference values: tests/reference/power.R -> power.json (R 4.2.2, pwr 1.3.0):
``pwr.t.test(n =, power =, sig.level =, type = "paired")``, ``pwr.t2n.test(n1 =, n2 =, power =,
sig.level =)`` and ``pwr.t.test(d =, power = .8, type = "paired" | "two.sample")``. pwr solves
with uniroot's default tolerance (about 1e-4), so each d is also solved in the script with
``uniroot(..., tol = 1e-12)`` on pwr's own power function ("d_exact").
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest

from cop_eval.stats.power import detectable, detectable_effect, required_n

REF = json.loads((Path(__file__).parent.parent / "reference" / "power.json").read_text())


@pytest.mark.parametrize(
    "case", REF["paired"], ids=lambda c: f"n{c['n']}-p{c['power']}-a{c['alpha']}"
)
def test_paired_detectable_effect_matches_pwr(case: dict[str, float]) -> None:
    got = detectable_effect(
        int(case["n"]), design="paired", power=case["power"], alpha=case["alpha"]
    )
    assert math.isclose(got, case["d_exact"], rel_tol=1e-7)
    assert math.isclose(got, case["d_pwr"], abs_tol=2e-4)


@pytest.mark.parametrize(
    "case", REF["independent"], ids=lambda c: f"n{c['n1']}-{c['n2']}-p{c['power']}-a{c['alpha']}"
)
def test_independent_detectable_effect_matches_pwr(case: dict[str, float]) -> None:
    got = detectable_effect(
        int(case["n1"]),
        design="independent",
        n2=int(case["n2"]),
        power=case["power"],
        alpha=case["alpha"],
    )
    assert math.isclose(got, case["d_exact"], rel_tol=1e-7)
    assert math.isclose(got, case["d_pwr"], abs_tol=2e-4)


@pytest.mark.parametrize("case", REF["required"], ids=lambda c: f"{c['design']}-d{c['d']}")
def test_required_n_matches_pwr(case: dict[str, object]) -> None:
    design = str(case["design"])
    got = required_n(float(case["d"]), design=design)  # type: ignore[arg-type]
    assert got == case["n_ceiling"]
    assert got >= float(case["n"])  # type: ignore[arg-type]


def test_the_issue_example_39_matched_members_detect_d_046() -> None:
    # "no clear change on 39 matched members reads as changes below d = 0.46 could not be detected"
    assert f"{detectable_effect(39):.2f}" == "0.46"


def test_independent_n2_defaults_to_n_and_order_does_not_matter() -> None:
    assert detectable_effect(20, design="independent") == detectable_effect(
        20, design="independent", n2=20
    )
    a = detectable_effect(8, design="independent", n2=39)
    b = detectable_effect(39, design="independent", n2=8)
    assert math.isclose(a, b, rel_tol=1e-9)


def test_more_respondents_detect_smaller_effects() -> None:
    values = [detectable_effect(n) for n in (5, 10, 20, 40, 80, 160)]
    assert all(a > b for a, b in itertools.pairwise(values))


def test_too_few_for_a_t_test_is_nan_not_an_error() -> None:
    assert math.isnan(detectable_effect(1))
    assert math.isnan(detectable_effect(0, design="independent", n2=10))
    assert math.isnan(detectable_effect(10, design="independent", n2=1))


def test_points_scale_the_effect_by_the_sd() -> None:
    d = detectable(39, 0.6, design="paired")
    assert d.effect_name == "d_z" and d.n2 is None
    assert math.isclose(d.points, d.effect * 0.6)
    i = detectable(20, 0.8, design="independent", n2=30)
    assert i.effect_name == "d" and i.n2 == 30
    assert math.isclose(i.points, i.effect * 0.8)


def test_bad_arguments_raise_value_errors() -> None:
    with pytest.raises(ValueError, match="power"):
        detectable_effect(10, power=1.0)
    with pytest.raises(ValueError, match="alpha"):
        detectable_effect(10, alpha=0)
    with pytest.raises(ValueError, match="paired design has one n"):
        detectable_effect(10, n2=12)
    with pytest.raises(ValueError, match="design"):
        detectable_effect(10, design="matched")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="non-zero"):
        required_n(0.0)
    assert required_n(-0.5, design="independent") == required_n(0.5, design="independent")
