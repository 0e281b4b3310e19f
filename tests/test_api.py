"""The public API (``import cop_eval as ce``): lazy, the same answers as the command line.

``result.to_dict()`` must be exactly what the matching command prints with ``--json``; a DataFrame
reads like the file it came from; every result type is a frozen :class:`cop_eval.results.Result`.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pydantic import BaseModel

import cop_eval as ce
from cop_eval.cli import main
from cop_eval.cli.terms import cli_message
from cop_eval.errors import OptionError, option
from cop_eval.privacy import create_key
from cop_eval.results import Result

DATA = Path(__file__).resolve().parent.parent / "sample_data"
KEY = b"api-test-key-0123456789abcdef"


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def _same(doc: Any) -> Any:
    """The dict as it would travel through JSON (tuples become lists, NaN null)."""
    return json.loads(json.dumps(doc, allow_nan=True).replace("NaN", "null"))


def test_import_is_lazy() -> None:
    code = "import sys, cop_eval; print(sorted(m for m in ('pandas', 'scipy', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert callable(ce.read_responses) and ce.Project.__name__ == "Project"
    with pytest.raises(AttributeError):
        ce.no_such_name  # noqa: B018


@pytest.fixture(scope="module")
def wave3() -> ce.ResponseSet:
    return ce.read_responses(
        DATA / "wave3_paper.csv", "reflection", id_column="email", group_columns="strand", key=KEY
    )


def test_to_dict_is_the_cli_json(wave3: ce.ResponseSet, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(DATA / "wave3_paper.csv")
    cli = _json(capsys, "check", path, "-i", "reflection", "--json")
    assert _same(ce.read_responses(path, "reflection").to_dict()) == cli
    cli = _json(capsys, "reliability", path, "-i", "reflection", "--json")
    assert _same(ce.reliability(wave3).to_dict()) == cli
    cli = _json(capsys, "score", path, "-i", "reflection", "--json")
    assert _same(ce.score(wave3).to_dict()) == cli


def test_compare_to_dict_is_the_cli_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The command line's per-user key is the API's key file here, so the pseudonyms agree.
    key_file = tmp_path / "user.key"
    create_key(key_file)
    monkeypatch.setenv("COP_EVAL_SECRET_FILE", str(key_file))
    files = [DATA / "wave1_qualtrics.csv", DATA / "wave3_paper.csv"]
    ids = ["RecipientEmail", "email"]
    cli = _json(
        capsys,
        "compare",
        *map(str, files),
        "-i",
        "reflection",
        *(a for i in ids for a in ("--id-column", i)),
        "--labels",
        "first,last",
        "--json",
    )
    waves = [
        ce.read_responses(f, "reflection", id_column=i, key=key_file)
        for f, i in zip(files, ids, strict=True)
    ]
    result = ce.compare_waves(waves, labels=["first", "last"])
    assert _same(result.to_dict()) == cli
    assert result.to_dict()["scales"][0]["comparisons"][0]["design"] == "paired"


def test_a_dataframe_reads_like_its_file(wave3: ce.ResponseSet) -> None:
    frame = pd.read_csv(DATA / "wave3_paper.csv", sep=";", encoding="utf-8-sig", dtype=str)
    from_frame = ce.read_responses(
        frame, "reflection", id_column="email", group_columns="strand", key=KEY
    )
    assert from_frame.source == "DataFrame"
    pd.testing.assert_frame_equal(from_frame.items, wave3.items)
    pd.testing.assert_series_equal(from_frame.respondent_ids, wave3.respondent_ids)
    pd.testing.assert_frame_equal(from_frame.groups, wave3.groups)
    assert from_frame.report.rows_accepted == wave3.report.rows_accepted
    # Numbers as numbers (pandas' own parsing) give the same answers.
    numeric = pd.read_csv(DATA / "wave3_paper.csv", sep=";", encoding="utf-8-sig")
    again = ce.read_responses(numeric, "reflection")
    pd.testing.assert_frame_equal(again.items, wave3.items)


def test_group_columns_can_be_renamed(wave3: ce.ResponseSet) -> None:
    renamed = ce.read_responses(
        DATA / "wave3_paper.csv", "reflection", group_columns={"strand": "part"}
    )
    assert list(renamed.groups.columns) == ["part"]
    assert renamed.groups["part"].tolist() == wave3.groups["strand"].tolist()


def test_score_needs_an_instrument_when_several_were_read() -> None:
    both = ce.read_responses(DATA / "wave3_paper.csv", ["reflection", "professional_identity"])
    with pytest.raises(OptionError, match="several instruments"):
        ce.score(both)
    assert ce.score(both, "reflection").instrument.id == "reflection"
    with pytest.raises(OptionError, match="without instrument 'transfer_of_learning'"):
        ce.score(both, "transfer_of_learning")


def test_reliability_output_hides_small_samples() -> None:
    small = ce.read_responses(DATA / "wave3_paper.csv", "reflection")
    few = dataclasses.replace(small, items=small.items.iloc[:4])
    result = ce.reliability(few)
    assert result.scales[0].n == 4  # the figures are there to check against R ...
    doc = result.to_dict()  # ... but no output shows them
    assert all(s["suppressed"] and "alpha" not in s for s in doc["scales"])
    assert result.to_frame()["alpha"].isna().all() and result.items_frame().empty


def _result_types() -> list[type[Result]]:
    for info in pkgutil.walk_packages(ce.__path__, "cop_eval."):
        if ".web" not in info.name and ".cli" not in info.name:
            importlib.import_module(info.name)
    found: list[type[Result]] = []
    todo = list(Result.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_result_is_frozen() -> None:
    types = _result_types()
    names = {t.__name__ for t in types}
    assert {"ResponseSet", "ScoreTable", "ReliabilityResult", "WaveComparison"} <= names
    assert "ValidityResult" in names
    for cls in types:
        if issubclass(cls, BaseModel):
            assert cls.model_config.get("frozen") is True, cls
        else:
            assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen, cls  # type: ignore[attr-defined]


def test_frozen(wave3: ce.ResponseSet) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        wave3.wave = "changed"  # type: ignore[misc]


def test_library_messages_name_parameters_the_cli_names_flags() -> None:
    exc = OptionError(f"use {option('design', 'independent')} or give {option('id_column')}")
    assert str(exc) == "use design='independent' or give id_column"
    assert cli_message(exc) == "use --design independent or give --id-column"
    assert exc.options == ("design", "id_column")


def test_library_errors_keep_their_cause(tmp_path: Path) -> None:
    with pytest.raises(ce.DataImportError) as info:
        ce.read_responses(tmp_path / "missing.csv", "reflection")
    assert isinstance(info.value.__cause__, FileNotFoundError)
