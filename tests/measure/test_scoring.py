"""Scale scores: keying from the declared range, the min_answered rule, mean and prorated sum.

Reference scores: tests/reference/reliability.R,
``psych::scoreItems(make.keys(x, keys), x, impute = "none", min = lo, max = hi)$scores``
(R 4.2.2, psych 2.2.9) on psychTools::bfi (1-6) and psychTools::msq (0-3). psych scores anyone
with at least one answer; cop-eval's rule withholds a score below ``ceil(min_answered * k)``
answers, so the comparison is on the scored rows and the rest are checked against the rule.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cop_eval.errors import CopEvalError, DataImportError
from cop_eval.instruments import Instrument, Scale, load_instrument, parse_instrument
from cop_eval.measure.scoring import min_items_needed, score, score_items
from cop_eval.responses import ImportReport, ResponseSet

REF = Path(__file__).parent.parent / "reference"


def _toy(method: str = "mean", min_answered: float = 0.5, **item_scale: Any) -> Instrument:
    """Three items on 1-5 (t3 reverse-keyed) and two on 0-10 in a second scale."""
    return parse_instrument(
        {
            "id": "toy",
            "version": "1",
            "title": "Toy",
            "description": "Test instrument.",
            "status": "seed-derived",
            "sources": [{"citation": "tests/test_scoring.py"}],
            "license": {"status": "project-authored"},
            "response_scale": {"min": 1, "max": 5, "labels": {i: str(i) for i in range(1, 6)}},
            "items": [
                {"id": "t1", "text": "one", "scale": "s"},
                {"id": "t2", "text": "two", "scale": "s"},
                {"id": "t3", "text": "three", "scale": "s", "reverse": True},
                *(
                    {
                        "id": f"u{i}",
                        "text": f"u{i}",
                        "scale": "u",
                        "reverse": i == 2,
                        "response_scale": {
                            "min": 0,
                            "max": 10,
                            "labels": {j: str(j) for j in range(11)},
                        },
                    }
                    for i in (1, 2)
                ),
            ],
            "scales": [
                {"id": "s", "label": "S", "method": method, "min_answered": min_answered},
                {"id": "u", "label": "U", "method": method, "min_answered": 1, **item_scale},
            ],
        }
    )


@pytest.mark.parametrize("name", ["bfi", "msq"])
def test_scores_match_psych_score_items(name: str) -> None:
    instrument = load_instrument(REF / f"{name}_instrument.yaml")
    data = pd.read_csv(REF / "data" / f"{name}.csv", dtype="float32")
    expected = pd.read_csv(REF / f"scores_{name}.csv")
    got = score_items(data, instrument)
    assert list(got.columns) == list(instrument.scale_ids)
    assert (got.dtypes == "float64").all()
    scored = got.notna()
    np.testing.assert_allclose(got[scored].to_numpy(), expected[scored].to_numpy(), atol=1e-6)
    assert scored.to_numpy().sum() > 0.99 * got.size
    for scale in instrument.scales:
        ids = [i.id for i in instrument.items_of(scale.id)]
        answered = data[ids].notna().sum(axis=1)
        need = min_items_needed(scale, len(ids))
        assert (got[scale.id].isna() == (answered < need)).all()


@pytest.mark.parametrize(
    ("share", "k", "need"),
    [
        # docs/instruments.md: "with the default 0.5, that is 2 of 3 or 4 items, 3 of 5 or 6"
        (0.5, 3, 2),
        (0.5, 4, 2),
        (0.5, 5, 3),
        (0.5, 6, 3),
        (0.6, 3, 2),  # docs example: "at least 2 of the 3 items"
        (1.0, 2, 2),
        (0.7, 10, 7),  # 0.7 * 10 is 7.000000000000001 in floating point
        (0.01, 5, 1),
    ],
)
def test_min_items_needed(share: float, k: int, need: int) -> None:
    assert min_items_needed(Scale(id="s", label="S", min_answered=share), k) == need


def test_reverse_keying_uses_declared_range_not_data() -> None:
    # The data only use 2..4, so a data-range reversal would map 2 -> 4 on a 2..4 range as
    # well; the 0-10 items show it: u2 = 3 must become 10 - 3 = 7, not (3 + 3) - 3 = 3.
    items = pd.DataFrame(
        {"t1": [2.0], "t2": [4.0], "t3": [2.0], "u1": [3.0], "u2": [3.0]}, dtype="float32"
    )
    got = score_items(items, _toy())
    assert got.loc[0, "s"] == pytest.approx((2 + 4 + 4) / 3)
    assert got.loc[0, "u"] == pytest.approx((3 + 7) / 2)


def test_min_answered_and_prorated_sum() -> None:
    items = pd.DataFrame(
        {
            "t1": [5.0, 5.0, np.nan, np.nan],
            "t2": [4.0, np.nan, np.nan, 1.0],
            "t3": [1.0, np.nan, np.nan, np.nan],
            "u1": [10.0, 10.0, 1.0, 2.0],
            "u2": [0.0, np.nan, 1.0, 2.0],
        }
    )
    mean = score_items(items, _toy())
    # row 0: (5 + 4 + 5) / 3; rows 1, 3: one of three answered < 2 needed; row 2: none
    np.testing.assert_allclose(mean["s"], [14 / 3, np.nan, np.nan, np.nan])
    # scale u needs both items (min_answered 1): u2 reversed = 10 - x
    np.testing.assert_allclose(mean["u"], [10.0, np.nan, 5.0, 5.0])
    total = score_items(items, _toy(method="sum", min_answered=1 / 3))
    # prorated: mean of answered x number of items
    np.testing.assert_allclose(total["s"], [14.0, 15.0, np.nan, 3.0])
    np.testing.assert_allclose(total["u"], [20.0, np.nan, 10.0, 10.0])


def test_errors_name_item_row_and_fix() -> None:
    good = {"t1": [1.0, 2.0], "t2": [1.0, 2.0], "t3": [1.0, 2.0], "u1": [0.0, 1.0]}
    with pytest.raises(DataImportError, match=r"u2.*column|column.*u2"):
        score_items(pd.DataFrame(good), _toy())
    bad = pd.DataFrame({**good, "u2": [0.0, 11.0]})
    with pytest.raises(DataImportError, match=r"item u2, row 2.*11 .*0\.\.10"):
        score_items(bad, _toy())
    text = pd.DataFrame({**good, "u2": ["Agree", "Disagree"]})
    with pytest.raises(DataImportError, match=r"u2.*text"):
        score_items(text, _toy())


@settings(max_examples=50, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 20), st.just(5)),
        elements=st.one_of(st.integers(1, 5).map(float), st.just(math.nan)),
    )
)
def test_mean_score_is_mean_of_keyed_answers(x: np.ndarray) -> None:
    x[:, 3:] = np.where(np.isnan(x[:, 3:]), np.nan, x[:, 3:] * 2)  # u items on 0-10 (2..10)
    items = pd.DataFrame(x, columns=["t1", "t2", "t3", "u1", "u2"])
    got = score_items(items, _toy())
    keyed = items.copy()
    keyed["t3"] = 6 - keyed["t3"]
    keyed["u2"] = 10 - keyed["u2"]
    s = keyed[["t1", "t2", "t3"]]
    expected = s.mean(axis=1).where(s.notna().sum(axis=1) >= 2)
    np.testing.assert_allclose(got["s"], expected)
    assert ((got["s"] >= 1) & (got["s"] <= 5) | got["s"].isna()).all()


def test_score_response_set_fills_continuum_classification() -> None:
    instrument = load_instrument("mcdermott_identity_strength")
    ids = list(instrument.item_ids)
    rows = np.array(
        [
            [4] * 4 + [5, 4, 5, 4] + [2] * 4,  # both endorsed, network agreed with most
            [2, 3] * 6,  # nothing endorsed -> not classified (not the weak end)
            [np.nan] * 12,  # no scores -> not classified
            [4] * 12,  # the same answer to all twelve items -> straight-lining, excluded
        ],
        dtype="float32",
    )
    items = pd.DataFrame(rows, columns=ids)
    responses = ResponseSet(
        source="test.csv",
        instruments=(instrument,),
        items=items,
        report=ImportReport(source="test.csv", format="csv", rows_read=4, rows_accepted=4),
        respondent_ids=pd.Series(["p1", "p2", "p3", "p4"]),
        wave="2024",
    )
    table = score(responses, instrument)
    assert list(table.scores.columns) == list(instrument.scale_ids)
    assert list(table.classifications["identity_level"]) == ["network", None, None, None]
    assert list(table.classifications["identity_level_status"]) == [
        "classified",
        "none_endorsed",
        "not_answered",
        "straight_lining",
    ]
    assert table.wave == "2024"
    assert table.respondent_ids is not None and list(table.respondent_ids) == [
        "p1",
        "p2",
        "p3",
        "p4",
    ]


def test_score_refuses_other_instruments_items() -> None:
    instrument = load_instrument("mcdermott_identity_strength")
    other = load_instrument("le_may_success_factors")
    items = pd.DataFrame(np.ones((2, len(other.item_ids))), columns=list(other.item_ids))
    with pytest.raises(CopEvalError, match="mc_interest_group_1"):
        score_items(items, instrument)


# -- command line ----------------------------------------------------------------------------


def _bfi_export(tmp_path: Path, rows: int = 60) -> Path:
    data = pd.read_csv(REF / "data" / "bfi.csv").iloc[:rows]
    data.insert(0, "email", [f"person{i}@example.org" for i in range(rows)])
    path = tmp_path / "export.csv"
    data.to_csv(path, index=False)
    return path


def test_score_cli_writes_ids_scores_and_classifications(tmp_path: Path) -> None:
    from cop_eval.cli import main

    export = _bfi_export(tmp_path)
    out = tmp_path / "scores.csv"
    yaml_path = str(REF / "bfi_instrument.yaml")  # a user-written instrument file
    code = main(["score", str(export), "-i", yaml_path, "--id-column", "email", "--out", str(out)])
    assert code == 0
    written = pd.read_csv(out)
    instrument = load_instrument(yaml_path)
    assert list(written.columns) == ["row", "email", *instrument.scale_ids]
    assert written["row"].tolist() == list(range(2, 62))  # the source row of each score
    assert not written["email"].str.contains("@").any()  # pseudonymised, never raw
    assert written["email"].nunique() == 60
    raw = pd.read_csv(REF / "data" / "bfi.csv").iloc[:60]
    np.testing.assert_allclose(
        written[list(instrument.scale_ids)].to_numpy(),
        score_items(raw, instrument).to_numpy(),
        atol=1e-9,
    )


def test_score_cli_classification_columns_and_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cop_eval.cli import main

    instrument = load_instrument("mcdermott_identity_strength")
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        rng.integers(1, 6, size=(30, len(instrument.item_ids))), columns=list(instrument.item_ids)
    )
    export = tmp_path / "mc.csv"
    frame.to_csv(export, index=False)
    out = tmp_path / "scores.csv"
    assert main(["score", str(export), "-i", instrument.id, "--out", str(out)]) == 0
    written = pd.read_csv(out)
    assert list(written.columns) == [
        "row",
        *instrument.scale_ids,
        "identity_level",
        "identity_level_status",
    ]
    levels = set(written["identity_level"].dropna())
    assert levels <= {"interest_group", "network", "community_of_practice"}
    assert set(written["identity_level_status"]) <= {
        "classified",
        "none_endorsed",
        "tied",
        "straight_lining",
        "not_answered",
    }
    assert (
        written["identity_level"].isna().eq(written["identity_level_status"] != "classified").all()
    )
    capsys.readouterr()
    assert main(["score", str(export), "-i", instrument.id]) == 0
    shown = capsys.readouterr().out
    assert "Community of practice [community_of_practice]" in shown
    assert "Group classified as (median of" in shown and "classified members)" in shown
    assert len(shown.splitlines()) < 40  # a summary, not one line per respondent


def test_score_cli_user_mistakes_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cop_eval.cli import main

    assert main(["score", str(tmp_path / "missing.csv"), "-i", "reflection"]) == 1
    assert "missing.csv" in capsys.readouterr().err
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("id: x\n")
    assert main(["score", str(_bfi_export(tmp_path)), "-i", str(bad_yaml)]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_score_cli_summary_suppresses_small_groups_and_names_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cop_eval.cli import main

    instrument = load_instrument("le_may_success_factors")
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        rng.integers(1, 6, size=(40, len(instrument.item_ids))), columns=list(instrument.item_ids)
    )
    for item in instrument.items_of("resources"):
        frame[item.id] = 1 if not item.reverse else 5  # clearly the weakest factor
    export = tmp_path / "lm.csv"
    frame.to_csv(export, index=False)
    assert main(["score", str(export), "-i", instrument.id]) == 0
    shown = capsys.readouterr().out
    assert "weakest: Resources" in shown
    assert "suppressed" not in shown
    frame.iloc[:3].to_csv(export, index=False)
    assert main(["score", str(export), "-i", instrument.id]) == 0
    shown = capsys.readouterr().out
    assert "suppressed" in shown and "weakest: Resources" not in shown
