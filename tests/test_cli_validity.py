"""``cop-eval validity``: tables, --json, the sample-size refusal and usage errors.

Figures are checked against lavaan in tests/stats/test_cfa.py and tests/measure/test_validity.py;
here the command is checked end to end on psychTools::bfi (with its gender column) and on the
bundled sample data (too few respondents: the refusal).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cop_eval.cli import main

REF = Path(__file__).parent / "reference"
SAMPLE = Path(__file__).parent.parent / "sample_data"


@pytest.fixture(scope="module")
def bfi_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = pd.read_csv(REF / "data" / "bfi.csv")
    data["gender"] = pd.read_csv(REF / "data" / "bfi_demographics.csv")["gender"].map(
        {1: "male", 2: "female"}
    )
    path = tmp_path_factory.mktemp("bfi") / "bfi_gender.csv"
    data.to_csv(path, index=False)
    return path


def test_json_on_bfi(bfi_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validity", str(bfi_file), "-i", str(REF / "bfi_instrument.yaml"), "--json"])
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    ref = json.loads((REF / "validity.json").read_text())["bfi"]["fit"]
    assert doc["fit"]["chisq"] == pytest.approx(ref["chisq"], abs=1e-3)
    assert doc["fit"]["rmsea_ci"] == pytest.approx(
        [ref["rmsea_ci_lower"], ref["rmsea_ci_upper"]], abs=1e-3
    )
    assert doc["invariance"] is None
    assert doc["missing"] == "listwise"


def test_tables_with_invariance_by_gender(
    bfi_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "validity",
            str(bfi_file),
            "-i",
            str(REF / "bfi_instrument.yaml"),
            "--group-column",
            "gender",
        ]
    )
    assert code == 0
    text = capsys.readouterr().out
    for words in [
        "Model fit (configural",
        "Standardised loadings",
        "Discriminant validity",
        "Omega per scale",
        "Invariance across groups: female (n = 1631), male (n = 805)",
        "partial scalar",
        "Chen (2007)",
        "Caution, Neuroticism",
    ]:
        assert words in text, words


def test_sample_data_is_refused_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "validity",
            str(SAMPLE / "wave1_qualtrics.csv"),
            str(SAMPLE / "wave3_paper.csv"),
            "-i",
            "le_may_success_factors",
            "--id-column",
            "RecipientEmail",
            "--id-column",
            "email",
        ]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert "Not fitted" in captured.out and "the model needs 325" in captured.out
    assert "Not tested" in captured.out
    assert "answered more than one wave" in captured.out
    assert "error: no factor model fitted" in captured.err
    assert "Traceback" not in captured.err


def test_usage_errors(bfi_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validity", "-i", "reflection"]) == 2
    code = main(
        [
            "validity",
            str(bfi_file),
            str(bfi_file),
            "-i",
            str(REF / "bfi_instrument.yaml"),
            "--group-column",
            "gender",
        ]
    )
    assert code == 2
    assert "one DATA file" in capsys.readouterr().err
