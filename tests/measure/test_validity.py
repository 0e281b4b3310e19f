"""``cop_eval.measure.validity`` on psychTools::bfi, against lavaan 0.6-14 and semTools 0.5-6.

Reference values: tests/reference/validity.R (see tests/stats/test_cfa.py for the calls). Here
the items come through the instrument (tests/reference/bfi_instrument.yaml), which reverse-keys
A1, C4, C5, E1, E2, O2, O5 as the R script does by hand; the sample-size rule, the cautions and
the JSON contract are checked too.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from cop_eval.errors import OptionError
from cop_eval.instruments import Instrument, load_instrument
from cop_eval.measure.validity import ModelSpec, required_n, validity
from cop_eval.measure.validity_results import ValidityResult

REF = Path(__file__).parent.parent / "reference"
TOL = 1e-3


@cache
def _ref() -> dict[str, Any]:
    return dict(json.loads((REF / "validity.json").read_text()))


@cache
def _bfi_instrument() -> Instrument:
    return load_instrument(REF / "bfi_instrument.yaml")


@cache
def _bfi() -> pd.DataFrame:
    data = pd.read_csv(REF / "data" / "bfi.csv")
    gender = pd.read_csv(REF / "data" / "bfi_demographics.csv")["gender"]
    data["gender"] = gender.map({1: "male", 2: "female"})
    return data


@cache
def _by_gender() -> ValidityResult:
    return validity(_bfi(), _bfi_instrument(), group_column="gender")


def test_single_group_fit_loadings_and_omega_equal_lavaan() -> None:
    result = validity(_bfi(), _bfi_instrument())
    ref = _ref()["bfi"]
    assert result.fitted and result.fit is not None
    for key in ["chisq", "cfi", "tli", "rmsea", "srmr"]:
        assert getattr(result.fit, key) == pytest.approx(ref["fit"][key], abs=TOL), key
    assert result.fit.df == ref["fit"]["df"] and result.n == ref["fit"]["ntotal"]
    std = {(e["scale"], e["item"]): e["std"] for e in ref["groups"][0]["loadings"]}
    assert {(e.scale, e.item): pytest.approx(e.std, abs=TOL) for e in result.loadings} == std
    assert [e.reverse for e in result.loadings if e.item in ("a1", "a2")] == [True, False]
    omega = {s.scale: s.omega[0].value for s in result.scales}
    assert omega == pytest.approx(ref["omega"], abs=TOL)
    htmt = np.array(ref["htmt"])
    order = [s.scale for s in result.scales]
    for c in result.factor_correlations:
        a, b = order.index(c.a), order.index(c.b)
        assert c.htmt == pytest.approx(htmt[a, b], abs=TOL)
        assert c.flag == (abs(c.r) > 0.85 or c.htmt > 0.85)
    assert result.invariance is None


def test_invariance_by_gender_equals_lavaan_and_cautions_neuroticism() -> None:
    result = _by_gender()
    ref = _ref()["bfi_gender"]
    inv = result.invariance
    assert inv is not None and inv.across == "groups"
    for name in ("configural", "metric", "scalar"):
        step = getattr(inv, name)
        assert step.fit.chisq == pytest.approx(ref[name]["fit"]["chisq"], abs=TOL)
        assert step.fit.rmsea == pytest.approx(ref[name]["fit"]["rmsea"], abs=TOL)
        assert step.fit.cfi == pytest.approx(ref[name]["fit"]["cfi"], abs=TOL)
    assert inv.metric is not None and inv.metric.holds is True
    assert inv.scalar is not None and inv.scalar.holds is False
    assert inv.partial is not None and list(inv.partial.freed) == ref["partial"]["freed"]
    assert inv.decision == "partial_scalar"
    assert result.cautioned_scales == ("neuroticism",)
    assert "n5" in (result.caution("neuroticism") or "")
    assert result.caution("openness") is None
    assert any("fits poorly" in note for note in inv.notes)
    # the top-level fit is the configural model, with loadings per group
    assert result.fit is not None and result.fit.chisq == pytest.approx(
        ref["configural"]["fit"]["chisq"], abs=TOL
    )
    assert {e.group for e in result.loadings} == {"female", "male"}


def test_json_contract() -> None:
    doc = json.loads(json.dumps(_by_gender().to_dict()))
    assert {"instrument", "n", "missing", "fit", "loadings", "factor_correlations"} <= set(doc)
    assert set(doc["fit"]) >= {"chisq", "df", "p", "cfi", "tli", "rmsea", "rmsea_ci", "srmr"}
    assert len(doc["fit"]["rmsea_ci"]) == 2
    assert set(doc["loadings"][0]) >= {"scale", "item", "std"}
    inv = doc["invariance"]
    assert set(inv) >= {"configural", "metric", "scalar", "decision"}
    assert set(inv["configural"]["fit"]) >= {"chisq", "cfi", "rmsea", "rmsea_ci", "srmr"}
    assert inv["decision"] == "partial_scalar"


def test_small_sample_is_refused_with_the_rule() -> None:
    small = _bfi().head(250)
    result = validity(small, _bfi_instrument())
    assert not result.fitted and result.fit is None
    assert result.n_required == 300  # 5 x (20 loadings + 25 residuals + 15 factor (co)variances)
    assert result.refused is not None and "300" in result.refused
    assert "5 per free parameter" in result.rule


def test_required_n_rule() -> None:
    spec = ModelSpec(("a", "b"), ("1", "2", "3", "4", "5", "6"), (0, 0, 0, 1, 1, 1), ())
    assert spec.free_parameters == 4 + 6 + 3
    assert required_n(spec) == 100  # 5 x 13 = 65 < 100


def test_small_group_left_out_of_invariance() -> None:
    data = _bfi().copy()
    data.loc[data.index[:40], "gender"] = "other"  # 40 < 300: not compared, named
    result = validity(data, _bfi_instrument(), group_column="gender")
    inv = result.invariance
    assert inv is not None
    sizes = {g.label: g for g in inv.groups}
    assert not sizes["other"].enough
    assert any("other" in note for note in inv.notes)


def test_fiml_uses_incomplete_rows() -> None:
    result = validity(_bfi(), _bfi_instrument(), missing="fiml")
    assert result.n == _ref()["bfi_fiml"]["fit"]["ntotal"]
    assert result.fit is not None
    assert result.fit.chisq == pytest.approx(_ref()["bfi_fiml"]["fit"]["chisq"], abs=TOL)


def test_unknown_group_column_is_a_clear_error() -> None:
    with pytest.raises(OptionError, match="subgroup column 'team'"):
        validity(_bfi(), _bfi_instrument(), group_column="team")
