"""The corpus is written once per test session (its files are small)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .corpus import write_corpus


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_corpus(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="session")
def corpus_instrument(corpus: dict[str, Path]) -> Path:
    return next(iter(corpus.values())).parent / "instrument.yaml"
