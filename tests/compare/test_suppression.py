"""Anonymity suppression: primary and complementary, in privacy.py and in compare_waves' output.

The rule (STATISTICS.md, "Anonymity"): no figure describes fewer than min_group_size respondents;
when a subgroup is hidden, the next-smallest is hidden too so that the hidden one cannot be
recovered by subtracting the visible groups from the total.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cop_eval.compare.waves import NOT_STATED, compare_waves
from cop_eval.errors import CopEvalError
from cop_eval.instruments import load_instrument
from cop_eval.measure.scores import ScoreTable
from cop_eval.privacy import PrivacyPolicy


def _recoverable(counts: dict[str, int], hidden: frozenset[str], min_size: int) -> bool:
    """Can total - sum(visible) single out fewer than min_size people, or one hidden group?"""
    occupied = [g for g in hidden if counts[g] > 0]
    if not occupied:
        return False
    return len(occupied) == 1 or sum(counts[g] for g in occupied) < min_size


def test_examples() -> None:
    counts = {"HR": 40, "Finance": 3, "IT": 12, "Legal": 25}
    assert PrivacyPolicy(5).suppressed_groups(counts) == {"Finance", "IT"}  # IT: next-smallest
    assert PrivacyPolicy(5).suppressed_groups({"HR": 40, "IT": 12}) == frozenset()
    # Two small groups together reach the threshold: nothing more to hide.
    assert PrivacyPolicy(5).suppressed_groups({"A": 3, "B": 4, "C": 50}) == {"A", "B"}
    # Two small groups together stay below it: hide the next-smallest as well.
    assert PrivacyPolicy(5).suppressed_groups({"A": 1, "B": 2, "C": 30, "D": 50}) == {"A", "B", "C"}
    # A group with nobody in it is hidden (nothing to show) but cannot protect anyone.
    assert PrivacyPolicy(5).suppressed_groups({"A": 2, "B": 0, "C": 30}) == {"A", "B", "C"}
    # The only group, too small: hidden; nothing else can be hidden.
    assert PrivacyPolicy(5).suppressed_groups({"A": 3}) == {"A"}
    with pytest.raises(CopEvalError, match="at least 1"):
        PrivacyPolicy(0).suppressed_groups({"A": 3})


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.text(min_size=1, max_size=4), st.integers(0, 40), min_size=1, max_size=12),
    st.integers(1, 12),
)
def test_no_hidden_group_recoverable_by_subtraction(counts: dict[str, int], min_size: int) -> None:
    hidden = PrivacyPolicy(min_size).suppressed_groups(counts)
    assert {g for g, n in counts.items() if n < min_size} <= hidden
    occupied_visible = [g for g in counts if g not in hidden and counts[g] > 0]
    # Either protected, or there is no visible group left to hide (then the total itself is
    # the only figure and describes only the hidden groups: checked by the caller's rule).
    assert not _recoverable(counts, hidden, min_size) or not occupied_visible
    # Minimal: complementary cells are added only while needed.
    assert all(counts[g] >= min_size or g in hidden for g in counts)


# ---------------------------------------------------------------------------------------------
# In the engine
# ---------------------------------------------------------------------------------------------

SIZES = {
    "w1": {"HR": 30, "Finance": 3, "IT": 9, "Legal": 20},
    "w2": {"HR": 25, "Finance": 6, "IT": 7, "Legal": 22, None: 1},
}


def _tables() -> list[ScoreTable]:
    inst = load_instrument("reflection")
    rng = np.random.default_rng(5)
    tables = []
    for label, sizes in SIZES.items():
        groups = [g for g, n in sizes.items() for _ in range(n)]
        n = len(groups)
        scores = pd.DataFrame({s: rng.normal(3.2, 0.6, n) for s in inst.scale_ids})
        scores.iloc[0, 0] = np.nan  # one missing score: per-scale counts differ
        tables.append(
            ScoreTable(
                inst,
                scores,
                respondent_ids=pd.Series([f"p_{k}" for k in range(n)], dtype=object),
                groups=pd.DataFrame({"team": pd.Series(groups, dtype=object)}),
                wave=label,
            )
        )
    return tables


@pytest.fixture(scope="module")
def result_json() -> dict[str, Any]:
    result = compare_waves(_tables(), group_column="team", privacy=PrivacyPolicy(5))
    return json.loads(json.dumps(result.to_dict()))


def test_suppressed_cells_carry_no_numbers(result_json: dict[str, Any]) -> None:
    hidden_seen = 0
    for scale in result_json["scales"]:
        for group in scale["subgroups"]:
            cells = [group] if group.get("suppressed") else group["waves"] + group["comparisons"]
            for cell in cells:
                if cell.get("suppressed"):
                    hidden_seen += 1
                    assert set(cell) <= {"group", "label", "from", "to", "suppressed", "reason"}
                    assert not any(
                        isinstance(v, int | float) and not isinstance(v, bool)
                        for v in cell.values()
                    )
    assert hidden_seen > 0


def test_complementary_suppression_in_engine_output(result_json: dict[str, Any]) -> None:
    tables = _tables()
    for scale in result_json["scales"]:
        sid = scale["scale"]
        for w, table in enumerate(tables):
            label = table.wave
            x = table.scores[sid]
            team = table.groups["team"].where(table.groups["team"].notna(), NOT_STATED)
            true_n = x.notna().groupby(team).sum().to_dict()
            true_sum = x.groupby(team).sum().to_dict()
            total = scale["waves"][w]
            assert total["n"] == sum(true_n.values())
            visible_n, visible_sum, hidden = 0, 0.0, set()
            for group in scale["subgroups"]:
                cell = group if group.get("suppressed") else group["waves"][w]
                assert cell.get("group", group["group"]) == group["group"]
                if cell.get("suppressed"):
                    hidden.add(group["group"])
                else:
                    visible_n += cell["n"]
                    visible_sum += cell["n"] * cell["mean"]
            # What subtraction reveals is exactly the hidden groups together ...
            residual_n = total["n"] - visible_n
            residual_sum = total["n"] * total["mean"] - visible_sum
            assert residual_n == sum(true_n.get(g, 0) for g in hidden)
            assert residual_sum == pytest.approx(sum(true_sum.get(g, 0.0) for g in hidden))
            # ... which is never one group, nor fewer than min_group_size people.
            occupied = [g for g in hidden if true_n.get(g, 0) > 0]
            assert not occupied or (len(occupied) >= 2 and residual_n >= 5), (label, sid, hidden)
    # Finance (3) is hidden in w1 and IT (9, next-smallest occupied) with it.
    by_group = {g["group"]: g for g in result_json["scales"][1]["subgroups"]}

    def cell(group: str, wave: int) -> dict[str, Any]:
        entry = by_group[group]
        return entry if entry.get("suppressed") else entry["waves"][wave]

    assert cell("Finance", 0)["suppressed"] and cell("IT", 0)["suppressed"]
    assert "complementary" in cell("IT", 0)["reason"]
    assert cell("HR", 0)["n"] == 30
    # In w2 one respondent gave no team: "(not stated)" is hidden and Finance (6) with it.
    assert cell(NOT_STATED, 1)["suppressed"] and cell("Finance", 1)["suppressed"]
    assert set(by_group[NOT_STATED]) == {"group", "suppressed", "reason"}  # hidden everywhere
    assert cell("IT", 1)["n"] == 7


def test_subgroup_comparisons_are_suppressed_the_same_way(result_json: dict[str, Any]) -> None:
    scale = result_json["scales"][1]
    total = scale["comparisons"][0]
    visible = [g["comparisons"][0] for g in scale["subgroups"] if not g.get("suppressed")]
    shown = [c for c in visible if not c.get("suppressed")]
    hidden = [c for c in visible if c.get("suppressed")]
    # Paired by the w1 group: Finance has 3 matched pairs -> hidden, with a complementary cell.
    assert len(hidden) + sum(1 for g in scale["subgroups"] if g.get("suppressed")) >= 2
    # All of w2 is matched and w1 has one respondent more: the total change is hidden, or that
    # one respondent's score would follow from the wave means (residual_recoverable).
    assert total["suppressed"] and "only one of the two waves" in total["reason"]
    assert all(c["p_adjusted"] >= c["p"] for c in shown)
    assert all(c["adjustment"].startswith("Benjamini") for c in shown)


def test_top_level_cells_below_threshold_are_hidden() -> None:
    tables = _tables()
    small = [
        ScoreTable(
            t.instrument, t.scores.iloc[:4], respondent_ids=t.respondent_ids.iloc[:4], wave=t.wave
        )  # type: ignore[union-attr]
        for t in tables
    ]
    doc = json.loads(json.dumps(compare_waves(small, privacy=PrivacyPolicy(5)).to_dict()))
    for scale in doc["scales"]:
        assert all(w["suppressed"] and "n" not in w and "mean" not in w for w in scale["waves"])
        assert all(c["suppressed"] and "mean_diff" not in c for c in scale["comparisons"])


@settings(max_examples=20, deadline=None)
@given(
    st.lists(st.integers(0, 9), min_size=2, max_size=6),
    st.lists(st.integers(0, 9), min_size=2, max_size=6),
    st.integers(3, 6),
)
def test_engine_output_never_allows_recovery(
    sizes1: list[int], sizes2: list[int], min_size: int
) -> None:
    inst = load_instrument("reflection")
    rng = np.random.default_rng(len(sizes1) * 31 + sum(sizes2))
    tables = []
    for label, sizes in (("a", sizes1), ("b", sizes2)):
        groups = [f"g{k}" for k, n in enumerate(sizes) for _ in range(n)] + ["big"] * 12
        scores = pd.DataFrame({s: rng.normal(3, 1, len(groups)) for s in inst.scale_ids})
        tables.append(
            ScoreTable(
                inst,
                scores,
                groups=pd.DataFrame({"unit": pd.Series(groups, dtype=object)}),
                wave=label,
            )
        )
    doc = json.loads(
        json.dumps(
            compare_waves(tables, group_column="unit", privacy=PrivacyPolicy(min_size)).to_dict()
        )
    )
    for scale in doc["scales"]:
        for w, table in enumerate(tables):
            truth = table.groups["unit"].value_counts().to_dict()
            total = scale["waves"][w]
            if total.get("suppressed"):
                continue
            hidden, visible_n = [], 0
            for group in scale["subgroups"]:
                cell = group if group.get("suppressed") else group["waves"][w]
                if cell.get("suppressed"):
                    assert "n" not in cell and "mean" not in cell
                    hidden.append(group["group"])
                else:
                    visible_n += cell["n"]
            residual = total["n"] - visible_n
            occupied = [g for g in hidden if truth.get(g, 0) > 0]
            assert residual == sum(truth.get(g, 0) for g in hidden)
            assert not occupied or (len(occupied) >= 2 and residual >= min_size)


def _joined(extra: dict[str, int], groups: dict[str, int]) -> list[ScoreTable]:
    """Two waves of the same people (``groups``: size per team); ``extra`` joins in the second."""
    inst = load_instrument("reflection")
    rng = np.random.default_rng(11)
    tables = []
    for label, sizes in (
        ("w1", groups),
        ("w2", {g: n + extra.get(g, 0) for g, n in groups.items()}),
    ):
        team = [g for g, n in sizes.items() for _ in range(n)]
        ids = [f"{g}{k}" for g, n in sizes.items() for k in range(n)]
        scores = pd.DataFrame({s: rng.normal(3, 1, len(team)) for s in inst.scale_ids})
        tables.append(
            ScoreTable(
                inst,
                scores,
                respondent_ids=pd.Series(ids, dtype=object),
                groups=pd.DataFrame({"team": pd.Series(team, dtype=object)}),
                wave=label,
            )
        )
    return tables


def test_paired_change_hidden_when_few_answered_one_wave_only() -> None:
    """One newcomer: n2 * mean2 - n * (mean1 + change) would be exactly the newcomer's score."""
    tables = _joined({"A": 1}, {"A": 15, "B": 15})
    result = compare_waves(tables, group_column="team", privacy=PrivacyPolicy(5))
    doc = json.loads(json.dumps(result.to_dict()))
    for scale in doc["scales"]:
        (total,) = scale["comparisons"]
        assert total["suppressed"] and "only one of the two waves" in total["reason"]
        assert all(w["n"] in (30, 31) for w in scale["waves"])  # the wave means stay
        # Team A has the newcomer; B is hidden with it, or A's change would follow from the
        # total of the pairs by subtraction.
        for group in scale["subgroups"]:
            cells = [group] if group.get("suppressed") else group["comparisons"]
            assert all(c.get("suppressed") and "mean_diff" not in c for c in cells)
    # Five newcomers together are a group the rule allows: everything is shown.
    shown = compare_waves(_joined({"A": 3, "B": 2}, {"A": 15, "B": 15}), group_column="team")
    doc = json.loads(json.dumps(shown.to_dict()))
    assert all("mean_diff" in scale["comparisons"][0] for scale in doc["scales"])
