"""Every YAML a user gives (instrument, mapping, codebook) is read within the limits (issue 19.7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cop_eval.comments.codebook import CodebookError, load_codebook
from cop_eval.errors import OptionError
from cop_eval.ingest.matching import load_mapping

from .corpus import alias_bomb, deep_yaml


@pytest.mark.parametrize(("build", "limit"), [(deep_yaml, "DEPTH"), (alias_bomb, "NODES")])
def test_codebook_and_mapping_refuse_hostile_yaml(
    tmp_path: Path, build: object, limit: str
) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_bytes(build())  # type: ignore[operator]
    with pytest.raises(CodebookError, match=f"COP_EVAL_MAX_YAML_{limit}"):
        load_codebook(path)
    with pytest.raises(OptionError, match=f"COP_EVAL_MAX_YAML_{limit}"):
        load_mapping(path)


def test_a_limit_is_raised_by_its_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text("a: [[[[x]]]]\n", encoding="utf-8")
    monkeypatch.setenv("COP_EVAL_MAX_YAML_DEPTH", "3")
    with pytest.raises(OptionError, match="COP_EVAL_MAX_YAML_DEPTH"):
        load_mapping(path)
    monkeypatch.setenv("COP_EVAL_MAX_YAML_DEPTH", "10")
    with pytest.raises(OptionError) as caught:
        load_mapping(path)  # within the limit: refused for its content, not its depth
    assert "MAX_YAML" not in str(caught.value)
