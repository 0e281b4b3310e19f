"""Every case of the hostile corpus: a clear error or a true report, never a traceback."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from cop_eval.cli import main

from .corpus import CASES, Case


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(
    case: Case,
    corpus: dict[str, Path],
    corpus_instrument: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    path = str(corpus[case.name])
    if case.command == "report-facts":
        _report_facts(case, Path(path), corpus_instrument)
        return
    if case.command == "validate":
        argv = ["instruments", "validate", path]
    else:
        argv = ["check", path, "--instrument", str(corpus_instrument), "--json", *case.args]
    code, out, err = run(argv)
    assert "Traceback" not in err and "internal error" not in err, err
    if case.error is not None:
        assert code == 1, (out, err)
        assert case.error in err, err
        return
    assert code == 0, err
    report = json.loads(out)
    if case.rows_read is not None:
        assert report["rows_read"] == case.rows_read
        assert report["rows_accepted"] + report["rows_rejected"] == report["rows_read"]
    if case.warning is not None:
        assert any(case.warning in w for w in report["warnings"]), report["warnings"]
    for text in case.no_text:
        assert text not in out and text not in err, text


def _report_facts(case: Case, path: Path, instrument: Path) -> None:
    """The report engine on the file, grouped by its 'team' column: a clear error."""
    from cop_eval.errors import CopEvalError
    from cop_eval.ingest import read_responses
    from cop_eval.instruments import load_instrument
    from cop_eval.report.build import ReportOptions, build_report_facts

    loaded = load_instrument(instrument)
    rs = read_responses(path, [loaded], key=b"k" * 32, group_columns=["team"])
    with pytest.raises(CopEvalError) as caught:
        build_report_facts([rs], [loaded], ReportOptions(group_column="team"))
    assert case.error is not None and case.error in str(caught.value)
    assert "person0@" not in str(caught.value)
