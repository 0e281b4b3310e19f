"""Reliability against psych 2.2.9 on psychTools::bfi and psychTools::msq (both with missing data).

Reference values: tests/reference/reliability.R (R 4.2.2, psych 2.2.9, psychTools 2.2.9), which
keys the items from the declared range and calls, per scale,
``psych::alpha(x)`` (``$total$raw_alpha``, ``$total$std.alpha``, ``$total$average_r``,
``$item.stats$r.drop``, ``$alpha.drop$raw_alpha``, ``$feldt``) and
``psych::omega(x, nfactors = 1)$omega.tot``, on the rows answering at least one item (pairwise)
or ``na.omit(x)`` (listwise).
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cop_eval.errors import OptionError
from cop_eval.instruments import Instrument, load_instrument, parse_instrument
from cop_eval.measure.reliability import (
    alpha_statistics,
    feldt_ci,
    pairwise_moments,
    reliability,
)
from cop_eval.stats.omega import omega_total

REF = Path(__file__).parent.parent / "reference"


@cache
def _reference() -> dict[str, Any]:
    return dict(json.loads((REF / "reliability.json").read_text()))


@cache
def _data(name: str) -> pd.DataFrame:
    return pd.read_csv(REF / "data" / f"{name}.csv", dtype="float32")


@cache
def _instrument(name: str) -> Instrument:
    return load_instrument(REF / f"{name}_instrument.yaml")


CASES = [
    (name, missing, scale)
    for name in ("bfi", "msq")
    for missing in ("pairwise", "listwise")
    for scale in json.loads((REF / "reliability.json").read_text())[name]["scales"]
]


@pytest.mark.parametrize(("name", "missing", "scale"), CASES)
def test_matches_psych(name: str, missing: str, scale: str) -> None:
    expected = _reference()[name]["scales"][scale][missing]
    result = reliability(_data(name), _instrument(name), missing=missing)  # type: ignore[arg-type]
    got = result.scale(scale)
    assert got.n == expected["n"]
    assert got.n_items == len(expected["items"])
    assert [i.item for i in got.items] == expected["items"]
    assert [i.n for i in got.items] == expected["item_n"]
    assert got.alpha == pytest.approx(expected["alpha"], abs=1e-6)
    assert got.std_alpha == pytest.approx(expected["std_alpha"], abs=1e-6)
    assert got.average_r == pytest.approx(expected["average_r"], abs=1e-6)
    np.testing.assert_allclose(
        [i.item_rest_r for i in got.items], expected["item_rest_r"], rtol=0, atol=1e-6
    )
    np.testing.assert_allclose(
        [i.alpha_if_deleted for i in got.items], expected["alpha_if_deleted"], rtol=0, atol=1e-6
    )
    np.testing.assert_allclose(got.alpha_ci, expected["feldt"], rtol=0, atol=1e-4)
    assert got.omega_total == pytest.approx(expected["omega_total"], abs=0.01)


def test_float32_and_float64_input_agree() -> None:
    # ResponseSet items are float32; the statistics are computed in float64 either way.
    data = _data("msq")
    a = reliability(data, _instrument("msq"))
    b = reliability(data.astype("float64"), _instrument("msq"))
    assert a == b


def _rekeyed(instrument: Instrument, item_id: str, reverse: bool) -> Instrument:
    data = instrument.model_dump(mode="python", exclude_none=True)
    for item in data["items"]:
        if item["id"] == item_id:
            item["reverse"] = reverse
    return parse_instrument(data)


def test_miskeyed_item_fires_negative_item_rest_and_low_alpha_warnings() -> None:
    # a1 ("Am indifferent to the feelings of others.") must be reversed; drop the reversal.
    wrong = _rekeyed(_instrument("bfi"), "a1", reverse=False)
    result = reliability(_data("bfi"), wrong).scale("agreeableness")
    kinds = {(w.kind, w.item) for w in result.warnings}
    assert ("negative_item_rest", "a1") in kinds
    assert ("low_alpha", None) in kinds
    assert result.alpha < 0.70
    message = next(w.message for w in result.warnings if w.kind == "negative_item_rest")
    assert "a1" in message and "keying" in message and "reverse" in message
    # correctly keyed, the same scale (alpha .703 in psych) raises neither warning
    assert reliability(_data("bfi"), _instrument("bfi")).scale("agreeableness").warnings == ()


def test_published_alpha_shown_beside_observed_and_json_contract() -> None:
    data = _instrument("bfi").model_dump(mode="python", exclude_none=True)
    data["published_reliability"] = [
        {"scale": "openness", "alpha": 0.6, "n": 100, "citation": "A made-up test citation"}
    ]
    instrument = parse_instrument(data)
    result = reliability(_data("bfi"), instrument, missing="listwise")
    payload = result.to_dict()
    json.dumps(payload)  # serialisable
    assert payload["instrument"] == "bfi_reference"
    assert payload["missing"] == "listwise"
    openness = next(s for s in payload["scales"] if s["scale"] == "openness")
    for key in ("scale", "n", "n_items", "alpha", "alpha_ci", "std_alpha", "average_r"):
        assert key in openness
    assert "omega_total" in openness
    assert len(openness["alpha_ci"]) == 2
    assert set(openness["items"][0]) >= {"item", "reverse", "item_rest_r", "alpha_if_deleted"}
    assert openness["published"]["alpha"] == 0.6
    assert next(s for s in payload["scales"] if s["scale"] == "neuroticism")["published"] is None
    frame = result.to_frame()
    assert list(frame["scale"]) == list(instrument.scale_ids)
    assert frame.set_index("scale").loc["openness", "published_alpha"] == 0.6
    assert len(result.items_frame()) == 25


def test_missing_option_is_checked() -> None:
    with pytest.raises(OptionError, match="pairwise"):
        reliability(_data("bfi"), _instrument("bfi"), missing="everything")  # type: ignore[arg-type]


def test_degenerate_scale_warns_instead_of_failing() -> None:
    # Only one respondent answered: nothing can be estimated, and the user is told so.
    frame = _data("bfi").iloc[:1]
    result = reliability(frame, _instrument("bfi"))
    scale = result.scale("agreeableness")
    assert math.isnan(scale.alpha) and math.isnan(scale.omega_total)
    assert [w.kind for w in scale.warnings] == ["too_few_answers"]
    assert math.isnan(scale.alpha_ci[0])


def test_two_item_scale() -> None:
    # alpha of two items = 4 c12 / (v1 + v2 + 2 c12); no alpha-if-deleted, no one-factor omega.
    c = np.array([[1.0, 0.5], [0.5, 2.0]])
    stats = alpha_statistics(c)
    assert stats.alpha == pytest.approx(4 * 0.5 / (1 + 2 + 2 * 0.5), abs=1e-12)
    assert np.isnan(stats.alpha_if_deleted).all()
    assert math.isnan(omega_total(np.array([[1.0, 0.5], [0.5, 1.0]])).omega_total)


def test_omega_of_exact_one_factor_matrix() -> None:
    # With R = λλ' + diag(1 - λ²) the minres fit recovers λ: ω = (Σλ)² / 1'R1 (McDonald 1999);
    # psych::omega(r, nfactors = 1)$omega.tot gives 0.638522321 for λ = (.7, .6, .5, .4).
    lam = np.array([0.7, 0.6, 0.5, 0.4])
    r = np.outer(lam, lam)
    np.fill_diagonal(r, 1.0)
    fit = omega_total(r)
    assert fit.converged
    np.testing.assert_allclose(fit.loadings, lam, atol=1e-5)
    assert fit.omega_total == pytest.approx(lam.sum() ** 2 / r.sum(), abs=1e-6)
    assert fit.omega_total == pytest.approx(0.638522321, abs=1e-6)


def test_feldt_ci_matches_psych_alpha_ci() -> None:
    # R: psych::alpha.ci(0.8, 100, 5) -> lower.ci 0.7305582, upper.ci 0.8558867 (psych 2.2.9)
    lo, hi = feldt_ci(0.8, 100, 5)
    assert lo == pytest.approx(0.7305582042, abs=1e-9)
    assert hi == pytest.approx(0.8558867487, abs=1e-9)
    assert all(math.isnan(v) for v in feldt_ci(math.nan, 100, 5))


@settings(max_examples=40, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(3, 30), st.integers(2, 5)),
        elements=st.one_of(st.integers(1, 5).map(float), st.just(math.nan)),
    )
)
def test_pairwise_moments_match_pandas(x: np.ndarray) -> None:
    # pandas DataFrame.cov/.corr use pairwise-complete observations, like R's use = "pairwise".
    frame = pd.DataFrame(x)
    moments = pairwise_moments(x)
    expected_cov = frame.cov(min_periods=2).to_numpy()
    expected_cor = frame.corr(min_periods=2).to_numpy()
    finite = np.isfinite(expected_cov)
    np.testing.assert_allclose(moments.cov[finite], expected_cov[finite], atol=1e-9)
    both = finite & np.isfinite(expected_cor) & np.isfinite(moments.cor)
    np.testing.assert_allclose(moments.cor[both], expected_cor[both], atol=1e-9)
    answered = ~np.isnan(x)
    np.testing.assert_array_equal(moments.nobs, answered.T.astype(int) @ answered.astype(int))


# -- command line ----------------------------------------------------------------------------


def test_reliability_cli_json_matches_psych(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cop_eval.cli import main

    export = tmp_path / "msq.csv"
    _data("msq").to_csv(export, index=False)
    code = main(["reliability", str(export), "-i", str(REF / "msq_instrument.yaml"), "--json"])
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["instrument"] == "msq_reference" and payload["missing"] == "pairwise"
    for scale in payload["scales"]:
        expected = _reference()["msq"]["scales"][scale["scale"]]["pairwise"]
        assert scale["n"] == expected["n"]
        assert scale["alpha"] == pytest.approx(expected["alpha"], abs=1e-6)
        np.testing.assert_allclose(scale["alpha_ci"], expected["feldt"], atol=1e-4)
        assert scale["omega_total"] == pytest.approx(expected["omega_total"], abs=0.01)
        np.testing.assert_allclose(
            [i["item_rest_r"] for i in scale["items"]], expected["item_rest_r"], atol=1e-6
        )


def test_reliability_cli_tables_show_warnings_for_a_miskeyed_user_yaml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cop_eval.cli import main

    text = (REF / "bfi_instrument.yaml").read_text()
    wrong = text.replace(
        "{id: a1, scale: agreeableness, reverse: true",
        "{id: a1, scale: agreeableness, reverse: false",
    )
    assert wrong != text
    yaml_path = tmp_path / "my_bfi.yaml"
    yaml_path.write_text(wrong)
    export = tmp_path / "bfi.csv"
    _data("bfi").iloc[:400].to_csv(export, index=False)
    assert main(["reliability", str(export), "-i", str(yaml_path), "--missing", "listwise"]) == 0
    shown = capsys.readouterr().out
    assert "listwise" in shown
    assert "Agreeableness [agreeableness]" in shown and "omega total" in shown
    assert "item a1 correlates negatively" in shown
    assert "likely a keying error" in shown
    assert "alpha" in shown and "below 0.70" in shown


def test_item_without_variance_is_flagged() -> None:
    frame = _data("bfi").iloc[:200].copy()
    frame["a2"] = 4.0  # everyone agrees: no variance
    scale = reliability(frame, _instrument("bfi")).scale("agreeableness")
    flagged = [w for w in scale.warnings if w.kind == "no_variance"]
    assert [w.item for w in flagged] == ["a2"]
    assert "same answer" in flagged[0].message
    assert math.isnan(scale.items[1].item_rest_r)
    assert math.isfinite(scale.alpha)


SHORT = sorted(json.loads((REF / "reliability.json").read_text())["short"])


@pytest.mark.parametrize("entry", SHORT)
def test_short_scales_match_psych(entry: str) -> None:
    # Seed-derived instruments have 3- and 4-item scales: the first 3 and 2 keyed items of each
    # bfi scale, psych::alpha / psych::omega(nfactors = 1) (tests/reference/reliability.R).
    expected = _reference()["short"][entry]
    base = _instrument("bfi")
    instrument = parse_instrument(
        {
            **base.model_dump(mode="python", exclude_none=True),
            "items": [
                {"id": item, "text": base.item(item).text, "scale": "short", "reverse": rev}
                for item, rev in zip(expected["items"], expected["reverse"], strict=True)
            ],
            "scales": [{"id": "short", "label": "Short"}],
        }
    )
    got = reliability(_data("bfi"), instrument).scale("short")
    assert got.n == expected["n"]
    assert got.alpha == pytest.approx(expected["alpha"], abs=1e-6)
    assert got.std_alpha == pytest.approx(expected["std_alpha"], abs=1e-6)
    assert got.average_r == pytest.approx(expected["average_r"], abs=1e-6)
    if "omega_total" in expected:
        assert got.omega_total == pytest.approx(expected["omega_total"], abs=0.01)
        np.testing.assert_allclose(
            [i.item_rest_r for i in got.items], expected["item_rest_r"], atol=1e-6
        )
    else:
        assert math.isnan(got.omega_total)  # one factor is not identified from two items


def test_reliability_cli_hides_scales_scored_by_fewer_than_five(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Four respondents: no alpha, item statistic or warning about them (the report, too,
    leaves such scales out of its reliability table)."""
    from cop_eval.cli import main

    export = tmp_path / "four.csv"
    _data("msq").iloc[:4].to_csv(export, index=False)
    instrument = str(REF / "msq_instrument.yaml")
    assert main(["reliability", str(export), "-i", instrument, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["scales"]
    for scale in payload["scales"]:
        assert scale["suppressed"] is True
        assert set(scale) == {"scale", "label", "suppressed", "reason"}
    assert main(["reliability", str(export), "-i", instrument]) == 0
    shown = capsys.readouterr().out
    assert "suppressed" in shown and "Items of" not in shown and "warning(s)" not in shown
