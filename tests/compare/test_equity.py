"""Equity gaps (subgroup against the rest) and gap trends against R.

Reference: tests/reference/equity.R (R 4.2.2, stats 4.2.2, nlme 3.1.162) -> equity.json and
equity_data.csv. Gaps: ``t.test(group, rest, var.equal = FALSE)`` per wave, scale and subgroup,
``p.adjust(p, "BH")`` across the subgroup x scale grid of each wave. Gap trends:
``nlme::lme(score ~ factor(wave), random = ~ 1 | id, method = "REML")`` fitted to the subgroup
and to the rest; change = difference of the last-wave fixed effects, SE = sqrt(se1^2 + se2^2),
``2 * pnorm(-abs(z))``, then ``p.adjust(p, "BH")`` across subgroups x scales.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from cop_eval.compare.equity import (
    EquityResult,
    Gap,
    GapTrend,
    HiddenGap,
    SkippedTrend,
    equity_gaps,
)
from cop_eval.compare.grouping import merge_small_groups
from cop_eval.errors import OptionError
from cop_eval.instruments import Instrument, parse_instrument
from cop_eval.measure.scores import ScoreTable
from cop_eval.privacy import PrivacyPolicy

REF_DIR = Path(__file__).parent.parent / "reference"
REF = json.loads((REF_DIR / "equity.json").read_text())
DATA = pd.read_csv(REF_DIR / "equity_data.csv", dtype={"id": str, "group": str})
TOL = 1e-6
TOL_MIXED = 1e-5
LABELS = ["W1", "W2", "W3"]


def instrument() -> Instrument:
    return parse_instrument(
        {
            "id": "equity_test",
            "version": "1.0.0",
            "title": "Equity test",
            "description": "Two scales whose scores are given directly.",
            "status": "seed-derived",
            "sources": [{"citation": "tests/reference/equity.R (simulated)"}],
            "license": {"status": "open"},
            "response_scale": {"min": 1, "max": 5, "labels": {k: str(k) for k in range(1, 6)}},
            "items": [
                {"id": f"{scale[0]}{k}", "text": f"{scale} {k}", "scale": scale}
                for scale in ("relevance", "commitment")
                for k in (1, 2)
            ],
            "scales": [
                {"id": "relevance", "label": "Relevance"},
                {"id": "commitment", "label": "Commitment"},
            ],
        }
    )


def tables(with_ids: bool = True, data: pd.DataFrame = DATA) -> list[ScoreTable]:
    inst = instrument()
    out = []
    for w, label in enumerate(LABELS, start=1):
        part = data[data["wave"] == w].reset_index(drop=True)
        out.append(
            ScoreTable(
                inst,
                part[["relevance", "commitment"]].astype(float),
                respondent_ids=part["id"] if with_ids else None,
                groups=part[["group"]],
                wave=label,
            )
        )
    return out


@pytest.fixture(scope="module")
def result() -> EquityResult:
    # R reference values are for every subgroup: no suppression (min_group_size=1).
    return equity_gaps(tables(), "group", privacy=PrivacyPolicy(1))


def close(got: float, want: float, tol: float = TOL) -> None:
    assert math.isclose(got, want, rel_tol=tol, abs_tol=tol), (got, want)


@pytest.mark.parametrize(
    "ref", REF["gaps"], ids=lambda r: f"w{r['wave']}-{r['scale']}-{r['group']}"
)
def test_gaps_match_r_welch_and_bh(result: EquityResult, ref: dict[str, Any]) -> None:
    gap = result.gap(ref["scale"], ref["group"], LABELS[ref["wave"] - 1])
    assert isinstance(gap, Gap)
    assert (gap.n_group, gap.n_rest) == (ref["n_group"], ref["n_rest"])
    close(gap.mean_group, ref["mean_group"])
    close(gap.mean_rest, ref["mean_rest"])
    close(gap.overall_mean, ref["overall"])
    close(gap.gap, ref["gap"])
    close(gap.ci[0], ref["ci"][0])
    close(gap.ci[1], ref["ci"][1])
    close(gap.statistic, ref["statistic"])
    close(gap.df, ref["df"])
    close(gap.p, ref["p"])
    close(gap.p_adjusted, ref["p_adjusted"])
    assert gap.reliable == (ref["p_adjusted"] < 0.05)
    close(gap.gap_to_overall, ref["mean_group"] - ref["overall"])


@pytest.mark.parametrize("ref", REF["trends"], ids=lambda r: f"{r['scale']}-{r['group']}")
def test_gap_trends_match_r_lme(result: EquityResult, ref: dict[str, Any]) -> None:
    trend = next(t for t in result.trends if (t.scale, t.group) == (ref["scale"], ref["group"]))
    assert isinstance(trend, GapTrend)
    close(trend.b_group, ref["b_group"], TOL_MIXED)
    close(trend.se_group, ref["se_group"], TOL_MIXED)
    close(trend.b_rest, ref["b_rest"], TOL_MIXED)
    close(trend.se_rest, ref["se_rest"], TOL_MIXED)
    close(trend.change, ref["change"], TOL_MIXED)
    close(trend.se, ref["se"], TOL_MIXED)
    close(trend.ci[0], ref["ci"][0], TOL_MIXED)
    close(trend.ci[1], ref["ci"][1], TOL_MIXED)
    close(trend.z, ref["z"], TOL_MIXED)
    close(trend.p, ref["p"], TOL_MIXED)
    close(trend.p_adjusted, ref["p_adjusted"], TOL_MIXED)


def test_the_planted_effect_is_found_and_widening(result: EquityResult) -> None:
    # Group B is 0.7 lower on relevance, and 0.5 more at wave 3.
    top = result.reliable_gaps()[0]
    assert (top.scale, top.group) == ("relevance", "B") and top.gap < -0.7
    trend = next(t for t in result.trends if (t.scale, t.group) == ("relevance", "B"))
    assert isinstance(trend, GapTrend) and trend.reliable and trend.widening and trend.change < 0


def test_small_groups_are_hidden_with_complementary_suppression() -> None:
    # C has 6 people; with a threshold of 7 it is hidden, and B (11) is hidden to protect it.
    res = equity_gaps(tables(), "group", privacy=PrivacyPolicy(7))
    for wave in LABELS:
        assert isinstance(res.gap("relevance", "C", wave), HiddenGap)
        assert isinstance(res.gap("relevance", "B", wave), HiddenGap)
        assert isinstance(res.gap("relevance", "A", wave), Gap)
    assert all(isinstance(t, SkippedTrend) for t in res.trends if t.group in ("B", "C"))
    assert "suppressed" not in json.dumps(res.to_dict()).replace('"suppressed": true', "")
    for cell in res.to_dict()["gaps"]:  # type: ignore[union-attr]
        if cell["group"] != "A":  # type: ignore[index]
            assert set(cell) == {"scale", "group", "wave", "suppressed", "reason"}  # type: ignore[arg-type]


def test_merging_small_groups_into_other_keeps_more_groups_visible() -> None:
    # Three groups: A (A and B together, 31), C1 and C2 (3 each). Without the rule only A is
    # visible: C1 and C2 are hidden.
    data = DATA.copy()
    data.loc[data["group"] == "B", "group"] = "A"
    c = data.index[data["group"] == "C"]
    data.loc[c, "group"] = ["C1" if int(i[1:]) % 2 else "C2" for i in data.loc[c, "id"]]
    plain = equity_gaps(tables(data=data), "group", privacy=PrivacyPolicy(5))
    assert [g for g in plain.groups if isinstance(plain.gap("relevance", g, "W1"), Gap)] == ["A"]
    counts = [data[data["wave"] == w]["group"].value_counts().to_dict() for w in (1, 2, 3)]
    merge = merge_small_groups(counts, 5)
    assert merge.merged == ("C1", "C2")
    merged = equity_gaps(tables(data=data), "group", privacy=PrivacyPolicy(5), merge=merge)
    assert merged.groups == ("A", "Other")
    assert all(isinstance(merged.gap("relevance", g, "W1"), Gap) for g in merged.groups)
    other = merged.gap("relevance", "Other", "W2")
    ref = next(
        r for r in REF["gaps"] if (r["wave"], r["scale"], r["group"]) == (2, "relevance", "C")
    )
    assert isinstance(other, Gap)
    close(other.mean_group, ref["mean_group"])  # Other = the old C
    assert "Other" in merge.describe() and "C1, C2" in merge.describe()


def test_a_merged_group_still_too_small_takes_in_the_next_smallest() -> None:
    # C (6) is small at a threshold of 7; alone in Other it would still be hidden, and B with
    # it: the rule merges B too, so A and Other (B + C) are both shown.
    counts = [DATA[DATA["wave"] == w]["group"].value_counts().to_dict() for w in (1, 2, 3)]
    merge = merge_small_groups(counts, 7)
    assert merge.merged == ("B", "C")
    res = equity_gaps(tables(), "group", privacy=PrivacyPolicy(7), merge=merge)
    assert all(isinstance(res.gap("relevance", g, "W3"), Gap) for g in ("A", "Other"))
    # Never down to a single group.
    assert merge_small_groups([{"A": 20, "B": 3}], 5).merged == ("B",)
    assert merge_small_groups([{"A": 20, "B": 12}], 5).merged == ()


def test_without_ids_every_answer_is_its_own_person() -> None:
    res = equity_gaps(tables(with_ids=False), "group", privacy=PrivacyPolicy(1))
    trend = next(t for t in res.trends if (t.scale, t.group) == ("relevance", "B"))
    assert isinstance(trend, GapTrend)
    assert trend.n_group == int((DATA["group"] == "B").sum())
    # Gaps within a wave do not depend on ids.
    ref = equity_gaps(tables(), "group", privacy=PrivacyPolicy(1))
    assert res.gaps == ref.gaps


def test_one_wave_has_gaps_and_no_trend() -> None:
    res = equity_gaps(tables()[:1], "group", privacy=PrivacyPolicy(1))
    assert res.trends == () and len(res.reliable_gaps()) >= 1
    frame = res.to_frame()
    assert {"scale", "group", "gap", "ci_low", "ci_high", "p_adjusted"} <= set(frame.columns)


def test_a_missing_group_column_is_a_clear_error() -> None:
    with pytest.raises(OptionError, match="no subgroup column 'role'"):
        equity_gaps(tables(), "role")
    with pytest.raises(OptionError, match="labels"):
        equity_gaps(tables(), "group", labels=["a"])


def test_a_subgroup_whose_trend_cannot_be_fitted_says_why_in_plain_words() -> None:
    # Two waves; subgroup "Z" has 3 and 5 people, one of them (z1) in both: its within-person
    # answers leave nothing beyond the change itself (the REML criterion falls all the way to
    # zero residual variance, as tests/reference's one_pair_falls), so no gap trend, and the
    # reason is one a reader of the report understands. (Before, this subgroup's gap was
    # reported as reliably changed, z = 7.3, from a residual variance of ~0; other such
    # subgroups printed the root finder's "f(a) and f(b) must have different signs".)
    rows = [
        (w, f"a{k:02d}", "A", 3.0 + 0.1 * ((k * 7 + w) % 9), 3.5) for w in (1, 2) for k in range(20)
    ]
    rows += [(1, "z1", "Z", 2.75, 3.0), (1, "z2", "Z", 2.75, 3.0), (1, "z3", "Z", 3.0, 3.0)]
    rows += [(2, "z1", "Z", 3.25, 3.0), (2, "z4", "Z", 2.5, 3.0), (2, "z5", "Z", 2.25, 3.0)]
    rows += [(2, "z6", "Z", 4.0, 3.0), (2, "z7", "Z", 3.0, 3.0)]
    data = pd.DataFrame(rows, columns=["wave", "id", "group", "relevance", "commitment"])
    inst = instrument()
    waves = [
        ScoreTable(
            inst, part[["relevance", "commitment"]].astype(float).reset_index(drop=True),
            respondent_ids=part["id"].reset_index(drop=True),
            groups=part[["group"]].reset_index(drop=True), wave=label,
        )
        for label, part in (("W1", data[data["wave"] == 1]), ("W2", data[data["wave"] == 2]))
    ]  # fmt: skip
    res = equity_gaps(waves, "group", privacy=PrivacyPolicy(1))
    trend = next(t for t in res.trends if (t.scale, t.group) == ("relevance", "Z"))
    assert isinstance(trend, SkippedTrend)
    assert trend.reason == (
        "no trend model for the subgroup: too few people answered in two or more waves to tell "
        "a change over time from chance differences between answers (1 of 7 people did)"
    )
