"""`cop-eval instruments ...` in-process: output, exit codes, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cop_eval.cli import main


def test_list_shows_every_builtin(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["instruments", "list"]) == 0
    text = capsys.readouterr().out
    for ident in ("le_may_success_factors", "mcdermott_identity_strength", "reflection"):
        assert ident in text


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["instruments", "list", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    by_id = {i["id"]: i for i in payload["instruments"]}
    assert by_id["le_may_success_factors"]["scales"] == 7
    assert by_id["reflection"]["stages"] == [3]


def test_show_prints_items_keys_and_scales(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["instruments", "show", "reflection"]) == 0
    text = capsys.readouterr().out
    assert "rf_time_to_reflect_3" in text and "stage 3" in text
    assert " - " in text  # a reverse-keyed item is marked


def test_validate_ok_and_broken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], repo_root: Path
) -> None:
    good = repo_root / "instruments" / "reflection.yaml"
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: Bad Id\nitems: []\n", encoding="utf-8")
    assert main(["instruments", "validate", str(good)]) == 0
    assert main(["instruments", "validate", str(good), str(bad)]) == 1
    captured = capsys.readouterr()
    assert "reflection.yaml: ok" in captured.out
    assert "bad.yaml:" in captured.err and "is not a valid id" in captured.err
    assert "Traceback" not in captured.err


def test_unknown_instrument_is_exit_1_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["instruments", "show", "nope"]) == 1
    err = capsys.readouterr().err
    assert "no built-in instrument" in err and "Traceback" not in err


def test_usage_error_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["instruments", "show"]) == 2
    assert "Missing argument" in capsys.readouterr().err
