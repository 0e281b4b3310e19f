"""Fuzzing the readers that tests/ingest does not fuzz: SPSS files and YAML (issue 19, "Done").

CSV and xlsx are fuzzed in tests/ingest/test_hostile.py. Each test here runs a bounded number of
examples in CI; ``COP_EVAL_FUZZ_EXAMPLES=2000 .venv/bin/pytest tests/hostile/test_fuzz.py
-p no:xdist`` is the longer run (docs/import.md, "Hostile files").
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cop_eval.errors import CopEvalError, DataImportError
from cop_eval.ingest import read_responses, spss_source
from cop_eval.instruments import load_instrument

from .corpus import INSTRUMENT_YAML, small_sav

EXAMPLES = int(os.environ.get("COP_EVAL_FUZZ_EXAMPLES", "0")) or None
KEY = b"hostile-fuzz-key-0123456789abcdef"
SAV = small_sav()


def _instrument(folder: Path) -> Path:
    path = folder / "instrument.yaml"
    path.write_text(INSTRUMENT_YAML, encoding="utf-8")
    return path


def _read(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export{suffix}"
        path.write_bytes(data)
        instrument = load_instrument(_instrument(Path(folder)))
        try:
            rs = read_responses(path, [instrument], key=KEY, group_columns=["team"])
        except CopEvalError as exc:
            assert str(exc).strip()
            return
        report = rs.report
        assert report.rows_accepted + report.rows_rejected == report.rows_read


@settings(max_examples=EXAMPLES or 4, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.integers(0, len(SAV) - 1), st.integers(0, 255)), max_size=4))
def test_mutated_sav_files_give_a_report_or_a_clear_error(changes: list[tuple[int, int]]) -> None:
    data = bytearray(SAV)
    for at, value in changes:
        data[at] = value
    _read(bytes(data), ".sav")


def test_a_crash_of_the_spss_reader_is_an_error_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyreadstat segfaulted on ~1 in 80 one-byte mutations (issue 19.6); the child process that
    reads the file is made to crash the same way here."""
    crash = ["-c", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"]
    monkeypatch.setattr(spss_source, "_CHILD", crash)
    path = tmp_path / "survey.sav"
    path.write_bytes(SAV)
    instrument = load_instrument(_instrument(tmp_path))
    with pytest.raises(DataImportError, match=r"stopped with signal 11.*damaged"):
        read_responses(path, [instrument], key=KEY)


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True),
    st.text(max_size=20),
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)
_keys = st.sampled_from(
    ["id", "version", "title", "response_scale", "items", "scales", "min", "max", "labels",
     "reverse", "status_rules", "comments", "license", "sources"]
)  # fmt: skip


@st.composite
def instrument_documents(draw: st.DrawFn) -> str:
    """The test instrument with some keys replaced by random values, as YAML text."""
    data = yaml.safe_load(INSTRUMENT_YAML)
    for _ in range(draw(st.integers(1, 4))):
        data[draw(_keys)] = draw(_values)
    return yaml.safe_dump(data, allow_unicode=True)


def _load(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "instrument.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_instrument(path)
        except CopEvalError as exc:
            assert str(exc).strip()


@settings(max_examples=EXAMPLES or 40, deadline=None, suppress_health_check=list(HealthCheck))
@given(instrument_documents())
def test_random_instruments_load_or_give_a_clear_error(text: str) -> None:
    _load(text)


@settings(max_examples=EXAMPLES or 40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(alphabet=st.sampled_from(list("[]{}:-&*!|>'\"#, \n\tab1")), max_size=400))
def test_random_yaml_text_loads_or_gives_a_clear_error(text: str) -> None:
    _load(text)
