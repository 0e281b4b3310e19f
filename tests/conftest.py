"""Shared fixtures: every test gets its own secret key file, so no test touches ~/.config."""

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_secret(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "COP_EVAL_SECRET_FILE", str(tmp_path_factory.mktemp("secret") / "secret.key")
    )
    monkeypatch.setenv("MPLBACKEND", "Agg")


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
